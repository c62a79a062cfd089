"""The words of a text as Groundwork compares them: content words and their stems, after ``normalize``.

- ``terms``: the content words of a question or a claim (no function words), lower-cased, in order;
  numbers stay whole ("28.8", "18600").
- ``stems_of``: every word of a text as a stem, hyphenated words also as their parts and written solid
  ("e-mail" -> e-mail, e, mail, email), so "email" and "e-mail" meet.
- ``stem_sequence``: the stems in order, for word pairs side by side.
"""
from __future__ import annotations

import functools
import re

from core.text.normalize import normalize, solid, stem

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves tell please know get us there's what's i'm can't don't doesn't isn't
    much many also ever""".split()
)

WORD = re.compile(r"\d+(?:\.\d+)+|[\w][\w'\-]*", re.UNICODE)


@functools.lru_cache(maxsize=8192)  # a passage is read again by every search that finds it
def words(text: str) -> tuple[str, ...]:
    """The words of ``normalize(text)``, lower-cased, without a possessive "'s" or edge hyphens."""
    out = []
    for raw in WORD.findall(normalize(text or "").lower()):
        word = raw.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if word:
            out.append(word)
    return tuple(out)


def terms(text: str) -> list[str]:
    """Content words of ``text``, lower-cased, in order, without repeats."""
    out: list[str] = []
    for word in words(text):
        if len(word) < 2 and not word.isdigit():
            continue
        if word in STOPWORDS or word in out:
            continue
        out.append(word)
    return out


def stems_of(text: str) -> set[str]:
    """Every word of ``text`` as a stem, plus the parts of hyphenated words and the word written solid."""
    out: set[str] = set()
    for word in words(text):
        out.add(stem(word))
        if "-" in word:
            out.update(stem(part) for part in word.split("-") if part)
            out.add(stem(solid(word)))
    return out


def stem_sequence(text: str) -> list[str]:
    """The words of ``text`` as stems, in order (hyphenated words split), for phrase matching."""
    return [stem(part) for word in words(text) for part in word.split("-") if part]
