"""Documents only the owner sees ("Only me"), with real Chroma, SQLite, PDFs and the real embedding model.

A staff member's view of the library never retrieves, counts, shows or opens a passage of a document marked
"Only me"; the owner's does; marking it later takes effect for the very next search.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from core.access import OWNER_HERE, Access
from core.errors import NotFoundError
from core.ingest import add_files
from core.library import Library, LibraryView
from core.search import search
from core.search.text import fts_query
from tests.builders import make_pdf

SECRET = "quillbanter"  # the unique word of the owner-only document
STAFF = Access("Sam", "staff")
OWNER = Access("Maria", "owner")

# The payroll file talks about leave on every page, so it would crowd the handbook out of a top k
# taken before filtering: a staff member would then lose the handbook's passages (recall).
PAYROLL = [f"Payroll page {i}. Annual leave pay for {SECRET} grade staff is {4100 + i} dollars a month; "
           "holiday leave accrues monthly and leave balances are paid out." for i in range(1, 13)]
HANDBOOK = ["Annual leave. Full-time staff receive 25 days of paid holiday leave each year.",
            "Sick leave. Call the store manager before nine when you are ill.",
            "Uniform prices\nGreen work shirt 12.50\nName badge 3.00\nCanvas apron 8.75"]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@pytest.fixture(scope="module")
def handbook() -> bytes:
    return make_pdf(HANDBOOK)


@pytest.fixture
def lib(settings, handbook):
    library = Library(settings)
    add_files(library, [("Handbook.pdf", handbook)])
    reports = add_files(library, [("Payroll.pdf", make_pdf(PAYROLL))], only_owner=True)
    assert [r.status for r in reports] == ["added"]
    return library


def secret_chunks(library) -> set[str]:
    return {r[0] for r in library.db.conn().execute(
        "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.name = 'Payroll.pdf'")}


def test_staff_never_retrieve_count_or_open_an_owner_only_document(lib):
    staff = lib.for_access(STAFF)
    assert isinstance(staff, LibraryView) and lib.for_access(OWNER) is lib and lib.for_access(OWNER_HERE) is lib
    hidden = secret_chunks(lib)
    assert len(hidden) == 12

    # keyword and vector retrieval, and the search both feed
    assert staff.keyword_query(fts_query(SECRET), 40) == []
    assert set(lib.keyword_query(fts_query(SECRET), 40)) <= hidden and lib.keyword_query(fts_query(SECRET), 40)
    qvec = lib.embedder.embed_query(PAYROLL[0])
    assert not {cid for cid, _ in staff.vector_query(qvec, 40)} & hidden
    assert {cid for cid, _ in lib.vector_query(qvec, 3)} <= hidden  # the owner's nearest are payroll's
    for question in (SECRET, f"How much is {SECRET} pay?", "annual leave pay"):
        found = search(staff, question, k=8)
        assert all(r.file == "Handbook.pdf" for r in found), question
        assert SECRET not in json.dumps([r.as_dict() for r in found])
    assert any(r.file == "Payroll.pdf" for r in search(lib, f"How much is {SECRET} pay?", k=5))

    # passages by id, similarities, documents, counts, the viewer's and the download's lookups
    assert staff.chunks_by_id(hidden) == {} and staff.similarities(qvec, list(hidden)) == {}
    assert [d.file for d in staff.documents()] == ["Handbook.pdf"]
    assert [d.file for d in lib.documents()] == ["Handbook.pdf", "Payroll.pdf"]
    assert staff.stats().documents == 1 and lib.stats().documents == 2
    assert staff.stats().pages == 3 and staff.chunk_count() < lib.chunk_count()
    for read in (staff.document, staff.original_path, staff.segments):
        with pytest.raises(NotFoundError) as refused:
            read("Payroll.pdf")
        assert "among the documents you can see" in refused.value.user_message
    assert not staff.has_name("Payroll.pdf") and staff.by_hash(lib.document("Payroll.pdf").sha256) is None
    # the same sentence for a document that doesn't exist: a refusal says nothing about what is there
    with pytest.raises(NotFoundError) as nothing:
        staff.document("Lease.pdf")
    assert nothing.value.user_message.replace("Lease.pdf", "X") == refused.value.user_message.replace("Payroll.pdf", "X")

    # a view reads only: nothing that writes is there
    assert not hasattr(staff, "store") and not hasattr(staff, "remove") and not hasattr(staff, "set_only_owner")


def test_staff_lose_no_recall_to_owner_only_passages(lib):
    """The filter is applied before the top k: the handbook's leave passages still fill a staff member's k."""
    staff = lib.for_access(STAFF)
    assert len(staff.keyword_query(fts_query("leave"), 2)) == 2
    qvec = lib.embedder.embed_query("annual leave pay")
    assert len(staff.vector_query(qvec, 3)) == 3  # all three handbook passages, though payroll's are nearer
    assert all(cid not in secret_chunks(lib) for cid, _ in staff.vector_query(qvec, 3))
    # ... and the files filter still narrows within what the person may read
    assert staff.vector_query(qvec, 3, files=["Payroll.pdf"]) == []
    assert staff.keyword_query(fts_query("leave"), 5, files=["Payroll.pdf"]) == []


def test_marking_later_takes_effect_at_once_and_is_in_the_change_log(lib):
    staff = lib.for_access(STAFF)
    assert lib.set_only_owner("Payroll.pdf", False) is True
    assert any(r.file == "Payroll.pdf" for r in search(staff, f"{SECRET} pay", k=5))
    assert staff.document("Payroll.pdf").only_owner is False
    assert lib.set_only_owner("Payroll.pdf", True) is True
    assert lib.set_only_owner("Payroll.pdf", True) is False  # already so: nothing logged twice
    assert all(r.file != "Payroll.pdf" for r in search(staff, f"{SECRET} pay", k=5))
    # the same already-open view (a page kept open, a cached library) sees the change: nothing was copied
    assert staff.keyword_query(fts_query(SECRET), 5) == []
    actions = [r[0] for r in lib.db.conn().execute(
        "SELECT action FROM changes WHERE file = 'Payroll.pdf' ORDER BY id")]
    assert actions[-2:] == ["for_everyone", "only_owner"]
    # the mark set in another process (another Library on the same folder) reaches this one's next search
    other = Library(lib.settings)
    other.set_only_owner("Payroll.pdf", False)
    assert staff.keyword_query(fts_query(SECRET), 5)


def test_a_new_version_of_an_only_me_document_stays_only_me(lib):
    replaced = add_files(lib, [("Payroll.pdf", make_pdf(PAYROLL[:3] + ["A new page about bonuses."]))])
    assert [r.status for r in replaced] == ["replaced"]
    assert lib.document("Payroll.pdf").only_owner is True
    assert lib.for_access(STAFF).keyword_query(fts_query(SECRET), 5) == []


def test_only_me_on_a_file_already_in_the_library_marks_it(lib, handbook):
    assert [r.status for r in add_files(lib, [("Handbook.pdf", handbook)], only_owner=True)] == ["unchanged"]
    assert lib.document("Handbook.pdf").only_owner is True
    assert lib.for_access(STAFF).documents() == []


def test_self_test_and_example_question_for_staff_leave_it_out(lib):
    from core import selftest
    from core.examples import example_question

    owners = json.dumps(selftest.run(lib, limit=20).__dict__, default=str)
    assert "Payroll" in owners  # the owner's check covers it ...
    report = selftest.run(lib.for_access(STAFF), limit=20)
    staffs = json.dumps(report.__dict__, default=str)
    assert "Handbook" in staffs and "Payroll" not in staffs and SECRET not in staffs  # ... one run as staff never
    assert SECRET not in example_question(lib.for_access(STAFF))


def test_the_viewer_and_the_download_refuse_it_for_staff(lib):
    """An answer citing the payroll (the owner's, or a staff member's from before it was marked) opens nothing."""
    from core.viewer import DocumentRemoved, open_source

    chunk = sorted(secret_chunks(lib))[0]
    assert open_source(lib, "Payroll.pdf", chunk).path.exists()  # the owner opens it
    with pytest.raises(NotFoundError) as refused:
        open_source(lib.for_access(STAFF), "Payroll.pdf", chunk)
    assert not isinstance(refused.value, DocumentRemoved)  # not "removed on ...": nothing is said about it
    assert "among the documents you can see" in refused.value.user_message
