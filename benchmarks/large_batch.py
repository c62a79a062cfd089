"""Large batches stay linear: one large file against three and six distinct ones (issue: security, item 6).

Each batch is a real ``python -m core ingest`` of generated ~95 MB CSV files (distinct content) into a
fresh data folder, run from a small wrapper process so that its wall time and peak memory include every
child process (``RUSAGE_CHILDREN``: the ingest and its read-ahead worker). Such a file has more rows than
one file may hold, so it is read and refused: what is measured is getting large files into the reader,
which is where time went quadratic. The baseline is the single file in the same run: time per file for
three and six files should stay near it (ratio ~1), and peak memory should not grow with the batch.

A second figure shows the cause: receiving one file's bytes over a worker pipe with glibc's M_PERTURB
(every allocation filled) against without it. The files are written to a temporary folder and deleted.

    python benchmarks/large_batch.py [--mb 95]
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, emit, log  # noqa: E402

RUN = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": proc.returncode, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu_s": usage.ru_utime + usage.ru_stime, "stdout": proc.stdout, "stderr": proc.stderr[-400:]}))
"""

PIPE = """
import ctypes, multiprocessing as mp, sys, time
def child(conn, n):
    conn.send_bytes(b"x" * n)
if __name__ == "__main__":
    n, perturb = int(sys.argv[1]), sys.argv[2] == "on"
    if perturb:
        ctypes.CDLL(None).mallopt(-6, 0x5A)  # M_PERTURB, as the whole process had before
    ctx = mp.get_context("fork")  # the receiver is what is measured; the child only sends
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=child, args=(send, n)); p.start()
    started = time.perf_counter(); data = recv.recv_bytes(); print(time.perf_counter() - started)
    p.join()
"""


def make_csv(path: Path, mb: float, seed: int) -> None:
    rng = random.Random(seed)
    words = ["flour", "bread", "oven", "crust", "yeast", "rye", "spelt", "loaf", "butter", "honey"]
    target = int(mb * 1024 * 1024)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("sku,item,price,notes\n")
        written, i = 0, 0
        while written < target:
            lines = []
            for _ in range(2000):
                i += 1
                lines.append(f"{seed}-{i},{rng.choice(words)} {rng.choice(words)},{rng.randint(1, 9999) / 100},"
                             f"{' '.join(rng.choice(words) for _ in range(8))} batch {seed}\n")
            block = "".join(lines)
            fh.write(block)
            written += len(block)


def ingest(files: list[Path], data_dir: Path) -> dict:
    cmd = [sys.executable, "-m", "core", "ingest", "--json", "--data-dir", str(data_dir), *map(str, files)]
    out = subprocess.run([sys.executable, "-c", RUN, *cmd], cwd=ROOT, capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    reports = json.loads(got["stdout"])["files"] if got["code"] == 0 and got["stdout"].strip() else []
    return {"files": len(files), "seconds": round(got["seconds"], 2), "seconds_per_file": round(got["seconds"] / len(files), 2),
            "peak_mb_with_children": round(got["peak_mb"]), "cpu_s_with_children": round(got["cpu_s"], 1),
            "exit_code": got["code"], "statuses": sorted({r["status"] for r in reports})}


def pipe_seconds(n: int, perturb: bool) -> float:
    out = subprocess.run([sys.executable, "-c", PIPE, str(n), "on" if perturb else "off"], capture_output=True,
                         text=True, check=True, timeout=900)
    return round(float(out.stdout.strip()), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=95.0)
    parser.add_argument("--counts", default="1,3,6", help="batch sizes to run (the first is the baseline)")
    parser.add_argument("--no-pipe", action="store_true", help="skip the pipe figure")
    args = parser.parse_args()
    counts = [int(n) for n in args.counts.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="groundwork-large-batch-"))
    try:
        files = []
        for seed in range(max(counts)):
            files.append(folder / f"prices-{seed}.csv")
            make_csv(files[-1], args.mb, seed)
        log(f"made {len(files)} files of {args.mb:.0f} MB in {folder}")
        runs = {}
        for n in counts:
            runs[str(n)] = ingest(files[:n], folder / f"data-{n}")
            log(f"{n} files: {runs[str(n)]}")
        base = str(counts[0])
        one = runs[base]["seconds_per_file"]
        size = files[0].stat().st_size
        pipe = None if args.no_pipe else {"filled_allocations_before": pipe_seconds(size, True),
                                          "now": pipe_seconds(size, False)}
        emit({
            "benchmark": "large_batch",
            "file_mb": round(size / 1024 / 1024, 1),
            "runs": runs,
            "time_per_file_vs_one": {n: round(runs[n]["seconds_per_file"] / one, 2) for n in runs if n != base},
            "peak_mb_vs_one": {n: round(runs[n]["peak_mb_with_children"] / runs[base]["peak_mb_with_children"], 2)
                               for n in runs if n != base},
            "pipe_receive_one_file_s": pipe,
        })
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
