"""Find a piece of text among a page's characters, whatever the spacing, line breaks, ligatures or hyphens.

The text Groundwork stored (read by pypdf, or from a Word file) and the characters another reader sees
on the page (PDFium's text page, python-docx runs) rarely agree space for space. Both sides are reduced
to a *key*: letters and digits only, accents dropped, ligatures split, case folded ("ﬁ" and "fi" match,
"Hy-\\nphen" matches "Hyphen"), a decimal's trailing zeros left out ("28.80" matches "28.8", as in
``core.text.normalize``, whose ``fold_char`` this uses), with a map from every key character back to the
index it came from.

A target is located in three tries, each never looser than "these exact letters and digits, in this
order": the whole text; else each of its own lines that is long enough to be unmistakable; else a long
enough start of it that ends the page's last line of text (the rest is on the next page; a footer may
follow), or an end of it that starts the page's first line (a header may come before).
Nothing found means nothing is marked: a mark is never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable, Sequence

from core.text.normalize import fold_char

MIN_KEY = 3  # shorter targets (after reduction) are not looked for at all
EDGE_MIN = 20  # letters and digits a sentence cut by a page break must keep on this page (~4 words)
EDGE_LINES = 2  # ... with at most this many lines (a running footer or header) between it and the page edge
PUNCT_REACH = 2  # punctuation characters taken in at either end of a match
LINE_MIN = 16  # a single line is looked for alone only when it is at least this long
_BREAKS = "\r\n\x0b\x0c\u2028\u2029"
_SENTENCE_STOPS = ".!?:;|•▪‣◦-–—)]”\"'"  # what may stand before a short target that starts a sentence
_TRAILING_ZEROS = re.compile(r"(?<=\d\.)\d*?(0+)(?!\d)")


@lru_cache(maxsize=4096)
def _reduce(ch: str) -> str:
    """One character as key characters: accents dropped, ligatures split (``fold_char``), everything that
    is not a letter or digit dropped, case folded."""
    return "".join(c for c in fold_char(ch).casefold() if c.isalnum())


def _zeros(chars: Sequence[str]) -> set[int]:
    """Indexes of the trailing zeros of decimals ("28.80", "28.00"): left out of the key."""
    if not all(len(c) == 1 for c in chars):
        return set()
    return {i for m in _TRAILING_ZEROS.finditer("".join(chars)) for i in range(m.start(1), m.end(1))}


@dataclass
class Keyed:
    """A text's key and, for each key character, the index of the character it came from."""

    key: str
    back: list[int] = field(default_factory=list)
    chars: Sequence[str] = ()
    skipped: frozenset = frozenset()  # indexes of characters left out of the key (a decimal's trailing zeros)

    @classmethod
    def of(cls, chars: Iterable[str]) -> "Keyed":
        chars = list(chars)
        skipped = _zeros(chars)
        key: list[str] = []
        back: list[int] = []
        for i, ch in enumerate(chars):
            if i in skipped:
                continue
            for c in _reduce(ch):
                key.append(c)
                back.append(i)
        return cls("".join(key), back, chars, frozenset(skipped))

    @cached_property
    def _line_ids(self) -> tuple[list[int], list[int]]:
        """Each character's printed line number, and the numbers of the lines holding any text."""
        ids: list[int] = []
        filled: list[int] = []
        current = 0
        for ch in self.chars:
            if ch and ch in _BREAKS:
                current += 1
            elif ch.strip() and (not filled or filled[-1] != current):
                filled.append(current)
            ids.append(current)
        return ids, filled

    def _lines_after(self, index: int) -> int:
        ids, filled = self._line_ids
        return sum(1 for line in filled if line > ids[index])

    def _lines_before(self, index: int) -> int:
        ids, filled = self._line_ids
        return sum(1 for line in filled if line < ids[index])

    def ends_a_line(self, key_end: int) -> bool:
        """Is key character ``key_end`` the last of its printed line, followed by no more than
        ``EDGE_LINES`` lines (a footer) before the end of the page?"""
        last = self.back[key_end]
        following = self.back[key_end + 1] if key_end + 1 < len(self.back) else len(self.chars)
        gap = "".join(self.chars[last + 1: following])
        if key_end + 1 < len(self.back) and not any(b in gap for b in _BREAKS):
            return False
        return self._lines_after(last) <= EDGE_LINES

    def starts_a_line(self, key_start: int) -> bool:
        """Is key character ``key_start`` the first of its printed line, with no more than ``EDGE_LINES``
        lines (a header) before it on the page?"""
        first = self.back[key_start]
        previous = self.back[key_start - 1] if key_start > 0 else -1
        gap = "".join(self.chars[previous + 1: first])
        if key_start > 0 and not any(b in gap for b in _BREAKS):
            return False
        return self._lines_before(first) <= EDGE_LINES

    def span(self, start: int, length: int) -> tuple[int, int]:
        """Original indexes [first, last] (inclusive) of key characters start..start+length-1, widened to
        take in punctuation stuck to them ("$1,249", "bike.", "(section 3)")."""
        first, last = self.back[start], self.back[start + length - 1]
        for _ in range(PUNCT_REACH):
            if first > 0 and self._stuck(first - 1):
                first -= 1
        while last + 1 in self.skipped:
            last += 1
        for _ in range(PUNCT_REACH):
            if last + 1 < len(self.chars) and self._stuck(last + 1):
                last += 1
        return first, last

    def bounded(self, start: int, length: int, alone: bool = False) -> bool:
        """Do key characters start..start+length-1 begin and end on word edges ("ride" is not in
        "ridden")? With ``alone``, they must also start a line or a sentence (after ". ", ": ", "| ",
        a bullet), so a heading "Rules" is not the word in "these rules apply"."""
        first, last = self.back[start], self.back[start + length - 1]
        while last + 1 in self.skipped:
            last += 1
        before = self.chars[first - 1] if first > 0 else "\n"
        after = self.chars[last + 1] if last + 1 < len(self.chars) else "\n"
        if _reduce(before) or _reduce(after):
            return False
        if not alone:
            return True
        i = first - 1
        while i >= 0 and self.chars[i] and not self.chars[i].strip() and self.chars[i] not in _BREAKS:
            i -= 1
        return i < 0 or self.chars[i] in _BREAKS or self.chars[i] in _SENTENCE_STOPS

    def _stuck(self, index: int) -> bool:
        ch = self.chars[index]
        return bool(ch.strip()) and not _reduce(ch)


def key_of(text: str) -> str:
    return Keyed.of(text or "").key


def _all(page: "Keyed", target: str, alone: bool = False) -> list[int]:
    """Start of every occurrence of ``target`` in the page's key that begins and ends on word edges."""
    out, pos = [], page.key.find(target)
    while pos >= 0:
        if page.bounded(pos, len(target), alone):
            out.append(pos)
            pos = page.key.find(target, pos + len(target))
        else:
            pos = page.key.find(target, pos + 1)
    return out


def _edge_parts(page: Keyed, target: str) -> list[tuple[int, int]]:
    """(start, length) of the longest start of ``target`` that ends this page's text, and of the longest
    end of it that starts it (a sentence carried over a page break), each at least ``EDGE_MIN`` long and
    each a whole printed line's worth: ending (starting) a line, with only a footer (header) beyond it."""
    found = []
    for k in range(len(target) - 1, EDGE_MIN - 1, -1):
        pos = page.key.rfind(target[:k])
        if pos >= 0 and page.ends_a_line(pos + k - 1):
            found.append((pos, k))
            break
    for k in range(len(target) - 1, EDGE_MIN - 1, -1):
        pos = page.key.find(target[-k:])
        if pos >= 0 and page.starts_a_line(pos):
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


def locate(page: Keyed, target: str, edges: bool = True, loose: bool = False) -> Match:
    """Every place ``target`` sits among the page's characters (see the module notes for the three tries;
    ``edges=False`` skips the third, for text that has no page breaks). Matches begin and end on word
    edges; a short target (a heading, a short sentence) only counts where it starts a line or a
    sentence, so a heading "Rules" never marks the word in "these rules apply"; ``loose`` lifts that
    for text someone typed to look for."""
    key = key_of(target)
    if len(key) < MIN_KEY or not page.key:
        return Match(target, [], "none")
    hits = _all(page, key, alone=not loose and len(key) < LINE_MIN)
    if hits:
        return Match(target, [page.span(p, len(key)) for p in hits], "whole")
    spans: list[tuple[int, int]] = []
    lines = [line for line in target.splitlines() if len(key_of(line)) >= LINE_MIN]
    if len(lines) > 1:
        for line in lines:
            line_key = key_of(line)
            spans.extend(page.span(p, len(line_key)) for p in _all(page, line_key))
    if spans:
        return Match(target, sorted(spans), "lines")
    if edges and len(key) >= EDGE_MIN:
        parts = _edge_parts(page, key)
        if parts:
            return Match(target, [page.span(p, n) for p, n in parts], "edge")
    return Match(target, [], "none")


def locate_all(page: Keyed, targets: Sequence[str], edges: bool = True, loose: bool = False) -> list[Match]:
    return [locate(page, t, edges, loose) for t in targets if t and t.strip()]


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching [first, last] spans joined, in order."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]
