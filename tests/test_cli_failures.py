"""A failing command says one plain sentence on stderr, never a traceback (real processes, real files)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import LOREM_TOPICS, make_pdf
from tests.conftest import FIXTURES, ROOT


def core(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "core", *args], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def run(*args: str) -> tuple[int, str]:
    proc = core(*args)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def assert_one_calm_sentence(code: int, err: str) -> None:
    assert code == 1
    assert "Traceback" not in err and "Error" not in err, err
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("."), err


def data_folder_is_a_file(data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("not a folder")


def damaged_database(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "groundwork.db").write_bytes(b"this is not a database" * 500)


def damaged_vector_store(data_dir: Path) -> None:
    (data_dir / "chroma").mkdir(parents=True)
    (data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 500)


@pytest.mark.parametrize("damage", [data_folder_is_a_file, damaged_database, damaged_vector_store])
@pytest.mark.parametrize("command", [("library",), ("search", "returns"), ("ingest", str(FIXTURES / "text-3-pages.pdf"))])
def test_a_damaged_library_is_one_sentence(damage, command, data_dir):
    damage(data_dir)
    assert_one_calm_sentence(*run(*command))


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs a file every user fails to read (Linux)")
def test_a_file_that_cannot_be_read_is_one_sentence(data_dir):
    """Files are read one at a time when their turn comes, so an unreadable one is that file's own verdict
    (one calm sentence, as for a damaged file) and the batch goes on; no traceback anywhere."""
    proc = core("ingest", "/proc/self/mem", "--json")
    out, err = proc.communicate(timeout=300)
    (row,) = json.loads(out)["files"]
    assert proc.returncode == 0 and row["status"] == "failed", (out, err)
    assert "Traceback" not in err and "Error" not in row["error"]
    assert row["error"].count(". ") == 0 and row["error"].endswith(".")


def test_debug_shows_the_details(data_dir):
    damaged_database(data_dir)
    code, err = run("library", "--debug")
    assert code == 1 and "Traceback" in err
    assert "Traceback" not in err.strip().splitlines()[-1] and err.strip().endswith(".")  # the sentence comes last


def test_a_reader_that_goes_away_is_not_an_error_message(data_dir):
    proc = core("library", "--json")
    proc.stdout.close()  # like `| head -0`
    err = proc.stderr.read()
    assert proc.wait(60) == 1
    assert err == ""


def ready_documents(data_dir: Path) -> int:
    """How many documents the library has finished (0 while its database doesn't exist yet)."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{data_dir / 'groundwork.db'}?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM ready_documents").fetchone()[0]
    except sqlite3.Error:  # not created yet, or its tables not yet written
        return 0


def core_with_ctrl_c(*args: str) -> subprocess.Popen:
    """``core`` as started from a terminal, where Ctrl-C reaches it. A command started in the background
    (``cmd &`` in a script, as a CI runner or a shell may run the whole suite) inherits Ctrl-C *ignored*,
    and so does every process it starts: this test's ingest then ran to its end and exited 0. A handler
    set here is reset to the default in the child when it starts, so the child gets Ctrl-C as usual."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return core(*args)
    finally:
        signal.signal(signal.SIGINT, previous)


def signal_state(pid: int) -> dict[str, str]:
    """The process's signal masks as Linux shows them (blocked, ignored, caught), for a failure message."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt")))


@pytest.mark.slow
def test_ctrl_c_during_an_ingest_says_stopped(tmp_path, data_dir):
    folder = tmp_path / "incoming"
    folder.mkdir()
    # far more than can finish between the first one landing and the Ctrl-C, even on a loaded machine:
    # 60 files of 3 pages all landed within 2 s, a poll's stall under CI load, so each file has 30 pages
    files = 40
    pages = [f"Page {p}. " + " ".join(LOREM_TOPICS) for p in range(30)]
    body = make_pdf(pages)
    for i in range(files):
        (folder / f"pages-{i:02d}.pdf").write_bytes(body + f"\n%{i}\n".encode())
    proc = core_with_ctrl_c("ingest", str(folder))
    deadline = time.monotonic() + 180
    # the event: the ingest is under way (its first file is in the library), not a guessed delay
    while ready_documents(data_dir) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest ended before it could be interrupted"
    state = signal_state(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "Traceback" not in err, (err, out[-500:], state)
    assert err.strip().splitlines()[-1] == "Stopped."
    assert 1 <= ready_documents(data_dir) < files  # stopped part-way; what finished stays finished
