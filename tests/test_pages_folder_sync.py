"""Documents page: "Keep in step with a folder" and "What changed" (Streamlit AppTest, real library and loop)."""
from __future__ import annotations

import os
import re

import pytest

from core.render import literal_markdown as md
from tests.apptest import app_test, texts
from tests.sync_helpers import put


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def change_log(at) -> list[dict]:
    """The "What changed" rows as the owner reads them (the cells are Markdown-escaped for the table)."""
    rows = [] if not at.table else at.table[0].value.to_dict("records")
    return [{k: re.sub(r"\\(.)", r"\1", str(v)) for k, v in row.items()} for row in rows]


def after_pass(at, asked: int, passes: int = 2):
    """Let the app's background check finish (a browser's fragment polls it), then look again.

    The check asked for may be the one after a check already running when it was asked: wait for that
    one too, when it follows (a pass, or the loop's request flag, is still pending)."""
    from core import runtime

    loop = runtime.get_folder_sync()
    assert loop.wait_for_pass(asked, timeout=300)
    for _ in range(passes - 1):
        if not (loop.status().running or loop._wake.is_set()):
            break
        loop.wait_for_pass(loop.status().passes, timeout=300)
    return at.run()


def test_keep_a_folder_in_step_check_now_and_what_changed(monkeypatch, tmp_path):
    from core import runtime

    folder = tmp_path / "Paperwork"
    put(folder, "Price list 2026.txt", "Price list 2026: a sourdough loaf is 4 pounds 20.")
    at = app_test(monkeypatch).switch_page("pages/documents.py").run()
    assert not at.exception
    assert "Keep in step with a folder" in [s.value for s in at.subheader]
    assert "no folder picker" in texts(at)
    loop = runtime.get_folder_sync()
    assert loop.wait_for_pass(0, timeout=300)  # the check at start (no folder yet) is over
    start = loop.status().passes

    at.text_input(key="sync_new_folder").input(str(folder))
    at.button(key="sync_add").click().run()
    assert not at.exception
    assert f"Now keeping {md(str(folder))} in step" in texts(at)
    at = after_pass(at, start)
    log = change_log(at)
    assert [(r["File"], r["What happened"].split(":")[0], r["By"]) for r in log] == [
        ("Price list 2026.txt", "Added", "folder check (Paperwork)")]
    assert "1 document" in texts(at)

    # a new file, and Check now
    put(folder, "Opening hours.txt", "The shop opens at 7 in the morning and closes at 3.")
    before = loop.status().passes
    at.button(key="sync_check_now").click().run()
    at = after_pass(at, before)
    assert [r["File"] for r in change_log(at)] == ["Opening hours.txt", "Price list 2026.txt"]
    at.text_input(key="changes_filter").input("price").run()
    assert [r["File"] for r in change_log(at)] == ["Price list 2026.txt"]

    # the folder goes away: the owner is told since when, and nothing is removed
    os.rename(folder, tmp_path / "unplugged")
    before = loop.status().passes
    at.button(key="sync_check_now").click().run()
    at = after_pass(at, before)
    assert f"Couldn't reach {md(str(folder))} since" in texts(at) and "nothing was changed" in texts(at)
    assert "2 documents" in texts(at)


def test_a_large_removal_waits_for_the_owner(monkeypatch, tmp_path, data_dir):
    from core import runtime
    from core.sync import folders
    from tests.sync_helpers import keep, one_pass, open_library

    folder = tmp_path / "Shared"
    for i in range(8):
        put(folder, f"note {i}.txt", f"Note {i}: the walk-in fridge was checked at {i + 6} o'clock.")
    lib = open_library(data_dir)
    keep(lib, folder)
    one_pass(lib)
    for i in range(7):
        os.remove(folder / f"note {i}.txt")
    one_pass(lib)
    assert len(folders.find(lib.db, folder).pending) == 7

    at = app_test(monkeypatch).switch_page("pages/documents.py").run()
    runtime.get_folder_sync().wait_for_pass(0, timeout=300)  # the start-up pass asks too; it removes nothing
    at.run()
    assert "7 documents from this folder are no longer there" in texts(at)
    assert "8 documents" in texts(at)
    at.button(key=f"sync_keep_{folders.find(lib.db, folder).id}").click().run()
    assert not at.exception
    assert "7 documents kept in your library" in texts(at)
    assert "are no longer there" not in texts(at)
    assert len(lib.documents()) == 8
