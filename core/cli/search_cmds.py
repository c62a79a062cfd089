"""``search`` and ``eval``: finding passages, and measuring how well that works."""
from __future__ import annotations

from core.cli.common import emit, library_from, place_label


def cmd_search(args) -> int:
    from core.search import search

    lib = library_from(args)
    files = [args.file] if args.file else None
    if files:
        lib.document(args.file)  # a clear error for a wrong name
    results = search(lib, args.question, k=args.k, files=files)

    def human(payload):
        if not payload["results"]:
            return "Nothing in your documents matched that."
        return "\n\n".join(
            f"{i}. {r['file']}, {place_label(r)}  (score {r['score']:.4f})\n   {r['text'][:300].strip()}"
            for i, r in enumerate(payload["results"], 1)
        )

    emit(args, {"results": [r.as_dict() for r in results]}, human)
    return 0


def cmd_eval(args) -> int:
    from core.evaluation import read_questions, run_eval

    lib = library_from(args)
    report = run_eval(lib, read_questions(args.questions), args.k, args.page_tolerance)

    def human(p):
        return (f"{p['answerable']} answerable questions, recall@{p['k']} {p['recall_at_k']:.2f}, MRR {p['mrr']:.2f}; "
                f"relevance gate kept {p['gate_kept_answerable']:.2f} of answerable and rejected "
                f"{p['gate_rejected_unanswerable']:.2f} of unanswerable questions")

    emit(args, report, human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("search", parents=[common], help="find passages")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--file", help="only search this document")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("eval", parents=[common], help="retrieval recall@k and MRR on a questions file")
    p.add_argument("questions")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--page-tolerance", type=int, default=0)
    p.set_defaults(func=cmd_eval)
