"""Small real PDF and Word files, built in memory for tests."""
from __future__ import annotations

import io


def make_pdf(pages: list[str]) -> bytes:
    """A text PDF with one string per page (latin-1 text, core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=False)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_docx(sections: list[tuple[str, str]], page_breaks: bool = False) -> bytes:
    """A Word file: (heading, body) per section; optional stored page break between sections."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    for i, (heading, body) in enumerate(sections):
        if i and page_breaks:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(heading, level=1)
        for para in body.split("\n\n"):
            doc.add_paragraph(para)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


LOREM_TOPICS = [
    "Staff receive 25 days of paid annual leave plus public holidays. Leave requests go to the store manager two weeks ahead.",
    "Returns within 30 days get a full refund with the receipt. Between 31 and 60 days we offer store credit only.",
    "The Trail 500 mountain bike costs 1299 dollars and carries a two year warranty on components.",
    "Workshop safety: always wear eye protection when using the wheel truing stand or the grinder.",
    "Rental deposits are 200 dollars per bike and are refunded when the bike comes back undamaged.",
]
