"""Plain text (.txt) and Markdown (.md): headings become sections.

Headings are found by a real Markdown parser (markdown-it-py): ``# Title``
lines and underlined (``====`` / ``----``) titles, but not a ``#`` inside a
code block. Each heading starts a segment whose ``section`` is the heading
text; the heading stays in the segment's text. Text files have no pages.

``decode_text`` is shared with the CSV reader: UTF-8 (with or without a BOM),
UTF-16 with a BOM, else the encoding charset-normalizer finds, else
Windows-1252 (what Excel and Notepad write on Western Windows).
"""
from __future__ import annotations

import re
from typing import Optional

from core.documents import messages as msg
from core.documents.limits import TextBudget
from core.errors import BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

SNIFF_BYTES = 256 * 1024  # enough to tell an encoding
_UNDEFINED_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode_text(data: bytes) -> str:
    """The text of a file in whatever encoding it was saved; raises ``BadFileError`` when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = _guess_encoding(data[:SNIFF_BYTES])
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    if not _UNDEFINED_CP1252.intersection(data[:SNIFF_BYTES]):
        return data.decode("cp1252", errors="replace")
    raise BadFileError(msg.MSG_TEXT_ENCODING)


def _guess_encoding(sample: bytes) -> Optional[str]:
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        return None
    # Western single-byte guesses on short samples are a coin toss between siblings; Windows-1252 is the usual truth.
    if best.encoding in ("latin_1", "iso8859_15", "cp1250", "cp1252", "mac_roman") and not _UNDEFINED_CP1252.intersection(sample):
        return "cp1252"
    return best.encoding


def _heading_lines(text: str) -> list[tuple[int, int, str]]:
    """(first line, line after, heading text) for each heading, in order."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("zero").enable(["heading", "lheading", "fence", "code"])
    tokens = parser.parse(text)
    found = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map and i + 1 < len(tokens):
            title = re.sub(r"\s+", " ", tokens[i + 1].content).strip()
            if title:
                found.append((token.map[0], token.map[1], title))
    return found


def read_text(data: bytes, kind: str, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    """Read a .txt or .md file into segments split at headings."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    budget = TextBudget(settings)
    budget.take(text)  # the whole text is known at once: refuse a huge one before parsing it
    progress(0.1, "Reading the text")
    lines = text.split("\n")
    segments: list[Segment] = []
    section: Optional[str] = None
    start = 0
    for first, after, title in _heading_lines(text):
        _add(segments, lines[start:first], section)
        section = title
        lines[first:after] = [title] + [""] * (after - first - 1)  # the heading, without its marks
        start = first
    _add(segments, lines[start:], section)
    triage = Triage(words=sum(len(s.text.split()) for s in segments))
    if triage.words == 0:
        triage.warnings.append(msg.warn_no_text(kind, scanned=False))
    return segments, triage


def _add(segments: list[Segment], lines: list[str], section: Optional[str]) -> None:
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    if body:
        segments.append(Segment(body, None, section))
