"""The kinds of file Groundwork reads: one definition for the folder scans, the uploader and every message."""
from __future__ import annotations

# (what people call it, the endings of its file names)
READ_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PDF", (".pdf",)),
    ("Word", (".docx",)),
    ("Excel", (".xlsx", ".xlsm")),
    ("CSV", (".csv", ".tsv")),
    ("text", (".txt",)),
    ("Markdown", (".md", ".markdown")),
    ("picture", (".png", ".jpg", ".jpeg")),
)
READABLE_EXTENSIONS: tuple[str, ...] = tuple(ext for _, exts in READ_KINDS for ext in exts)


def kinds_in_words() -> str:
    """'PDF (.pdf), Word (.docx), ... and picture (.png, .jpg, .jpeg)'."""
    parts = [f"{name} ({', '.join(exts)})" for name, exts in READ_KINDS]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
