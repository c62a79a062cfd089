"""The fictional company's documents shipped in sample_docs/."""
from __future__ import annotations

import hashlib
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_docs"
SAMPLE_SUFFIXES = {".pdf", ".docx", ".xlsx", ".csv", ".txt", ".md", ".png", ".jpg", ".jpeg"}


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix.lower() in SAMPLE_SUFFIXES)


def sample_items() -> list[tuple[str, bytes]]:
    """The sample documents as (name, bytes), ready to add."""
    return [(p.name, p.read_bytes()) for p in sample_files()]


def sample_documents_in(documents) -> list[str]:
    """Names of the library's documents that are unchanged sample documents (same content)."""
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sample_files()}
    return [d.file for d in documents if d.sha256 in shas]
