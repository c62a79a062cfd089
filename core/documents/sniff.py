"""What kind of file this is, judged from its content first and its name second.

``file_kind`` returns one of ``KINDS`` or raises ``BadFileError`` with a plain
reason (empty files, old Office files, renamed web pages, presentations...).
"""
from __future__ import annotations

import io
import zipfile
from typing import Optional

from core.documents import kinds
from core.documents import messages as msg
from core.documents.names import extension
from core.errors import BadFileError

KINDS = ("pdf", "docx", "xlsx", "csv", "txt", "md", "png", "jpg")
# File names Groundwork reads (for the uploader and folder scans; defined in core.documents.kinds) ...
READABLE_EXTENSIONS = kinds.READABLE_EXTENSIONS
# ... and old Office files, picked up too so that each gets its plain "save it as ..." message.
EXPLAINED_EXTENSIONS = (".doc", ".xls")

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # old Office files, and password-protected new ones
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Plain-text files by the end of their name; a text file with no extension is read as text.
TEXT_EXTENSIONS = {".txt": "txt", ".text": "txt", "": "txt", ".md": "md", ".markdown": "md",
                   ".csv": "csv", ".tsv": "csv"}

# What some zip-based formats hold inside (a part that only they have).
_ZIP_FORMATS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "xl/workbook.bin": "an Excel binary workbook (.xlsb)",
    "ppt/presentation.xml": "a PowerPoint presentation",
    "content.xml": "an OpenDocument file",
}

# Stream names inside old (OLE) Office files, as they are stored (UTF-16).
_OLE_STREAMS = {
    "WordDocument": "doc",
    "Workbook": "xls",
    "Book": "xls",
    "PowerPoint Document": "ppt",
}


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text[:512]


def _decode_head(head: bytes) -> str:
    if head.startswith(UTF16_BOMS):
        return head.decode("utf-16", errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut in half at the end of the sample
            return head[: exc.start].decode("utf-8")
    return head.decode("cp1252", errors="replace")


def looks_like_text(head: bytes) -> bool:
    """Mostly printable characters in UTF-8, UTF-16 (with a BOM) or Windows-1252."""
    text = _decode_head(head)
    readable = sum((ch.isprintable() and ch != "\ufffd") or ch in "\r\n\t\f" for ch in text)
    return bool(text) and readable >= 0.95 * len(text)


def _describe_content(data: bytes) -> Optional[str]:
    """What a file that is neither PDF, zip nor a readable picture really is, in words; None when unknown."""
    head = data[:2048]
    if head.startswith(b"{\\rtf"):
        return "a Rich Text (RTF) file"
    if _looks_like_html(head):
        return "a web page (HTML)"
    if looks_like_text(head):
        return "plain text"
    return None


def _other_picture(head: bytes) -> Optional[str]:
    for magic, what in msg.OTHER_PICTURES.items():
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP picture"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "an iPhone (HEIC) picture" if head[8:11] == b"hei" else "a HEIF or AVIF picture"
    return None


def _zip_contents(data: bytes) -> Optional[str]:
    """What a zip file holds: "docx", "xlsx", a description of another format, "" for
    an ordinary zip, or None when the zip itself is damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # BadZipFile, LargeZipFile, truncated data, ...
        return None
    for part, what in _ZIP_FORMATS.items():
        if part in names:
            return what
    return ""


def _zip_kind(data: bytes, ext: str) -> str:
    contents = _zip_contents(data)
    if contents in ("docx", "xlsx"):
        return contents
    if contents is None:
        if ext in (".xlsx", ".xlsm"):
            raise BadFileError(msg.MSG_XLSX_DAMAGED)
        raise BadFileError(msg.MSG_DOCX_DAMAGED if ext == ".docx" else msg.msg_unsupported(ext))
    if contents:
        raise BadFileError(msg.msg_other_format(contents))
    raise BadFileError(msg.MSG_ZIP_NOT_WORD if ext == ".docx" else msg.MSG_ZIP_NOT_DOCUMENT)


def _ole_kind(data: bytes, ext: str) -> str:
    """Old Office files (and new ones with a password) are OLE containers; none can be read."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        if ext in (".docx", ".doc", ".docm"):
            raise BadFileError(msg.MSG_DOCX_PASSWORD)
        if ext in (".xlsx", ".xls", ".xlsm"):
            raise BadFileError(msg.MSG_XLSX_PASSWORD)
        raise BadFileError(msg.MSG_OFFICE_PASSWORD)
    streams = {kind for name, kind in _OLE_STREAMS.items() if name.encode("utf-16-le") in data[:1024 * 1024]}
    if "xls" in streams or ext in (".xls", ".xlt"):
        raise BadFileError(msg.MSG_LEGACY_XLS)
    if "ppt" in streams or ext in (".ppt", ".pps"):
        raise BadFileError(msg.msg_other_format("an older PowerPoint presentation (.ppt)"))
    if "doc" in streams or ext in (".doc", ".docx", ".dot", ""):
        raise BadFileError(msg.MSG_LEGACY_DOC)
    raise BadFileError(msg.msg_unsupported(ext))


def _text_kind(data: bytes, ext: str, actual: Optional[str]) -> str:
    if ext == ".doc":
        raise BadFileError(msg.MSG_RTF if actual == "a Rich Text (RTF) file" else msg.MSG_LEGACY_DOC)
    if actual == "plain text" and ext in TEXT_EXTENSIONS:
        return TEXT_EXTENSIONS[ext]
    damaged = {".pdf": msg.MSG_PDF_DAMAGED, ".docx": msg.MSG_DOCX_DAMAGED, ".xlsx": msg.MSG_XLSX_DAMAGED,
               ".png": msg.MSG_IMAGE_DAMAGED, ".jpg": msg.MSG_IMAGE_DAMAGED, ".jpeg": msg.MSG_IMAGE_DAMAGED}
    if ext in damaged:
        raise BadFileError(msg.msg_wrong_format(ext, actual) if actual else damaged[ext])
    raise BadFileError(msg.msg_unsupported(ext))


def file_kind(name: str, data: bytes) -> str:
    """One of ``KINDS``, judged from the content first and the name second.

    Raises ``BadFileError`` with a plain reason for anything else (empty files,
    old .doc/.xls files, renamed web pages, presentations, ...).
    """
    ext = extension(name)
    if not data:
        raise BadFileError(msg.MSG_EMPTY)
    if PDF_MAGIC in data[:1024]:  # the PDF header may sit a little after the start
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data, ext)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data, ext)
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpg"
    picture = _other_picture(data[:16])
    if picture:
        raise BadFileError(msg.msg_picture_kind(picture))
    return _text_kind(data, ext, _describe_content(data))
