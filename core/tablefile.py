"""Tables Groundwork hands out as spreadsheet files, with every cell kept as text.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or carriage return) as a formula: a document named ``=HYPERLINK("http:…","Open").txt`` would
become a live link, and ``@SUM(1+1)*cmd|calc.txt`` a command, when the owner opens the file.
``defuse`` puts an apostrophe in front of such a cell, so it stays the text it was. Every CSV
Groundwork writes goes through ``csv_bytes``. (Streamlit's own table download can't be defused, so
it is switched off in ``.streamlit/config.toml``: ``client.disableDataExport``.)
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Mapping

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """A cell as text a spreadsheet won't run; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows (dicts with the same keys) as a CSV file that Excel opens with accents intact (UTF-8 with BOM)."""
    rows = list(rows)
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=[defuse(k) for k in rows[0]], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({defuse(k): defuse(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
