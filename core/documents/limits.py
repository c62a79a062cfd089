"""Limits checked before heavy work, and the running count of text read so far.

Zip-based files (Word, Excel) are judged by the sizes their zip declares,
before anything is inflated: Python's zipfile never inflates an entry beyond
its declared size, so those sizes bound what a parser can be made to read.
Parts that a parser holds in memory whole (a Word file's XML, a workbook's
shared strings) have their own, tighter limit, because a parsed XML tree takes
several times its size in memory.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Callable

from core.documents import messages as msg
from core.errors import BadFileError
from core.settings import Settings

MB = 1024 * 1024
# An entry that inflates more than this many times its stored size is not a real document part.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * MB  # small parts may compress very well; only check big ones


@dataclass(frozen=True)
class ZipKind:
    """How to speak about one zip-based format, and which of its parts are parsed whole."""

    what: str  # "Word file"
    app: str  # "Word"
    ext: str  # ".docx"
    damaged: str  # the message for a broken zip
    held_whole: Callable[[str], bool]  # part name -> parsed into memory in one piece


DOCX = ZipKind("Word file", "Word", ".docx", msg.MSG_DOCX_DAMAGED,
               lambda name: name.startswith("word/") and name.endswith(".xml"))
XLSX = ZipKind("spreadsheet", "Excel", ".xlsx", msg.MSG_XLSX_DAMAGED,
               lambda name: name in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"))


def check_zip_limits(data: bytes, settings: Settings, kind: ZipKind) -> None:
    """Refuse zip bombs and oversized parts by their declared sizes, before inflating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise BadFileError(kind.damaged) from None
    total = sum(info.file_size for info in entries)
    if total > settings.max_unzipped_mb * MB:
        raise BadFileError(msg.msg_unzipped_too_big(kind.what, settings.max_unzipped_mb))
    for info in entries:
        if kind.held_whole(info.filename) and info.file_size > settings.max_xml_mb * MB:
            raise BadFileError(msg.msg_part_too_big(kind.what, info.file_size / MB, settings.max_xml_mb))
    for info in entries:
        if info.file_size >= RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise BadFileError(msg.msg_suspicious_zip(kind.what, kind.app, kind.ext))


class TextBudget:
    """Counts the characters a reader has kept, and stops it as soon as the file is over the limit."""

    def __init__(self, settings: Settings):
        self.limit = settings.max_text_chars
        self.used = 0

    def take(self, text: str) -> str:
        self.used += len(text)
        if self.used > self.limit:
            raise BadFileError(msg.msg_too_much_text(self.limit))
        return text
