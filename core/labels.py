"""Small words and numbers shown to people, written one way everywhere.

Plain text only: a caller that puts a label inside Markdown escapes it there
(``core.render.literal_markdown``), because labels carry file names and headings.
"""
from __future__ import annotations

from typing import Optional, Sequence


def plural(n: int, one: str, many: Optional[str] = None) -> str:
    """'1 page', '2 pages', '1,234 words', '3 people' (with ``many``)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def human_size(n: Optional[int]) -> str:
    """A size in decimal units, as Ollama and most file managers show it: 2019393189 -> '2.0 GB'."""
    if n is None or n < 0:
        return ""
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            break
        value /= 1000
    if unit == "bytes":
        return plural(int(value), "byte")
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"


def page_list(pages: Sequence[int], limit: int = 8) -> str:
    """'page 4', 'pages 2 and 5', 'pages 4–9', 'pages 1, 3, 5–9 and 12 more' (three or more in a row as a range)."""
    numbers = sorted(set(pages))
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for p in numbers:
        if runs and runs[-1][-1] == p - 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    parts: list[str] = []
    for run in runs:
        parts.extend([f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(p) for p in run])
    word = "page" if len(numbers) == 1 else "pages"
    shown, rest = parts[:limit], len(parts) - limit
    if rest > 0:
        return f"{word} {', '.join(shown)} and {rest:,} more"
    if len(shown) == 1:
        return f"{word} {shown[0]}"
    return f"{word} {', '.join(shown[:-1])} and {shown[-1]}"


def pages_label(n: int) -> str:
    """'12 pages', '1 page', or, for a file without page numbers (a Word file), 'no page numbers'."""
    return plural(n, "page") if n else "no page numbers"


def size_words(parameter_size: str) -> str:
    """A model's size as Ollama states it, in words: '3.2B' -> '3.2 billion', '135M' -> '135 million'."""
    text = str(parameter_size or "").strip()
    units = {"B": "billion", "M": "million", "K": "thousand", "T": "trillion"}
    if len(text) > 1 and text[-1].upper() in units and text[:-1].replace(".", "", 1).isdigit():
        return f"{text[:-1]} {units[text[-1].upper()]}"
    return text or "—"
