"""Search reads what people type: numbers in any format, accents, hyphens. A real library in the test's
data folder (a real spreadsheet through the real ingest), searched through core search and the CLI;
and an existing library's keyword index brought to the new form by its migration."""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.ingest import add_files
from core.library import Library
from core.search import fts_query, search

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {  # typed by the owner -> what the right row holds, written another way
    "28.80": "Walnut tart",
    "18600": "Oak shelving",
    "creme brulee": "Crème brûlée",
    "email": "Special orders",
}


def stock_sheet() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Stock"
    ws.append(["Item", "Price", "Units in store", "How to order"])
    rows = [[f"Bread roll {i}", 1.5 + i / 100, 40 + i, "At the counter"] for i in range(240)]
    rows[37] = ["Walnut tart", 28.8, 12, "At the counter"]
    rows[101] = ["Oak shelving", 310, "18,600", "Through the warehouse"]
    rows[163] = ["Crème brûlée", 6.5, 30, "At the counter"]
    rows[205] = ["Special orders", 0, 0, "By e-mail only, two days ahead"]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ingest(library):
    add_files(library, [("Bakery_Stock.xlsx", stock_sheet())])
    assert library.documents()[0].chunks > 4  # the rows are spread over many passages


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    from core.settings import load_settings

    library = Library(load_settings(environ={}, data_dir=tmp_path_factory.mktemp("stock") / "data"))
    _ingest(library)
    return library


@pytest.mark.parametrize("typed, row", TARGETS.items())
def test_what_people_type_finds_the_right_row_first(stock, typed, row):
    results = search(stock, typed, k=5)
    assert results and row in results[0].text, [r.text[:80] for r in results]
    # the keyword index alone finds it first too (not only the meaning of the words)
    [first, *_] = stock.chunks_by_id(stock.keyword_query(fts_query(typed), 5)[:1]).values()
    assert row in first[0].text


def test_the_cli_search_finds_it_too(settings, data_dir):
    _ingest(Library(settings))
    proc = subprocess.run([sys.executable, "-m", "core", "search", "18600", "--json", "--data-dir", str(data_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout)["results"][0]
    assert "Oak shelving" in first["text"] and "18,600" in first["text"]  # the stored text is as written


def test_an_existing_library_is_normalised_by_its_migration(settings, data_dir):
    from core.db import MIGRATIONS, VERSION, _v5

    library = Library(settings)
    _ingest(library)
    db_path = data_dir / "groundwork.db"
    conn = sqlite3.connect(db_path)
    # the keyword index as an older release wrote it: the passage text as stored, the version before it
    conn.execute("DELETE FROM chunks_fts")
    conn.execute("INSERT INTO chunks_fts(rowid, title, section, text) "
                 "SELECT rowid, 'Bakery Stock', coalesce(section, ''), text FROM chunks")
    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_v5)}")
    conn.commit()
    old = conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH '\"18600\"'").fetchone()[0]
    conn.close()
    assert old == 0  # "18,600" as stored: the index holds "18" and "600"

    reopened = Library(settings)
    assert reopened.keyword_query('"18600"', 5)  # the migration rewrote the index
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert conn.execute("SELECT count(*) FROM chunks_fts").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    conn.close()
