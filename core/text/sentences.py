"""Text cut into sentences: the one splitter every part of Groundwork uses.

``sentences(text, kind=...)`` has two kinds of input and a few named variants:

- ``kind="passage"`` (the default): a passage Groundwork stored. PDF text arrives with its printed lines;
  a line that wraps (long, not ending a sentence, not followed by a list item) is joined to the next, and
  headings, list items and table rows ("… | …") stay apart. A clause number ("3.", "4.2", "b.") stays
  with what follows it. ``line_breaks=True`` keeps a wrapped line's break as "\\n" inside its sentence,
  so the sentence can still be found line by line on the printed page (the page marks); otherwise the
  sentence is ``tidy`` (one line, "return-\\nable" -> "returnable").
- ``kind="answer"``: a reply from the model. Each line is its own (a list item is a sentence), list
  bullets are dropped unless ``bullets=True``, and citation markers written after a full stop
  ("… 200. [1] Late …") stay with the sentence before them. ``markers=False`` drops the ``[n]`` markers.

Sentences end at ".", "!" or "?" (a closing quote or bracket may follow) before a capital, a digit,
a bracket or a quote.
"""
from __future__ import annotations

import math
import re
from typing import Literal

END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]['\")\]”’]))\s+(?=[\[(\"'“‘*]?[A-Z0-9(])")
_TERMINAL = re.compile(r"[.!?:;]['\")\]”’]*$")
_LIST_START = re.compile(r"^\s*(?:[-*•▪‣◦]|\d{1,3}[.)]|[a-z][.)])\s+")
_BULLET = re.compile(r"^\s*(?:[-*•>]+|\d+[.)])\s+")
_NUMBERING = re.compile(r"(?:\d{1,3}\.)+\d{0,3}|[A-Za-z]\.|[IVXivx]{1,4}\.")
_LEADING_MARKERS = re.compile(r"^((?:\[\d{1,3}\]\s*)+)")
_MARKER = re.compile(r"\s*\[\d{1,3}\]")


def sentences(text: str, kind: Literal["passage", "answer"] = "passage", *, line_breaks: bool = False,
              markers: bool = True, bullets: bool = False) -> list[str]:
    """``text``'s sentences in order (see the module notes for ``kind`` and the variants)."""
    if kind == "answer":
        out = _answer(text or "", bullets)
    else:
        out = _passage(text or "")
        if not line_breaks:
            out = [tidy(s) for s in out]
    if not markers:
        out = [" ".join(_MARKER.sub("", s).split()) for s in out]
    return [s for s in out if s]


def tidy(sentence: str) -> str:
    """A sentence for reading: printed line breaks joined ("return-\\nable" -> "returnable")."""
    text = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", sentence or "")
    return " ".join(text.split())


def _answer(text: str, bullets: bool) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip() if bullets else _BULLET.sub("", line).strip()
        for part in END.split(line):
            part = part.strip()
            lead = _LEADING_MARKERS.match(part)
            if lead and out:
                out[-1] = f"{out[-1]} {lead.group(1).strip()}"
                part = part[lead.end():].strip()
            if part:
                out.append(part)
    return out


def _hard_break(line: str, next_line: str, typical: int) -> bool:
    """Does the printed line end a unit (sentence, heading, list item, table row) rather than wrap?"""
    line = line.rstrip()
    if _TERMINAL.search(line) or " | " in line or _LIST_START.match(next_line):
        return True
    if len(line) < 0.6 * typical:
        return True  # a short line: a heading, a table row, the end of a paragraph
    return next_line[:1].isupper() and line[-1:].isdigit()  # "... 52.00" then "Saturday ..." (table rows)


def _units(block: str) -> list[str]:
    """The lines of one block rejoined into units, a soft (wrapping) break kept as a newline."""
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    if not lines:
        return []
    typical = sorted(len(line) for line in lines)[math.ceil(0.9 * (len(lines) - 1))]
    units, current = [], [lines[0]]
    for line in lines[1:]:
        if _hard_break(current[-1], line, typical):
            units.append("\n".join(current))
            current = [line]
        else:
            current.append(line)
    units.append("\n".join(current))
    return units


def _passage(text: str) -> list[str]:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        for unit in _units(block):
            carry = ""
            for part in END.split(unit):
                part = (carry + " " + part.strip()).strip() if carry else part.strip()
                carry = ""
                if _NUMBERING.fullmatch(part):
                    carry = part  # "3." of "3. Before You Return an Item" stays with its heading
                elif part:
                    out.append(part)
            if carry:
                out.append(carry)
    return out
