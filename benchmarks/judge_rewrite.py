"""Two optional model calls before an answer (issue 18), each measured for what it adds to the wait before
the first word on a CPU, and for what it changes.

- ``judge``: one short call before answering, on the same prompt as the answer up to the question (so the
  answer reuses the model's prompt cache), asking "which of these sources answers the question? Reply
  with the numbers or NONE". NONE shows "not in your documents" at once (no answer is written);
  numbers, or a reply that can't be read, let the answer go ahead as today.
- ``rewrite``: the model rewrites the question in the documents' likely words before searching; the
  answer is then written from what the rewritten question found (the prompt keeps the owner's question).

Arms, on the same questions in the same run, interleaved so that no call follows a call about the same
question (that would find the whole prompt cached): ``today`` (``core.answer.answer`` as shipped),
``judge`` and ``rewrite``. Per library and kind (``near_miss``: the library's words asking for a fact it
doesn't hold; ``everyday``: answerable, asked in everyday words): said "not in your documents",
answered, failed, and seconds to the first word (p50/p95). A reply is read up to its first sentence,
which is all "not in your documents" is read from (``near_miss_model.read_stream``).

``retrieval``: over every everyday-words question of each library (or ``--rewrite-questions``), the right
page in the top 5 and among what reaches the model (``core.search.gate``), for the owner's question, the
rewritten one, and both together, with the rewrite call's own seconds.

Start a real model behind the Ollama API first (``../shared/tools/README.md``), then:

    python benchmarks/judge_rewrite.py --host http://127.0.0.1:11436 --model smollm2:135m \\
        --libraries acorns hartwell --near-miss 4 --everyday 4

Prints one JSON object.
"""
from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager
from itertools import zip_longest
from typing import Any, Mapping, Sequence

import libraries  # also puts the repository on sys.path
from near_miss_model import _p, library_with_model, model_arguments, read_stream

JUDGE_ASK = ("Which of the numbered sources above answers the question? Reply with only their numbers, "
             "like: 1, 3. If none of them answers it, reply with only: NONE")
JUDGE_TOKENS = 12
REWRITE_SYSTEM = (
    "You rewrite a question asked by a business owner or their staff in the words their own documents "
    "(policies, handbooks, price lists, manuals, forms) would most likely use: the formal or technical "
    "terms. Keep its meaning. Reply with the rewritten question only, on one line.")
REWRITE_TOKENS = 48
ARMS = ("today", "judge", "rewrite")


# --------------------------------------------------------------------------- pure helpers


def judge_messages(messages: list[dict]) -> list[dict]:
    """The answer's messages with the closing reminder replaced by the judge's question.

    Everything before the reminder (rules, sources, question) is unchanged, so the answer that follows
    finds it in the model's prompt cache.
    """
    last = messages[-1]
    head = str(last["content"]).rsplit("\n\n", 1)[0]
    return [*messages[:-1], {"role": last["role"], "content": f"{head}\n\n{JUDGE_ASK}"}]


_NONE_OR_NUMBER = re.compile(r"\bnone\b|\bno\s+(?:source|passage)s?\b|\d+", re.IGNORECASE)


def parse_judge(reply: str, sources: int) -> list[int] | None:
    """The source numbers the judge picked; [] for NONE; None when the reply can't be read.

    The first of "NONE" and a number decides ("NONE of 1-3" is NONE); numbers outside 1..sources don't
    count. A reply saying the documents don't answer it ("The documents don't say.") counts as NONE.
    """
    from core.answer.notfound import is_not_found

    text = (reply or "").strip()
    first = _NONE_OR_NUMBER.search(text)
    if first is None:
        return [] if text and is_not_found(text) else None
    if not first.group().isdigit():
        return []
    picked = sorted({int(n) for n in re.findall(r"\d+", text) if 1 <= int(n) <= sources})
    return picked or None


def clean_rewrite(reply: str, question: str) -> str:
    """The rewritten question from the model's reply: its first non-empty line, without a label or quotes;
    the owner's question when nothing usable came back."""
    for line in (reply or "").splitlines():
        line = re.sub(r"^\s*(?:rewritten(?:\s+question)?|question)\s*:\s*", "", line, flags=re.IGNORECASE)
        line = line.strip().strip("\"'“”‘’*").strip()
        if len(line) >= 3:
            return line
    return question


# --------------------------------------------------------------------------- the calls


def _options(options: dict, tokens: int) -> dict:
    # the answer's own window: a different num_ctx makes Ollama reload the model
    return {"num_ctx": options.get("num_ctx", 4096), "temperature": 0, "num_predict": tokens}


def rewrite(question: str, llm, model: str) -> tuple[str, float]:
    from core.answer.prompt import MIN_CTX

    started = time.perf_counter()
    reply = llm.chat(model, [{"role": "system", "content": REWRITE_SYSTEM}, {"role": "user", "content": question}],
                     _options({"num_ctx": MIN_CTX}, REWRITE_TOKENS))
    return clean_rewrite(reply, question), time.perf_counter() - started


@contextmanager
def searching_for(query: str):
    """``core.answer.answer`` searches for ``query`` (the prompt keeps the owner's question)."""
    from core.answer import pipeline

    def searched(question: str, history: Sequence[Mapping[str, Any]] = ()) -> str:
        return query

    saved = pipeline.standalone_query
    pipeline.standalone_query = searched
    try:
        yield
    finally:
        pipeline.standalone_query = saved


def run_arm(arm: str, q: dict, lib, llm, settings) -> dict:
    from core.answer import answer
    from core.evaluation import is_hit

    started = time.perf_counter()
    row: dict = {"arm": arm, "id": q["id"], "kind": q["kind"]}
    if arm == "rewrite":
        query, row["rewrite_s"] = rewrite(q["question"], llm, settings.model)
        row["rewritten"] = query
        with searching_for(query):
            stream = answer(q["question"], library=lib, llm=llm, settings=settings)
    else:
        stream = answer(q["question"], library=lib, llm=llm, settings=settings)
    if arm == "judge" and stream.messages:
        asked = time.perf_counter()
        reply = llm.chat(settings.model, judge_messages(stream.messages), _options(stream.options, JUDGE_TOKENS))
        row["judge_s"] = time.perf_counter() - asked
        picked = parse_judge(reply, len(stream.sources))
        row["verdict"] = "none" if picked == [] else "unreadable" if picked is None else "numbers"
        row["judge_reply"] = reply[:80]
        if picked:
            row["judge_right_page"] = any(is_hit(s.as_dict(), q.get("sources") or [], 0)
                                          for s in stream.sources if s.n in picked)
        if picked == []:  # "not in your documents" is shown now; the answer is never asked for
            stream.close()
            row.update(found=False, asked_model=True, failed=False, first_word_s=time.perf_counter() - started)
            return row
    row.update(read_stream(stream, started, first_sentence_only=True))
    return row


def interleaved(questions: list[dict]) -> list[tuple[str, dict]]:
    """(arm, question) in an order where no call follows one about the same question."""
    order = []
    for r in range(len(questions) + len(ARMS) - 1):
        for a, arm in enumerate(ARMS):
            if 0 <= r - a < len(questions):
                order.append((arm, questions[r - a]))
    return order


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for arm in ARMS:
        mine = [r for r in rows if r["arm"] == arm]
        per: dict = {}
        for kind in ("near_miss", "everyday", "all"):
            sel = [r for r in mine if kind in ("all", r["kind"])]
            first = [r["first_word_s"] for r in sel if r.get("first_word_s") is not None and r["asked_model"]]
            per[kind] = {"n": len(sel), "said_not_found": sum(1 for r in sel if not r["failed"] and not r["found"]),
                         "answered": sum(1 for r in sel if not r["failed"] and r["found"]),
                         "failed": sum(1 for r in sel if r["failed"]),
                         "first_word_s_p50": _p(first, 0.5), "first_word_s_p95": _p(first, 0.95)}
        if arm == "judge":
            judged = [r for r in mine if "verdict" in r]
            per["judge_s_p50"] = _p([r["judge_s"] for r in judged], 0.5)
            per["judge_s_p95"] = _p([r["judge_s"] for r in judged], 0.95)
            per["verdicts"] = {v: sum(1 for r in judged if r["verdict"] == v) for v in ("none", "numbers", "unreadable")}
            per["everyday_declined_by_judge"] = sum(1 for r in judged if r["kind"] == "everyday" and r["verdict"] == "none")
            per["near_miss_declined_by_judge"] = sum(1 for r in judged if r["kind"] == "near_miss" and r["verdict"] == "none")
            per["everyday_judge_picked_right_page"] = sum(1 for r in judged if r.get("judge_right_page"))
        if arm == "rewrite":
            per["rewrite_s_p50"] = _p([r["rewrite_s"] for r in mine], 0.5)
            per["rewrite_s_p95"] = _p([r["rewrite_s"] for r in mine], 0.95)
        out[arm] = per
    today = {r["id"]: r["first_word_s"] for r in rows if r["arm"] == "today" and r.get("first_word_s") is not None}
    for arm in ("judge", "rewrite"):
        a, b = out[arm]["all"]["first_word_s_p50"], out["today"]["all"]["first_word_s_p50"]
        out[arm]["added_first_word_p50_s"] = None if a is None or b is None else round(a - b, 2)
        # the same question's two waits, a few calls apart: less moved by the machine's load drifting
        paired = [r["first_word_s"] - today[r["id"]] for r in rows
                  if r["arm"] == arm and r.get("first_word_s") is not None and r["id"] in today]
        out[arm]["added_first_word_paired_p50_s"] = _p(paired, 0.5)
    return out


# --------------------------------------------------------------------------- retrieval with a rewritten question


def retrieval(qs: list[dict], lib, llm, settings) -> dict:
    from core.evaluation import is_hit
    from core.search import gate, search

    counts = {v: {"top5": 0, "reaches_model": 0} for v in ("question", "rewritten", "both")}
    seconds: list[float] = []
    search_ms: dict[str, list[float]] = {v: [] for v in counts}
    samples: list[dict] = []
    for q in qs:
        query, took = rewrite(q["question"], llm, settings.model)
        seconds.append(took)
        samples.append({"id": q["id"], "question": q["question"], "rewritten": query})
        for variant, text in (("question", q["question"]), ("rewritten", query), ("both", f"{q['question']} {query}")):
            started = time.perf_counter()
            found = search(lib, text, k=settings.top_k)
            passed = gate(found)
            search_ms[variant].append((time.perf_counter() - started) * 1000)
            counts[variant]["top5"] += any(is_hit(r.as_dict(), q["sources"], 0) for r in found[:5])
            counts[variant]["reaches_model"] += any(is_hit(r.as_dict(), q["sources"], 0) for r in passed)
    n = max(1, len(qs))
    return {"n": len(qs), **{v: {key: round(c / n, 3) for key, c in counts[v].items()} for v in counts},
            "rewrite_s_p50": _p(seconds, 0.5), "rewrite_s_p95": _p(seconds, 0.95),
            "search_ms_p50": {v: _p(t, 0.5) for v, t in search_ms.items()}, "examples": samples[:4]}


def main() -> None:
    parser = model_arguments(__doc__.split("\n")[0])
    parser.add_argument("--libraries", nargs="*", default=["acorns", "hartwell"])
    parser.add_argument("--near-miss", type=int, default=4, help="near misses per library in the answer arms")
    parser.add_argument("--everyday", type=int, default=4, help="everyday-words questions per library in the answer arms")
    parser.add_argument("--rewrite-questions", type=int, default=0,
                        help="everyday-words questions per library for the retrieval figures (0: all)")
    parser.add_argument("--rows", action="store_true", help="also print every question's row")
    args = parser.parse_args()

    import common

    out: dict = {"model": args.model, "held_out": libraries.FINAL_CHECK, "libraries": {}}
    for name in args.libraries:
        with library_with_model(name, args) as (lib, llm, settings, qs):
            near = [q for q in qs if q["kind"] == "near_miss"]
            everyday = [q for q in qs if q["kind"] == "everyday"]
            # the kinds alternate, so neither runs only early or late (the machine's load drifts)
            picked = [q for pair in zip_longest(near[:args.near_miss], everyday[:args.everyday]) for q in pair if q]
            rows = [run_arm(arm, q, lib, llm, settings) for arm, q in interleaved(picked)]
            figures: dict = {"answer": summarise(rows)}
            figures["retrieval"] = retrieval(everyday[:args.rewrite_questions or None], lib, llm, settings)
            if args.rows:
                figures["rows"] = [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]
            out["libraries"][name] = figures
            common.log(name, json.dumps(figures["answer"]["judge"]["all"]), json.dumps(figures["retrieval"]["rewritten"]))
    out["note"] = ("first_word_s: from the call to the first word on the screen, over questions that reached the "
                   "model; judge NONE: 'not in your documents' shown when the judge replied; replies read to "
                   "the end of their first sentence")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
