"""A small model sometimes writes Groundwork's own instructions back as its answer ("…cite each
claim like [1]. If they don't contain the answer, say: …"). ``drop_instructions`` removes the
sentences that copy a run of ``RUN`` words from them; a real answer never shares that many
words in a row with the rules (the one sentence the rules ask for, "The documents don't say.",
is shorter than a run).
"""
from __future__ import annotations

import re

from core.text.sentences import sentences
from core.answer.prompt import REMINDER_OPEN, REMINDER_STRICT, STYLE_INTRO, STYLE_OUTRO, SYSTEM_OPEN, SYSTEM_STRICT

RUN = 6  # words in a row shared with the instructions
# the prompt's own markup around each passage (core/answer/prompt.py); a small model sometimes writes it back
_SOURCE_TAG = re.compile(r"[ \t]*</?source\b[^>\n]*>[ \t]*", re.IGNORECASE)
_MARKER = re.compile(r"\[[^\]\n]*\]")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(_MARKER.sub(" ", text.lower()))


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


_INSTRUCTIONS = set().union(*(_runs(t) for t in (SYSTEM_STRICT, SYSTEM_OPEN, STYLE_INTRO, STYLE_OUTRO,
                                                   REMINDER_STRICT, REMINDER_OPEN)))


def copies_instructions(sentence: str) -> bool:
    return not _runs(sentence).isdisjoint(_INSTRUCTIONS)


def drop_instructions(text: str) -> tuple[str, bool]:
    """``text`` without the sentences that repeat Groundwork's instructions, and whether any were dropped."""
    dropped = False
    lines = []
    for line in text.split("\n"):
        kept = []
        for sentence in sentences(line, "answer", bullets=True):
            if copies_instructions(sentence):
                dropped = True
            else:
                kept.append(sentence)
        if kept or not line.strip():
            lines.append(" ".join(kept))
    return ("\n".join(lines) if dropped else text), dropped


def drop_markup(text: str) -> str:
    """``text`` without the prompt's ``<source …>`` tags a model wrote back ("<source>\nThe documents don't
    say.\n</source>" is a "not there" reply, and an owner should never see the tags)."""
    if not _SOURCE_TAG.search(text):
        return text
    stripped = _SOURCE_TAG.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", stripped).strip()
