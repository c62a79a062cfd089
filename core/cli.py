"""The headless interface: ``python -m core COMMAND`` (a contract; DESIGN section 4).

Every command takes ``--data-dir`` and ``--json``. With ``--json`` exactly one
JSON document goes to stdout; progress and errors go to stderr. Exit codes:
0 ok, 1 bad input (an ``AppError``), 2 usage (argparse).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

from core.errors import AppError, UsageError

SUPPORTED = {".pdf", ".docx", ".doc"}


def _settings(args):
    from core.settings import load_settings

    return load_settings(data_dir=args.data_dir)


def _library(args):
    from core.library import Library

    return Library(_settings(args))


def _emit(args, payload: dict, human: Callable[[dict], str]) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        text = human(payload)
        if text:
            print(text)


def _stderr_progress(args):
    last = {"msg": None}

    def progress(fraction: float, message: str) -> None:
        if args.json or not sys.stderr.isatty():
            return
        if message and message != last["msg"]:
            last["msg"] = message
            print(f"\r{int(fraction * 100):3d}%  {message[:70]:<70}", end="", file=sys.stderr, flush=True)

    return progress


def collect_paths(paths: Sequence[str]) -> list[Path]:
    """Files named directly, plus supported files found inside folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"There is no file or folder at '{raw}'; check the path and try again.")
    return out


def cmd_ingest(args) -> int:
    lib = _library(args)
    items = [(p.name, p.read_bytes()) for p in collect_paths(args.paths)]
    if not items:
        raise UsageError("No PDF or Word files were found there; point to .pdf or .docx files or a folder holding them.")
    reports = lib.ingest_many(items, _stderr_progress(args))
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)

    def human(payload):
        lines = []
        for r, rep in zip(payload["files"], reports):
            lines.append(f"{r['status']:>9}  {r['file']}  ({_pages(r['pages'])}, {r['chunks']} passages)"
                         if r["status"] != "failed" else f"   failed  {r['file']}: {r['error']}")
            lines.extend(f"           warning: {w}" for w in r["warnings"])
        return "\n".join(lines)

    _emit(args, {"files": [r.as_dict() for r in reports]}, human)
    return 0


def _pages(n: int) -> str:
    """'12 pages', '1 page', or, for a Word file that stored no page breaks, 'no page numbers'."""
    return f"{n} page{'s' if n != 1 else ''}" if n else "no page numbers"


def cmd_library(args) -> int:
    docs = _library(args).documents()

    def human(payload):
        if not payload["documents"]:
            return "Your library is empty. Add files with: python -m core ingest PATH"
        return "\n".join(
            f"{d['file']}  {d['type']}  {_pages(d['pages'])}  {d['chunks']} passages  added {d['added_at']}"
            + "".join(f"\n    warning: {w}" for w in d["warnings"])
            for d in payload["documents"]
        )

    _emit(args, {"documents": [d.as_dict() for d in docs]}, human)
    return 0


def cmd_remove(args) -> int:
    _library(args).remove(args.name)
    _emit(args, {"removed": args.name}, lambda p: f"Removed {p['removed']} from your library.")
    return 0


def _place(r: dict) -> str:
    if r.get("page") is not None:
        end = r.get("page_end")
        return f"page {r['page']}" + (f"-{end}" if end and end != r["page"] else "")
    return f"section “{r.get('section') or 'start'}”"


def cmd_search(args) -> int:
    from core.search import search

    lib = _library(args)
    files = [args.file] if args.file else None
    if files:
        lib.document(args.file)  # a clear error for a wrong name
    results = search(lib, args.question, k=args.k, files=files)

    def human(payload):
        if not payload["results"]:
            return "Nothing in your documents matched that."
        return "\n\n".join(
            f"{i}. {r['file']}, {_place(r)}  (score {r['score']:.4f})\n   {r['text'][:300].strip()}"
            for i, r in enumerate(payload["results"], 1)
        )

    _emit(args, {"results": [r.as_dict() for r in results]}, human)
    return 0


def _is_hit(result: dict, sources: list[dict], tolerance: int) -> bool:
    for src in sources:
        if src.get("file") != result["file"]:
            continue
        page = src.get("page")
        if page is None:
            if src.get("section") and src.get("section") == result.get("section"):
                return True
            if not src.get("section"):
                return True
            continue
        if result.get("page") is None:
            continue
        lo = result["page"] - tolerance
        hi = (result.get("page_end") or result["page"]) + tolerance
        if lo <= page <= hi:
            return True
    return False


def run_eval(library, questions: list[dict], k: int, tolerance: int) -> dict:
    """Recall@k and MRR over answerable questions, plus how the relevance gate behaved."""
    from core.search import gate, search

    per_question = []
    hits = 0
    rr_total = 0.0
    answerable = 0
    gate_kept_answerable = 0
    gate_rejected_unanswerable = 0
    unanswerable = 0
    for q in questions:
        results = search(library, q["question"], k=k)
        dicts = [r.as_dict() for r in results]
        is_answerable = q.get("answerable", True) and bool(q.get("sources"))
        passed = bool(gate(results, q["question"]))
        if is_answerable:
            answerable += 1
            gate_kept_answerable += passed
            rank = next((i for i, r in enumerate(dicts, 1) if _is_hit(r, q["sources"], tolerance)), None)
            hits += rank is not None
            rr_total += 1.0 / rank if rank else 0.0
            per_question.append({"id": q.get("id"), "hit": rank is not None, "rank": rank, "gate": passed, "results": dicts})
        else:
            unanswerable += 1
            gate_rejected_unanswerable += not passed
            per_question.append({"id": q.get("id"), "hit": None, "rank": None, "gate": passed, "results": dicts})
    return {
        "questions": len(questions),
        "answerable": answerable,
        "k": k,
        "recall_at_k": round(hits / answerable, 4) if answerable else 0.0,
        "mrr": round(rr_total / answerable, 4) if answerable else 0.0,
        "gate_kept_answerable": round(gate_kept_answerable / answerable, 4) if answerable else None,
        "gate_rejected_unanswerable": round(gate_rejected_unanswerable / unanswerable, 4) if unanswerable else None,
        "per_question": per_question,
    }


def read_questions(path: str) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"Groundwork couldn't open '{path}'; check the path and try again.") from exc
    questions = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"Line {n} of {path} is not valid JSON; fix that line and try again.") from exc
        if not isinstance(q, dict) or not q.get("question"):
            raise UsageError(f"Line {n} of {path} has no question; each line needs a 'question'.")
        questions.append(q)
    return questions


def cmd_eval(args) -> int:
    lib = _library(args)
    report = run_eval(lib, read_questions(args.questions), args.k, args.page_tolerance)

    def human(p):
        return (f"{p['answerable']} answerable questions, recall@{p['k']} {p['recall_at_k']:.2f}, MRR {p['mrr']:.2f}; "
                f"relevance gate kept {p['gate_kept_answerable']:.2f} of answerable and rejected "
                f"{p['gate_rejected_unanswerable']:.2f} of unanswerable questions")

    _emit(args, report, human)
    return 0


def cmd_ask(args) -> int:
    from core.answer import answer
    from core.llm import OllamaService

    settings = _settings(args)
    lib = _library(args)
    if args.file:
        lib.document(args.file)
    llm = OllamaService(settings.ollama_host, settings.ollama_timeout_s)
    stream = answer(args.question, library=lib, llm=llm, settings=settings, files=[args.file] if args.file else None)
    for piece in stream.display():  # citation numbers already as finally shown
        if not args.json:
            print(piece, end="", flush=True)
    result = stream.result
    if args.json:
        _emit(args, {k: result[k] for k in ("answer", "found", "mode", "citations")} | {
            k: v for k, v in result.items() if k not in ("answer", "found", "mode", "citations") and _jsonable(v)
        }, lambda p: "")
    else:
        print()
        if result.get("notice"):
            print(f"\n{result['notice']}")
        for c in result["citations"]:
            where = f"page {c['page']}" if c.get("page") is not None else f"section {c.get('section') or ''}"
            print(f"[{c['n']}] {c['file']}, {where}")
    return 0


def _jsonable(v) -> bool:
    try:
        json.dumps(v)
        return True
    except (TypeError, ValueError):
        return False


def cmd_advise(args) -> int:
    from core import advisor

    try:
        answers = json.loads(Path(args.answers).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"Groundwork couldn't open '{args.answers}'; check the path and try again.") from exc
    except ValueError as exc:
        raise UsageError(f"'{args.answers}' is not valid JSON; fix it and try again.") from exc
    if not isinstance(answers, dict):
        raise UsageError("The answers file must hold one JSON object of question ids and values.")
    settings = _settings(args)
    measured = None
    if settings.db_path.exists():
        from core.history import History

        lib = _library(args)
        measured = advisor.measure(lib.stats(), History(settings.db_path).usage_stats())
    advice = advisor.advise(answers, measured)
    payload = advice.as_dict()

    def human(p):
        lines = [p.get("headline") or p["verdict"], ""]
        lines += [f"- {r}" for r in p["reasons"]]
        lines += ["", "Next steps:"] + [f"{i}. {s}" for i, s in enumerate(p["next_steps"], 1)]
        return "\n".join(lines)

    _emit(args, payload, human)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: GROUNDWORK_DATA_DIR or your app-data folder)")
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser = argparse.ArgumentParser(prog="python -m core", description="Groundwork without the browser.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="add PDF/Word files or folders to the library")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("library", parents=[common], help="list documents")
    p.set_defaults(func=cmd_library)
    p = sub.add_parser("remove", parents=[common], help="remove a document by name")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("search", parents=[common], help="find passages")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--file", help="only search this document")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("ask", parents=[common], help="ask a question; cited answer from the local model")
    p.add_argument("question")
    p.add_argument("--file", help="only use this document")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("eval", parents=[common], help="retrieval recall@k and MRR on a questions file")
    p.add_argument("questions")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--page-tolerance", type=int, default=0)
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("advise", parents=[common], help="RAG or fine-tuning? from a JSON file of answers")
    p.add_argument("answers")
    p.set_defaults(func=cmd_advise)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        parser.error("--k must be 1 or more")
    try:
        return args.func(args)
    except AppError as exc:
        print(exc.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 1
