"""What a real small model does with near misses and everyday-words questions, per library.

Near misses use a library's own vocabulary to ask for a fact it doesn't hold; everything but a clearly
off-topic question now reaches the model, so it is the model's reply that must say "not in your
documents" (``core.answer.notfound``). This drives the whole answer path (``core.answer.answer``)
against a real model served behind the Ollama API by ``../shared/tools/ollama_shim.py`` (start it
first, see ``../shared/tools/README.md``) and reports, per library and question kind:

- ``stopped_before_model``: declined by the off-topic floor (no model time spent);
- ``said_not_found``: the model's reply was detected as "not in your documents";
- ``answered``: shown as an answer (for a near miss: a wrong "found");
- ``first_word_s`` p50/p95: from the call to the first piece of text on the screen.

A 135M model is far weaker than what owners run: read the figures as "how Groundwork copes with an
imperfect model", not as answer quality. Nothing here is tuned on; the libraries are those of
``benchmarks/libraries.py`` (``acorns`` is the held-out final check).

    V=$(../shared/tools/llama-shim-venv.sh)
    SHIM_CTX=8192 $V/bin/python ../shared/tools/ollama_shim.py --model smollm2:135m=$V/models/smollm2.gguf --port 11436 &
    python benchmarks/near_miss_model.py --host http://127.0.0.1:11436 --model smollm2:135m
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import libraries  # also puts the repository on sys.path


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))], 2)


def read_stream(stream, started: float, first_sentence_only: bool = False) -> dict:
    """Iterate an answer as the owner sees it; seconds from ``started`` to its first word, and what it said.

    ``first_sentence_only``: stop reading once the reply's first sentence is complete (or it ended);
    "not in your documents" is read from the first sentence only (``core.answer.notfound``), so
    ``found`` is the same as for the whole reply, and a weak model's long reply costs no more time.
    """
    from core.text.sentences import sentences

    first = None
    for piece in stream.display():
        if first is None and piece.strip():
            first = time.perf_counter() - started
        if first_sentence_only and stream.messages and len(sentences(stream.live_text(), "answer")) > 1:
            stream.close()
            break
    result = stream.result
    return {"found": bool(result.found), "asked_model": bool(stream.messages), "failed": bool(result.error_kind),
            "first_word_s": first, "answer": result.answer[:160]}


def run_question(question: str, lib, llm, settings) -> dict:
    from core.answer import answer

    started = time.perf_counter()
    return read_stream(answer(question, library=lib, llm=llm, settings=settings), started)


def model_arguments(description: str) -> argparse.ArgumentParser:
    """The options every real-model benchmark takes: where the model is served, and its name."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="http://127.0.0.1:11436")
    parser.add_argument("--model", default="smollm2:135m")
    return parser


@contextmanager
def library_with_model(name: str, args) -> Iterator[tuple]:
    """``name``'s library ingested into a temporary data folder, with settings and a client for the
    served model: ``(lib, llm, settings, questions)``."""
    import common
    from core.llm import OllamaService

    with tempfile.TemporaryDirectory() as tmp:
        lib = libraries.open_library(name, Path(tmp) / "data")
        settings = common.groundwork_settings(Path(tmp) / "data", model=args.model, ollama_host=args.host,
                                              ollama_timeout_s=300.0)
        yield lib, OllamaService.from_settings(settings), settings, libraries.questions(name)


def main() -> None:
    parser = model_arguments(__doc__.split("\n")[0])
    parser.add_argument("--libraries", nargs="*", default=list(libraries.FOLDERS))
    parser.add_argument("--everyday", type=int, default=12, help="everyday-words questions per library (0: none)")
    args = parser.parse_args()

    out: dict = {"model": args.model, "libraries": {}}
    totals: dict = {}
    for name in args.libraries:
        with library_with_model(name, args) as (lib, llm, settings, qs):
            picked = [q for q in qs if q["kind"] == "near_miss"]
            picked += [q for q in qs if q["kind"] == "everyday"][:args.everyday]
            per_kind: dict = {}
            for q in picked:
                row = run_question(q["question"], lib, llm, settings)
                kind = per_kind.setdefault(q["kind"], {"n": 0, "stopped_before_model": 0, "said_not_found": 0,
                                                       "answered": 0, "failed": 0, "first": []})
                kind["n"] += 1
                if row["failed"]:
                    kind["failed"] += 1
                elif not row["asked_model"]:
                    kind["stopped_before_model"] += 1
                elif row["found"]:
                    kind["answered"] += 1
                else:
                    kind["said_not_found"] += 1
                if row["first_word_s"] is not None and row["asked_model"]:
                    kind["first"].append(row["first_word_s"])
            for kind, figures in per_kind.items():
                first = figures.pop("first")
                figures["first_word_s_p50"] = _p(first, 0.5)
                figures["first_word_s_p95"] = _p(first, 0.95)
                total = totals.setdefault(kind, {"n": 0, "stopped_before_model": 0, "said_not_found": 0, "answered": 0,
                                                "failed": 0})
                for key in total:
                    total[key] += figures[key]
            out["libraries"][name] = per_kind
    for total in totals.values():
        total["said_not_found_share"] = round(total["said_not_found"] / max(1, total["n"]), 3)
        total["answered_share"] = round(total["answered"] / max(1, total["n"]), 3)
    out["total"] = totals
    out["held_out"] = libraries.FINAL_CHECK
    out["note"] = "first_word_s: over questions that reached the model; failed: the model call failed (counted apart)"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
