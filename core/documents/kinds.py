"""The kinds of file Groundwork reads: one definition for the folder scans, the uploader and every message."""
from __future__ import annotations

# (what people call it, the endings of its file names, the endings named in messages)
READ_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("PDF", (".pdf",), ""),
    ("Word", (".docx",), ".docx"),
    ("Excel", (".xlsx", ".xlsm"), ".xlsx"),
    ("CSV", (".csv", ".tsv"), ""),
    ("text", (".txt", ".md", ".markdown"), ".txt, .md"),
    ("picture", (".png", ".jpg", ".jpeg"), ".png, .jpg"),
)
READABLE_EXTENSIONS: tuple[str, ...] = tuple(ext for _, exts, _ in READ_KINDS for ext in exts)


def kinds_in_words() -> str:
    """'PDF, Word (.docx), Excel (.xlsx), CSV, text (.txt, .md) and picture (.png, .jpg)'."""
    parts = [f"{name} ({shown})" if shown else name for name, _, shown in READ_KINDS]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
