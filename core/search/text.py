"""Words of a question and pieces of a passage, as the search steps compare them.

Words, stems and sentences come from ``core.text`` (one normalisation of how people type: numbers,
accents, hyphens; one stemmer; one sentence splitter), re-exported here for the search steps.

- ``terms``: the content words of a question (no stopwords), in order; ``stem`` reduces a word to
  its Snowball stem so "holds"/"hold" and "ovens"/"oven" match.
- ``fts_query``: the keyword index's MATCH for a question, written the way ``core.text.normalize.index_text``
  wrote the passages.
- ``specifics``: what must match exactly when an owner types it: numbers and codes ("52", "TR-500X",
  "401(k)"), names written with capitals ("Dana Kowalski", "Riverton") and "quoted phrases".
- ``units``: a passage cut into sentences and table rows (PDF line wraps joined back), the pieces the
  reranker compares with the question one by one.
"""
from __future__ import annotations

import functools
import math
import re

from core.text.normalize import normalize, solid, stem, title_of
from core.text.sentences import sentences
from core.text.words import STOPWORDS, WORD, stem_sequence, stems_of, terms, words

__all__ = ["STOPWORDS", "fts_query", "importance", "phrases", "specifics", "stem", "stem_sequence", "stems_of",
           "terms", "title_of", "units"]

_TOKEN = re.compile(r"[\w$£€][\w\-./:()$£€,]*", re.UNICODE)  # numbers and codes: 52.00, TR-500X, 401(k), 23:30
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,80})[\"“”]")  # double quotes only: an apostrophe is not a quote


def phrases(query: str) -> list[tuple[str, ...]]:
    """Pairs of content words next to each other in the question ("weekend call-out" -> (weekend, call), (call, out))."""
    seq = [w for w in stem_sequence(query)]
    content = {stem(p) for t in terms(query) for p in t.split("-") if p}
    pairs: list[tuple[str, ...]] = []
    for a, b in zip(seq, seq[1:]):
        if a in content and b in content and a != b and (a, b) not in pairs:
            pairs.append((a, b))
    return pairs


def specifics(query: str) -> list[str]:
    """Numbers, codes, capitalised names and quoted phrases in a question, lower-cased: they must match exactly."""
    query = normalize(query or "")
    found: list[str] = [m.group(1).strip().lower() for m in _QUOTED.finditer(query)]
    for token in _TOKEN.findall(query):
        if any(c.isdigit() for c in token):
            token = token.rstrip(".,:;?!")
            if token.count("(") < token.count(")"):
                token = token.rstrip(")")
            found.append(token.lower().lstrip("$£€"))
    raw = WORD.findall(query)
    for i, word in enumerate(raw):
        w = word.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 2 or w.lower() in STOPWORDS or any(c.isdigit() for c in w):
            continue
        acronym = w.isupper() and len(w) >= 2
        capital = w[0].isupper() and i > 0 and not raw[i - 1].endswith((".", "?", "!"))
        if acronym or capital:
            found.append(w.lower())
    return list(dict.fromkeys(f for f in found if f))


def units(text: str) -> list[str]:
    """A passage as sentences and table rows (``core.text.sentences``: PDF line wraps joined back)."""
    return sentences(text)


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: any content word (OR), each quoted so punctuation is safe.

    Written like the index (``index_text``): numbers in one form ("28.80" -> "28.8", a phrase of its
    parts), a hyphenated word solid ("e-mail" -> "email"), and two words typed apart also solid
    ("e mail" -> "email")."""
    seq = words(query)
    wanted = [solid(w) if "-" in w else w for w in terms(query)]
    wanted += [a + b for a, b in zip(seq, seq[1:]) if a.isalpha() and b.isalpha() and b not in STOPWORDS
               and a not in STOPWORDS]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(w.replace('"', "") for w in wanted) if w)


@functools.lru_cache(maxsize=1)
def _vocab_ranks() -> dict[str, int]:
    from core.embeddings import MODEL_DATA

    with open(MODEL_DATA / "vocab.txt", encoding="utf-8") as fh:
        return {line.rstrip("\n"): i for i, line in enumerate(fh)}


COMMON_RANK = 1000  # the search model's vocabulary is ordered roughly by how common a word is
RARE_RANK = 30000  # words not in it at all are rare (or made up: names, codes)


@functools.lru_cache(maxsize=65536)
def importance(word: str) -> float:
    """How much a question word says about what is asked, 0.1..1: rare words matter, common ones little.

    Read from the position of the word in the search model's vocabulary (committed with the model,
    built from Wikipedia and books in rough order of frequency): "the" and "often" sit near the top,
    "salary" and "tandem" far down, "skateboards" and "Riverton" not at all.
    """
    ranks = _vocab_ranks()
    w = word.lower()
    forms = {w, w.rstrip("s"), w[:-2] if w.endswith("es") else w, w.replace("-", "")}
    found = [ranks[f] for f in forms if f in ranks]
    rank = max(min(found) if found else RARE_RANK, COMMON_RANK)
    return max(0.1, min(1.0, math.log(rank / COMMON_RANK) / math.log(RARE_RANK / COMMON_RANK)))
