"""How long "Check my library" takes on a 300-page library, and what it reports.

The library is a real ``core.library.Library`` in a temp folder: ``--pages`` distinct synthetic
business passages (``benchmarks/search.py``'s generator: policies, prices, opening hours...), one per
page, ``--per-doc`` pages per document, embedded for real through ``core.ingest.add_checked``. Then
``core.selftest.run`` writes its questions from the text (no model: Ollama isn't reachable here) and
searches each one. Timed: writing + searching, wall clock and CPU. The baseline, in the same run, is
the same questions searched without the reranker (what the self-test would cost on the fused search).
Prints one JSON object. No network.
Run: ``python benchmarks/selftest.py [--pages 300] [--per-doc 25]``
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from common import log  # noqa: E402 — after common, as above

TARGET_SECONDS = 120.0  # "within a couple of minutes for a 300-page library"


def build(lib, pages: int, per_doc: int) -> None:
    from search import passage  # benchmarks/search.py's deterministic passages

    from core.ingest import FileCheck, add_checked
    from core.types import ParsedDocument, Segment, Triage

    for doc_no, start in enumerate(range(0, pages, per_doc)):
        segments = [Segment(passage(i, 0), i - start + 1, None) for i in range(start, min(start + per_doc, pages))]
        name = f"Company_Policies_{doc_no:02d}.pdf"
        data = f"synthetic {doc_no}".encode()
        doc = ParsedDocument(name, "pdf", hashlib.sha256(data).hexdigest(), segments,
                             Triage(pages=len(segments), words=sum(len(s.text.split()) for s in segments)))
        add_checked(FileCheck(name=name, size=len(data), data=data, doc=doc), lib)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--per-doc", type=int, default=25)
    args = ap.parse_args(argv)
    common.block_network()
    from core.library import Library
    from core.search import search
    from core.selftest import run

    with common.temp_dir("gw-bench-selftest-") as tmp:
        lib = Library(common.groundwork_settings(tmp / "data"))
        t = time.perf_counter()
        build(lib, args.pages, args.per_doc)
        build_s = time.perf_counter() - t
        log(f"built {args.pages} pages in {build_s:.0f} s; running the self-test ...")
        load_start = round(os.getloadavg()[0], 2)
        t, c = time.perf_counter(), time.process_time()
        report = run(lib)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        log(f"self-test: {wall:.1f} s; the same questions without the reranker ...")
        t = time.perf_counter()
        for a in report.asked:
            search(lib, a["question"], k=3, rerank_results=False)
        fused_s = time.perf_counter() - t
        chunks = lib.chunk_count()
    s = report.summary
    common.emit({
        "benchmark": "selftest", "pages": args.pages, "documents": -(-args.pages // args.per_doc), "chunks": chunks,
        "build_seconds": round(build_s, 1),
        "selftest": {"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "questions": s.questions,
                     "top1": s.top1, "top3": s.top3, "findability": s.findability,
                     "kinds": {k: sum(1 for a in report.asked if a["kind"] == k) for k in ("heading", "row", "sentence")}},
        "baseline_same_questions_without_reranker_seconds": round(fused_s, 1),
        "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)},
        "cpus": os.cpu_count(),
        "targets": {"seconds_for_300_pages": {"target": f"< {TARGET_SECONDS}", "value": round(wall, 1),
                                              "met": wall < TARGET_SECONDS}},
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
