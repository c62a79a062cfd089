"""CSV files: any common encoding, comma, semicolon, tab or pipe separated, read row by row.

The stdlib ``csv`` reader streams the rows, so a file with a million rows is
refused at the row limit without holding all of them; pandas' ``read_csv`` is
not used because it refuses rows longer than the first one (a title line
above the header is common in till exports). The separator is chosen by
``csv.Sniffer`` on the first lines, else by which of ``;`` and ``,`` is
more frequent (Excel in much of Europe saves CSV with ``;``).
"""
from __future__ import annotations

import csv
import io

from core.documents import messages as msg
from core.documents.limits import TextBudget
from core.documents.sheets import RowCounter, sheet_segments
from core.documents.text import decode_text
from core.errors import BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

SNIFF_CHARS = 64 * 1024
DELIMITERS = ",;\t|"


def _delimiter(sample: str, tab_separated: bool) -> str:
    if tab_separated:
        return "\t"
    lines = sample.split("\n")
    if len(lines) > 1:
        sample = "\n".join(lines[:-1])  # the last line may be cut in half
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(data: bytes, name_ext: str, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    text = decode_text(data)
    delimiter = _delimiter(text[:SNIFF_CHARS], tab_separated=name_ext == ".tsv")
    progress(0.05, "Reading the rows")
    counter = RowCounter(settings)
    rows = []
    csv.field_size_limit(max(settings.max_text_chars, 1024))
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            counter.count(values)
            if any(v.strip() for v in values):
                rows.append((number, values))
    except csv.Error:
        raise BadFileError(msg.MSG_CSV_DAMAGED) from None
    del text
    segments, data_rows = sheet_segments(None, rows, TextBudget(settings))
    triage = Triage(sheets=1 if segments else 0, rows=data_rows, words=sum(len(s.text.split()) for s in segments))
    if triage.words == 0:
        triage.warnings.append(msg.warn_no_text("csv", scanned=False))
    return segments, triage
