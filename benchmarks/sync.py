"""Keeping the library in step with a folder: how cheap is a pass, and how soon is a new file searchable?

Prints one JSON object. In a temporary folder: ``--files`` (2,000) small text files in 20 sub-folders,
kept in step with a fresh library (the first pass adds them all; timed, for information).

- unchanged: a pass over the unchanged folder (median of 5), the Python memory it allocates at its peak
  (tracemalloc), the files it opened (an audit hook on ``open``: should be 0), and the memory still held
  after 20 more passes (flat: no growth). Baseline: the naive pass that reads and hashes every file to
  find what changed (median of 5).
- 20 changes among them (10 edited, 5 new, 3 deleted, 2 renamed): the pass that brings them in, including
  reading and embedding the 15 new versions. Baseline: only finding the changes by hashing every file.
- landing: the time from a file written into the folder to its first search hit while the app's
  background loop runs (median of 3), with file events (watchdog) and with polling alone (every 20 s).

  The naive baseline is also timed on as many files of --doc-kb (300) KB, a PDF's typical size, against our
  scan of the same folder: reading is what costs, and a stat doesn't depend on the size.

    python benchmarks/sync.py [--files 2000] [--doc-kb 300]
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import block_network  # noqa: E402

WORDS = ["flour", "yeast", "rye", "spelt", "butter", "oven", "crate", "invoice", "delivery", "sourdough",
         "croissant", "bagel", "tray", "order", "cafe", "hotel", "supplier", "price", "rota", "fridge"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def text_for(i: int, version: int = 0) -> str:
    w = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(6)]
    return (f"Note {i} (version {version}): the {w[0]} and {w[1]} for order {i * 13} arrive on day {i % 28 + 1}. "
            f"Ask about the {w[2]}, {w[3]} and {w[4]} before the {w[5]} delivery.\n")


def write(path: Path, text: str, age: float = 60.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    then = time.time() - age
    os.utime(path, (then, then))


def naive_pass(root: Path) -> dict[str, str]:
    """The baseline: read and hash every file to know what changed."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as fh:
                out[p] = hashlib.sha256(fh.read()).hexdigest()
    return out


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def landing(lib, folder: Path, watch: bool, interval_s: float, runs: int) -> list[float]:
    from core.search import search
    from core.sync.background import SyncLoop

    loop = SyncLoop(lib, interval_s=interval_s, watch=watch).start()
    out = []
    try:
        loop.wait_for_pass(0, timeout=600)
        for r in range(runs):
            word = f"zanzibar{'abcde'[r]}{'w' if watch else 'p'}quokka"  # letters only: one keyword token
            path = folder / "incoming" / f"landed {r} {watch}.txt"
            t = time.perf_counter()
            path.parent.mkdir(exist_ok=True)
            path.write_text(f"The {word} clause: deliveries to the harbour kiosk on Sundays.")
            while True:
                hits = search(lib, word, k=3, rerank_results=False)
                if any(h.file.endswith(path.name) for h in hits):
                    break
                if time.perf_counter() - t > 300:
                    raise RuntimeError("a landed file never became searchable")
                time.sleep(0.1)
            out.append(round(time.perf_counter() - t, 2))
    finally:
        loop.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--doc-kb", type=int, default=300, help="file size for the baseline at documents' sizes")
    args = ap.parse_args()
    block_network()
    from core.library import Library
    from core.settings import load_settings
    from core.sync import folders
    from core.sync.passes import extensions, sync_all
    from core.sync.scan import scan

    work = Path(tempfile.mkdtemp(prefix="groundwork-bench-sync-"))
    try:
        root = work / "Paperwork"
        for i in range(args.files):
            write(root / f"folder {i % 20:02d}" / f"note {i:04d}.txt", text_for(i))
        lib = Library(load_settings(environ={}, data_dir=work / "data"))
        folders.add(lib.db, root)
        log(f"first pass: adding {args.files} files…")
        t = time.perf_counter()
        [first] = sync_all(lib)
        first_s = time.perf_counter() - t
        assert first.documents == args.files, first.message

        opened = []
        sys.addaudithook(lambda e, a: opened.append(a[0]) if e == "open" and a and str(a[0]).startswith(
            str(root)) else None)
        unchanged_s, report = timed(lambda: sync_all(lib)[0], 5)
        assert report.unchanged == args.files and not report.changes
        opened_files = len(opened)
        naive_s, _ = timed(lambda: naive_pass(root), 5)

        tracemalloc.start()
        sync_all(lib)
        peak = tracemalloc.get_traced_memory()[1]
        gc.collect()
        after_one = tracemalloc.get_traced_memory()[0]
        for _ in range(20):
            sync_all(lib)
        gc.collect()
        after_more = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()

        # The baseline at documents' real sizes (the reading is what costs; our pass only stats, whatever
        # the size): the same number of files of --doc-kb each, freshly written, so still in memory —
        # the baseline's best case (from a network share every byte would cross the network).
        big = work / "At document sizes"
        block = os.urandom(args.doc_kb * 1024)
        for i in range(args.files):
            (big / f"folder {i % 20:02d}").mkdir(parents=True, exist_ok=True)
            (big / f"folder {i % 20:02d}" / f"file {i:04d}.pdf").write_bytes(block[:-8] + i.to_bytes(8, "big"))
        naive_big_s, _ = timed(lambda: naive_pass(big), 3)
        stat_big_s, _ = timed(lambda: scan(big, extensions()), 3)
        shutil.rmtree(big, ignore_errors=True)

        log("20 changes…")
        for i in range(10):
            write(root / f"folder {i % 20:02d}" / f"note {i:04d}.txt", text_for(i, version=1))
        for i in range(5):
            write(root / "new" / f"new note {i}.txt", text_for(10_000 + i))
        for i in range(10, 13):
            os.remove(root / f"folder {i % 20:02d}" / f"note {i:04d}.txt")
        for i in range(13, 15):
            os.rename(root / f"folder {i % 20:02d}" / f"note {i:04d}.txt", root / "new" / f"renamed {i}.txt")
        t = time.perf_counter()
        [changed] = sync_all(lib)
        changed_s = time.perf_counter() - t
        kinds = {}
        for c in changed.changes:
            kinds[c["action"]] = kinds.get(c["action"], 0) + 1
        naive_after_s, _ = timed(lambda: naive_pass(root), 3)

        log("landing → searchable…")
        with_events = landing(lib, root, watch=True, interval_s=300, runs=3)
        polling_only = landing(lib, root, watch=False, interval_s=20, runs=2)

        print(json.dumps({
            "files": args.files,
            "first_pass_adding_all_s": round(first_s, 1),
            "unchanged_pass": {"ours_s": round(unchanged_s, 3), "files_opened": opened_files,
                               "peak_python_memory_kb": round(peak / 1024), "bytes_per_file": round(peak / args.files),
                               "memory_growth_after_20_more_passes_kb": round((after_more - after_one) / 1024, 1),
                               "baseline_hash_every_file_s": round(naive_s, 3),
                               "at_document_sizes": {"file_kb": args.doc_kb,
                                                     "our_scan_s": round(stat_big_s, 3),
                                                     "baseline_hash_every_file_s": round(naive_big_s, 2),
                                                     "baseline_bytes_read_mb": round(args.files * args.doc_kb / 1024)}},
            "after_20_changes": {"ours_s": round(changed_s, 2), "changes": kinds,
                                 "baseline_hash_every_file_to_find_them_s": round(naive_after_s, 3)},
            "landing_to_searchable_s": {"file_events_median": statistics.median(with_events),
                                        "file_events_runs": with_events,
                                        "polling_every_20s_median": statistics.median(polling_only),
                                        "polling_runs": polling_only},
            "targets": {"unchanged_pass_under_2s": unchanged_s < 2.0, "reads_no_file_when_unchanged": opened_files == 0},
        }))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
