"""``python -m core sync``, ``folders`` and ``changes``, run in this process (``tests/cli.py``: the same
parser, error boundary and exit codes); the passes as real processes, the app's and the command line's
at once, are in ``tests/test_sync_processes.py``."""
from __future__ import annotations

import json
import os

import pytest

from core.sync.changelog import FORGOTTEN
from tests.builders import make_pdf
from tests.cli import Ran, core
from tests.sync_helpers import put


def cli(data_dir, *args) -> Ran:
    return core(*args, "--data-dir", str(data_dir))


@pytest.mark.slow
def test_sync_folders_and_changes_from_the_command_line(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    for i in range(7):
        put(folder, f"Orders/order {i}.txt", f"Order {i}: {i + 1} boxes of almond croissants for the hotel.")
    put(folder, "Price list.pdf", make_pdf(["Price list 2026: a sourdough loaf is 4 pounds 20."]))

    first = cli(data_dir, "sync", str(folder), "--json")
    assert first.returncode == 0, first.stderr
    [report] = json.loads(first.stdout)["folders"]
    assert report["reached"] and report["folder"] == str(folder)
    assert sorted(c["file"] for c in report["changes"] if c["action"] == "added") == sorted(
        ["Price list.pdf"] + [f"Orders/order {i}.txt" for i in range(7)])

    listed = json.loads(cli(data_dir, "folders", "list", "--json").stdout)["folders"]
    assert [(f["folder"], f["documents"]) for f in listed] == [(str(folder), 8)]

    human = cli(data_dir, "sync")  # every kept folder; nothing changed
    assert human.returncode == 0 and "is in step" in human.stdout

    # most of the folder disappears: the command asks first and removes nothing...
    for i in range(6):
        os.remove(folder / "Orders" / f"order {i}.txt")
    held = cli(data_dir, "sync", "--json")
    [held_report] = json.loads(held.stdout)["folders"]
    assert len(held_report["waiting_for_you"]) == 6
    assert len(json.loads(cli(data_dir, "library", "--json").stdout)["documents"]) == 8
    text = cli(data_dir, "sync").stdout
    assert "--confirm-removals" in text and "Orders/order 0.txt" in text
    # ...until told to
    done = json.loads(cli(data_dir, "sync", "--confirm-removals", "--json").stdout)["folders"][0]
    assert sorted(c["file"] for c in done["changes"] if c["action"] == "removed") == [
        f"Orders/order {i}.txt" for i in range(6)]

    # a hand-made change and a hand removal are logged as "you"
    extra = tmp_path / "Menu.txt"
    extra.write_text("The lunch menu has soup and a roll for 6 pounds.")
    assert cli(data_dir, "ingest", str(extra)).returncode == 0
    assert cli(data_dir, "remove", "Menu.txt").returncode == 0

    log = json.loads(cli(data_dir, "changes", "--json").stdout)["changes"]
    # removed by a person: the log keeps that it happened, not the name (the library's no-trace promise)
    assert [(c["action"], c["file"], c["by"]) for c in log[:2]] == [("removed", FORGOTTEN, "you"),
                                                                      ("added", FORGOTTEN, "you")]
    assert "Menu.txt" not in json.dumps(log)
    assert {c["by"] for c in log[2:]} == {str(folder)}
    assert set(log[0]) == {"at", "file", "action", "detail", "previous", "by", "by_kind", "user"}
    assert json.loads(cli(data_dir, "changes", "--since", "2999-01-01", "--json").stdout) == {"changes": []}
    assert "Order" not in cli(data_dir, "changes", "--since", "2999-01-01").stdout

    # the folder unplugged: exit 1, and nothing removed
    os.rename(folder, tmp_path / "unplugged")
    gone = cli(data_dir, "sync", "--json")
    assert gone.returncode == 1
    assert json.loads(gone.stdout)["folders"][0]["message"].startswith(f"Couldn't reach {folder} since ")
    assert len(json.loads(cli(data_dir, "library", "--json").stdout)["documents"]) == 2

    removed = cli(data_dir, "folders", "remove", str(folder))
    assert removed.returncode == 0 and "stay in your library" in removed.stdout
    assert json.loads(cli(data_dir, "folders", "list", "--json").stdout) == {"folders": []}


def test_bad_folder_arguments_say_what_to_do(data_dir, tmp_path):
    missing = cli(data_dir, "folders", "add", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "There is no folder at" in missing.stderr and "Traceback" not in missing.stderr
    nothing = cli(data_dir, "sync")
    assert nothing.returncode == 1 and "No folders are kept in step yet" in nothing.stderr
    own = cli(data_dir, "folders", "add", str(data_dir))
    assert own.returncode == 1 and "Groundwork's own data" in own.stderr
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert cli(data_dir, "folders", "add", str(tmp_path / "a")).returncode == 0
    nested = cli(data_dir, "folders", "add", str(tmp_path / "a" / "b"))
    assert nested.returncode == 1 and "overlaps" in nested.stderr
    bad_date = cli(data_dir, "changes", "--since", "last tuesday")
    assert bad_date.returncode == 1 and "2026-12-01" in bad_date.stderr
