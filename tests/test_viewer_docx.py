"""core/viewer/docx_section on real Word files: the section as formatted, escaped HTML with marks."""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from docx import Document

from core.documents import read_document
from core.errors import AppError
from core.viewer.docx_section import ANY_SECTION, section_view
from core.viewer.source import marks_for
from tests.conftest import FIXTURES


def word_file() -> bytes:
    doc = Document()
    doc.add_paragraph("Northwind price list", style="Title")
    doc.add_paragraph("Prices include tax. They are valid all year.")
    doc.add_heading("Bicycles", level=1)
    doc.add_paragraph("Every bike comes with a free first service. Sizes S to XL are in stock.")
    table = doc.add_table(rows=4, cols=3)
    for row, values in zip(table.rows, [("Model", "Price", "Note"), ("Trail 500", "$1,249", "<b>bold</b> & co"),
                                        ("Trail 700", "$1,690", "Upgraded fork"),
                                        ("Summit 900", "$3,450", "Full suspension")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    merged = table.rows[3].cells[1].merge(table.rows[3].cells[2])
    merged.text = "Ask in store"
    doc.add_paragraph("Ask about trade-in.", style="List Bullet")
    doc.add_paragraph("Ask about finance <script>alert(1)</script>.", style="List Bullet")
    doc.add_heading("Workshop", level=1)
    doc.add_paragraph("A basic tune-up costs $79 and takes one day.")
    doc.add_heading("Bicycles", level=2)  # a second section with the same title
    doc.add_paragraph("Kids' bikes start at $279.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "Prices.docx"
    p.write_bytes(word_file())
    return p


@pytest.fixture
def stored(path, settings):
    """The file's sections as ingest stores them: {section: text}."""
    doc = read_document("Prices.docx", path.read_bytes(), settings)
    out: dict = {}
    for seg in doc.segments:
        out.setdefault(seg.section, []).append(seg.text)
    return {k: "\n\n".join(v) for k, v in out.items()}


class Outline(HTMLParser):
    """Tags in order, text per tag, and the rows marked as hits."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags, self.marked, self.hit_rows, self.text = [], [], [], []
        self._stack, self._row = [], None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._stack.append(tag)
        if tag == "tr":
            self._row = [dict(attrs).get("class") == "gw-hit", []]

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()
        if tag == "tr" and self._row:
            if self._row[0]:
                self.hit_rows.append(" | ".join(self._row[1]))
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if "mark" in self._stack:
            self.marked.append(data)
        if self._row is not None and self._stack and self._stack[-1] in ("td", "th"):
            self._row[1].append(data)


def test_a_section_keeps_its_headings_paragraphs_lists_and_tables(path):
    view = section_view(path, "Bicycles", [])
    shape = Outline(view.html)
    assert view.section == "Bicycles"
    assert shape.tags[:3] == ["div", "h3", "p"]  # heading 1 shown as h3, then the paragraph
    assert shape.tags.count("table") == 1 and shape.tags.count("th") == 3 and shape.tags.count("tr") == 4
    assert "colspan=2" in view.html  # a merged cell spans its columns instead of repeating
    assert shape.tags.count("ul") == 1 and shape.tags.count("li") == 2
    assert "Kids' bikes" not in "".join(shape.text)  # the next section is not part of this one
    assert "tune-up" not in "".join(shape.text)


def test_the_supporting_sentence_and_table_row_are_marked(path, stored):
    claim = "The Trail 700 costs $1,690 with an upgraded fork."
    targets = marks_for(claim, stored["Bicycles"])
    assert targets == ["Model: Trail 700 | Price: $1,690 | Note: Upgraded fork"]  # the row as ingest stored it
    view = section_view(path, "Bicycles", targets)
    shape = Outline(view.html)
    assert view.found and shape.hit_rows == ["Trail 700 | $1,690 | Upgraded fork"]
    assert shape.marked == []

    view = section_view(path, "Bicycles", marks_for("Is the first service free for every bike?",
                                                     stored["Bicycles"]))
    shape = Outline(view.html)
    assert shape.marked == ["Every bike comes with a free first service."]
    assert shape.hit_rows == []


def test_document_text_is_escaped(path, stored):
    view = section_view(path, "Bicycles", marks_for("", stored["Bicycles"]))
    shape = Outline(view.html)
    assert "script" not in shape.tags and "b" not in shape.tags
    text = "".join(shape.text)
    assert "<script>alert(1)</script>" in text and "<b>bold</b> & co" in text
    assert "&lt;script&gt;" in view.html


def test_text_that_is_not_in_the_section_marks_nothing(path):
    view = section_view(path, "Bicycles", ["The Trail 700 costs $1,999.", "Model: Trail 700 | Price: $1,999"])
    assert not view.found and "<mark>" not in view.html and "gw-hit" not in view.html


def test_the_right_section_among_same_titles_and_anywhere(path, stored):
    view = section_view(path, "Bicycles", ["Kids' bikes start at $279."])
    assert view.found and "Kids" in view.html and "Trail 500" not in view.html  # the second "Bicycles"
    view = section_view(path, ANY_SECTION, ["A basic tune-up costs $79 and takes one day."])
    assert view.section == "Workshop" and view.found
    view = section_view(path, None, marks_for("", stored[None] if None in stored else stored["Northwind price list"]))
    assert view.found and "Prices include tax." in view.html


def test_a_word_file_from_the_fixtures_and_a_broken_one(tmp_path):
    view = section_view(FIXTURES / "handbook.docx", ANY_SECTION, [])
    assert view.html.startswith("<div class='gw-doc'>") and not view.found
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(AppError, match="couldn't open this Word file"):
        section_view(bad, "x", [])


def test_a_passage_running_on_into_the_next_section_brings_it_along(path):
    passage = "Workshop\n\nA basic tune-up costs $79 and takes one day.\n\nBicycles\n\nKids' bikes start at $279."
    alone = section_view(path, "Workshop", ["Kids' bikes start at $279."])
    assert not alone.found and "Kids" not in alone.html
    view = section_view(path, "Workshop", ["Kids' bikes start at $279."], passage=passage)
    shape = Outline(view.html)
    assert view.found and view.section == "Workshop"
    assert shape.marked == ["Kids' bikes start at $279."] and "tune-up" in "".join(shape.text)
    assert "Trail 500" not in view.html  # the first "Bicycles" section is not part of it


def test_a_passage_starting_in_the_section_before_brings_it_along(path):
    passage = "Bicycles\n\nEvery bike comes with a free first service.\n\nWorkshop\n\nA basic tune-up costs $79 and takes one day."
    view = section_view(path, "Workshop", ["Every bike comes with a free first service."], passage=passage)
    assert view.found and view.section == "Bicycles" and "tune-up" in view.html
    assert "Kids" not in view.html
