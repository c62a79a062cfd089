"""Find a piece of text among a page's characters, whatever the spacing, line breaks, ligatures or hyphens.

The text Groundwork stored (read by pypdf, or from a Word file) and the characters another reader sees
on the page (PDFium's text page, python-docx runs) rarely agree space for space. Both sides are reduced
to a *key*: letters and digits only, accents dropped, ligatures split, case folded ("ﬁ" and "fi" match,
"Hy-\\nphen" matches "Hyphen"), with a map from every key character back to the index it came from.

A target is located in three tries, each never looser than "these exact letters and digits, in this
order": the whole text; else a long enough start of it ending a page (the rest is on the next page),
or end of it starting a page; else each of its own lines that is long enough to be unmistakable.
Nothing found means nothing is marked: a mark is never guessed.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

MIN_KEY = 3  # shorter targets (after reduction) are not looked for at all
EDGE_MIN = 20  # letters and digits a sentence cut by a page break must keep on this page (~4 words)
EDGE_SLACK = 60  # ... allowing a running footer or header (e.g. "Page 3 of 12") between it and the edge
LINE_MIN = 16  # a single line is looked for alone only when it is at least this long


@lru_cache(maxsize=4096)
def _reduce(ch: str) -> str:
    """One character as key characters: NFKD (splits ligatures, separates accents), accents and
    everything that is not a letter or digit dropped, case folded."""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(part):
            continue
        for c in part.casefold():
            if c.isalnum():
                out.append(c)
    return "".join(out)


@dataclass
class Keyed:
    """A text's key and, for each key character, the index of the character it came from."""

    key: str
    back: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, chars: Iterable[str]) -> "Keyed":
        key: list[str] = []
        back: list[int] = []
        for i, ch in enumerate(chars):
            for c in _reduce(ch):
                key.append(c)
                back.append(i)
        return cls("".join(key), back)

    def span(self, start: int, length: int) -> tuple[int, int]:
        """Original indexes [first, last] (inclusive) of key characters start..start+length-1."""
        return self.back[start], self.back[start + length - 1]


def key_of(text: str) -> str:
    return Keyed.of(text or "").key


def _all(key: str, target: str) -> list[int]:
    out, pos = [], key.find(target)
    while pos >= 0:
        out.append(pos)
        pos = key.find(target, pos + len(target))
    return out


def _edge_parts(page: str, target: str) -> list[tuple[int, int]]:
    """(start, length) of the longest start of ``target`` that ends this page, and of the longest end of
    it that starts this page (a sentence carried over a page break), each at least ``EDGE_MIN`` long."""
    found = []
    for k in range(len(target) - 1, EDGE_MIN - 1, -1):
        pos = page.rfind(target[:k])
        if pos >= 0 and pos + k >= len(page) - EDGE_SLACK:
            found.append((pos, k))
            break
    for k in range(len(target) - 1, EDGE_MIN - 1, -1):
        pos = page.find(target[-k:])
        if 0 <= pos <= EDGE_SLACK:
            found.append((pos, k))
            break
    return found


@dataclass
class Match:
    """Where one target was found: spans of original indexes [first, last], and how."""

    target: str
    spans: list[tuple[int, int]]
    how: str  # "whole" | "edge" | "lines" | "none"

    @property
    def found(self) -> bool:
        return bool(self.spans)


def locate(page: Keyed, target: str, edges: bool = True) -> Match:
    """Every place ``target`` sits among the page's characters (see the module notes for the three tries;
    ``edges=False`` skips the second, for text that has no page breaks)."""
    key = key_of(target)
    if len(key) < MIN_KEY or not page.key:
        return Match(target, [], "none")
    hits = _all(page.key, key)
    if hits:
        return Match(target, [page.span(p, len(key)) for p in hits], "whole")
    if edges and len(key) >= EDGE_MIN:
        parts = _edge_parts(page.key, key)
        if parts:
            return Match(target, [page.span(p, n) for p, n in parts], "edge")
    spans = []
    lines = [line for line in target.splitlines() if len(key_of(line)) >= LINE_MIN]
    if len(lines) > 1:
        for line in lines:
            line_key = key_of(line)
            spans.extend(page.span(p, len(line_key)) for p in _all(page.key, line_key))
    return Match(target, sorted(spans), "lines" if spans else "none")


def locate_all(page: Keyed, targets: Sequence[str], edges: bool = True) -> list[Match]:
    return [locate(page, t, edges) for t in targets if t and t.strip()]


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching [first, last] spans joined, in order."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]
