#!/usr/bin/env python3
"""Render the Northwind Cycles sample documents from their sources in sample_docs/src/, then verify them.

Northwind Cycles is a fictional bicycle shop and service centre (sales, repairs, rentals, e-bikes;
about 25 staff; stores in the fictional towns of Eastbridge and Millbrook). Every word in src/ is
original and invented for Groundwork's samples.

Run from the repository root (writes into sample_docs/, or into OUT_DIR when given):

    python sample_docs/render_samples.py [OUT_DIR]

The sources:

- ``src/<Name>.md`` for each PDF and Word file. The first line is an HTML comment holding the file's
  properties as JSON. In a PDF's source each ``# Title {#key}`` starts a printed page (the key names the
  page for the questions; ``# {#key image}`` is a picture-only page drawn below). In a Word file's source
  ``#``, ``##``, ``###`` are the Title and Heading 1-2 styles and ``<!-- page break -->`` a stored break.
  Blocks are separated by blank lines: ``## heading``, a paragraph (one line), ``- `` bullets, ``1. ``
  numbers, ``**4.2 Title** text`` (a numbered clause), and tables as Markdown pipe tables after a
  ``<!-- widths: ... -->`` line (column widths: mm in a PDF, cm in a Word file; an empty header row
  means a table without headings).
- ``src/Kestrel_Delivery_Note_Scan.md``: the lines of the delivery note, printed and scanned.
- ``src/Stock_List_March_2026.json``: the stock spreadsheet as data.
- ``src/questions.jsonl``: the questions in id order; a source's ``place`` is a page key (PDF), a page
  number (the scan, a Word file with page breaks), a heading (a Word file without), or
  ``[sheet, part, size]`` (the stock list). An unanswerable question lists the words that must appear
  nowhere (``absent``).

Deterministic: fixed dates, seeded randomness, and fixed zip timestamps, so the same sources give the
same bytes (tests/test_samples.py checks the committed files against them).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # diagram.py and verify_samples.py sit beside this file
SRC = HERE / "src"
FIXED_DATE = dt.datetime(2026, 1, 5, 9, 0, 0, tzinfo=dt.timezone.utc)
ZIP_DATE = (2026, 1, 5, 9, 0, 0)
PDFS = ("Employee_Handbook.pdf", "Returns_and_Warranty_Policy.pdf", "Rental_Agreement_Terms.pdf",
        "Workshop_Service_Manual.pdf")
DOCXS = ("Price_List_2026.docx", "Customer_FAQ.docx", "Store_Operations.docx")
SCAN = "Kestrel_Delivery_Note_Scan.pdf"
STOCK = "Stock_List_March_2026.xlsx"
STOCK_FIRST_ROW = 4  # row 1 title, row 2 empty, row 3 header

# ---------------------------------------------------------------------------------------------- sources


def source(name: str, suffix: str = ".md") -> str:
    return (SRC / (Path(name).stem + suffix)).read_text(encoding="utf-8")


def split_source(text: str) -> tuple[dict, list[str]]:
    """The properties (first-line comment) and the blocks (separated by blank lines)."""
    first, _, rest = text.partition("\n")
    meta = json.loads(re.fullmatch(r"<!-- (.*) -->", first).group(1))
    return meta, [b for b in re.split(r"\n\s*\n", rest.strip("\n")) if b.strip()]


def parse_table(block: str) -> tuple:
    lines = block.splitlines()
    widths = tuple(float(w) if "." in w else int(w) for w in re.fullmatch(r"<!-- widths: (.*) -->", lines[0])
                   .group(1).split())
    rows = [tuple(c.strip() for c in line.strip().strip("|").split("|")) for line in lines[1:]]
    header, body = rows[0], rows[2:]  # rows[1] is the |---| line
    return ("table", widths, header, body)


def parse_block(block: str) -> tuple:
    lines = block.splitlines()
    if lines[0].startswith("<!-- widths:"):
        return parse_table(block)
    if block.startswith("## "):
        return ("h", block[3:])
    if all(line.startswith("- ") for line in lines):
        return ("ul", [line[2:] for line in lines])
    numbers = [re.match(r"(\d+)\. (.*)", line) for line in lines]
    if all(numbers):
        return ("ol", [m.group(2) for m in numbers], int(numbers[0].group(1)))
    if (clause := re.fullmatch(r"\*\*(\S+) (.+?)\*\* (.*)", block)) is not None:
        return ("sec", clause.group(1), clause.group(2), clause.group(3))
    assert len(lines) == 1, block
    return ("p", block)


def pdf_pages(text: str) -> tuple[dict, list[tuple]]:
    """(properties, [(key, title or None, blocks)]) from a PDF's source."""
    meta, blocks = split_source(text)
    pages: list[tuple] = []
    for block in blocks:
        if block.startswith("# "):
            m = re.fullmatch(r"# (?:(.*) )?\{#(\w+)( image)?\}", block)
            pages.append((m.group(2), None if m.group(3) else m.group(1), None if m.group(3) else []))
        else:
            pages[-1][2].append(parse_block(block))
    return meta, pages


# ---------------------------------------------------------------------------------------------- PDF


class DocPDF(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.bare_pages: set[int] = set()
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)

    def footer(self):
        if self.page_no() in self.bare_pages:
            return
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.footer_text} - Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


BODY = 10.5
LINE = 5.1


def _ascii(text: str) -> str:
    if not text.isascii():
        bad = sorted({c for c in text if not c.isascii()})
        raise SystemExit(f"non-ASCII characters {bad!r} in: {text[:60]}")
    return text


def render_block(pdf: DocPDF, block) -> None:
    kind = block[0]
    full = pdf.w - pdf.l_margin - pdf.r_margin
    if kind == "h":
        pdf.ln(1.5)
        pdf.set_font("Helvetica", "B", 11.5)
        pdf.multi_cell(0, 6, _ascii(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.6)
    elif kind == "p":
        pdf.set_font("Helvetica", "", BODY)
        pdf.multi_cell(0, LINE, _ascii(block[1]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.6)
    elif kind in ("ul", "ol"):
        pdf.set_font("Helvetica", "", BODY)
        start = block[2] if kind == "ol" else 1
        for i, item in enumerate(block[1]):
            marker = "-" if kind == "ul" else f"{start + i}."
            pdf.set_x(pdf.l_margin + 2)
            pdf.cell(7, LINE, marker)
            pdf.multi_cell(full - 9, LINE, _ascii(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.7)
        pdf.ln(1.0)
    elif kind == "sec":
        _, number, title, text = block
        pdf.set_font("Helvetica", "", BODY)
        pdf.multi_cell(0, LINE, f"**{_ascii(number)} {_ascii(title)}** {_ascii(text)}", markdown=True,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.8)
    elif kind == "table":
        _, widths, header, rows = block
        pdf.set_font("Helvetica", "", BODY - 0.5)
        has_header = any(header)
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=LINE,
                       first_row_as_headings=has_header, padding=1.2) as table:
            for row in ([header] if has_header else []) + list(rows):
                r = table.row()
                for cell in row:
                    r.cell(_ascii(cell))
        pdf.ln(2.5)
    else:
        raise ValueError(kind)


def build_pdf(path: Path, title: str, footer: str, pages, images=None) -> dict:
    """Write a PDF with exactly one physical page per planned page; return {page key: page number}."""
    pdf = DocPDF(footer)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author("Northwind Cycles")
    pdf.set_creator("sample_docs/make_samples.py")  # as the committed files say (byte-identical renders)
    keys = {}
    for number, (key, heading, blocks) in enumerate(pages, start=1):
        pdf.add_page()
        keys[key] = number
        if heading is None:  # image-only page
            pdf.bare_pages.add(number)
            pdf.image(images[key], x=0, y=0, w=pdf.w, h=pdf.h)
        else:
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(0, 8, _ascii(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_draw_color(40, 90, 140)
            pdf.set_line_width(0.6)
            pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.2)
            pdf.ln(4)
            for block in blocks:
                render_block(pdf, block)
        if pdf.page_no() != number:
            raise SystemExit(f"{path.name}: content planned for page {number} ({key}) overflowed onto "
                             f"page {pdf.page_no()}; shorten it")
    pdf.output(str(path))
    return keys


# ---------------------------------------------------------------------------------------------- Word


def add_table(doc, header, rows, widths_cm) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    hdr = table.rows[0]
    trPr = hdr._tr.get_or_add_trPr()  # repeat the header row on each printed page
    trPr.append(trPr.makeelement(qn("w:tblHeader"), {}))
    for cell, text in zip(hdr.cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(_ascii(text)).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = _ascii(text)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def build_docx(path: Path, text: str) -> None:
    meta, blocks = split_source(text)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for section in doc.sections:
        section.page_height = Cm(29.7)
        section.page_width = Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
    cp = doc.core_properties
    cp.title, cp.subject = meta["title"], meta["subject"]
    cp.author = cp.last_modified_by = "Northwind Cycles"
    cp.created = cp.modified = cp.last_printed = FIXED_DATE.replace(tzinfo=None)
    cp.revision = 1
    cp.keywords = "Northwind Cycles; sample"
    cp.comments = "Fictional sample document generated by sample_docs/make_samples.py"  # the old name, kept: same bytes
    for block in blocks:
        if block == "<!-- page break -->":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.startswith("<!-- widths:"):
            _, widths, header, rows = parse_table(block)
            add_table(doc, header, rows, widths)
        elif (m := re.match(r"(#+) (.*)", block)) is not None:
            doc.add_heading(_ascii(m.group(2)), level=len(m.group(1)) - 1)
        else:
            doc.add_paragraph(_ascii(block), style=None)
    save_zip(doc.save, path)


def save_zip(save, path: Path) -> None:
    """Save through memory, then rewrite the zip with fixed timestamps (same bytes on every run)."""
    buf = io.BytesIO()
    save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))


# ---------------------------------------------------------------------------------------------- the scan


def build_delivery_scan(path: Path, text: str) -> None:
    """One A4 page printed, then scanned: the PDF holds only a picture of it, no text layer."""
    import pypdfium2 as pdfium

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    for line in text.splitlines()[1:]:  # after the comment
        style, size = {"# ": ("B", 15), "##": ("B", 13), "**": ("B", 11)}.get(line[:2], ("", 11))
        line = line[2:-2] if style and line.startswith("**") else line.lstrip("#").lstrip() if style else line
        pdf.set_font("Helvetica", style, size)
        pdf.cell(0, size * 0.7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc = pdfium.PdfDocument(bytes(pdf.output()))
    page = doc[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")  # 150 dpi
    doc.close()
    rng = random.Random(12)
    page = page.rotate(-0.8, resample=Image.BICUBIC, fillcolor=255).point(lambda v: int(35 + v * 0.82))
    draw = ImageDraw.Draw(page)
    for _ in range(500):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        draw.point((x, y), fill=rng.randrange(70, 190))
    jpeg = io.BytesIO()
    page.save(jpeg, format="JPEG", quality=55, optimize=True)
    scan = FPDF(format="A4")
    scan.set_creation_date(FIXED_DATE)
    scan.add_page()
    scan.image(io.BytesIO(jpeg.getvalue()), x=0, y=0, w=210, h=297)
    scan.output(str(path))


# ---------------------------------------------------------------------------------------------- the stock list


def build_stock_list(path: Path, stock: dict) -> None:
    """Two sheets; a title merged across the top; "Stock value" is a formula whose result is saved
    in the file, as Excel or LibreOffice save it (openpyxl itself writes formulas without results)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    results: dict[str, dict[str, str]] = {}
    for n, (sheet, rows) in enumerate(stock["sheets"].items(), start=1):
        ws = wb.create_sheet(sheet)
        ws["A1"] = f"{stock['title']} - {sheet}"
        ws.merge_cells("A1:H1")
        ws.append([])
        ws.append(list(stock["header"]))
        cached = results.setdefault(f"xl/worksheets/sheet{n}.xml", {})
        for r, (part, size, brand, count, reorder, cost, supplier) in enumerate(rows, start=STOCK_FIRST_ROW):
            ws.append([part, size, brand, count, reorder, cost, f"=D{r}*F{r}", supplier])
            ws[f"F{r}"].number_format = ws[f"G{r}"].number_format = "#,##0.00"
            cached[f"G{r}"] = repr(round(count * cost, 2))
    raw = io.BytesIO()
    wb.properties.created = wb.properties.modified = FIXED_DATE.replace(tzinfo=None)
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving: fix it
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-05T09:00:00Z", data)
            for cell, value in results.get(info.filename, {}).items():
                data, hits = re.subn(rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)\s*<v>\s*</v>',
                                     lambda m, value=value: m.group(1) + b"<v>" + value.encode() + b"</v>", data)
                assert hits == 1, cell
            info.date_time = ZIP_DATE
            dst.writestr(info, data)


def stock_row(stock: dict, part: str, size: str) -> int:
    """The spreadsheet row number of a stock line (as Excel shows it)."""
    for rows in stock["sheets"].values():
        for r, row in enumerate(rows, start=STOCK_FIRST_ROW):
            if row[0] == part and row[1] == size:
                return r
    raise KeyError((part, size))


# ---------------------------------------------------------------------------------------------- all of it


def render(out: Path) -> dict[str, dict]:
    """Write every sample file into ``out``; returns each PDF's {page key: page number}."""
    from diagram import draw_brake_diagram

    out.mkdir(parents=True, exist_ok=True)
    keymaps = {}
    for name in PDFS:
        meta, pages = pdf_pages(source(name))
        images = {key: draw_brake_diagram() for key, title, _ in pages if title is None}
        keymaps[name] = build_pdf(out / name, meta["title"], meta["footer"], pages, images)
    for name in DOCXS:
        build_docx(out / name, source(name))
    build_delivery_scan(out / SCAN, source(SCAN))
    build_stock_list(out / STOCK, json.loads(source(STOCK, ".json")))
    return keymaps


def main(argv: list[str]) -> int:
    from verify_samples import verify_and_write_questions

    out = Path(argv[0]) if argv else HERE
    keymaps = render(out)
    return verify_and_write_questions(out, keymaps, json.loads(source(STOCK, ".json")))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
