"""Words of a question and pieces of a passage, as the search steps compare them.

- ``terms``: the content words of a question (no stopwords), in order; ``stem`` reduces a word to
  its Snowball stem so "holds"/"hold" and "ovens"/"oven" match (``snowballstemmer``, pinned).
- ``specifics``: what must match exactly when an owner types it: numbers and codes ("52", "TR-500X",
  "401(k)"), names written with capitals ("Dana Kowalski", "Riverton") and "quoted phrases".
- ``units``: a passage cut into sentences and table rows (PDF line wraps joined back), the pieces the
  reranker compares with the question one by one.
"""
from __future__ import annotations

import functools
import math
import re

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

_WORD = re.compile(r"[\w][\w'\-]*", re.UNICODE)
_TOKEN = re.compile(r"[\w$£€][\w\-./:()$£€,]*", re.UNICODE)  # numbers and codes: 52.00, TR-500X, 401(k), 23:30
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,80})[\"“”]")  # double quotes only: an apostrophe is not a quote
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z])")


def terms(query: str) -> list[str]:
    """Content words of a question, lower-cased, in order, without repeats."""
    out: list[str] = []
    for raw in _WORD.findall((query or "").lower()):
        word = raw.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 2 and not word.isdigit():
            continue
        if word in STOPWORDS or word in out:
            continue
        out.append(word)
    return out


@functools.lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def stems_of(text: str) -> set[str]:
    """Every word of ``text`` as a stem, plus the parts of hyphenated words ("call-out" -> call-out, call, out)."""
    out: set[str] = set()
    for raw in _WORD.findall(text.lower()):
        word = raw.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        if not word:
            continue
        out.add(stem(word))
        if "-" in word:
            out.update(stem(part) for part in word.split("-") if part)
    return out


def stem_sequence(text: str) -> list[str]:
    """The words of ``text`` as stems, in order (hyphenated words split), for phrase matching."""
    seq: list[str] = []
    for raw in _WORD.findall(text.lower()):
        word = raw.strip("'-")
        if word.endswith("'s"):
            word = word[:-2]
        seq.extend(stem(part) for part in word.split("-") if part)
    return seq


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
    query = query or ""
    found: list[str] = [m.group(1).strip().lower() for m in _QUOTED.finditer(query)]
    for token in _TOKEN.findall(query):
        if any(c.isdigit() for c in token):
            token = token.rstrip(".,:;?!")
            if token.count("(") < token.count(")"):
                token = token.rstrip(")")
            found.append(token.lower().lstrip("$£€"))
    words = _WORD.findall(query)
    for i, word in enumerate(words):
        w = word.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) < 2 or w.lower() in STOPWORDS or any(c.isdigit() for c in w):
            continue
        acronym = w.isupper() and len(w) >= 2
        capital = w[0].isupper() and i > 0 and not words[i - 1].endswith((".", "?", "!"))
        if acronym or capital:
            found.append(w.lower())
    return list(dict.fromkeys(f for f in found if f))


def units(text: str) -> list[str]:
    """A passage as sentences and table rows.

    PDF text arrives with its printed line breaks: a line that does not end a sentence and is followed by
    a line starting in lower case is a wrapped line and is joined back. Other lines (headings, table
    rows, list items) stay on their own; long lines are split at sentence ends.
    """
    lines = [ln.strip() for ln in (text or "").splitlines()]
    joined: list[str] = []
    for ln in lines:
        if not ln:
            continue
        if joined and not joined[-1].endswith((".", "!", "?", ":")) and (ln[0].islower() or ln[0] in ",;)"):
            joined[-1] = f"{joined[-1]} {ln}"
        else:
            joined.append(ln)
    out: list[str] = []
    for ln in joined:
        for part in _SENTENCE_END.split(ln):
            part = part.strip()
            if out and len(out[-1]) <= 4:  # a clause number such as "4." belongs to what follows
                out[-1] = f"{out[-1]} {part}"
            elif part:
                out.append(part)
    return out


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: any content word (OR), each quoted so punctuation is safe."""
    words = [w.replace('"', "") for w in terms(query)]
    return " OR ".join(f'"{w}"' for w in words if w)


def title_of(name: str) -> str:
    """A document's title as people would say it: 'Price_List_2026.docx' -> 'Price List 2026'."""
    stem_ = (name or "").rsplit(".", 1)[0]
    return re.sub(r"[_\-]+", " ", stem_).strip() or (name or "")


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
