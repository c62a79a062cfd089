"""The parts of an answer style that ask for what a style can't change (made-up answers, no sources).

The prompt already keeps the rules above any style (``core.answer.prompt``); this finds those parts
so the Answer style page can say, when saving, that they will be ignored.
"""
from __future__ import annotations

import re

_PATTERNS = [
    r"\bmake (?:things |stuff |something |an answer |answers |it |them )?up\b",
    r"\bmake up (?:an? )?(?:answers?|things|facts|details|numbers|prices)\b",
    r"\b(?:invent|fabricate|guess|speculate|improvise)\w*\b",
    r"\b(?:use|draw on|rely on) (?:your|its) own (?:knowledge|ideas|judg(?:e)?ment)\b",
    r"\b(?:ignore|skip|forget|disregard|leave out|drop) (?:the |my |our |any |all )?(?:sources?|documents?|files?|citations?|references?|rules?)\b",
    r"\b(?:don'?t|do not|never|no need to) (?:cite|quote|mention|show|give|add|include) (?:the |any |your |our )?(?:sources?|citations?|references?|pages?|documents?)\b",
    r"\bno (?:citations?|sources?|references?|page numbers?)\b",
    r"\b(?:never|don'?t|do not) say (?:that )?(?:you|it) (?:don'?t|do not|doesn'?t|can'?t|cannot) know\b",
    r"\b(?:always|just) (?:give|have) an answer\b",
    r"\bpretend\b",
]
_FOUND = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
# "Never guess", "don't make things up": asking for the rules, not against them.
_NEGATED = re.compile(r"\b(?:never|don'?t|do not|not|no|without|instead of)\s+(?:\w+\s+){0,2}?"
                      r"(?:make|making|invent\w*|guess\w*|fabricat\w*|speculat\w*|pretend\w*|improvis\w*)\b(?:\s+\w+\s+up|\s+up)?",
                      re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")


def ignored_parts(style: str) -> list[str]:
    """The sentences of ``style`` that ask to make answers up or to leave the sources out, as written."""
    out = []
    for sentence in _SENTENCES.split(style or ""):
        sentence = sentence.strip()
        if sentence and _FOUND.search(_NEGATED.sub(" ", sentence)):
            out.append(sentence)
    return out


def ignored_warning(style: str) -> str:
    """One plain sentence for the owner, or "" when nothing in the style will be ignored."""
    parts = ignored_parts(style)
    if not parts:
        return ""
    quoted = "; ".join(f"“{p.rstrip('.')}”" for p in parts[:2])
    return (f"Saved, but this part will be ignored: {quoted}. Answers always come only from your documents and "
            "show where each fact came from; when the documents don't say, the answer says so.")
