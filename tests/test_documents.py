"""Reading PDFs and Word files: real fixture files, real parsers."""
from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from dataclasses import replace

import pytest
from pypdf import PageObject

import core.documents.docx as docx_reader
import core.documents.pdf as pdf_reader
from core.documents import file_kind, read_document, safe_name
from core.errors import BadFileError
from tests.conftest import FIXTURES
from tests.fixtures.make_fixtures import (
    TEXT_PDF_PAGES,
    handbook_docx,
    make_docx_zip_bomb,
    make_many_pages_pdf,
    text_pdf,
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(name: str, settings, **kwargs):
    return read_document(name, fixture(name), settings, **kwargs)


def assert_calm(message: str) -> None:
    """One or two plain sentences: no traceback, no exception names, no jargon."""
    assert message and message[0].isupper() and message.endswith(".")
    assert "\n" not in message and len(message) < 300
    assert "Traceback" not in message
    assert not re.search(r"[A-Za-z]+(Error|Exception)\b", message)
    for jargon in ("pypdf", "docx.", "zipfile", "xml", "None", "errno", "0x"):
        assert jargon not in message


def refused(name: str, data: bytes, settings) -> str:
    with pytest.raises(BadFileError) as caught:
        read_document(name, data, settings)
    assert_calm(caught.value.user_message)
    return caught.value.user_message


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for part, text in parts.items():
            zf.writestr(part, text)
    return out.getvalue()


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class TestPdf:
    """Reading PDFs: text pages, scanned pages, passwords, limits."""

    def test_text_pdf_is_read_page_by_page(self, settings):
        data = fixture("text-3-pages.pdf")
        doc = read_document("text-3-pages.pdf", data, settings)

        assert doc.kind == "pdf"
        assert doc.name == "text-3-pages.pdf"
        assert doc.sha256 == hashlib.sha256(data).hexdigest()
        assert [s.page for s in doc.segments] == [1, 2, 3]
        for segment, (title, body) in zip(doc.segments, TEXT_PDF_PAGES):
            assert segment.text.startswith(title)
            assert " ".join(segment.text.split()).endswith(body.split()[-1])
        assert "within 30 days of purchase" in " ".join(doc.segments[1].text.split())
        t = doc.triage
        assert (t.pages, t.empty_pages, t.tables, t.encrypted, t.warnings) == (3, [], 0, False, [])
        assert t.words == sum(len(body.split()) + len(title.split()) for title, body in TEXT_PDF_PAGES)

    def test_pdf_progress_reports_each_page(self, settings):
        calls = []
        read("text-3-pages.pdf", settings, progress=lambda f, m: calls.append((f, m)))
        messages = [m for _, m in calls]
        assert [m for m in messages if m.startswith("Reading page")] == [
            "Reading page 1 of 3",
            "Reading page 2 of 3",
            "Reading page 3 of 3",
        ]
        fractions = [f for f, _ in calls]
        assert fractions == sorted(fractions) and 0.0 <= fractions[0] and fractions[-1] == 1.0

    def test_image_only_pdf_is_returned_with_a_no_text_warning(self, settings):
        doc = read("scanned.pdf", settings)

        assert doc.segments == []
        assert doc.triage.pages == 2 and doc.triage.words == 0
        assert doc.triage.empty_pages == [1, 2]
        [warning] = doc.triage.warnings
        assert "no text" in warning and "OCR" in warning and "scanned" in warning
        assert_calm(warning)

    def test_mixed_pdf_flags_the_scanned_page_and_keeps_the_rest(self, settings):
        doc = read("mixed.pdf", settings)

        assert [s.page for s in doc.segments] == [1, 3]
        assert doc.triage.empty_pages == [2]
        [warning] = doc.triage.warnings
        # page 2 is bars of ink, not letters: text recognition tried it and found no words
        assert warning.startswith("Page 2 looks scanned, but text recognition found no words on it")
        assert "won't be searchable" in warning
        assert doc.triage.ocr_pages == []

    def test_owner_password_only_aes_pdf_reads_normally(self, settings):
        doc = read("owner-only-aes.pdf", settings)

        assert doc.triage.encrypted is True
        assert [s.page for s in doc.segments] == [1, 2, 3]
        assert "lifetime warranty" in doc.segments[2].text

    def test_user_password_pdf_is_refused_with_instructions(self, settings):
        message = refused("locked-aes.pdf", fixture("locked-aes.pdf"), settings)
        assert message == "This PDF is password-protected. Remove the password and upload it again."

    def test_a_page_that_fails_to_extract_keeps_the_others(self, settings, monkeypatch):
        real = PageObject.extract_text
        calls = {"n": 0}

        def flaky(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyError("/Font")  # what a broken font dictionary looks like
            return real(self, *args, **kwargs)

        monkeypatch.setattr(PageObject, "extract_text", flaky)
        doc = read("text-3-pages.pdf", settings)

        assert [s.page for s in doc.segments] == [1, 3]
        [warning] = doc.triage.warnings
        assert warning.startswith("Page 2 couldn't be read")
        assert_calm(warning)

    def test_a_pdf_where_every_page_fails_is_refused(self, settings, monkeypatch):
        def broken(self, *args, **kwargs):
            raise ValueError("bad stream")

        monkeypatch.setattr(PageObject, "extract_text", broken)
        assert "damaged" in refused("text-3-pages.pdf", fixture("text-3-pages.pdf"), settings)

    def test_unexpected_parser_failure_becomes_a_calm_message(self, settings, monkeypatch):
        def explode(*args, **kwargs):
            raise RuntimeError("parser bug")

        monkeypatch.setattr(pdf_reader, "PdfReader", explode)
        assert "damaged" in refused("text-3-pages.pdf", fixture("text-3-pages.pdf"), settings)
        monkeypatch.setattr(docx_reader, "open_docx", explode)
        assert "damaged" in refused("handbook.docx", fixture("handbook.docx"), settings)

    def test_page_limit_fires_before_any_text_is_extracted(self, settings, tmp_path, monkeypatch):
        path = tmp_path / "huge.pdf"
        path.write_bytes(make_many_pages_pdf(3000))

        def must_not_run(self, *args, **kwargs):
            raise AssertionError("text extracted before the page limit was checked")

        monkeypatch.setattr(PageObject, "extract_text", must_not_run)
        started = time.perf_counter()
        message = refused("huge.pdf", path.read_bytes(), settings)
        assert time.perf_counter() - started < 10
        assert message == (
            "This PDF has 3,000 pages, more than the 2,000-page limit. Split it into smaller files and upload them again."
        )

    def test_page_limit_is_a_setting(self, settings):
        data = fixture("text-3-pages.pdf")
        assert read_document("a.pdf", data, replace(settings, max_pages=3)).triage.pages == 3
        assert "2-page limit" in refused("a.pdf", data, replace(settings, max_pages=2))

    def test_file_size_limit_is_checked_first(self, settings, monkeypatch):
        monkeypatch.setattr(pdf_reader, "PdfReader", lambda *a, **k: pytest.fail("parsed an oversized file"))
        data = b"%PDF-1.7\n" + b"\0" * (2 * 1024 * 1024)
        message = refused("big.pdf", data, replace(settings, max_file_mb=1))
        assert message == "This file is larger than the 1 MB limit. Split it into smaller files and upload them again."


class TestSniffing:
    """What a file is, from its content first; a plain reason for what can't be read."""

    @pytest.mark.parametrize(
        "name, expected",
        [
            ("empty.pdf", "This file is empty (0 bytes)."),
            ("truncated.pdf", "This PDF seems to be damaged or incomplete"),
            ("garbage.pdf", "This PDF seems to be damaged or incomplete"),
            ("html-renamed.pdf", "This file is named .pdf but is actually a web page (HTML)."),
            ("text-renamed.docx", "This file is named .docx but is actually plain text."),
            ("legacy.doc", "This is an older Word file (.doc). Open it in Word and save it as .docx"),
            ("not-word.docx", "This file is a zip archive, not a Word document."),
        ],
    )
    def test_bad_files_get_their_own_plain_reason(self, settings, name, expected):
        message = refused(name, fixture(name), settings)
        assert message.startswith(expected)
        assert "upload" in message  # always says what to do next

    def test_a_broken_workbook_is_called_a_damaged_spreadsheet_whatever_its_name(self, settings):
        data = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
        for name in ("prices.xlsx", "prices.docx"):
            message = refused(name, data, settings)
            assert message.startswith("This spreadsheet seems to be damaged")

    def test_presentation_says_which_types_are_supported(self, settings):
        data = _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<presentation/>"})
        message = refused("slides.pptx", data, settings)
        assert message.startswith("This file is a PowerPoint presentation")
        assert "PDF, Word (.docx), Excel (.xlsx), CSV, text (.txt, .md) and picture (.png, .jpg) files" in message

    def test_pdf_header_followed_by_junk_is_damaged(self, settings):
        assert "damaged" in refused("broken.pdf", b"%PDF-1.7\n" + b"\x13\x37" * 500, settings)

    def test_password_protected_word_file(self, settings):
        ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
        message = refused("contract.docx", ole, settings)
        assert message.startswith("This Word file is password-protected.")

    def test_old_excel_file_is_unsupported_not_legacy_word(self, settings):
        ole = fixture("legacy.doc")
        assert ".xls files aren't supported" in refused("budget.xls", ole, settings)

    def test_word_zip_bomb_is_refused_before_parsing(self, settings, tmp_path, monkeypatch):
        path = tmp_path / "bomb.docx"
        path.write_bytes(make_docx_zip_bomb(300))
        assert path.stat().st_size < 1024 * 1024  # small on disk, 300 MB once inflated
        monkeypatch.setattr(docx_reader, "open_docx", lambda *a, **k: pytest.fail("parsed a zip bomb"))

        message = refused("bomb.docx", path.read_bytes(), settings)
        assert message.startswith("This Word file would take up more than 200 MB once opened")

    def test_absurd_compression_is_refused_even_under_the_size_limit(self, settings, monkeypatch):
        monkeypatch.setattr(docx_reader, "open_docx", lambda *a, **k: pytest.fail("parsed a zip bomb"))
        message = refused("bomb.docx", make_docx_zip_bomb(20), settings)
        assert "unusual way" in message


class TestDocx:
    """Word files: headings as sections, tables as lines, page breaks."""

    def test_docx_headings_become_sections_in_body_order(self, settings):
        doc = read("handbook.docx", settings)

        assert doc.kind == "docx"
        assert [s.section for s in doc.segments] == [
            "Harbour Bikes staff handbook",
            "Prices",
            "Opening hours",
            "Returns",
            "Damaged goods",
        ]
        assert all(s.page is None for s in doc.segments)  # no stored page breaks
        assert doc.triage.pages == 0 and doc.triage.tables == 2 and doc.triage.warnings == []
        for segment in doc.segments:
            assert segment.text.startswith(segment.section)  # the heading stays in the text
        prices = doc.segments[1].text
        order = ["listed below", "Product: Trail 500", "Prices include VAT."]
        assert [prices.index(x) for x in order] == sorted(prices.index(x) for x in order)

    def test_docx_tables_pair_each_value_with_its_header(self, settings):
        lines = read("handbook.docx", settings).segments[1].text.splitlines()

        assert "Product: Trail 500 | Price: $1,299 | Warranty: 2 years" in lines
        # a cell merged down two rows belongs to both rows
        assert "Product: City 300 | Price: $899 | Warranty: 2 years" in lines
        assert "Product: Kids 16 | Price: $349 | Warranty: 1 year" in lines
        # a cell merged across two columns appears once
        assert "Product: Gift card | Price: Any amount, valid for 3 years" in lines
        assert not any(line.startswith("Product: Product") for line in lines)

    def test_docx_title_row_spanning_a_table_is_kept_as_a_line(self, settings):
        hours = read("handbook.docx", settings).segments[2].text.splitlines()
        assert hours[-3:] == [
            "Shop opening hours",
            "Day: Monday to Friday | Hours: 9am to 6pm",
            "Day: Saturday | Hours: 10am to 4pm",
        ]

    def test_docx_repeated_header_rows_and_header_only_tables(self, settings):
        from docx import Document

        document = Document()
        repeated = document.add_table(rows=4, cols=2)
        for r, (a, b) in enumerate([("Item", "Stock"), ("Helmets", "12"), ("Item", "Stock"), ("Locks", "40")]):
            repeated.cell(r, 0).text, repeated.cell(r, 1).text = a, b
        lonely = document.add_table(rows=1, cols=2)
        lonely.cell(0, 0).text, lonely.cell(0, 1).text = "Supplier", "Phone"
        doc = read_document("stock.docx", _docx_bytes(document), settings)

        assert doc.segments[0].text.split("\n\n") == [
            "Item: Helmets | Stock: 12\nItem: Locks | Stock: 40",  # one block per table, one line per row
            "Supplier | Phone",
        ]
        assert doc.triage.tables == 2

    def test_docx_text_inside_content_controls_is_read(self, settings):
        from docx import Document
        from docx.oxml import OxmlElement

        document = Document()
        document.add_paragraph("Before the form.")
        inside = document.add_paragraph("Customer number: 4711")
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        inside._p.addprevious(sdt)
        sdt.append(content)
        content.append(inside._p)
        document.add_paragraph("After the form.")
        doc = read_document("form.docx", _docx_bytes(document), settings)

        assert doc.segments[0].text == "Before the form.\n\nCustomer number: 4711\n\nAfter the form."

    def test_docx_hard_page_breaks_number_the_pages(self, settings):
        doc = read("page-breaks.docx", settings)

        assert doc.triage.pages == 3
        assert [(s.page, s.section) for s in doc.segments] == [
            (1, "Supplier terms"),
            (2, "Supplier terms"),
            (2, "Delivery"),
            (3, "Delivery"),
        ]
        assert doc.segments[1].text == "Late payments carry a 2% monthly fee."
        assert doc.segments[3].text == "Urgent deliveries cost $40 extra."  # the break was mid-paragraph

    def test_docx_word_rendered_breaks_are_not_double_counted(self, settings):
        doc = read("rendered-breaks.docx", settings)

        assert doc.triage.pages == 3
        assert [s.page for s in doc.segments] == [1, 2, 3]
        assert doc.segments[1].text.startswith("Page two text")
        assert doc.segments[2].text.startswith("page three starts")

    def test_docx_without_text_is_returned_with_a_warning(self, settings):
        doc = read("no-text.docx", settings)
        assert doc.segments == [] and doc.triage.words == 0
        [warning] = doc.triage.warnings
        assert "no text" in warning and "OCR" in warning

    def test_unicode_file_name_and_text_survive(self, settings):
        doc = read("Préis liste ü.docx", settings)
        assert doc.name == "Préis liste ü.docx"
        assert doc.segments[0].section == "Preisliste für Zürich"
        assert "Grüße" in doc.segments[0].text

    def test_fixture_script_is_reproducible_in_content(self, settings):
        """The committed fixtures match what the script builds now (same text)."""
        fresh = read_document("handbook.docx", handbook_docx(), settings)
        assert fresh.segments == read("handbook.docx", settings).segments
        pdf = read_document("t.pdf", text_pdf(), settings)
        assert pdf.segments == read("text-3-pages.pdf", settings).segments


class TestNames:
    """Display names and kinds."""

    @pytest.mark.parametrize(
        "raw, expected",
        [
            ("../x.pdf", "x.pdf"),
            ("../../etc/passwd/../Price list.pdf", "Price list.pdf"),
            ("C:\\Users\\bob\\Desktop\\Price list.docx", "Price list.docx"),
            ("..", "document.pdf"),
            ("", "document.pdf"),
            ("/", "document.pdf"),
            ("../.docx", "document.docx"),
            ("a\x00b\n.pdf", "a b.pdf"),
            ("evil\u202etxt.pdf", "eviltxt.pdf"),
            ("Pre\u0301is liste ü.docx", "Préis liste ü.docx"),  # NFD input -> NFC
            ("v1.2 final.pdf", "v1.2 final.pdf"),
        ],
    )
    def test_safe_name(self, raw, expected):
        assert safe_name(raw) == expected

    def test_safe_name_limits_length_but_keeps_the_extension(self):
        name = safe_name("Quarterly report " * 30 + ".docx")
        assert len(name) <= 150
        assert name.startswith("Quarterly report") and name.endswith(".docx")
        assert not name[:-5].endswith(" ")

    def test_file_kind_trusts_content_over_the_name(self):
        assert file_kind("scan", fixture("text-3-pages.pdf")) == "pdf"
        assert file_kind("handbook.pdf", fixture("handbook.docx")) == "docx"
        assert file_kind("handbook.docx", fixture("handbook.docx")) == "docx"
        with pytest.raises(BadFileError):
            file_kind("x.pdf", b"")
