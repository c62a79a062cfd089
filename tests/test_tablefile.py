"""Spreadsheet exports are defused: a cell that a spreadsheet would run as a formula stays text."""
from __future__ import annotations

import csv
import io
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from core.tablefile import csv_bytes, defuse
from tests.conftest import ROOT
from tests.test_pages_advisor import downloads  # noqa: F401  (fixture: files handed to download buttons)

HOSTILE = ['=HYPERLINK("http:attacker.example?x","Open").txt', "@SUM(1+1)*cmd|calc.txt", "+1+1.txt", "-2+3.txt",
           "\tTabbed.txt", "\rReturn.txt"]


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_cell_that_starts_a_formula_stays_text():
    rows = [{"Name": name, "Passages": 3} for name in HOSTILE] + [{"Name": "Price list.pdf", "Passages": 1}]
    cells = _cells(csv_bytes(rows))
    assert cells[0] == ["Name", "Passages"]
    assert [c[0] for c in cells[1:]] == ["'" + n for n in HOSTILE] + ["Price list.pdf"]
    assert all(not c[0].startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert defuse(-3) == -3 and defuse("Notes — 2 warnings") == "Notes — 2 warnings"


def test_the_tables_own_download_is_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.slow
def test_the_documents_page_downloads_a_defused_csv(settings, downloads, fresh_streamlit_cache):  # noqa: F811
    from core import runtime
    from core.ingest import add_files

    lib = runtime.get_library()
    add_files(lib, [(name.strip(), f"Notes number {i} about the bakery.".encode()) for i, name in enumerate(HOSTILE[:2])])
    stored = sorted(d.file for d in lib.documents())
    at = AppTest.from_file(str(ROOT / "pages" / "documents.py"), default_timeout=120).run()
    assert not at.exception
    assert "library_csv" in {b.key for b in at.download_button}
    cells = _cells(downloads["groundwork-library.csv"])
    names = sorted(row[0] for row in cells[1:])
    assert names == sorted("'" + n if n.startswith(("=", "@")) else n for n in stored)
    assert all(n.startswith("'") for n in names)
