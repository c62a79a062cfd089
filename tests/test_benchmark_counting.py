"""The benchmarks count the work of child processes (Groundwork's read-ahead worker reads and runs text
recognition in one): CPU seconds through ``RUSAGE_CHILDREN``, peak memory summed over the process tree,
a worker started from a thread other than the main one included."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import common  # noqa: E402 - benchmarks/ is not a package; its scripts import it the same way

# a child that holds ~150 MB for a moment and burns CPU until it has used half a second of it
CHILD = """
import time
block = bytearray(150 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
while time.process_time() < 0.5:
    pass
time.sleep(0.5)
"""


def test_cpu_seconds_count_a_finished_child():
    before = common.cpu_seconds()
    subprocess.run([sys.executable, "-c", CHILD], check=True)
    assert common.cpu_seconds() - before >= 0.5


# measured in a fresh process: this one's own peak may already be high from earlier tests
MEASURE = f"""
import json, subprocess, sys, threading
sys.path.insert(0, {str(ROOT / "benchmarks")!r})
import common

own = common.peak_rss_mb()
started = threading.Event()

def worker():  # as a pool's worker can be: started by a thread that isn't the main one
    proc = subprocess.Popen([sys.executable, "-c", {CHILD!r}])
    started.set()
    proc.wait()

with common.PeakMemory() as memory:
    thread = threading.Thread(target=worker)
    thread.start()
    started.wait()
    thread.join()
print(json.dumps({{"own": own, "mb": memory.mb, "children_seen": memory.children_seen}}))
"""


def test_peak_memory_counts_a_child_started_from_another_thread():
    out = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, check=True, cwd=ROOT)
    seen = json.loads(out.stdout)
    assert seen["children_seen"] >= 1
    assert seen["mb"] >= seen["own"] + 140  # the child's 150 MB on top of this process, not instead of it
