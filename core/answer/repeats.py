"""A small local model sometimes loops: the same sentence again and again until its token budget
runs out. ``loop_start(text)`` finds where such a loop begins, so the answer can stop there.

Only complete sentences (or lines) count, compared without their citation markers, case or
punctuation. A long sentence written twice is a loop; a short one (a heading, "Yes.") must come
three times, since short lines can repeat in a real answer (a list of prices per size).
"""
from __future__ import annotations

import re
from typing import Optional

MIN_CHARS = 12  # shorter pieces never count
LONG_CHARS = 60  # a sentence at least this long is a loop the second time it is written
_END = re.compile(r"[.!?](?=\s)|\n")
_MARKER = re.compile(r"\[[^\]\n]*\]")
_NOT_WORD = re.compile(r"[\W_]+")


def _key(sentence: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", _MARKER.sub(" ", sentence)).lower().split())


def loop_start(text: str) -> Optional[int]:
    """Where the first repeat of a looping sentence starts in ``text`` (None when nothing loops)."""
    seen: dict[str, list[int]] = {}
    start = 0
    for end in _END.finditer(text):
        piece = text[start:end.end()]
        key = _key(piece)
        if len(key) >= MIN_CHARS:
            starts = seen.setdefault(key, [])
            starts.append(start + len(piece) - len(piece.lstrip()))
            if len(starts) >= (2 if len(key) >= LONG_CHARS else 3):
                return starts[1]
        start = end.end()
    return None


def without_echo(text: str) -> str:
    """``text`` without its unfinished last sentence when that so far repeats the start of an earlier
    one: while streaming, a loop's second copy is held back until it differs (or the loop is cut)."""
    ends = list(_END.finditer(text))
    if not ends:
        return text
    last = ends[-1].end()
    tail = _key(text[last:])
    if len(tail) < MIN_CHARS:
        return text
    start = 0
    for end in ends:
        if _key(text[start:end.end()]).startswith(tail):
            return text[:last]
        start = end.end()
    return text
