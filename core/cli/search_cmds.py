"""``search`` and ``eval``: finding passages, and measuring how well that works."""
from __future__ import annotations

from core.cli.common import add_as_option, emit, library_from, readable_library_from
from core.place import Place


def cmd_search(args) -> int:
    from core.search import is_weak, off_topic, search, strength

    lib, _ = readable_library_from(args)
    files = [args.file] if args.file else None
    if files:
        lib.document(args.file)  # a clear error for a wrong name
    results = search(lib, args.question, k=args.k, files=files)
    weak = is_weak(results)
    labels = [strength(r) for r in results]
    unrelated = bool(results) and off_topic(results)

    def human(payload):
        if not payload["results"]:
            return "Nothing in your documents matched that."
        lines = [f"{i}. {r['file']}, {Place.of(r).label()}  ({label}, relevance {r['score']:.2f})\n   {r['text'][:300].strip()}"
                 for i, (r, label) in enumerate(zip(payload["results"], labels), 1)]
        if unrelated:
            lines.insert(0, "This doesn't seem to be about anything in your documents; these are the closest passages.")
        elif weak:
            lines.insert(0, "The best match is weak: read it to see whether it answers your question.")
        return "\n\n".join(lines)

    emit(args, {"results": [r.as_dict() for r in results], "weak": weak}, human)
    return 0


def cmd_eval(args) -> int:
    from core.evaluation import read_questions, run_eval

    lib = library_from(args)
    report = run_eval(lib, read_questions(args.questions), args.k, args.page_tolerance, rerank=not args.no_rerank)

    def human(p):
        def fig(value):
            return "-" if value is None else f"{value:.2f}"

        text = f"{p['answerable']} answerable questions, recall@{p['k']} {fig(p['recall_at_k'])}, MRR {fig(p['mrr'])}"
        if p["reranked"]:
            text += (f"; the right page reached the model for {fig(p['context_recall'])} (context recall); "
                     f"the relevance gate kept {fig(p['gate_kept_answerable'])} of answerable and declined "
                     f"{fig(p['gate_declined_unanswerable'])} of {p['unanswerable']} unanswerable questions")
        return text

    emit(args, report, human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("search", parents=[common], help="find passages")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--file", help="only search this document")
    add_as_option(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("eval", parents=[common], help="retrieval recall@k and MRR on a questions file")
    p.add_argument("questions")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--page-tolerance", type=int, default=0)
    p.add_argument("--no-rerank", action="store_true", help="fused order only, no reranker and no gate (to compare)")
    p.set_defaults(func=cmd_eval)
