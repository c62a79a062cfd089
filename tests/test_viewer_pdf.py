"""core/viewer on real PDFs: marks land on the lines the text is printed on, and nowhere else.

Pages are generated here with fpdf2 (points, known positions) or read from the committed fixtures made
by tests/fixtures/make_viewer_fixtures.py (ligatures, glyph names, a broken text layer). The text to find
is what Groundwork stores: pypdf's reading of the same page, as ingest does.
"""
from __future__ import annotations

import io

import pytest
from PIL import ImageChops
from pypdf import PdfReader, PdfWriter

from core.errors import AppError, UsageError
from core.viewer.pdf_page import PAD, PdfPages
from core.viewer.support import passage_sentences
from tests.conftest import FIXTURES

VIEWER = FIXTURES / "viewer"
SIZE = 12
LINES = [  # (x, baseline y from the top, text)
    (40, 80, "Opening hours are nine to six on weekdays."),
    (40, 110, "The deposit is 200 dollars per bike."),
    (60, 140, "Deposits come back when the bike does."),
]


def layout_pdf(lines=LINES, pages=1, footer: str = "") -> tuple[bytes, dict]:
    """A 400 x 300 pt PDF with ``lines`` at known places; returns it and each line's string width."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(400, 300))
    pdf.set_auto_page_break(False)
    widths = {}
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=SIZE)
        for x, y, text in (lines[page] if pages > 1 else lines):
            pdf.text(x, y, text)
            widths[text] = pdf.get_string_width(text)
        if footer:
            pdf.set_font("Helvetica", size=8)
            pdf.text(40, 285, footer.format(page=page + 1, pages=pages))
    return bytes(pdf.output()), widths


def stored_text(data: bytes, page: int = 1) -> str:
    """The page's text as ingest stores it (pypdf)."""
    return PdfReader(io.BytesIO(data)).pages[page - 1].extract_text()


def yellow(image) -> int:
    return sum(1 for r, g, b in image.convert("RGB").getdata() if r > 235 and 200 < g < 240 and b < 140)


def test_the_box_sits_on_the_printed_line():
    data, widths = layout_pdf()
    with PdfPages(data) as pdf:
        marks = pdf.locate(1, ["The deposit is 200 dollars per bike."])
    assert marks.found and len(marks.boxes) == 1
    x0, y0, x1, y1 = marks.boxes[0]
    baseline, width = 110, widths["The deposit is 200 dollars per bike."]
    assert abs(x0 - 40) < 1.5 and abs(x1 - (40 + width)) < 2
    assert baseline - 14 < y0 < baseline - 7  # the tops of the letters (a 12 pt font's ascent)
    assert baseline < y1 < baseline + 5  # ... and its descent
    assert marks.size == (400, 300)


def test_marks_are_painted_only_inside_their_boxes():
    data, _ = layout_pdf()
    target = "Deposits come back when the bike does."
    with PdfPages(data) as pdf:
        plain = pdf.render(1, [], scale=2).image
        shot = pdf.render(1, [target], scale=2)
    (x0, y0, x1, y1), = shot.marks.boxes
    changed = ImageChops.difference(plain, shot.image).getbbox()
    assert changed is not None and yellow(shot.image) > 500
    allowed = ((x0 - PAD) * 2 - 1, (y0 - PAD) * 2 - 1, (x1 + PAD) * 2 + 1, (y1 + PAD) * 2 + 1)
    assert allowed[0] <= changed[0] and allowed[1] <= changed[1]
    assert changed[2] <= allowed[2] and changed[3] <= allowed[3]
    assert abs(x0 - 60) < 1.5  # the third line, which starts further in


def test_text_that_is_not_on_the_page_gets_no_marks_at_all():
    data, _ = layout_pdf()
    near_misses = ["The deposit is 250 dollars per bike.",  # one digit off
                   "The deposit is 200 dollars per e-bike.",
                   "Opening hours are nine to five on weekdays.\nThe deposit is 300 dollars per bike."]
    with PdfPages(data) as pdf:
        plain = pdf.render(1, []).image
        for target in near_misses:
            shot = pdf.render(1, [target])
            assert not shot.marks.found and shot.marks.boxes == []
            assert ImageChops.difference(plain, shot.image).getbbox() is None  # not one pixel changed


def test_a_sentence_wrapped_over_lines_is_marked_line_by_line():
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(400, 300))
    pdf.add_page()
    pdf.set_font("Helvetica", size=SIZE)
    pdf.set_xy(40, 60)
    sentence = ("Customers may return any unused item within thirty days of purchase for a full refund, "
                "provided they bring the original receipt and all the parts that came in the box.")
    pdf.multi_cell(300, 16, "Returns. " + sentence + " Gift cards cannot be returned.")
    data = bytes(pdf.output())
    stored = stored_text(data)
    wrapped = [s for s in passage_sentences(stored) if s.startswith("Customers")][0]
    assert "\n" in wrapped  # the stored sentence keeps the printed line breaks
    with PdfPages(data) as doc:
        marks = doc.locate(1, [wrapped])
    assert len(marks.boxes) >= 3
    tops = [b[1] for b in marks.boxes]
    assert tops == sorted(tops) and all(b - a > 12 for a, b in zip(tops, tops[1:]))  # one box per line
    assert all(abs(b[0] - marks.boxes[1][0]) < 1 for b in marks.boxes[1:])  # follow-on lines share a margin
    assert marks.boxes[0][0] > 60  # the first starts after "Returns."


def test_a_hyphen_at_the_end_of_a_printed_line_does_not_matter():
    data, _ = layout_pdf([(40, 80, "Ask the workshop for a re-"), (40, 96, "fund of the labour charge.")])
    with PdfPages(data) as pdf:
        marks = pdf.locate(1, ["Ask the workshop for a refund of the labour charge."])
    assert [round(b[1]) for b in marks.boxes] == [round(marks.boxes[0][1]), round(marks.boxes[1][1])]
    assert len(marks.boxes) == 2


def test_a_sentence_carried_over_a_page_break_is_marked_on_both_pages():
    first = [(40, 80, "Service intervals."), (40, 250, "Every e-bike gets a free safety check after")]
    second = [(40, 40, "the first 300 miles or six months, whichever comes first."), (40, 80, "Other notes.")]
    data, _ = layout_pdf([first, second], pages=2, footer="Page {page} of {pages}")
    joined = "Every e-bike gets a free safety check after the first 300 miles or six months, whichever comes first."
    stored = "Every e-bike gets a free safety check after\nthe first 300 miles or six months, whichever comes first."
    with PdfPages(data) as pdf:
        for target, how in ((joined, "edge"), (stored, "lines")):
            one, two = pdf.locate(1, [target]), pdf.locate(2, [target])
            assert [m.how for m in one.matches] == [how] and [m.how for m in two.matches] == [how]
            assert len(one.boxes) == 1 and abs(one.boxes[0][1] - 240) < 6  # page 1's last line, not its footer
            assert len(two.boxes) == 1 and abs(two.boxes[0][1] - 30) < 6  # page 2's first line


def test_only_the_lines_that_are_on_the_page_are_marked():
    data, _ = layout_pdf()
    target = ("Opening hours are nine to six on weekdays.\nA line this page does not have at all, anywhere.\n"
              "Deposits come back when the bike does.")
    with PdfPages(data) as pdf:
        marks = pdf.locate(1, [target])
    assert [m.how for m in marks.matches] == ["lines"]
    assert [round(b[0]) for b in marks.boxes] == [40, 60]  # lines 1 and 3; nothing for the missing one
    assert all(not (100 < b[1] < 110) for b in marks.boxes)  # the deposit line in between is untouched


@pytest.mark.parametrize("name", ["ligatures.pdf", "glyph-names.pdf"])
def test_ligatures_are_found_whichever_way_they_are_written(name):
    data = (VIEWER / name).read_bytes()
    stored = stored_text(data)
    assert "ﬁ" in stored  # pypdf reads the ligature character; PDFium splits it into "f" + "i"
    with PdfPages(data) as pdf:
        from_stored = pdf.locate(1, [stored.splitlines()[0]])
        from_plain = pdf.locate(1, ["The final office floor plan is filed with the landlord."])
    assert from_stored.boxes == from_plain.boxes and len(from_plain.boxes) == 1
    x0, y0, x1, y1 = from_plain.boxes[0]
    assert abs(x0 - 40) < 1.5 and y0 < 80 < y1  # on the first line (baseline 80), from its first letter


def test_a_page_whose_text_layer_is_garbled_is_shown_unmarked():
    data = (VIEWER / "odd-encoding.pdf").read_bytes()
    assert "deposit" not in stored_text(data)  # the file's text layer says "Uif!efqptju ..."
    with PdfPages(data) as pdf:
        plain = pdf.render(1, []).image
        shot = pdf.render(1, ["The deposit is 200 dollars per bike."])
    assert not shot.marks.found and shot.marks.boxes == []
    assert ImageChops.difference(plain, shot.image).getbbox() is None


def test_boxes_follow_a_rotated_page():
    data, _ = layout_pdf()
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.pages[0].rotate(90)
    buf = io.BytesIO()
    writer.write(buf)
    with PdfPages(buf.getvalue()) as pdf:
        marks = pdf.locate(1, ["The deposit is 200 dollars per bike."])
        image = pdf.render(1, ["The deposit is 200 dollars per bike."], scale=1).image
    assert marks.size == (300, 400)  # printed turned a quarter: portrait now
    (x0, y0, x1, y1), = marks.boxes
    assert y1 - y0 > 150 and x1 - x0 < 20  # the line now runs down the page
    assert 0 <= x0 and x1 <= 300 and 0 <= y0 and y1 <= 400
    assert abs((300 - x1) - (110 - 14)) < 10  # 90° clockwise: the distance from the top becomes from the right
    assert image.size == (300, 400) and yellow(image) > 200


def test_wrong_pages_and_broken_files_say_so_plainly():
    data, _ = layout_pdf()
    with PdfPages(data) as pdf:
        with pytest.raises(UsageError, match="Page 4 doesn't exist; this document has 1 page."):
            pdf.render(4)
    with pytest.raises(AppError, match="couldn't open this PDF"):
        PdfPages(b"%PDF-1.7 not really")
    with pytest.raises(AppError, match="couldn't open this PDF"):
        PdfPages((FIXTURES / "truncated.pdf").read_bytes())


def test_first_marked_page_skips_pages_without_the_text():
    first = [(40, 80, "Nothing to see here.")]
    second = [(40, 80, "The deposit is 200 dollars per bike.")]
    data, _ = layout_pdf([first, second], pages=2)
    with PdfPages(data) as pdf:
        assert pdf.first_marked([1, 2], ["The deposit is 200 dollars per bike."]) == 2
        assert pdf.first_marked([1, 2], ["Not anywhere in this file at all."]) is None


def test_short_lines_mark_only_where_they_stand_alone_and_words_only_whole():
    data, _ = layout_pdf([(40, 80, "Rules"), (40, 110, "These rules apply to bikes that were ridden."),
                          (40, 140, "Ride safely.")])
    with PdfPages(data) as pdf:
        heading = pdf.locate(1, ["Rules"])  # a heading of the passage: its own line, not the word in line 2
        typed = pdf.locate(1, ["rules"], loose=True)  # someone looking for the word: both
        ride = pdf.locate(1, ["ride"], loose=True)  # a whole word: not the start of "ridden"
    assert len(heading.boxes) == 1 and heading.boxes[0][1] < 80 < heading.boxes[0][3]
    assert len(typed.boxes) == 2
    assert len(ride.boxes) == 1 and ride.boxes[0][1] < 140 < ride.boxes[0][3]


def scan_of(data: bytes, dpi: int = 150) -> bytes:
    """The same pages as pictures only, as a scanner would save them: no text layer at all."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    pictures = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    out = io.BytesIO()
    pictures[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=pictures[1:])
    return out.getvalue()


class TestScannedPages:
    """A scanned page has no text to find: its marks come from text recognition, as its stored text did."""

    TARGET = "The deposit is 200 dollars per bike."

    def test_marks_on_a_scan_land_where_the_line_is_printed(self):
        data, _ = layout_pdf()
        with PdfPages(data) as printed:
            (want,) = printed.locate(1, [self.TARGET]).boxes
        with PdfPages(scan_of(data)) as scan:
            marks = scan.locate(1, [self.TARGET])
            shot = scan.render(1, [self.TARGET])
        assert len(marks.boxes) == 1, marks.boxes
        (x0, y0, x1, y1), (a0, b0, a1, b1) = marks.boxes[0], want
        assert abs(y0 - b0) < 6 and abs(y1 - b1) < 6 and abs(x0 - a0) < 8 and abs(x1 - a1) < 15
        assert all(isinstance(v, float) for v in marks.boxes[0])
        assert yellow(shot.image) > 0

    def test_a_sentence_that_is_not_on_the_scan_is_not_marked(self):
        data, _ = layout_pdf()
        with PdfPages(scan_of(data)) as scan:
            assert not scan.locate(1, ["Helmets are free with every rental."]).found

    def test_a_page_with_text_is_never_read_by_text_recognition(self, monkeypatch):
        from core.documents import ocr

        def refuse(image):
            raise AssertionError("text recognition ran on a page with a text layer")

        monkeypatch.setattr(ocr, "located_chars", refuse)
        data, _ = layout_pdf()
        with PdfPages(data) as printed:
            assert printed.locate(1, [self.TARGET]).found
