"""Reading the rest of an owner's paperwork: scans, photos, spreadsheets, CSV, text; and the limits.

Real fixture files (tests/fixtures/make_paperwork.py), the real OCR engine and
real parsers. Reading a scan takes seconds, so each fixture is read once per
run (``parsed``, the session's ``read_once``) and the tests look at the result.
"""
from __future__ import annotations

import io
import pickle
import re
import struct
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

import pytest

from core.documents import file_kind, messages, read_document
from core.documents.xlsx import WARN_UNSAVED_FORMULAS
from core.errors import BadFileError
from tests.fixtures.make_paperwork import (
    CSV_ROWS,
    MIXED_SCAN_PAGE,
    SCAN_PAGES,
    STOCK_ROWS,
    make_million_row_csv,
    make_page_count_pdf,
    make_xlsx_zip_bomb,
)
from tests.test_documents import assert_calm, fixture, refused


def squash(text: str) -> str:
    """Lower case, one space between words: OCR is matched loosely."""
    return " ".join(text.lower().split())


def letters(text: str) -> str:
    """Only letters and digits: OCR sometimes drops the space between two words."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.fixture
def parsed(read_once):
    """Each fixture read once per run with default settings (``read_once``, shared with the ingest tests)."""
    return read_once


class TestScannedPdf:
    """A PDF page without a text layer is read by text recognition, page by page."""

    def test_a_scanned_pdf_is_read_page_by_page_with_confidence(self, parsed):
        doc = parsed("scanned-text.pdf")

        assert doc.kind == "pdf"
        assert [s.page for s in doc.segments] == [1, 2]
        for segment, (title, body) in zip(doc.segments, SCAN_PAGES):
            assert squash(segment.text).startswith(squash(title))
            assert squash(body)[:60] in squash(segment.text)
            assert 0.9 <= segment.ocr_confidence <= 1.0
        t = doc.triage
        assert (t.pages, t.ocr_pages, t.low_confidence_pages, t.empty_pages) == (2, [1, 2], [], [])
        assert 0.9 <= t.ocr_confidence <= 1.0
        assert t.warnings == [
            "Pages 1–2 were scanned; Groundwork read them with text recognition; "
            "check important figures against the original."
        ]
        assert_calm(t.warnings[0])

    def test_a_mixed_pdf_keeps_its_text_pages_and_reads_the_scanned_one(self, parsed):
        from tests.fixtures.make_fixtures import TEXT_PDF_PAGES

        doc = parsed("mixed-scan.pdf")

        assert [(s.page, s.ocr_confidence is not None) for s in doc.segments] == [(1, False), (2, True), (3, False)]
        assert doc.segments[0].text.startswith(TEXT_PDF_PAGES[0][0])  # the text layer, untouched
        assert squash(MIXED_SCAN_PAGE[1])[:50] in squash(doc.segments[1].text)
        assert doc.triage.ocr_pages == [2]
        assert doc.triage.warnings == [
            "Page 2 was scanned; Groundwork read it with text recognition; check important figures against the original."
        ]

    def test_a_page_that_reads_badly_gets_its_own_warning(self, parsed, settings):
        doc = parsed("poor-scan.pdf")

        assert doc.triage.ocr_pages == [1, 2]
        assert doc.triage.low_confidence_pages == [2]
        assert doc.segments[1].ocr_confidence < settings.ocr_low_confidence <= doc.segments[0].ocr_confidence
        [scanned, hard] = doc.triage.warnings
        assert scanned.startswith("Pages 1–2 were scanned")
        assert hard == (
            "Page 2 was hard to read (the scan may be blurred, small or crooked), so its text may contain "
            "mistakes; a sharper scan would help."
        )
        assert_calm(hard)

    def test_progress_names_each_scanned_page(self, settings):
        calls = []
        read_document("scan.pdf", fixture("scanned-text.pdf"), settings, lambda f, m: calls.append((f, m)))

        assert [m for _, m in calls if "scanned" in m] == ["Reading scanned page 1 of 2", "Reading scanned page 2 of 2"]
        fractions = [f for f, _ in calls]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0

    def test_too_many_scanned_pages_are_refused_before_any_is_read(self, settings):
        calls = []
        with pytest.raises(BadFileError) as caught:
            read_document("scan.pdf", fixture("scanned-text.pdf"), replace(settings, max_scanned_pages=1),
                          lambda f, m: calls.append(m))
        assert caught.value.user_message.startswith(
            "This PDF has 2 scanned pages, more than the 1 that Groundwork reads with text recognition in one file"
        )
        assert_calm(caught.value.user_message)
        assert not [m for m in calls if "scanned page" in m]

    def test_a_3000_page_scan_is_refused_at_once(self, settings):
        calls = []
        data = make_page_count_pdf(3000, scanned=True)
        with pytest.raises(BadFileError) as caught:
            read_document("archive.pdf", data, settings, lambda f, m: calls.append(m))
        assert caught.value.user_message.startswith("This PDF has 3,000 pages, more than the 2,000-page limit.")
        assert calls == []  # not one page looked at
        with pytest.raises(BadFileError) as caught:
            read_document("archive.pdf", data, replace(settings, max_pages=5000))
        assert caught.value.user_message.startswith("This PDF has 3,000 scanned pages, more than the 300")

    def test_a_200000_page_pdf_says_too_many_pages(self, settings):
        message = refused("huge.pdf", make_page_count_pdf(200_000), settings)
        assert message == (
            "This PDF has 200,000 pages, more than the 2,000-page limit. Split it into smaller files and upload them again."
        )


class TestPdfTables:
    """Tables are counted only where the page draws them with ruling lines."""

    def test_ruled_tables_are_counted_and_spaced_out_ones_are_not(self, parsed):
        doc = parsed("ruled-tables.pdf")
        assert doc.triage.tables == 2
        assert doc.triage.table_pages == [1]  # page 2: a framed box, a rule, columns made of spaces
        assert doc.triage.ocr_pages == []

    def test_sample_documents_tables(self, settings):
        from core.samples import SAMPLE_DIR

        doc = read_document("h.pdf", (SAMPLE_DIR / "Employee_Handbook.pdf").read_bytes(), settings)
        assert doc.triage.table_pages == [2, 5] and doc.triage.tables == 2


class TestImages:
    """Photos and scans saved as pictures: one page each, read by text recognition."""

    def test_a_photo_of_a_receipt_is_read_as_one_page(self, parsed):
        doc = parsed("receipt-photo.jpg")

        assert doc.kind == "jpg"
        [segment] = doc.segments
        assert segment.page == 1 and 0.8 <= segment.ocr_confidence <= 1.0
        for words in ("HARBOUR BIKES", "Receipt 20931", "Total 27.50", "Chain lube 9.50"):
            assert letters(words) in letters(segment.text)
        assert doc.triage.pages == 1 and doc.triage.ocr_pages == [1]
        assert doc.triage.warnings == [messages.WARN_IMAGE_OCR]

    def test_a_png_with_a_transparent_background_is_read(self, parsed):
        doc = parsed("gift-card.png")
        assert doc.kind == "png"
        assert "gift card 7782 is worth 50.00" in squash(doc.segments[0].text)

    def test_a_photo_without_text_says_so(self, parsed):
        doc = parsed("landscape.jpg")
        assert doc.segments == [] and doc.triage.words == 0
        assert doc.triage.warnings == [messages.WARN_IMAGE_NO_TEXT]
        assert_calm(messages.WARN_IMAGE_NO_TEXT)

    def test_a_picture_is_read_whatever_its_name(self, settings):
        doc = read_document("gift-card.pdf", fixture("gift-card.png"), settings)
        assert doc.kind == "png" and doc.triage.ocr_pages == [1]

    def test_empty_and_broken_pictures(self, settings):
        assert refused("empty.png", fixture("empty.png"), settings).startswith("This file is empty (0 bytes).")
        photo = fixture("receipt-photo.jpg")
        assert refused("half.jpg", photo[: len(photo) // 2], settings).startswith("This picture seems to be damaged")

    def test_a_giant_picture_is_refused_from_its_header(self, settings):
        def png_header(width: int, height: int) -> bytes:
            """A PNG's header and the start of its pixels: enough to tell its size, far too little to show it."""
            def chunk(kind: bytes, body: bytes) -> bytes:
                return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

            ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 1000))

        message = refused("poster.png", png_header(10000, 8000), settings)
        assert message.startswith("This picture is 80 megapixels, more than the 60-megapixel limit.")
        message = refused("poster.png", png_header(20000, 20000), settings)  # past Pillow's own guard too
        assert message.startswith("This picture is larger than the 60-megapixel limit.")

    @pytest.mark.parametrize(
        "head, what",
        [(b"GIF89a", "a GIF picture"), (b"II*\x00", "a TIFF picture"),
         (b"RIFF\0\0\0\0WEBPVP8 ", "a WebP picture"), (b"\0\0\0\x18ftypheic", "an iPhone (HEIC) picture")],
    )
    def test_other_pictures_say_what_to_save_them_as(self, settings, head, what):
        message = refused("photo", head + b"\0" * 100, settings)
        assert message == f"This file is {what}, which Groundwork can't read. Save it as PNG or JPEG and upload it again."


class TestXlsx:
    """Excel workbooks: every sheet, one line per row carrying its headers."""

    def test_every_sheet_row_by_row_with_headers(self, parsed):
        doc = parsed("prices.xlsx")

        assert doc.kind == "xlsx"
        assert [(s.section, s.rows) for s in doc.segments] == [
            ("Prices", (1, 1)), ("Prices", (3, 8)), ("Stock", (1, 3)), ("Stock", (5, 6))]
        assert all(s.page is None for s in doc.segments)
        for segment in doc.segments:  # one line per row: the chunker counts on it
            assert len(segment.text.split("\n")) == segment.rows[1] - segment.rows[0] + 1
        prices = doc.segments[1].text.split("\n")
        assert prices[0] == "Category · Product · Size · Price · Price with VAT"
        # the formula's saved result, in the cell's number format
        assert prices[1] == "Category: Mountain · Product: Trail 29 · Size: M · Price: 1,450.00 · Price with VAT: 1,740.00"
        # "Mountain" is merged down three rows: it belongs to each of them
        assert prices[3].startswith("Category: Mountain · Product: Ridge 27 · Size: S · Price: 1,199.00")
        assert prices[4].startswith("Category: City · Product: City 300")
        assert doc.segments[0].text == "Harbour Bikes price list 2026"  # the title merged across the top
        stock = doc.segments[2].text.split("\n") + doc.segments[3].text.split("\n")
        assert stock[1:] == [f"Item: {i} · Location: {w} · Count: {n}" for i, w, n in STOCK_ROWS]  # empty column gone
        t = doc.triage
        assert (t.sheets, t.rows, t.pages, t.warnings) == (2, 9, 0, [])

    def test_formulas_without_a_saved_result_are_flagged(self, settings):
        doc = read_document("p.xlsx", fixture("prices-unsaved-formulas.xlsx"), settings)
        assert doc.triage.warnings == [WARN_UNSAVED_FORMULAS]
        assert_calm(WARN_UNSAVED_FORMULAS)
        assert "Price with VAT:" not in doc.segments[1].text

    def test_progress_names_each_sheet(self, settings):
        calls = []
        read_document("p.xlsx", fixture("prices.xlsx"), settings, lambda f, m: calls.append(m))
        assert [m for m in calls if m.startswith("Reading sheet")] == [
            "Reading sheet Prices (1 of 2)", "Reading sheet Stock (2 of 2)"]

    @pytest.mark.parametrize(
        "name, expected",
        [
            ("corrupt.xlsx", "This spreadsheet seems to be damaged, so Groundwork can't read it."),
            ("locked.xlsx", "This spreadsheet is password-protected. Remove the password in Excel"),
        ],
    )
    def test_bad_workbooks(self, settings, name, expected):
        assert refused(name, fixture(name), settings).startswith(expected)

    def test_an_old_xls_file(self, settings):
        ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 200 + "Workbook".encode("utf-16-le") + b"\0" * 200
        assert refused("budget.xls", ole, settings) == messages.MSG_LEGACY_XLS
        assert refused("budget", ole, settings) == messages.MSG_LEGACY_XLS  # known by its content

    def test_a_workbook_bomb_is_refused_by_its_declared_size(self, settings, monkeypatch):
        monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("opened a zip bomb"))
        data = make_xlsx_zip_bomb(300)
        assert len(data) < 1024 * 1024
        message = refused("bomb.xlsx", data, settings)
        assert message.startswith("This spreadsheet would take up more than 200 MB once opened")

    def test_a_part_read_whole_has_its_own_limit(self, settings):
        strings = "".join(f"<si><t>Customer note {n} about order {n * 7919}</t></si>" for n in range(50_000))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:  # the shared-strings table is parsed whole
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("xl/workbook.xml", "<workbook/>")
            zf.writestr("xl/sharedStrings.xml", f"<sst>{strings}</sst>")
        message = refused("notes.xlsx", out.getvalue(), replace(settings, max_xml_mb=1))
        assert re.match(r"The text and layout inside this spreadsheet take up \d MB once unpacked, "
                        r"more than the 1 MB Groundwork opens at once\.", message)

    def test_row_and_cell_limits(self, settings):
        rows = refused("p.xlsx", fixture("prices.xlsx"), replace(settings, max_rows=5))
        assert rows.startswith("This spreadsheet has more than 5 rows, over the limit for one file.")
        cells = refused("p.xlsx", fixture("prices.xlsx"), replace(settings, max_cells=10))
        assert cells.startswith("This spreadsheet has more than 10 filled cells, over the limit for one file.")


class TestCsv:
    """CSV exports in the encodings and separators owners' programs use."""

    def test_utf8_with_quoted_commas(self, parsed):
        doc = parsed("prices-utf8.csv")
        assert doc.kind == "csv"
        [segment] = doc.segments
        assert (segment.section, segment.rows, segment.page) == (None, (1, 4), None)
        assert segment.text.split("\n")[1:] == [f"Product: {p} · Size: {s} · Price: {v}" for p, s, v in CSV_ROWS]
        assert doc.triage.rows == 3 and doc.triage.sheets == 1

    def test_windows_1252(self, parsed):
        lines = parsed("prices-cp1252.csv").segments[0].text.split("\n")
        assert lines[1:] == ["Product: Café crème kit · Price: € 12.50", "Product: Größe-L jersey · Price: € 39.00"]

    def test_semicolons_decimal_commas_and_a_title_line(self, parsed):
        lines = parsed("preise-semicolon.csv").segments[0].text.split("\n")
        assert lines == ["Preisliste März", "Artikel · Größe · Preis",
                         "Artikel: Trail 29 · Größe: M · Preis: 1.450,00", "Artikel: Stadtrad 300 · Größe: S · Preis: 899,00"]

    def test_tab_separated(self, settings):
        data = "Item\tCount\nBell\t61\nLock\t40\n".encode("utf-16")  # as Excel's "Unicode text" export
        doc = read_document("stock.tsv", data, settings)
        assert doc.segments[0].text.split("\n")[1:] == ["Item: Bell · Count: 61", "Item: Lock · Count: 40"]

    def test_a_million_rows_are_refused_with_the_row_limit(self, settings):
        message = refused("till-export.csv", make_million_row_csv(), settings)
        assert message.startswith(f"This spreadsheet has more than {settings.max_rows:,} rows, over the limit")

    def test_a_csv_with_no_filled_cells(self, settings):
        doc = read_document("empty.csv", b",,,\r\n,,,\r\n", settings)
        assert doc.segments == [] and doc.triage.words == 0
        assert doc.triage.warnings == [messages.warn_no_text("csv", scanned=False)]


class TestText:
    """Plain text and Markdown: headings become sections."""

    def test_markdown_headings_become_sections(self, parsed):
        doc = parsed("notes.md")
        assert doc.kind == "md"
        assert [s.section for s in doc.segments] == ["Workshop notes", "Brake bleeding", "Opening hours"]
        assert all(s.page is None and s.text.startswith(s.section) for s in doc.segments)
        assert "# not a heading" in doc.segments[1].text  # a comment in a code block stays text
        assert doc.segments[2].text == "Opening hours\n\nThe workshop opens at 8am on weekdays."

    def test_plain_text_in_utf16_and_windows_1252(self, settings):
        for data in ("Preise für Räder\n\nTrail 29: 1.450 €\n".encode("utf-16"),
                     "Preise für Räder\n\nTrail 29: 1.450 €\n".encode("cp1252")):
            doc = read_document("preise.txt", data, settings)
            assert doc.kind == "txt"
            assert doc.segments[0].text == "Preise für Räder\n\nTrail 29: 1.450 €"

    def test_notes_txt_is_read(self, parsed):
        doc = parsed("notes.txt")
        assert doc.kind == "txt" and doc.segments[0].text.startswith("Price list")

    def test_text_limit(self, settings):
        message = refused("notes.md", fixture("notes.md"), replace(settings, max_text_chars=100))
        assert message == (
            "This file holds more than 100 characters of text, over the limit for one file. "
            "Split it into smaller files and upload them again."
        )


@pytest.mark.parametrize(
    "name, kind",
    [("scanned-text.pdf", "pdf"), ("prices.xlsx", "xlsx"), ("prices-utf8.csv", "csv"), ("preise-semicolon.csv", "csv"),
     ("notes.md", "md"), ("notes.txt", "txt"), ("receipt-photo.jpg", "jpg"), ("gift-card.png", "png"),
     ("handbook.docx", "docx")],
)
def test_every_kind_is_known_by_its_content(name, kind):
    assert file_kind(name, fixture(name)) == kind


class TestLimits:
    """Every file is bounded: text, pages and passages, each with its own message."""

    def test_text_limit_stops_a_pdf(self, settings):
        message = refused("t.pdf", fixture("text-3-pages.pdf"), replace(settings, max_text_chars=200))
        assert message.startswith("This file holds more than 200 characters of text")

    def test_text_limit_stops_a_word_file(self, settings):
        message = refused("h.docx", fixture("handbook.docx"), replace(settings, max_text_chars=200))
        assert message.startswith("This file holds more than 200 characters of text")

    def test_limits_are_settings_with_sane_defaults(self, settings):
        assert settings.max_text_chars >= 1_000_000 and settings.max_passages >= 5_000
        assert 10 <= settings.max_xml_mb < settings.max_unzipped_mb
        assert settings.max_rows * 60 <= settings.max_text_chars  # a full sheet of rows fits in the text limit


class TestWorkerProcess:
    """read_document is a pure function: it runs the same in a fresh worker process."""

    def test_reading_in_a_spawned_process_gives_the_same_result(self, settings):
        names = ["text-3-pages.pdf", "prices.xlsx", "notes.md", "gift-card.png"]
        assert pickle.loads(pickle.dumps(settings)) == settings
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            remote = list(pool.map(read_document, names, [fixture(n) for n in names], [settings] * len(names),
                                   [None] * len(names)))
        for name, doc in zip(names, remote):
            assert doc == read_document(name, fixture(name), settings)

    def test_a_refusal_crosses_the_process_boundary_intact(self, settings):
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            future = pool.submit(read_document, "corrupt.xlsx", fixture("corrupt.xlsx"), settings)
            with pytest.raises(BadFileError) as caught:
                future.result()
        assert caught.value.user_message == messages.MSG_XLSX_DAMAGED

