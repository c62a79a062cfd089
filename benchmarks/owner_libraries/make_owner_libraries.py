#!/usr/bin/env python3
"""Two more libraries of kinds Groundwork had no documents for, built from plain source texts.

- ``hartwell``: a small sheet-metal manufacturer (a multi-page safety manual as PDF, ordering terms
  with an order form as Word, a price schedule as a spreadsheet);
- ``acorns``: a children's nursery (a parent handbook as PDF, staff policies as Word, fees as a
  spreadsheet).

Every word is invented for Groundwork. The source texts are ``sources/<library>.txt``, in a small
markup: ``=== FILE | title`` starts a file, ``--- PAGE title`` a page (PDF and Word: an explicit page
break), ``--- SHEET name`` a spreadsheet sheet, ``## heading``, ``| a | b |`` a table row (the first row
of a table is its header), any other line a paragraph.

Run from the repository root: ``python benchmarks/owner_libraries/make_owner_libraries.py``. It also
checks the question files next to it (``questions/*.jsonl``): each answerable question's evidence
phrase is on one of its cited pages or sheets.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2026, 2, 2, 9, 0, 0)
LIBRARIES = ("hartwell", "acorns")


def parse(text: str) -> list[dict]:
    """Files -> pages (or sheets) -> blocks ("h", text) | ("p", text) | ("t", rows)."""
    files: list[dict] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith("=== "):
            name, _, title = line[4:].partition(" | ")
            files.append({"name": name.strip(), "title": title.strip(), "pages": []})
        elif line.startswith("--- PAGE ") or line.startswith("--- SHEET "):
            files[-1]["pages"].append({"title": line.split(" ", 2)[2].strip(), "blocks": []})
        elif line.startswith("## "):
            files[-1]["pages"][-1]["blocks"].append(("h", line[3:].strip()))
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            blocks = files[-1]["pages"][-1]["blocks"]
            if blocks and blocks[-1][0] == "t":
                blocks[-1][1].append(cells)
            else:
                blocks.append(("t", [cells]))
        else:
            files[-1]["pages"][-1]["blocks"].append(("p", line.strip()))
    return files


def page_text(page: dict) -> str:
    parts = [page["title"]]
    for kind, body in page["blocks"]:
        parts.append(" | ".join(" | ".join(r) for r in body) if kind == "t" else body)
    return "\n".join(parts)


def build_pdf(spec: dict, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.set_title(spec["title"])
    pdf.set_auto_page_break(auto=False)
    for number, page in enumerate(spec["pages"], 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 5, spec["title"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 9, page["title"], new_x="LMARGIN", new_y="NEXT")
        for kind, body in page["blocks"]:
            if kind == "h":
                pdf.ln(2)
                pdf.set_font("Helvetica", "B", 11.5)
                pdf.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
            elif kind == "p":
                pdf.set_font("Helvetica", size=10.5)
                pdf.multi_cell(0, 5.2, body, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            else:
                pdf.set_font("Helvetica", size=9.5)
                with pdf.table(first_row_as_headings=True) as table:
                    for row in body:
                        table.row(row)
        pdf.set_y(-15)
        pdf.set_font("Helvetica", size=8)
        pdf.cell(0, 5, f"Page {number} of {len(spec['pages'])}", align="C")
    pdf.output(str(path))


def build_docx(spec: dict, path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.core_properties.title = spec["title"]
    doc.core_properties.created = doc.core_properties.modified = FIXED
    doc.core_properties.author = "Groundwork benchmarks"
    for number, page in enumerate(spec["pages"]):
        if number:
            doc.add_page_break()
        doc.add_heading(page["title"], level=1)
        for kind, body in page["blocks"]:
            if kind == "h":
                doc.add_heading(body, level=2)
            elif kind == "p":
                doc.add_paragraph(body)
            else:
                table = doc.add_table(rows=0, cols=len(body[0]))
                table.style = "Table Grid"
                for row in body:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row):
                        cell.text = value
    doc.save(str(path))


def _number(value: str):
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def build_xlsx(spec: dict, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = FIXED
    book.properties.creator = "Groundwork benchmarks"
    for page in spec["pages"]:
        sheet = book.create_sheet(page["title"])
        for kind, body in page["blocks"]:
            if kind == "t":
                for row in body:
                    sheet.append([_number(v) for v in row])
    book.save(str(path))


def fixed_zip(path: Path) -> None:
    """Rewrite a Word or Excel file (a zip) with fixed entry dates, so every run writes the same bytes."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(name, re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
                if name == "docProps/core.xml" else data) for name, data in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries:
            out.writestr(zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


BUILDERS = {".pdf": build_pdf, ".docx": build_docx, ".xlsx": build_xlsx}


def build(library: str) -> list[dict]:
    specs = parse((HERE / "sources" / f"{library}.txt").read_text(encoding="utf-8"))
    folder = HERE / library
    folder.mkdir(exist_ok=True)
    for spec in specs:
        path = folder / spec["name"]
        BUILDERS[path.suffix](spec, path)
        if path.suffix in (".docx", ".xlsx"):
            fixed_zip(path)
        print(f"wrote {path.relative_to(HERE)} ({len(spec['pages'])} pages, {path.stat().st_size:,} bytes)")
    return specs


def check_questions(library: str, specs: list[dict]) -> int:
    """Each answerable question's evidence is on a cited page (PDF/Word: page number; sheet: section)."""
    path = HERE / "questions" / f"{library}.jsonl"
    if not path.exists():
        return 0
    places = {}
    for spec in specs:
        for n, page in enumerate(spec["pages"], 1):
            key = (spec["name"], None, page["title"]) if spec["name"].endswith(".xlsx") else (spec["name"], n, None)
            places[key] = page_text(page).lower()
    bad = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if not q.get("sources"):
            continue
        texts = [places.get((s["file"], s.get("page"), s.get("section"))) for s in q["sources"]]
        if any(t is None for t in texts):
            print(f"{library} {q['id']}: a source page does not exist: {q['sources']}", file=sys.stderr)
            bad += 1
        elif not any(e.lower() in t for e in q.get("evidence", []) for t in texts):
            print(f"{library} {q['id']}: evidence not on its page: {q.get('evidence')}", file=sys.stderr)
            bad += 1
    return bad


def main() -> None:
    bad = 0
    for library in LIBRARIES:
        bad += check_questions(library, build(library))
    if bad:
        raise SystemExit(f"{bad} question(s) don't match their pages")


if __name__ == "__main__":
    main()
