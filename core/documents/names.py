"""Display names for uploaded files: no folders, no control characters, unicode kept."""
from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 150
FALLBACK_NAME = "document.pdf"


def safe_name(name: str) -> str:
    """A display name without folders or control characters; keeps unicode.

    ``"../secret/Price list.pdf"`` -> ``"Price list.pdf"``. Never empty; at most
    about 150 characters, keeping the extension.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(_visible(ch) for ch in text)
    text = re.split(r"[\\/]", text)[-1]  # both kinds of folder separator
    text = re.sub(r"\s+", " ", text).strip().rstrip(" .")
    stem, ext = split_extension(text)
    stem = stem.strip(" .")  # no hidden ".name" files, and ".." becomes ""
    if not stem:
        if not ext:
            return FALLBACK_NAME
        stem = "document"
    stem = stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") or "document"
    return stem + ext


def _visible(ch: str) -> str:
    """Control characters become a space (tabs, newlines) or vanish (invisible marks)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    if category in ("Cf", "Cs", "Co", "Cn"):
        return ""
    return ch


def split_extension(name: str) -> tuple[str, str]:
    """("Price list", ".pdf"); the extension is "" when there is no plausible one."""
    match = re.fullmatch(r"(.*)(\.[^.\s]{1,10})", name)
    return (match.group(1), match.group(2)) if match else (name, "")


def extension(name: str) -> str:
    """The lower-case extension with its dot (".pdf"), or "" when there is none."""
    return split_extension(safe_name(name))[1].lower()
