"""Sentences of passages and answers, for marking.

Which sentences back up a claim is decided by ``core.answer.supporting_sentences`` (the support check,
the same choice as the quote shown on hover). Here: a passage cut into sentences when every one of them
is to be marked (a passage opened from Find), and the claims an answer makes with a citation.

Passage text comes from pypdf (a PDF's printed lines, one per line) or from a Word file (one paragraph
or table row per line). ``passage_sentences`` rejoins printed lines into sentences but keeps the line
breaks inside each one, so a sentence can still be found line by line on the page.
"""
from __future__ import annotations

import math
import re
from core.answer.support import sentences as answer_sentences  # one idea of an answer's sentences

_TERMINAL = re.compile(r"[.!?:;]['\")\]”’]*$")
_LIST_START = re.compile(r"^\s*(?:[-*•▪‣◦]|\d{1,3}[.)]|[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])['\")\]”’]*\s+(?=['\"(“‘\[]?[A-Z0-9])")
_NUMBERING = re.compile(r"(?:\d{1,3}\.)+\d{0,3}|[A-Za-z]\.|[IVXivx]{1,4}\.")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_LEADING_MARKERS = re.compile(r"^((?:\[\d{1,3}\]\s*)+)")


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


def passage_sentences(text: str) -> list[str]:
    """Sentences, headings, list items and table rows of a passage, in order (soft line breaks kept)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text or ""):
        for unit in _units(block):
            carry = ""
            for part in _SENTENCE_END.split(unit):
                part = (carry + " " + part.strip()).strip() if carry else part.strip()
                carry = ""
                if _NUMBERING.fullmatch(part):
                    carry = part  # "3." of "3. Before You Return an Item" stays with its heading
                elif part:
                    out.append(part)
            if carry:
                out.append(carry)
    return out


def tidy(sentence: str) -> str:
    """A sentence for reading: printed line breaks joined ("return-\\nable" -> "returnable")."""
    text = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", sentence or "")
    return " ".join(text.split())


def claims_citing(answer: str, n: int) -> str:
    """The sentences of an answer that cite ``[n]``, without their citation numbers ("" when none)."""
    picked = [s for s in answer_sentences(answer) if str(n) in _MARKER.findall(s)]
    return " ".join(" ".join(re.sub(r"\s*\[\d{1,3}\]", "", s).split()) for s in picked)
