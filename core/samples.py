"""The fictional company's documents shipped in sample_docs/."""
from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_docs"


def sample_files() -> list[Path]:
    from core.documents import READABLE_EXTENSIONS

    return sorted(p for p in SAMPLE_DIR.glob("*") if p.suffix.lower() in READABLE_EXTENSIONS)


def questions_path() -> Path:
    return SAMPLE_DIR / "questions.jsonl"
