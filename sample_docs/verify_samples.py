"""Read the rendered samples back the way an ingester would, check them, and write questions.jsonl.

Checked:
  * every PDF page carries the content planned for it (no overflow pages: ``render_samples.build_pdf``),
  * the workshop manual's diagram page has no text layer but has an image,
  * each answerable question's evidence phrase is found (pypdf for PDFs, python-docx counting stored
    page breaks for DOCX, Groundwork's own reader for the scan and the spreadsheet) on exactly the cited
    pages or sections, and nowhere else in the corpus ("A ... B" means both parts on the same page;
    text is compared lower-cased, whitespace collapsed),
  * each unanswerable question's tell-tale words appear nowhere in the corpus.

Page numbers in questions.jsonl are 1-based. For a DOCX with stored page breaks, page 1 is everything
before the first ``<w:br w:type="page"/>``; for a DOCX without page breaks, ``page`` is null and
``section`` is the nearest heading.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from render_samples import DOCXS, PDFS, SCAN, SRC, STOCK, stock_row

WORKSHOP = "Workshop_Service_Manual.pdf"


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_page_texts(path: Path) -> dict[int, str]:
    reader = PdfReader(str(path))
    return {i: (page.extract_text() or "") for i, page in enumerate(reader.pages, start=1)}


def docx_locations(path: Path):
    """Return (page texts by stored page breaks, section texts by nearest heading, number of breaks)."""
    doc = Document(str(path))
    pages: dict[int, list[str]] = {1: []}
    sections: dict[str | None, list[str]] = {}
    page, section, breaks = 1, None, 0
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            style = block.style.name if block.style is not None else ""
            if style.startswith("Heading") and block.text.strip():
                section = block.text.strip()
            buf = []
            for el in block._p.iter():
                if el.tag == qn("w:t"):
                    buf.append(el.text or "")
                elif el.tag == qn("w:tab"):
                    buf.append(" ")
                elif el.tag == qn("w:br") and el.get(qn("w:type")) == "page":
                    pages.setdefault(page, []).append("".join(buf))
                    sections.setdefault(section, []).append("".join(buf))
                    buf = []
                    page += 1
                    breaks += 1
            text = "".join(buf)
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                rows.append("; ".join(cells))
            text = "\n".join(rows)
        else:
            continue
        pages.setdefault(page, []).append(text)
        sections.setdefault(section, []).append(text)
    return ({k: "\n".join(v) for k, v in pages.items()},
            {k: "\n".join(v) for k, v in sections.items()}, breaks)


def paperwork_locations(out: Path) -> tuple[dict, list[str]]:
    """Read the scan and the spreadsheet back as Groundwork reads them (OCR, rows with headers)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from core.documents import read_document
    from core.settings import load_settings

    problems: list[str] = []
    locations: dict[tuple, str] = {}
    with tempfile.TemporaryDirectory(prefix="groundwork-samples-") as folder:
        settings = load_settings(environ={}, data_dir=Path(folder) / "data")
        scan = read_document(SCAN, (out / SCAN).read_bytes(), settings)
        stock = read_document(STOCK, (out / STOCK).read_bytes(), settings)
    if scan.triage.ocr_pages != [1] or (PdfReader(str(out / SCAN)).pages[0].extract_text() or "").strip():
        problems.append(f"{SCAN} should be one scanned page with no text layer, read by OCR")
    for segment in scan.segments:
        locations[(SCAN, segment.page)] = norm(segment.text)
    for segment in stock.segments:
        for offset, line in enumerate(segment.text.split("\n")):
            locations[(STOCK, segment.section, segment.rows[0] + offset)] = norm(line)
    return locations, problems


def read_back(out: Path, keymaps: dict) -> tuple[dict, dict, set, dict, list[str]]:
    locations: dict[tuple, str] = {}  # (file, page or section) -> normalised text
    raw: dict[tuple, str] = {}  # same keys, whitespace collapsed but case kept (to quote evidence)
    docs: dict[str, int | None] = {}  # file -> page count (None when unpaginated)
    problems: list[str] = []
    for name in PDFS:
        texts = pdf_page_texts(out / name)
        docs[name] = len(texts)
        for n, t in texts.items():
            locations[(name, n)] = norm(t)
            raw[(name, n)] = re.sub(r"\s+", " ", t)
    fig = keymaps[WORKSHOP]["figure"]  # the diagram page must look scanned: no text layer, one image
    reader = PdfReader(str(out / WORKSHOP))
    if (reader.pages[fig - 1].extract_text() or "").strip() or not reader.pages[fig - 1].images:
        problems.append(f"{WORKSHOP} page {fig} should be image-only")
    for n, t in pdf_page_texts(out / WORKSHOP).items():
        if n != fig and len(t.split()) < 150:
            problems.append(f"{WORKSHOP} page {n} has too little text")
    section_docs = set()
    for name in DOCXS:
        pages, sections, breaks = docx_locations(out / name)
        if breaks:
            docs[name] = breaks + 1
            for n, t in pages.items():
                locations[(name, n)] = norm(t)
                raw[(name, n)] = re.sub(r"\s+", " ", t)
        else:
            docs[name] = None
            section_docs.add(name)
            for s, t in sections.items():
                if s is not None:
                    locations[(name, s)] = norm(t)
                    raw[(name, s)] = re.sub(r"\s+", " ", t)
    return locations, raw, section_docs, docs, problems


def document_source(question, src, keymaps, section_docs, locations, raw, problems):
    """One source of a question from the documents: its place in questions.jsonl and its evidence as spelt."""
    file, where, phrase = src["file"], src["place"], src["evidence"]
    if file in keymaps:
        loc, out = (file, keymaps[file][where]), {"file": file, "page": keymaps[file][where]}
    elif file in section_docs:
        loc, out = (file, where), {"file": file, "page": None, "section": where}
    else:
        loc, out = (file, where), {"file": file, "page": where}
    parts = [norm(x) for x in phrase.split(" ... ")]  # "A ... B": both on the same page
    if loc not in locations:
        problems.append(f"{question!r}: no such location {loc}")
        return out, None
    quoted = [re.search(re.escape(x), raw[loc], re.I) for x in parts]  # as the document spells it
    if not all(x in locations[loc] for x in parts):
        problems.append(f"{question!r}: {phrase!r} not found at {loc}")
    elsewhere = [k for k, t in locations.items() if k != loc and all(x in t for x in parts)]
    if elsewhere:
        problems.append(f"{question!r}: {phrase!r} also appears at {elsewhere}")
    return out, " ... ".join(m.group(0) if m else x for m, x in zip(quoted, parts))


def paperwork_source(question, src, stock, everything, paper, problems):
    """One source in the scan (a page number) or the stock list ([sheet, part, size])."""
    file, where, phrase = src["file"], src["place"], src["evidence"]
    if file == SCAN:
        loc, out = (SCAN, where), {"file": SCAN, "page": where}
    else:
        sheet, part, size = where
        row = stock_row(stock, part, size)
        loc, out = (STOCK, sheet, row), {"file": STOCK, "page": None, "section": sheet, "rows": [row, row]}
    parts = [norm(x) for x in phrase.split(" ... ")]
    if not all(x in paper.get(loc, "") for x in parts):
        problems.append(f"{question!r}: {phrase!r} not found at {loc}")
    elsewhere = [k for k, t in everything.items() if k != loc and all(x in t for x in parts)]
    if elsewhere:
        problems.append(f"{question!r}: {phrase!r} also appears at {elsewhere}")
    return out, phrase


def verify_and_write_questions(out: Path, keymaps: dict, stock: dict) -> int:
    locations, raw, section_docs, docs, problems = read_back(out, keymaps)
    paper, paper_problems = paperwork_locations(out)
    problems.extend(paper_problems)
    everything = {**locations, **paper}
    corpus = " \n".join(everything.values())
    lines = (SRC / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    records = []
    for n, q in enumerate((json.loads(line) for line in lines), start=1):
        record = {"id": f"q{n:02d}", "question": q["question"], "sources": [], "answerable": "absent" not in q}
        evidence = []
        for src in q.get("sources", []):
            if src["file"] in (SCAN, STOCK):
                where, said = paperwork_source(q["question"], src, stock, everything, paper, problems)
            else:
                where, said = document_source(q["question"], src, keymaps, section_docs, locations, raw, problems)
            record["sources"].append(where)
            if said is not None:
                evidence.append(said)
        for word in q.get("absent", []):
            if re.search(r"\b" + re.escape(norm(word)) + r"\b", corpus):
                problems.append(f"unanswerable {q['question']!r}: {word!r} appears in the documents")
        if record["answerable"]:
            record["evidence"] = evidence
        records.append(record)
    with open(out / "questions.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=True) + "\n")

    n_q, n_u = len(records), sum(1 for r in records if not r["answerable"])
    paged_total = sum(v for v in docs.values() if v)
    if paged_total < 40:
        problems.append(f"only {paged_total} pages")
    if n_q < 45 or n_u < 8:
        problems.append(f"{n_q} questions, {n_u} unanswerable")
    print(f"documents: {len(docs) + 2}  total pages: {paged_total} (plus the unpaginated Word file, the scan "
          f"and the spreadsheet)")
    print(f"questions: {n_q}  answerable: {n_q - n_u}  unanswerable: {n_u}")
    if problems:
        print("\nVERIFICATION FAILED:")
        for p in problems:
            print("  - " + p)
        return 1
    print("verification: OK (every evidence phrase found on its cited page/section and nowhere else)")
    return 0
