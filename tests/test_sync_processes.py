"""Folder sync with real processes: the app's background loop, the command line, both at once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

import core.sync.passes as passes
from core.search import search
from core.sync import changelog, folders
from core.sync.background import SyncLoop
from core.sync.messages import UNEXPECTED
from tests.conftest import ROOT
from tests.sync_helpers import keep, keeping, names, one_pass, open_library, orders

pytestmark = pytest.mark.slow


def cli(data_dir, *args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args, "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_a_file_deleted_while_the_app_was_closed_goes_at_the_next_start(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    lib = keeping(data_dir, folder, 4)
    loop = SyncLoop(lib, watch=False).start()  # the app's start
    assert loop.wait_for_pass(0, timeout=300)
    loop.stop()
    assert len(names(lib)) == 4
    del lib, loop

    os.remove(folder / "order 02.txt")  # while Groundwork is closed

    lib = open_library(data_dir)  # the next start
    loop = SyncLoop(lib, watch=False).start()
    try:
        assert loop.wait_for_pass(0, timeout=300)
    finally:
        loop.stop()
    assert "order 02.txt" not in names(lib) and len(names(lib)) == 3
    [gone] = [c for c in changelog.changes(lib.db.conn()) if c.action == "removed"]
    assert gone.file == "order 02.txt" and gone.by_kind == "folder"


def test_a_command_line_pass_during_an_app_pass(data_dir, tmp_path):
    folder = tmp_path / "Orders"
    lib = keeping(data_dir, folder, 14)
    proc = subprocess.Popen([sys.executable, "-m", "core", "sync", str(folder), "--json", "--data-dir",
                             str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    [mine] = one_pass(lib)  # the app's pass, at the same time: one of the two waits for the other
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    [theirs] = json.loads(out)["folders"]
    added = [c["file"] for c in mine.changes + theirs["changes"] if c["action"] == "added"]
    assert sorted(added) == sorted(f"order {i:02d}.txt" for i in range(14))  # each added once, by one of them
    assert len(names(lib)) == 14
    rows = lib.db.conn().execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone()
    assert rows[0] == rows[1] == 14  # no duplicate documents
    assert lib.vector_count() == lib.chunk_count()


def test_the_background_loop_keeps_going_after_something_unexpected(data_dir, tmp_path, monkeypatch):
    good, bad = tmp_path / "Good", tmp_path / "Bad"
    orders(good, 1)
    orders(bad, 1)
    lib = open_library(data_dir)
    keep(lib, good)
    keep(lib, bad)
    real_scan = passes.scan

    def failing_scan(root, extensions):  # a fault in one folder's pass (as a bug or a driver fault would raise)
        if root.name == "Bad":
            raise RuntimeError("disk driver fault")
        return real_scan(root, extensions)

    monkeypatch.setattr(passes, "scan", failing_scan)
    loop = SyncLoop(lib, watch=False).start()
    try:
        assert loop.wait_for_pass(0, timeout=300)
        assert folders.find(lib.db, bad).last_error == UNEXPECTED
        assert names(lib) == ["order 00.txt"]  # the good folder's file, nothing from the bad one
        orders(good, 1, start=1)
        loop.request()
        assert loop.wait_for_pass(1, timeout=300)  # still alive, and still working
        assert loop._thread.is_alive()
        assert names(lib) == ["order 00.txt", "order 01.txt"]
    finally:
        loop.stop()


def test_a_file_landing_in_a_kept_folder_becomes_searchable_without_a_click(data_dir, tmp_path):
    folder = tmp_path / "Inbox"
    lib = keeping(data_dir, folder, 1)
    loop = SyncLoop(lib, interval_s=3600, watch=True).start()  # polling far away: the file event brings it
    try:
        assert loop.wait_for_pass(0, timeout=300)
        (folder / "Catering menu.txt").write_text("The catering menu offers a lemon drizzle tray for 24 guests.")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "Catering menu.txt" not in names(lib):
            time.sleep(0.2)
        assert search(lib, "lemon drizzle tray for guests", k=1)[0].file == "Catering menu.txt"
    finally:
        loop.stop()


def test_check_now_wakes_the_loop(data_dir, tmp_path):
    folder = tmp_path / "Inbox"
    lib = keeping(data_dir, folder, 1)
    loop = SyncLoop(lib, interval_s=3600, watch=False).start()
    try:
        assert loop.wait_for_pass(0, timeout=300)
        orders(folder, 1, start=1)
        passes_before = loop.status().passes
        loop.request()
        assert loop.wait_for_pass(passes_before, timeout=300)
        assert names(lib) == ["order 00.txt", "order 01.txt"]
    finally:
        loop.stop()
