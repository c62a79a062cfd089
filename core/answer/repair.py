"""After the answer: check each sentence against the passages, repair missing citations, quote the support.

Small local models often write a correct sentence and forget its [n], or cite the wrong
number. Once the reply is complete:

- a cited sentence its passages don't back up is flagged (``unsupported``), and one with nothing in it a
  passage could confirm ("this is covered [1]") is flagged as such (``empty``; see ``support.py``);
- a factual sentence without a citation is matched to the given passage that supports it
  best, when support is clear (at least half of its content words, and every number it
  states, are in that passage); the passage joins ``citations`` marked
  ``matched_by_groundwork`` and the sentence is listed in ``matched``;
- a wrongly cited sentence that another passage clearly supports is listed in ``matched``
  too (it stays flagged: the number the model gave is wrong);
- a factual sentence nothing supports is flagged as unsupported;
- every citation gets its quote: the sentences of its passage that support the sentences citing it
  (``core.text.claims``: the same sentences the page marks).

Courtesy ("I hope this helps"), questions, lead-ins ending in ":" and "(General knowledge)"
sentences are not claims and are left alone.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from core.answer.citations import cited_numbers, strip_markers
from core.answer.notfound import says_not_found
from core.answer.support import SUPPORT_MIN_WORDS, judge, support_score
from core.text.claims import GENERAL, claim_words, claims_for, quote_for
from core.text.sentences import sentences
from core.types import MatchedSentence, Passage

REPAIR_MIN_SHARE = 0.5  # of a sentence's content words found in the passage it is matched to
REPAIR_MIN_HITS = 2

_CHATTER = re.compile(
    r"^\W*(?:i\s+hope|hope\s+this|let\s+me\s+know|feel\s+free|happy\s+to|glad\s+to|if\s+you\s+(?:have|need|want)"
    r"|please\s+(?:let|ask|contact|reach)|here\s+(?:is|are)\b|in\s+summary|to\s+summari[sz]e|sure\b|certainly\b"
    r"|of\s+course\b|great\s+question|thanks?\b|thank\s+you)", re.IGNORECASE)


@dataclass
class Checked:
    """The sentences of a finished answer, checked against its passages."""

    citations: list[Passage]
    consulted: list[Passage]
    unsupported: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # cited sentences that say nothing a passage could confirm
    matched: list[MatchedSentence] = field(default_factory=list)


def is_claim(sentence: str) -> bool:
    """Does this sentence state something that should come from a source?"""
    plain = strip_markers(sentence)
    if plain.endswith(("?", ":")) or GENERAL.search(plain) or says_not_found(plain) or _CHATTER.match(plain):
        return False
    return len(claim_words(plain)) >= SUPPORT_MIN_WORDS


def best_support(sentence: str, candidates: Sequence[Passage]) -> Optional[Passage]:
    """The passage that clearly supports ``sentence`` best, or None (ties: the earlier candidate)."""
    best, best_share = None, 0.0
    for passage in candidates:
        score = support_score(sentence, passage.text)
        if not score.numbers_found or score.share < REPAIR_MIN_SHARE or score.hits < REPAIR_MIN_HITS:
            continue
        if score.share > best_share:
            best, best_share = passage, score.share
    return best


def check_answer(text: str, citations: list[Passage], consulted: list[Passage], *, repair: bool = True,
                 question: str = "") -> Checked:
    """Flag, repair and quote: see the module docstring. ``repair=False`` (a "not found" reply) only flags and
    quotes. ``question``'s words don't count as support for a sentence (they are in every passage found)."""
    judged = judge(text, {c.n: c.text for c in citations}, question)
    checked = Checked(list(citations), list(consulted), judged.unsupported, judged.empty)
    if repair:
        for sentence in sentences(text, "answer"):
            _check_sentence(sentence, checked)
    checked.citations = [dataclasses.replace(c, quote=_quote(text, c, checked.matched)) for c in checked.citations]
    return checked


def _check_sentence(sentence: str, checked: Checked) -> None:
    given = cited_numbers(sentence)
    if given and sentence not in checked.unsupported:
        return
    if not is_claim(sentence):
        return
    best = best_support(sentence, checked.citations + checked.consulted)
    if best is None:
        if not given:
            checked.unsupported.append(sentence)
        return
    n = _cite(best, checked)
    if n not in given:
        checked.matched.append(MatchedSentence(sentence=sentence, n=n, model_cited=given))


def _cite(passage: Passage, checked: Checked) -> int:
    """``passage``'s citation number, moving it from the consulted list to the citations when needed."""
    if any(c is passage for c in checked.citations):
        return passage.n
    n = len(checked.citations) + 1
    checked.citations.append(dataclasses.replace(passage, n=n, matched_by_groundwork=True))
    rest = [p for p in checked.consulted if p is not passage]
    checked.consulted = [dataclasses.replace(p, n=n + i) for i, p in enumerate(rest, 1)]
    return n


def _quote(text: str, citation: Passage, matched: list[MatchedSentence]) -> str:
    return quote_for(claims_for(text, citation.n, matched), citation.text)
