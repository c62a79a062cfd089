"""Keeping the library in step with a folder: add, change, rename, move, delete, and who did what."""
from __future__ import annotations

import os
import sys

from core.ingest import add_files
from core.search import search
from core.sync import changelog
from core.viewer import open_source
from tests.builders import make_pdf
from tests.sync_helpers import did, doc_id, keep, names, one_pass, open_library, put

PAGES = ["The delivery of flour happens every Tuesday morning at the back door.",
         "Oat milk costs 2 pounds a litre from the dairy co-operative.",
         "Sourdough starter is fed twice a day with rye flour and water."]


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed (to prove a rename embeds nothing)."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0
        self.name, self.dim = inner.name, inner.dim

    def embed(self, texts, progress=None):
        self.texts += len(texts)
        return self.inner.embed(texts, progress=progress)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_add_change_rename_move_and_delete(data_dir, tmp_path):
    folder = tmp_path / "Paperwork"
    lib = open_library(data_dir)
    lib.embedder = CountingEmbedder(lib.embedder)
    put(folder, "Suppliers.pdf", make_pdf(PAGES))
    put(folder, "Contracts/Lease.txt", "The rent for the bakery is 900 pounds a month, due on the first.")
    keep(lib, folder)

    [first] = one_pass(lib)
    assert first.reached and sorted(did(first)) == [("added", "Contracts/Lease.txt"), ("added", "Suppliers.pdf")]
    assert names(lib) == ["Contracts/Lease.txt", "Suppliers.pdf"]
    assert search(lib, "when is the rent due", k=1)[0].file == "Contracts/Lease.txt"

    [again] = one_pass(lib)  # nothing changed: nothing happens, nothing is logged
    assert again.changes == [] and again.unchanged == 2

    # change page 2 of the PDF: replaced, and the log says which page changed
    put(folder, "Suppliers.pdf", make_pdf([PAGES[0], "Oat milk now costs 3 pounds a litre.", PAGES[2]]))
    [changed] = one_pass(lib)
    assert did(changed) == [("replaced", "Suppliers.pdf")]
    assert "page 2 changed" in changed.changes[0]["detail"]
    assert "3 pounds" in lib.page_text("Suppliers.pdf", 2)

    # an answer cites the lease; then the lease is renamed and moved to another sub-folder
    lease_id = doc_id(lib, "Contracts/Lease.txt")
    [hit] = search(lib, "rent for the bakery", k=1)
    embedded = lib.embedder.texts
    chunks_before = lib.chunk_count()
    (folder / "Archive" / "2026").mkdir(parents=True)
    os.rename(folder / "Contracts" / "Lease.txt", folder / "Archive" / "2026" / "Bakery lease.txt")
    [moved] = one_pass(lib)
    assert did(moved) == [("renamed", "Archive/2026/Bakery lease.txt")]
    assert moved.changes[0]["previous"] == "Contracts/Lease.txt"
    assert doc_id(lib, "Archive/2026/Bakery lease.txt") == lease_id  # same document: same passages, history
    assert lib.embedder.texts == embedded  # nothing embedded again
    assert lib.chunk_count() == chunks_before == lib.vector_count()
    assert search(lib, "rent for the bakery", k=1)[0].file == "Archive/2026/Bakery lease.txt"
    # the old citation still opens: by its passage, and by its old name alone
    assert open_source(lib, hit.file, hit.chunk_id).file == "Archive/2026/Bakery lease.txt"
    assert open_source(lib, "Contracts/Lease.txt").file == "Archive/2026/Bakery lease.txt"

    os.remove(folder / "Suppliers.pdf")
    [deleted] = one_pass(lib)
    assert did(deleted) == [("removed", "Suppliers.pdf")]
    assert names(lib) == ["Archive/2026/Bakery lease.txt"]
    assert not [r for r in search(lib, "oat milk dairy", k=5) if r.file == "Suppliers.pdf"]

    log = changelog.changes(lib.db.conn())
    assert [c.action for c in log] == ["removed", "renamed", "replaced", "added", "added"]
    assert {(c.by_kind, c.by) for c in log} == {("folder", str(folder))}


def test_a_file_added_by_hand_is_never_touched(data_dir, tmp_path):
    folder = tmp_path / "Shared"
    lib = open_library(data_dir)
    add_files(lib, [("Prices.txt", b"Hand-added price list: a loaf is 3 pounds.")])
    add_files(lib, [("Notes.txt", b"Hand-added notes about the ovens being serviced in May.")])
    put(folder, "Prices.txt", "The folder's price list: a loaf is 4 pounds.")
    put(folder, "Rota.txt", "The weekend rota: Sam opens the shop on Saturdays.")
    keep(lib, folder)
    [first] = one_pass(lib)
    # same name as a hand-added document: the folder's copy gets the folder's name in front
    assert sorted(did(first)) == [("added", "Rota.txt"), ("added", "Shared/Prices.txt")]
    assert "3 pounds" in lib.page_text("Prices.txt", None) + lib.section_text("Prices.txt", None)

    os.remove(folder / "Prices.txt")
    [second] = one_pass(lib)
    assert did(second) == [("removed", "Shared/Prices.txt")]
    assert names(lib) == ["Notes.txt", "Prices.txt", "Rota.txt"]  # the hand-added ones stay

    log = changelog.changes(lib.db.conn())
    by_hand = [c for c in log if c.file in ("Prices.txt", "Notes.txt")]
    assert [(c.action, c.by_kind, c.by) for c in by_hand] == [("added", "person", "you")] * 2


def test_a_document_removed_by_hand_is_not_brought_back(data_dir, tmp_path):
    folder = tmp_path / "Shared"
    lib = open_library(data_dir)
    put(folder, "Menu.txt", "Today's menu: rye bread and cinnamon buns.")
    keep(lib, folder)
    one_pass(lib)
    lib.remove("Menu.txt")  # the owner removes it on the Documents page
    [after] = one_pass(lib)
    assert names(lib) == []
    assert did(after) == [("skipped", "Menu.txt")]
    assert one_pass(lib)[0].changes == []  # said once


def test_same_file_name_in_sub_folders_and_in_two_kept_folders(data_dir, tmp_path):
    north, south = tmp_path / "North shop", tmp_path / "South shop"
    lib = open_library(data_dir)
    put(north, "2025/Report.txt", "North shop 2025: sales of rye bread grew.")
    put(north, "2026/Report.txt", "North shop 2026: sales of croissants grew.")
    put(south, "2025/Report.txt", "South shop 2025: sales of baguettes fell.")
    put(south, "Staff.txt", "South shop staff: two bakers and one cashier.")
    keep(lib, north)
    keep(lib, south)
    one_pass(lib)
    assert names(lib) == ["2025/Report.txt", "2026/Report.txt", "South shop/2025/Report.txt", "Staff.txt"]
    assert search(lib, "baguettes sales", k=1)[0].file == "South shop/2025/Report.txt"
    os.remove(south / "2025" / "Report.txt")
    one_pass(lib)
    assert names(lib) == ["2025/Report.txt", "2026/Report.txt", "Staff.txt"]


def test_a_pass_over_unchanged_files_opens_none_of_them(data_dir, tmp_path):
    folder = tmp_path / "Many"
    lib = open_library(data_dir)
    for i in range(12):
        put(folder, f"part {i % 3}/note {i}.txt", f"Note number {i} about batch {i * 7} of loaves.")
    keep(lib, folder)
    assert len(one_pass(lib)[0].changes) == 12
    opened: list[str] = []
    root = str(folder)

    def audit(event, args):
        if event == "open" and args and str(args[0]).startswith(root):
            opened.append(str(args[0]))

    sys.addaudithook(audit)  # hooks can't be removed; this one only records paths under this test's folder
    [report] = one_pass(lib)
    assert report.unchanged == 12 and report.changes == []
    assert opened == []
    put(folder, "part 1/note 4.txt", "Note number 4 was rewritten: batch 99.")
    opened.clear()  # the test's own write
    one_pass(lib)
    assert opened == [str(folder / "part 1" / "note 4.txt")] * 2  # hashed once, then read to be added


def test_a_document_a_person_removes_leaves_its_name_nowhere_in_the_log(data_dir, tmp_path):
    folder = tmp_path / "Private"
    lib = open_library(data_dir)
    put(folder, "Salaries Zebedee.txt", "Quixotic payroll figures for the night bakers.")
    put(folder, "Rota.txt", "The weekend rota: Sam opens the shop on Saturdays.")
    keep(lib, folder)
    one_pass(lib)
    os.rename(folder / "Salaries Zebedee.txt", folder / "Pay Zebedee 2026.txt")
    one_pass(lib)
    from core.sync import folders as kept

    kept.remove(lib.db, folder)  # no longer kept in step: now the owner's own document
    lib.remove("Pay Zebedee 2026.txt")
    log = changelog.changes(lib.db.conn())
    assert log[0].action == "removed" and log[0].file == changelog.FORGOTTEN and log[0].by == "you"
    assert not [c for c in log if "Zebedee" in c.file + c.previous + c.detail]
    assert [c.file for c in log if c.action == "added"] == ["Rota.txt", changelog.FORGOTTEN] or [
        c.file for c in log if c.action == "added"] == [changelog.FORGOTTEN, "Rota.txt"]


def test_a_changed_spreadsheet_says_which_rows_changed(data_dir, tmp_path):
    folder = tmp_path / "Till"
    lib = open_library(data_dir)
    rows = [f"loaf {i},{i}.50" for i in range(300)]
    put(folder, "Prices.csv", "item,price\n" + "\n".join(rows) + "\n")
    put(folder, "Notes.txt", "The till is emptied every evening at six.")
    keep(lib, folder)
    one_pass(lib)
    rows[100] = "loaf 100,99.99"
    put(folder, "Prices.csv", "item,price\n" + "\n".join(rows) + "\n")
    [changed] = one_pass(lib)
    assert did(changed) == [("replaced", "Prices.csv")]
    detail = changed.changes[0]["detail"]
    assert detail.startswith("Changed in the folder: rows ") and detail.endswith(" changed.")
    first, last = (int(n) for n in detail.split("rows ")[1].split(" ")[0].split("–"))
    assert first <= 102 <= last and last - first < 100  # the block holding the changed row, not the whole file
