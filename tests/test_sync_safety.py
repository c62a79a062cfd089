"""Never lose the library to a missing drive, a mass deletion, a half-copied file or a cloud placeholder."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from types import SimpleNamespace

from core.sync import changelog, folders
from core.sync.messages import EMPTY, ONLINE_ONLY, STILL_COPYING
from core.sync.passes import keep_pending, remove_pending
from core.sync.scan import placeholder_kind
from tests.builders import make_pdf
from tests.sync_helpers import did, doc_id, keeping, names, one_pass, orders, put

SHOP = "Orders/order {i}.txt"  # the shop's order notes, in a sub-folder


def test_folder_renamed_away_and_back_removes_nothing(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    lib = keeping(data_dir, folder, 3, SHOP)
    one_pass(lib)
    ids = [doc_id(lib, n) for n in names(lib)]

    os.rename(folder, tmp_path / "Paperwork (old)")
    [away] = one_pass(lib)
    assert not away.reached and away.changes[0]["action"] == "unreachable"
    assert away.message.startswith(f"Couldn't reach {folder} since ") and away.message.endswith(
        "; nothing was changed.")
    assert len(names(lib)) == 3
    since = folders.find(lib.db, folder).unreachable_since
    time.sleep(1.1)
    [still] = one_pass(lib)
    assert still.changes == [] and still.message == away.message  # said once; the time of the first failure
    assert folders.find(lib.db, folder).unreachable_since == since

    os.rename(tmp_path / "Paperwork (old)", folder)
    [back] = one_pass(lib)
    assert back.reached and did(back) == [("reached", str(folder))]
    assert [doc_id(lib, n) for n in names(lib)] == ids  # nothing removed, nothing read again
    state = folders.find(lib.db, folder)
    assert state.unreachable_since is None and state.last_error == ""


def test_a_folder_path_that_is_now_a_file_is_not_reached(data_dir, tmp_path):
    folder = tmp_path / "Drive"
    lib = keeping(data_dir, folder, 2, SHOP)
    one_pass(lib)
    os.rename(folder, tmp_path / "elsewhere")
    folder.write_text("not a folder any more")
    [report] = one_pass(lib)
    assert not report.reached and len(names(lib)) == 2


def _in_step_then_deleted(data_dir, folder, n: int, deleted: int):
    """A library in step with ``n`` orders in ``folder``, of which the first ``deleted`` are then deleted."""
    lib = keeping(data_dir, folder, n, SHOP)
    one_pass(lib)
    for i in range(deleted):
        os.remove(folder / SHOP.format(i=i))
    return lib


def test_removing_most_of_a_folder_asks_first(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    lib = _in_step_then_deleted(data_dir, folder, 10, 7)
    [held] = one_pass(lib)
    assert len(held.waiting_for_you) == 7 and len(names(lib)) == 10
    assert did(held) == [("waiting", str(folder))]
    assert "nothing was removed" in held.message
    assert one_pass(lib)[0].changes == []  # asked once
    orders(folder, 1, name=SHOP)  # one is back, as it was
    [report] = remove_pending(lib, folders.find(lib.db, folder).id),
    assert sorted(c["file"] for c in report.changes if c["action"] == "removed") == [
        f"Orders/order {i}.txt" for i in range(1, 7)]
    assert len(names(lib)) == 4 and folders.find(lib.db, folder).pending == []


def test_keeping_them_leaves_the_documents_as_if_added_by_hand(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    lib = _in_step_then_deleted(data_dir, folder, 8, 6)
    one_pass(lib)
    assert keep_pending(lib, folders.find(lib.db, folder).id) == 6
    [after] = one_pass(lib)
    assert after.changes == [] and len(names(lib)) == 8
    kept = [c for c in changelog.changes(lib.db.conn()) if c.action == "kept"]
    assert len(kept) == 6


def test_an_emptied_folder_asks_first_even_when_small(data_dir, tmp_path):
    folder = tmp_path / "USB stick"
    lib = keeping(data_dir, folder, 2, SHOP)
    one_pass(lib)
    for f in (folder / "Orders").iterdir():
        f.unlink()
    [held] = one_pass(lib)  # an empty mount point looks like this: nothing is removed without a yes
    assert len(held.waiting_for_you) == 2 and len(names(lib)) == 2
    [confirmed] = one_pass(lib, confirm_removals=True)
    assert [c["action"] for c in confirmed.changes] == ["removed", "removed"] and names(lib) == []


def test_a_file_still_being_copied_waits_for_the_next_pass(data_dir, tmp_path):
    folder = tmp_path / "Inbox"
    lib = keeping(data_dir, folder, 1, SHOP)
    one_pass(lib)
    target = folder / "Big order.txt"
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    for i in range(12):\n"
        "        f.write(f'Line {i}: forty loaves of spelt bread for the wedding on Saturday.\\n'); f.flush()\n"
        "        time.sleep(0.2)\n"), str(target)])
    try:
        while not target.exists():
            time.sleep(0.05)
        [during] = one_pass(lib)
        assert ("skipped", "Big order.txt") in did(during)
        assert during.changes[-1]["detail"] == STILL_COPYING and during.waiting == 1
        assert "Big order.txt" not in names(lib)
    finally:
        writer.wait(30)
    time.sleep(lib.settings.sync_settle_seconds + 0.5)
    [after] = one_pass(lib)
    assert did(after) == [("added", "Big order.txt")]
    assert "Line 11" in lib.section_text("Big order.txt", None)


def test_cloud_placeholders_are_skipped_with_a_note_never_read_as_empty(data_dir, tmp_path):
    folder = tmp_path / "OneDrive"
    orders(folder, 1, name=SHOP)
    put(folder, "Empty contract.pdf", b"")  # a zero-byte placeholder
    sparse = folder / "Online only.pdf"  # size but no blocks on disk: how Linux cloud mounts show online-only files
    with open(sparse, "wb") as fh:
        fh.truncate(200_000)
    then = time.time() - 60
    os.utime(sparse, (then, then))
    lib = keeping(data_dir, folder)
    [report] = one_pass(lib)
    notes = {c["file"]: c["detail"] for c in report.changes if c["action"] == "skipped"}
    assert notes == {"Empty contract.pdf": EMPTY, "Online only.pdf": ONLINE_ONLY}
    assert "Always keep on this device" in ONLINE_ONLY
    assert names(lib) == ["Orders/order 0.txt"]
    assert one_pass(lib)[0].changes == []  # said once
    put(folder, "Online only.pdf", make_pdf(["Now downloaded: the supplier contract for flour and yeast."]))
    [later] = one_pass(lib)  # made available offline: added by the next pass
    assert did(later) == [("added", "Online only.pdf")]


def test_placeholder_attributes_of_windows_and_macos():
    plain = SimpleNamespace(st_size=5000, st_blocks=16)
    assert placeholder_kind(plain) is None
    assert placeholder_kind(SimpleNamespace(st_size=5000, st_file_attributes=0x400000)) == "online-only"
    assert placeholder_kind(SimpleNamespace(st_size=5000, st_file_attributes=0x1000)) == "online-only"
    assert placeholder_kind(SimpleNamespace(st_size=5000, st_file_attributes=0x20)) is None  # archive bit only
    assert placeholder_kind(SimpleNamespace(st_size=5000, st_flags=0x40000000, st_blocks=0)) == "online-only"
    assert placeholder_kind(SimpleNamespace(st_size=40, st_blocks=0)) is None  # a tiny file kept in its inode
    assert placeholder_kind(SimpleNamespace(st_size=0, st_blocks=0)) == "empty"


def test_a_changed_file_still_being_saved_keeps_its_document_until_it_is_done(data_dir, tmp_path):
    folder = tmp_path / "Inbox"
    lib = keeping(data_dir, folder, 2, SHOP)
    one_pass(lib)
    for _ in range(2):  # two passes while it is being saved again
        put(folder, "Orders/order 1.txt", "Order 1: being rewritten...", age=0)
        [during] = one_pass(lib)
        assert during.waiting == 1 and "Orders/order 1.txt" in names(lib)
    put(folder, "Orders/order 1.txt", "Order 1: 9 trays of seeded rolls, delivered on Friday.")
    [done] = one_pass(lib)
    assert did(done) == [("replaced", "Orders/order 1.txt")]
    assert names(lib) == ["Orders/order 0.txt", "Orders/order 1.txt"]
    assert "9 trays" in lib.section_text("Orders/order 1.txt", None)
