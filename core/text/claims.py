"""What an answer says with a citation, and which lines of the cited passage back it up.

One choice, three views: the quote shown on hover (``core.answer.repair``), the lines marked on the page
(``core.viewer.source.marks_for``) and the quote in an exported conversation (``core.exports``) all come
from ``supporting``, over every claim that cites the passage. For "The deposit is 200 [1]. Late returns
cost 15 an hour [1]." the quote holds both sentences of [1] that back those claims, and the page marks
the same two.

- ``claims_for(answer, n, matched)``: the sentences of ``answer`` that cite ``[n]`` (markers dropped),
  then the ones Groundwork matched to ``[n]`` after the model left them uncited.
- ``supporting(claims, passage)``: for each claim, the passage's sentences sharing the most of its content
  words (at least two, or one for a one-word claim; those within a quarter of the best, at most three),
  all in passage order; the whole passage when no claim's words stand out in any sentence.
- ``quote_for(claims, passage)``: those sentences as one short quote (neighbours read on, a gap is
  " … "), at most ``QUOTE_CHARS`` characters.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from core.text.normalize import normalize, stem
from core.text.sentences import sentences, tidy
from core.text.words import stems_of, terms

QUOTE_CHARS = 360  # a quote stays short; the page viewer shows the rest
QUOTE_MAX_SENTENCES = 3  # per claim
MARKER = re.compile(r"\[(\d+)\]")
GENERAL = re.compile(r"[(\[]\s*general\s+knowledge\s*[)\]]\s*:?|^\s*\**general\s+knowledge\**\s*:", re.IGNORECASE)


def claim_words(sentence: str) -> list[str]:
    """The content words a sentence claims, without its markers or a "(General knowledge)" label."""
    return terms(MARKER.sub(" ", GENERAL.sub(" ", sentence or "")))


def hits(words: Iterable[str], passage: str, pool: set[str] | None = None) -> int:
    """How many of ``words`` the passage holds: the same stem, or (a stem of five letters or more) inside
    one of its words ("deposit" in "deposits", "pre-authorised")."""
    pool = stems_of(passage) if pool is None else pool
    lowered = normalize(passage or "").lower()
    return sum(1 for w in words if stem(w) in pool or (len(stem(w)) >= 5 and stem(w) in lowered))


def claims_for(answer: str, n: int, matched: Iterable = ()) -> list[str]:
    """The sentences of ``answer`` citing ``[n]``, then those matched to ``n`` (objects with ``sentence``
    and ``n``), markers dropped."""
    said = [s for s in sentences(answer or "", "answer") if str(n) in MARKER.findall(s)]
    said += [m.sentence for m in matched if m.n == n]
    bare = (" ".join(MARKER.sub(" ", s).replace(" .", ".").split()) for s in said)
    return list(dict.fromkeys(re.sub(r"\s+([.,;:!?])", r"\1", s) for s in bare if s))


def supporting(claims: Sequence[str], passage: str, *, line_breaks: bool = False) -> list[str]:
    """The passage's sentences that back up any of ``claims``, in passage order (see the module notes);
    ``line_breaks`` as in ``sentences`` (True for marking a printed page)."""
    parts = sentences(passage, line_breaks=line_breaks)
    if not parts:
        return []
    plain = [tidy(p) for p in parts]
    pools = [stems_of(p) for p in plain]
    keep: set[int] = set()
    for claim in claims:
        words = claim_words(claim)
        if not words:
            continue
        scored = [hits(words, p, pool) for p, pool in zip(plain, pools)]
        best = max(scored)
        if best < min(2, len(words)):
            continue
        near = [i for i, s in enumerate(scored) if s >= best * 0.75 and s > 0]
        keep.update(sorted(near, key=lambda i: -scored[i])[:QUOTE_MAX_SENTENCES])
    if not keep:
        return parts
    return [parts[i] for i in sorted(keep)]


def quote_for(claims: Sequence[str], passage: str, limit: int = QUOTE_CHARS) -> str:
    """The sentences ``supporting`` picks, as one quote: neighbours read on, a gap shows as " … "."""
    parts = sentences(passage)
    picked = set(supporting(claims, passage))
    quote, last = "", None
    for i, part in enumerate(parts):
        if part not in picked:
            continue
        quote += ("" if not quote else " " if last == i - 1 else " … ") + part
        last = i
    return shorten(quote, limit)


def shorten(quote: str, limit: int = QUOTE_CHARS) -> str:
    """``quote`` on one line, cut at a word before ``limit`` characters (with " …")."""
    quote = " ".join((quote or "").split())
    if len(quote) <= limit:
        return quote
    return quote[:limit].rsplit(" ", 1)[0] + " …"
