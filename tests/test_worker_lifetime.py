"""The read-ahead worker never outlives the process that started it (a real ``core ingest``, really killed)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# a text PDF first: while it is embedded, the worker reads the scan (text recognition: seconds)
FILES = ("text-3-pages.pdf", "scanned.pdf", "poor-scan.pdf", "mixed-scan.pdf", "mixed.pdf")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits to be collected


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _worker_of(parent: int, deadline: float) -> list[int]:
    """The worker process(es) the ingest started (``multiprocessing`` spawn), once the scan is being read."""
    while time.monotonic() < deadline:
        workers = [p for p in _children(parent)
                   if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        if workers:
            return workers
        time.sleep(0.2)
    return []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill -9", "SIGTERM"])
def test_the_reading_worker_ends_when_core_ingest_is_killed(tmp_path, how):
    for name in FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)
    env = dict(os.environ, GROUNDWORK_DATA_DIR=str(tmp_path / "data"))
    ingest = subprocess.Popen([sys.executable, "-m", "core", "ingest", *[str(tmp_path / n) for n in FILES]],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers = _worker_of(ingest.pid, time.monotonic() + 120)
        assert workers, "the ingest never started a reading worker"
        time.sleep(1.5)  # the worker is busy reading the scan
        assert all(_alive(w) for w in workers)
        ingest.send_signal(how)
        ingest.wait(30)
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [w for w in workers if _alive(w)]
    finally:
        if ingest.poll() is None:
            ingest.kill()
    for w in left:  # don't leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert left == [], "the reading worker outlived core ingest"


def test_files_given_by_path_are_read_in_turn_and_a_vanished_one_gets_its_reason(settings, tmp_path):
    from core.ingest import add_files
    from core.ingest.reports import OPEN_FAILED
    from core.library import Library
    from tests.builders import make_pdf

    paths = []
    for i, text in enumerate(["Saddle fitting takes 30 minutes.", "Gone before its turn.", "We open at nine."]):
        paths.append(tmp_path / f"f{i}.pdf")
        paths[-1].write_bytes(make_pdf([text]))
    paths[1].unlink()
    reports = add_files(Library(settings), [(p.name, p) for p in paths])
    assert [(r.file, r.status) for r in reports] == [("f0.pdf", "added"), ("f1.pdf", "failed"), ("f2.pdf", "added")]
    assert reports[1].error == OPEN_FAILED
