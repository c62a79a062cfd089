"""How people type, made comparable: one stemmer and one normalisation for every place that compares words.

The keyword index (``core.library`` writes ``index_text`` into ``chunks_fts``; ``core.search.text.fts_query``
builds its MATCH from ``normalize``d words), the reranker's word features, the support check and the page
marks (``core.viewer.textmatch`` keys characters with ``fold_char``) all use what is here, so a number, an
accented word or a hyphenated word typed one way finds it written another way:

- numbers: grouping dropped and trailing decimal zeros trimmed: "18,600", "18 600" and "18600" are
  "18600"; "28.80", "£28.80" and "28.8" are "28.8" (the currency sign stays beside it, as a separate mark);
  "28.00" is "28". Known cost: a clause "3.10" reads as "3.1".
- accents and ligatures fold: "Crème brûlée" is "Creme brulee", "ﬁle" is "file" (case is kept: names are
  told apart by their capitals);
- hyphen and space variants: the index also holds each hyphenated word written solid ("e-mail" adds
  "email"), and a hyphenated question word is looked for solid, so "e-mail" and "email" find each other.

``stem`` is the Snowball English stemmer (``snowballstemmer``, pinned): "holds"/"hold", "ovens"/"oven".
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata

_DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")  # a run of digits and single separators: where numbers are
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:(?:,|[ \u00a0\u202f](?=\d{3}(?!\d)))\d{3})+(?![\d,]\d)")
_DECIMAL = re.compile(r"(?<![\d.])(\d+)\.(\d+)(?![\d.]*\d)")
_HYPHENATED = re.compile(r"\b[^\W_]+(?:-[^\W_]+)+\b")
NUMBER = re.compile(r"\d+(?:\.\d+)?")  # a number after ``normalize``


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character with its accents dropped and ligatures split ("é" -> "e", "ﬁ" -> "fi"); case kept."""
    if ch.isascii():
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` with accents dropped and ligatures split, case kept."""
    if (text or "").isascii():
        return text or ""
    return "".join(fold_char(c) for c in text)


def _decimal(m: re.Match) -> str:
    whole, part = m.group(1), m.group(2).rstrip("0")
    return f"{whole}.{part}" if part else whole


def _number(m: re.Match) -> str:
    run = m.group(0)
    if len(run) < 3 or run.isdigit():
        return run
    run = _GROUPED.sub(lambda g: re.sub(r"[, \u00a0\u202f]", "", g.group(0)), run)
    return _DECIMAL.sub(_decimal, run)


def numbers(text: str) -> str:
    """Numbers in one form: "18,600"/"18 600" -> "18600", "28.80" -> "28.8", "28.00" -> "28"."""
    return _DIGITS.sub(_number, text or "")


def normalize(text: str) -> str:
    """Accents folded and numbers in one form (see the module notes); words, case and punctuation kept."""
    return numbers(fold(text or ""))


def solid(word: str) -> str:
    """A hyphenated word written solid: "e-mail" -> "email"."""
    return word.replace("-", "")


def index_text(text: str) -> str:
    """What the keyword index holds for a passage: ``normalize``d, then each hyphenated word written solid
    and the pieces of each number grouped with spaces ("Table 1 200" keeps "1" and "200" findable too)."""
    folded = fold(text or "")
    extra = [m.group(0) for m in _GROUPED.finditer(folded) if "," not in m.group(0)]
    text = numbers(folded)
    extra += [solid(m.group(0)) for m in _HYPHENATED.finditer(text)]
    return f"{text}\n{' '.join(dict.fromkeys(extra))}" if extra else text


def fts_row(rowid: int, title: str, section, text: str) -> tuple:
    """A passage's row for the keyword index ``chunks_fts(rowid, title, section, text)``, each column
    written with ``index_text``."""
    return rowid, index_text(title), index_text(section or ""), index_text(text)


def title_of(name: str) -> str:
    """A document's title as people would say it: 'Price_List_2026.docx' -> 'Price List 2026'."""
    stem_ = (name or "").rsplit(".", 1)[0]
    return re.sub(r"[_\-]+", " ", stem_).strip() or (name or "")


_per_thread = threading.local()


def _stemmer():
    """This thread's own Snowball stemmer: one keeps its word in its own fields while it works, so two threads
    sharing one (two people searching at once: each browser session runs in a thread of its own) corrupt each
    other's word and it raises ``IndexError`` or returns a wrong stem (seen with ten sessions at once)."""
    stemmer = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem of ``word``, lower-cased."""
    return _stemmer().stemWord(word.lower())
