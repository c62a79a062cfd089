"""What "Only me" costs a staff member's search, and what it must never cost: recall.

A real ``core.library.Library`` in a temp folder is filled like ``benchmarks/search.py`` does (synthetic
business-like passages, ``--base`` of them embedded for real, the others perturbed copies, 100 pages per
document), then every other document is marked "Only me". The same questions are searched, alternating
who goes first question by question (the sentence-vector cache is shared), by the owner (``search(library, q)``) and by a staff member
(``search(library.for_access(staff), q)``), and the two retrievers are timed on their own too
(``keyword_query``: for staff FTS5 ranks only readable passages, joined before the limit;
``vector_query``: for staff Chroma gets a ``where`` on the readable documents' ids, filtered before the top k).

Reported: p50/p95 milliseconds for each, the staff/owner ratio of the p50s (the cost), how many of the
staff member's results came from an "Only me" document (must be 0), and the share of questions for which the
staff member still got ``k`` results from each retriever (no recall lost to hidden passages: must be 1.0).
Prints one JSON object on stdout; progress on stderr. No network.
Run: ``python benchmarks/visibility.py [--size 2000] [--base 200] [--queries 40]``
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from common import log  # noqa: E402 — after common, as above
from search import PAGES_PER_DOC, PrecomputedEmbedder, VectorBank, chunk_plan, fill, questions  # noqa: E402


class _NoBaseline:
    """``fill`` also feeds search.py's plain-Chroma baseline; there is none here."""

    def add(self, **_):
        pass


def _stats(xs: list[float]) -> dict:
    return {"p50_ms": round(common.percentile(xs, 50), 2), "p95_ms": round(common.percentile(xs, 95), 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000, help="passages in the library (a multiple of 100)")
    ap.add_argument("--base", type=int, default=200, help="distinct passages embedded for real")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args(argv)
    common.block_network()
    if args.size % PAGES_PER_DOC:
        raise SystemExit(f"--size must be a multiple of {PAGES_PER_DOC}")

    from core.access import Access
    from core.embeddings import MiniLMEmbedder
    from core.library import Library
    from core.search import fts_query, search

    load_start = round(os.getloadavg()[0], 2)
    real = MiniLMEmbedder().load()
    bank = VectorBank(real, args.base, 0.017)
    qs = questions(args.queries + args.warmup)
    staff_access = Access("Bench", "staff")
    with common.temp_dir("gw-bench-visibility-") as tmp:
        settings = common.groundwork_settings(tmp / "data")
        build = Library(settings, embedder=PrecomputedEmbedder(real))
        log(f"building {args.size} passages ...")
        fill(build, build.embedder, bank, _NoBaseline(), chunk_plan(args.size, args.base), 0, args.size)
        docs = build.documents()
        for d in docs[::2]:
            build.set_only_owner(d.file, True)
        owner = Library(settings, embedder=real)
        staff = owner.for_access(staff_access)
        hidden = {d.file for d in docs[::2]}
        hidden_ids = {r[0] for r in owner.db.conn().execute(
            "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.only_owner = 1")}
        for q in qs[: args.warmup]:
            search(owner, q, k=args.k)
            search(staff, q, k=args.k)
        times: dict[str, list[float]] = {k: [] for k in (
            "owner_search", "staff_search", "owner_keyword", "staff_keyword", "owner_vector", "staff_vector")}
        leaks = 0
        full_keyword = full_vector = 0
        log(f"timing {args.queries} questions ...")
        for i, q in enumerate(qs[args.warmup:]):
            pair = [("owner", owner), ("staff", staff)]
            for who, lib in (pair if i % 2 == 0 else pair[::-1]):  # who goes first alternates (shared caches)
                t = time.perf_counter()
                found = search(lib, q, k=args.k)
                times[f"{who}_search"].append((time.perf_counter() - t) * 1000)
                match = fts_query(q)
                t = time.perf_counter()
                kw = lib.keyword_query(match, args.k) if match else []
                times[f"{who}_keyword"].append((time.perf_counter() - t) * 1000)
                vec = real.embed_query(q)
                t = time.perf_counter()
                vq = lib.vector_query(vec, args.k)
                times[f"{who}_vector"].append((time.perf_counter() - t) * 1000)
                if who == "staff":
                    leaks += sum(1 for r in found if r.file in hidden) + len(set(kw) & hidden_ids)
                    leaks += len({cid for cid, _ in vq} & hidden_ids)
                    full_keyword += len(kw) == args.k or not match
                    full_vector += len(vq) == args.k
        n = len(qs) - args.warmup
        stats = {k: _stats(v) for k, v in times.items()}
        payload = {
            "benchmark": "visibility",
            "passages": args.size, "documents": len(docs), "only_me_documents": len(hidden),
            "only_me_passages": len(hidden_ids), "questions": n, "k": args.k,
            **stats,
            "staff_over_owner_p50": {part: round(stats[f"staff_{part}"]["p50_ms"] / max(stats[f"owner_{part}"]["p50_ms"], 1e-6), 2)
                                     for part in ("search", "keyword", "vector")},
            "staff_results_from_only_me": leaks,
            "staff_full_k_keyword": round(full_keyword / n, 3), "staff_full_k_vector": round(full_vector / n, 3),
            "load_avg_at_start": load_start, "cpus": os.cpu_count(),
        }
    common.emit(payload)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
