"""Every sentence the readers may show a person: what happened, and what to do.

One calm sentence each, no jargon, no file-format internals. The readers raise
``BadFileError(message)`` with these, or add them to ``Triage.warnings``.
"""
from __future__ import annotations

from typing import Optional

from core.documents.kinds import kinds_in_words

SUPPORTED = f"Groundwork can read {kinds_in_words()} files"
NONE_READABLE = "Groundwork found no file it reads there; point to {kinds} files, or to a folder holding them."

# ------------------------------------------------------------------ any file

MSG_EMPTY = "This file is empty (0 bytes). Check that you picked the right file and upload it again."
MSG_OFFICE_PASSWORD = (
    "This Office file is password-protected. Remove the password, save it, and upload it again."
)
MSG_ZIP_NOT_DOCUMENT = (
    "This file is a zip archive, not a Word document or spreadsheet. "
    "Unzip it and upload the files inside."
)
MSG_RTF = "This is a Rich Text (RTF) file, not a Word .docx file. Open it in Word and save it as .docx, then upload it again."
MSG_TEXT_ENCODING = (
    "Groundwork couldn't tell how the text in this file is written down (its encoding). "
    "Open it in a text editor, save it as UTF-8, and upload it again."
)

# ----------------------------------------------------------------------- PDF

MSG_PDF_PASSWORD = "This PDF is password-protected. Remove the password and upload it again."
MSG_PDF_NO_PAGES = "This PDF has no pages. Check that you picked the right file and upload it again."
MSG_PDF_DAMAGED = (
    "This PDF seems to be damaged or incomplete, so Groundwork can't read it. "
    "Open it, save a fresh copy as PDF, and upload it again."
)
MSG_PDF_TOO_COMPLEX = (
    "This PDF is built from more pieces than Groundwork reads in one file. "
    "Split it into smaller files and upload them again."
)
MSG_PDF_CRYPTO = (
    "This PDF uses a kind of encryption Groundwork can't open. "
    "Open it, save a copy without protection, and upload it again."
)

# ---------------------------------------------------------------------- Word

MSG_LEGACY_DOC = "This is an older Word file (.doc). Open it in Word and save it as .docx, then upload it again."
MSG_DOCX_PASSWORD = "This Word file is password-protected. Remove the password in Word, save it, and upload it again."
MSG_DOCX_DAMAGED = (
    "This Word file seems to be damaged, so Groundwork can't read it. "
    "Open it in Word, save it again as .docx, and upload it again."
)
MSG_ZIP_NOT_WORD = (
    "This file is a zip archive, not a Word document. "
    "Unzip it and upload the PDF or Word (.docx) files inside."
)

# --------------------------------------------------------------- spreadsheets

MSG_LEGACY_XLS = (
    "Older Excel .xls files aren't supported; open it in Excel, save it as .xlsx, and upload it again."
)
MSG_XLSX_PASSWORD = (
    "This spreadsheet is password-protected. Remove the password in Excel, save it, and upload it again."
)
MSG_XLSX_DAMAGED = (
    "This spreadsheet seems to be damaged, so Groundwork can't read it. "
    "Open it in Excel, save it again as .xlsx, and upload it again."
)
MSG_CSV_DAMAGED = (
    "Groundwork couldn't read the rows of this CSV file. "
    "Open it in a spreadsheet program, save it again as CSV, and upload it again."
)

# ------------------------------------------------------------------ pictures

MSG_IMAGE_DAMAGED = (
    "This picture seems to be damaged or incomplete, so Groundwork can't read it. "
    "Open it, save a fresh copy as PNG or JPEG, and upload it again."
)
WARN_IMAGE_NO_TEXT = (
    "Groundwork found no text in this picture, so it can't be searched; if it shows a document, "
    "take a sharper, well-lit photo of it and upload it again."
)
WARN_IMAGE_OCR = (
    "This picture was read with text recognition; check important figures against the original."
)
WARN_IMAGE_LOW_CONFIDENCE = (
    "Parts of this picture were hard to read (it may be blurred, dark or crooked), so its text may "
    "contain mistakes; a sharper, well-lit photo would help."
)

# what other kinds of files are, in words (for "this file is ..." messages)
OTHER_PICTURES = {
    b"GIF8": "a GIF picture",
    b"II*\x00": "a TIFF picture",
    b"MM\x00*": "a TIFF picture",
    b"BM": "a BMP picture",
}


def msg_picture_kind(what: str) -> str:
    return f"This file is {what}, which Groundwork can't read. Save it as PNG or JPEG and upload it again."


def msg_other_format(what: str) -> str:
    """A file we recognise but cannot read (a presentation, an OpenDocument file...)."""
    return f"This file is {what}; {SUPPORTED}. Save it as PDF and upload it again."


# -------------------------------------------------------------------- limits


def msg_too_big(limit_mb: int) -> str:
    return f"This file is larger than the {limit_mb} MB limit. Split it into smaller files and upload them again."


def msg_too_many_pages(pages: int, limit: int) -> str:
    return (
        f"This PDF has {pages:,} pages, more than the {limit:,}-page limit. "
        "Split it into smaller files and upload them again."
    )


def msg_too_many_scanned_pages(scanned: int, limit: int) -> str:
    return (
        f"This PDF has {scanned:,} scanned pages, more than the {limit:,} that Groundwork reads with text "
        "recognition in one file (it takes a few seconds a page). Split it into smaller files and upload them again."
    )


def msg_unzipped_too_big(what: str, limit_mb: int) -> str:
    return (
        f"This {what} would take up more than {limit_mb} MB once opened, which is over the limit. "
        "Split it into smaller files and upload them again."
    )


def msg_part_too_big(what: str, size_mb: float, limit_mb: int) -> str:
    return (
        f"The text and layout inside this {what} take up {size_mb:,.0f} MB once unpacked, more than the "
        f"{limit_mb} MB Groundwork opens at once. Split it into smaller files and upload them again."
    )


def msg_suspicious_zip(what: str, app: str, ext: str) -> str:
    return (
        f"This {what} is built in an unusual way that could be used to overload the computer, "
        f"so Groundwork won't open it. Open it in {app}, save it again as {ext}, and upload it again."
    )


def msg_too_much_text(limit: int) -> str:
    return (
        f"This file holds more than {limit:,} characters of text, over the limit for one file. "
        "Split it into smaller files and upload them again."
    )


def msg_too_many_passages(limit: int) -> str:
    return (
        f"This file would make more than {limit:,} passages to search, over the limit for one file. "
        "Split it into smaller files and upload them again."
    )


def msg_too_many_rows(limit: int) -> str:
    return (
        f"This spreadsheet has more than {limit:,} rows, over the limit for one file. "
        "Split it into smaller files, or remove the rows you don't need, and upload it again."
    )


def msg_too_many_cells(limit: int) -> str:
    return (
        f"This spreadsheet has more than {limit:,} filled cells, over the limit for one file. "
        "Split it into smaller files, or remove the columns you don't need, and upload it again."
    )


def msg_image_too_large(megapixels: Optional[float], limit: int) -> str:
    size = f"is {megapixels:,.0f} megapixels, more than" if megapixels else "is larger than"
    return (
        f"This picture {size} the {limit:,}-megapixel limit. "
        "Save a smaller copy (for example by emailing it to yourself) and upload that."
    )


# ------------------------------------------------------------ wrong or unknown


def msg_wrong_format(ext: str, actual: str) -> str:
    """A file whose name says one format while its content is another."""
    fixes = {
        ".pdf": "Open it and save it as a real PDF (for example with Print, then Save as PDF)",
        ".xlsx": "Open it in Excel, save it as .xlsx",
        ".png": "Open it and save it as a PNG picture",
        ".jpg": "Open it and save it as a JPEG picture",
        ".jpeg": "Open it and save it as a JPEG picture",
    }
    fix = fixes.get(ext, "Open it in Word, save it as .docx")
    return f"This file is named {ext} but is actually {actual}. {fix}, and upload it again."


def msg_unsupported(ext: str) -> str:
    what = f"{ext} files" if ext else "files without a type at the end of their name"
    return f"{SUPPORTED}; {what} aren't supported. Save it as PDF and upload it again."


# ---------------------------------------------------------- no text, and OCR


def warn_no_text(kind: str, scanned: bool) -> str:
    if kind == "pdf" and scanned:
        return (
            "This PDF has no text Groundwork can read: its pages look like scanned images and text "
            "recognition (OCR) found no words on them, so it can't be searched; check that the scan shows "
            "the text clearly and upload it again."
        )
    if kind == "pdf":
        return (
            "This PDF has no text Groundwork can read, so it can't be searched; "
            "if it should have text, save a fresh copy as PDF and upload it again."
        )
    if kind == "docx":
        return (
            "This Word file has no text Groundwork can read, so it can't be searched; if it holds pictures "
            "of pages, save it as PDF so text recognition (OCR) can read them, and upload it again."
        )
    if kind in ("xlsx", "csv"):
        return "This spreadsheet has no filled cells, so there is nothing to search; check that you picked the right file."
    return "This file has no text, so there is nothing to search; check that you picked the right file."


def warn_scanned_no_words(pages: list[int]) -> str:
    one = len(pages) == 1
    return (
        f"{page_ranges(pages)} {'looks' if one else 'look'} scanned, but text recognition found no words on "
        f"{'it' if one else 'them'}, so {'it' if one else 'they'} won't be searchable."
    )


def warn_ocr_pages(pages: list[int]) -> str:
    one = len(pages) == 1
    return (
        f"{page_ranges(pages)} {'was' if one else 'were'} scanned; Groundwork read {'it' if one else 'them'} "
        "with text recognition; check important figures against the original."
    )


def warn_low_confidence(pages: list[int]) -> str:
    one = len(pages) == 1
    return (
        f"{page_ranges(pages)} {'was' if one else 'were'} hard to read (the scan may be blurred, small or "
        f"crooked), so {'its' if one else 'their'} text may contain mistakes; a sharper scan would help."
    )


def warn_pages_failed(pages: list[int]) -> str:
    return (
        f"{page_ranges(pages)} couldn't be read (the file may be partly damaged), "
        "so only the other pages are searchable."
    )


def page_ranges(pages: list[int], limit: int = 6) -> str:
    """'Page 4', 'Pages 4–9', 'Pages 2, 5 and 7–9', 'Pages 1–3, 5, … and 12 more pages'."""
    runs: list[tuple[int, int]] = []
    for p in sorted(set(pages)):
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:limit]]
    rest = sum(b - a + 1 for a, b in runs[limit:])
    if len(runs) == 1 and runs[0][0] == runs[0][1]:
        return f"Page {shown[0]}"
    if rest:
        return f"Pages {', '.join(shown)} and {rest:,} more"
    if len(shown) == 1:
        return f"Pages {shown[0]}"
    return f"Pages {', '.join(shown[:-1])} and {shown[-1]}"
