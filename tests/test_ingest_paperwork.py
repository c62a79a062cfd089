"""Scans, photos, spreadsheets and text through the real library and real search.

The real ingest pipeline (``core.ingest.check_file`` + ``add_checked``, after the session's one reading of
each fixture; ``add_files`` for the refusals) puts the fixture files
into a real ``core.library.Library`` (Chroma + SQLite in tmp_path, the real
embedding model); ``core.search.search`` then has to
find each by its own words, in the right file, page, sheet or rows. Bad files
are refused one by one with their plain message and leave nothing behind.
"""
from __future__ import annotations

import pytest

from core.documents import messages
from core.ingest import add_checked, add_files, check_file
from core.library import Library
from core.search import search
from core.settings import load_settings
from tests.fixtures.make_paperwork import make_million_row_csv, make_xlsx_zip_bomb
from tests.test_documents import assert_calm, fixture

pytestmark = pytest.mark.slow

GOOD = ["scanned-text.pdf", "mixed-scan.pdf", "receipt-photo.jpg", "prices.xlsx", "prices-utf8.csv",
        "preise-semicolon.csv", "notes.md"]


@pytest.fixture(scope="module")
def library(tmp_path_factory, read_once):
    """The pipeline after reading (check, split, embed, store): the files as ``read_once`` read them, so
    the scans aren't recognised a second time (reading them is tested in test_documents_paperwork.py)."""
    lib = Library(load_settings(environ={}, data_dir=tmp_path_factory.mktemp("data")))
    reports = [add_checked(check_file(name, fixture(name), lib, read=lambda _n, _d, name=name: read_once(name)), lib)
               for name in GOOD]
    assert [(r.file, r.status) for r in reports] == [(name, "added") for name in GOOD], [r.message for r in reports]
    return lib


def top(library, question: str, **kwargs):
    results = search(library, question, k=3, **kwargs)
    assert results, question
    return results[0]


class TestFoundBySearch:
    def test_every_file_is_in_the_library_with_its_kind(self, library):
        docs = {d.file: d for d in library.documents()}
        assert set(docs) == set(GOOD)
        assert docs["scanned-text.pdf"].pages == 2

    def test_a_scanned_page_is_found_with_its_page(self, library):
        hit = top(library, "Who delivered the Trail 500 frames and who signed for them?")
        assert (hit.file, hit.page) == ("scanned-text.pdf", 1)
        hit = top(library, "How much is due on invoice 4471 and which account do I pay into?")
        assert (hit.file, hit.page) == ("scanned-text.pdf", 2)

    def test_the_scanned_page_of_a_mixed_pdf_is_found_with_its_page(self, library):
        hit = top(library, "Which days does Priya cover in the workshop?")
        assert (hit.file, hit.page) == ("mixed-scan.pdf", 2)

    def test_a_photo_is_found_as_page_1(self, library):
        hit = top(library, "receipt 20931 inner tube chain lube total")
        assert (hit.file, hit.page) == ("receipt-photo.jpg", 1)

    def test_a_spreadsheet_row_is_found_on_its_sheet(self, library):
        hit = top(library, "What is the price of the Ridge 27 in size S?")
        assert (hit.file, hit.section, hit.page) == ("prices.xlsx", "Prices", None)
        assert "Product: Ridge 27 · Size: S · Price: 1,199.00" in hit.text
        hit = top(library, "How many Bell Classic are in stock and where?")
        assert (hit.file, hit.section) == ("prices.xlsx", "Stock")

    def test_csv_rows_in_other_languages_are_found(self, library):
        hit = top(library, "Stadtrad 300 Preis")
        assert hit.file == "preise-semicolon.csv" and "Preis: 899,00" in hit.text

    def test_markdown_sections_are_found(self, library):
        hit = top(library, "Which brake fluid for the City 300?")
        assert (hit.file, hit.section) == ("notes.md", "Brake bleeding")

    def test_a_spreadsheet_hit_carries_its_rows(self, library):
        hit = top(library, "What is the price of the Ridge 27 in size S?")
        assert hit.row_start is not None and hit.row_start <= 6 <= hit.row_end


BAD = [
    ("corrupt.xlsx", fixture("corrupt.xlsx"), messages.MSG_XLSX_DAMAGED),
    ("locked.xlsx", fixture("locked.xlsx"), messages.MSG_XLSX_PASSWORD),
    ("empty.png", b"", messages.MSG_EMPTY),
    ("half.jpg", fixture("receipt-photo.jpg")[:5000], messages.MSG_IMAGE_DAMAGED),
]


class TestBadFilesThroughTheLibrary:
    def test_each_bad_file_gets_its_plain_message_and_nothing_is_stored(self, settings):
        lib = Library(settings)
        items = [(name, data) for name, data, _ in BAD]
        items += [("bomb.xlsx", make_xlsx_zip_bomb(300)), ("till.csv", make_million_row_csv()),
                  ("landscape.jpg", fixture("landscape.jpg")), ("notes.md", fixture("notes.md"))]
        reports = add_files(lib, items)

        by_file = {r.file: r for r in reports}
        for name, _, expected in BAD:
            assert (by_file[name].status, by_file[name].error) == ("failed", expected)
        assert by_file["bomb.xlsx"].error.startswith("This spreadsheet would take up more than 200 MB once opened")
        assert by_file["till.csv"].error.startswith("This spreadsheet has more than 50,000 rows")
        assert by_file["landscape.jpg"].status == "failed"
        assert "No text could be found" in by_file["landscape.jpg"].error
        for report in reports:
            if report.status == "failed":
                assert_calm(report.error)
        assert by_file["notes.md"].status == "added"  # one bad file never stops the others
        assert [d.file for d in lib.documents()] == ["notes.md"]
        stored = list(settings.files_dir.glob("*")) if settings.files_dir.exists() else []
        assert len(stored) == 1  # only the good file's original was kept
