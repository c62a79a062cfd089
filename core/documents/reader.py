"""``read_document``: the only way bytes become text in Groundwork.

It never lets a parser's exception escape: anything it cannot read becomes a
``BadFileError`` whose message is one calm sentence saying what happened and
what to do. Limits are checked before heavy work, so a huge or hostile file
is refused quickly.

It is a pure function of its arguments (bytes, a frozen ``Settings``, an
optional progress callback) returning plain picklable data, so it can run in
a worker process; the OCR engine it may load is kept per process.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Callable, Optional

from core.documents import messages as msg
from core.documents.csvfile import read_csv
from core.documents.docx import read_docx
from core.documents.images import read_image
from core.documents.names import extension, safe_name
from core.documents.pdf import read_pdf
from core.documents.sniff import file_kind
from core.documents.text import read_text
from core.documents.xlsx import read_xlsx
from core.errors import AppError, BadFileError
from core.settings import Settings
from core.types import ParsedDocument, Progress, no_progress

log = logging.getLogger(__name__)

MB = 1024 * 1024

# What to say when a reader fails in a way nobody foresaw, by kind.
_DAMAGED = {
    "pdf": msg.MSG_PDF_DAMAGED,
    "docx": msg.MSG_DOCX_DAMAGED,
    "xlsx": msg.MSG_XLSX_DAMAGED,
    "csv": msg.MSG_CSV_DAMAGED,
    "txt": msg.MSG_TEXT_ENCODING,
    "md": msg.MSG_TEXT_ENCODING,
    "png": msg.MSG_IMAGE_DAMAGED,
    "jpg": msg.MSG_IMAGE_DAMAGED,
}


def _reader(kind: str, name: str) -> Callable:
    if kind == "pdf":
        return read_pdf
    if kind == "docx":
        return read_docx
    if kind == "xlsx":
        return read_xlsx
    if kind == "csv":
        ext = extension(name)
        return lambda data, settings, progress: read_csv(data, ext, settings, progress)
    if kind in ("txt", "md"):
        return lambda data, settings, progress: read_text(data, kind, settings, progress)
    return read_image


def read_document(name: str, data: bytes, settings: Settings, progress: Optional[Progress] = no_progress) -> ParsedDocument:
    """Read one uploaded file into segments of text and triage facts.

    Raises ``BadFileError`` (one calm sentence) for anything unreadable. A file
    that opens but has no text (e.g. a blank scan) is returned with
    ``triage.words == 0`` and a warning saying so; the library decides what to
    do with it.
    """
    progress = progress or no_progress
    display = safe_name(name)
    if len(data) > settings.max_file_mb * MB:
        raise BadFileError(msg.msg_too_big(settings.max_file_mb))
    kind = file_kind(name, data)
    try:
        segments, triage = _reader(kind, name)(data, settings, progress)
    except AppError:
        raise
    except MemoryError:
        raise BadFileError(msg.msg_too_much_text(settings.max_text_chars)) from None
    except Exception:  # a parser failed somewhere we did not foresee
        log.warning("could not read %s", display, exc_info=True)
        raise BadFileError(_DAMAGED[kind]) from None
    progress(1.0, f"Finished reading {display}")
    return ParsedDocument(
        name=display,
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
        segments=segments,
        triage=triage,
    )
