"""Does a passage back up a sentence? The sentence's own content, found in the passage; no model.

A cited sentence is judged on what it adds, not on what it repeats: the question's words, function
words and the words that only frame a claim ("according to the documents, this is covered") don't
count. What is left is its *checkable* content:

- numbers (after ``core.text.normalize``: "£28.80" is 28.8) and names (capitalised words inside the
  sentence, months and weekdays): every one must be in the cited passage;
- the other content words: at least ``SUPPORT_SHARE`` of them must be in it (same stem, or a stem of
  five letters or more inside a word of the passage).

``judge`` leaves out asides (a question back, "the documents don't say") and returns the cited sentences that fail (``unsupported``) and those with nothing checkable in
them at all (``empty``: "According to the documents, this is covered [1]." says nothing the page could
confirm, whatever the page says). ``support_score`` matches an uncited sentence to the passage that backs
it up best (``repair.py``), on all its content words. Sentences and quotes come from ``core.text``.
"""
from __future__ import annotations

import re
from typing import Mapping, NamedTuple

from core.answer.notfound import says_not_found
from core.text.claims import GENERAL, MARKER, claim_words, hits
from core.text.normalize import NUMBER, normalize, stem
from core.text.sentences import sentences
from core.text.words import STOPWORDS, stems_of, terms

SUPPORT_SHARE = 0.5  # of a cited sentence's checkable words found in the passage(s) it cites
SUPPORT_MIN_WORDS = 3  # an uncited sentence with fewer content words is not a claim (repair.py)

# Words that frame a claim without stating one: a sentence made only of these says nothing checkable.
FRAME = frozenset(stem(w) for w in """according accordance document documents source sources passage passages
    text texts file files page pages section sections excerpt context provided provide provides cover covered
    covers covering mention mentions mentioned state states stated say says said information info detail details
    include includes included specify specifies specified note notes noted based answer question yes correct
    true indeed regard regarding relevant apply applies applied available describe described describes explain
    explains explained outline outlined refer refers referred address addresses addressed discuss discussed
    indicate indicates indicated show shows shown case matter thing things something anything everything
    certain certainly clearly generally typically usually one way also well policy policies handbook manual guide
    guidance agreement terms rules procedure procedures topic topics subject area aspect aspects specific
    specifically clear fully detailed further""".split())
_NAMES_ALWAYS = frozenset("""january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split())
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'\-]*")


class Checkable(NamedTuple):
    words: list[str]  # content words beyond the question's and the frame's
    numbers: set[str]
    names: list[str]

    @property
    def empty(self) -> bool:
        return not (self.words or self.numbers or self.names)


def checkable(sentence: str, question: str = "") -> Checkable:
    """What in ``sentence`` a passage could confirm (see the module notes)."""
    plain = normalize(MARKER.sub(" ", GENERAL.sub(" ", sentence or ""))).strip()
    asked = {stem(w) for w in terms(question)}
    numbers = set(NUMBER.findall(plain))
    names = [w.lower() for w in _CAPITAL.findall(plain) if w.lower() not in STOPWORDS]
    names += [w for w in terms(plain) if w in _NAMES_ALWAYS]
    names = [n for n in dict.fromkeys(names) if stem(n) not in asked and stem(n) not in FRAME]
    words = [w for w in claim_words(plain) if not NUMBER.fullmatch(w) and stem(w) not in asked
             and stem(w) not in FRAME and w not in names]
    return Checkable(words, numbers, names)


def backed(content: Checkable, passage: str) -> bool:
    """Does ``passage`` hold the checkable content: every number and name, and enough of the words?"""
    text = normalize(passage or "")
    pool = stems_of(text)
    if not content.numbers <= set(NUMBER.findall(text)):
        return False
    if hits(content.names, text, pool) < len(content.names):
        return False
    return not content.words or hits(content.words, text, pool) / len(content.words) >= SUPPORT_SHARE


class Judged(NamedTuple):
    unsupported: list[str]  # cited sentences their passages don't back up
    empty: list[str]  # cited sentences with nothing in them a passage could confirm


def judge(answer_text: str, cited_texts: Mapping[int, str], question: str = "") -> Judged:
    """Every cited sentence of ``answer_text`` (final ``[n]`` numbers; ``cited_texts`` maps them to the
    passage text) judged against the passages it cites."""
    out = Judged([], [])
    for sentence in sentences(answer_text, "answer"):
        cited = [int(n) for n in MARKER.findall(sentence) if int(n) in cited_texts]
        if not cited or _aside(sentence):
            continue
        content = checkable(sentence, question)
        if content.empty:
            out.empty.append(sentence)
        elif not backed(content, "\n".join(cited_texts[n] or "" for n in cited)):
            out.unsupported.append(sentence)
    return out


def _aside(sentence: str) -> bool:
    """A question back or "the documents don't say": not a claim."""
    plain = MARKER.sub("", sentence).strip()
    return plain.rstrip(". ").endswith("?") or says_not_found(plain)  # "According to [1], What can I do…?."


def support_check(answer_text: str, cited_texts: Mapping[int, str], question: str = "") -> list[str]:
    """The cited sentences their passages don't back up (``judge(...).unsupported``)."""
    return judge(answer_text, cited_texts, question).unsupported


class Support(NamedTuple):
    share: float  # of the sentence's content words found in the passage
    hits: int
    numbers_found: bool  # every number the sentence states is in the passage


def support_score(sentence: str, passage_text: str) -> Support:
    """How well ``passage_text`` backs up ``sentence`` (markers and labels ignored)."""
    words = claim_words(sentence)
    if not words:
        return Support(0.0, 0, True)
    found = hits(words, passage_text)
    numbers = set(NUMBER.findall(normalize(MARKER.sub(" ", sentence))))
    return Support(found / len(words), found, numbers <= set(NUMBER.findall(normalize(passage_text or ""))))
