"""Citation grammar: what counts as "source 2" in a model's reply, and the reply rewritten with clean ``[n]``s.

Small local models cite in many ways ([2], [1, 3], [1-3], 【2†source】, (Source 2),
"According to Source 2", [^2], [2, page 5]). All become ``[n]`` with n renumbered by
first use; a number that was not given is dropped, and so is the pointer it leaves
behind ("Also see [99]." goes entirely; "…, as stated in [99]." keeps the claim).
"""
from __future__ import annotations

import re

_NUM = r"\d{1,3}"
_ITEM = rf"(?:(?:sources?|src|refs?)\s*[#:]?\s*)?{_NUM}"
_SEP = r"\s*(?:,|;|&|\band\b|\bto\b|[-–—])\s*"
_LIST = rf"{_ITEM}(?:{_SEP}{_ITEM})*"
_TAIL = r"(?:\s*(?:[,;:|†]\s*)?(?:p\.|pp\.|pages?\b|section\b|†)[^\[\]【】\n]{0,60})?"
CITE = re.compile(
    r"(?P<lead>[ \t]*)(?:"
    rf"[\[［]\s*\^?\s*(?P<b>{_LIST}){_TAIL}\s*[\]］]"  # [1] [1, 3] [1-2] [Source 1] [^1] [1, page 5]
    rf"|【\s*(?P<c>{_LIST})\s*(?:†[^】\n]{{0,40}})?】"  # 【1】 【1†source】
    rf"|\(\s*(?P<p>(?:sources?|src|refs?)\s*[#:]?\s*{_NUM}(?:{_SEP}{_ITEM})*){_TAIL}\s*\)"  # (Source 2)
    rf"|\b(?P<s>sources?\s*[#:]?\s*{_NUM}(?:{_SEP}{_ITEM})*)\b"  # Source 2, sources 1 and 3
    r")",
    re.IGNORECASE,
)
MARKER = re.compile(r"\[(\d+)\]")
_RANGE = re.compile(r"[-–—]|\bto\b", re.IGNORECASE)
MAX_RANGE = 20

# --------------------------------------------------------------------------- numbers


def _numbers(group: str) -> list[int]:
    """1, 3 -> [1, 3]; 1-3 -> [1, 2, 3]; 'Source 1 and Source 2' -> [1, 2]."""
    out: list[int] = []
    tokens = re.findall(r"\d+|[-–—]|\bto\b", group, re.IGNORECASE)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.isdigit():
            n = int(tok)
            if i + 2 < len(tokens) and _RANGE.fullmatch(tokens[i + 1]) and tokens[i + 2].isdigit():
                hi = int(tokens[i + 2])
                if n <= hi and hi - n <= MAX_RANGE:
                    out.extend(range(n, hi + 1))
                else:
                    out.extend((n, hi))
                i += 3
                continue
            out.append(n)
        i += 1
    return out


def _match_numbers(m: re.Match) -> list[int]:
    return _numbers(m.group("b") or m.group("c") or m.group("p") or m.group("s") or "")


def find_citations(text: str, given: int) -> list[int]:
    """Source numbers (as given to the model) cited in ``text``, in order of first use; others dropped."""
    order: list[int] = []
    for m in CITE.finditer(text or ""):
        for n in _match_numbers(m):
            if 1 <= n <= given and n not in order:
                order.append(n)
    return order


def count_dropped(text: str, given: int) -> int:
    """How many citations in ``text`` point at no source that was given ("Also see [99].")."""
    return sum(1 for m in CITE.finditer(text or "") if not any(1 <= n <= given for n in _match_numbers(m)))


def dropped_sentence(count: int) -> str:
    """The one note an answer gets when citations pointing at nothing were removed from it."""
    if count == 1:
        return "One citation pointed at a source that doesn't exist and was removed."
    return f"{count} citations pointed at sources that don't exist and were removed."


# --------------------------------------------------------------------------- rewriting

_GONE = "\x00"  # where a citation to a number that was not given stood, until the text is tidied


def normalise_citations(text: str, given: int, *, tidy: bool = True) -> tuple[str, list[int]]:
    """Rewrite every citation as ``[n]`` with n renumbered by first use; drop numbers not given.

    Returns the new text and the original source numbers in order of first use
    (new number k is ``order[k - 1]``). With ``tidy`` (the finished answer), a pointer
    left empty by a dropped number goes too ("Also see [99]." -> "").
    """
    order: list[int] = []
    new_of: dict[int, int] = {}

    def repl(m: re.Match) -> str:
        nums = [n for n in dict.fromkeys(_match_numbers(m)) if 1 <= n <= given]
        if not nums:
            return _GONE  # a citation to nothing we gave: gone, with the space before it
        for n in nums:
            if n not in new_of:
                order.append(n)
                new_of[n] = len(order)
        return m.group("lead") + "".join(f"[{new_of[n]}]" for n in nums)

    out = CITE.sub(repl, (text or "").replace(_GONE, ""))
    out = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", out)  # [1][1] -> [1]
    out = drop_dangling(out) if tidy else out.replace(_GONE, "")
    return out, order


# A sentence (or list item) holding a dropped citation: its leading spaces kept apart, its trailing ones left alone.
_WITH_GONE = re.compile(rf"(?:^|(?<=[.!?\n]))([ \t]*)([^.!?\n]*{_GONE}[^.!?\n]*[.!?]*)")
# Words that only point somewhere ("Also see", "For more details, refer to"): nothing left to say without the number.
_POINTER_WORDS = frozenset(
    "see also refer check cf for more further details detail information info please the this that source sources "
    "document documents page pages section to in at as and or stated mentioned described noted explained listed "
    "shown given set out per from according".split())
_POINTER_BEFORE = re.compile(
    r"(?:[ \t]*[,;]?[ \t]*\([ \t]*(?:see\b[ \t]*(?:also\b[ \t]*)?)?"
    r"|[ \t]*[,;]?[ \t]*(?:(?:as[ \t]+)?(?:stated|mentioned|described|noted|explained|listed|shown|set[ \t]+out)"
    r"[ \t]+)?\b(?:in|see|per|from|at|cf\.?)\b[ \t]*(?:also\b[ \t]*)?)"
    + _GONE + r"(?:[ \t]*\))?",
    re.IGNORECASE)
_POINTER_LEADING = re.compile(
    r"^((?:[-*•][ \t]+)?)(?:according[ \t]+to|as[ \t]+(?:stated|mentioned|described|shown|noted)[ \t]+in|per|from|in)"
    r"[ \t]*" + _GONE + r"[ \t]*,?[ \t]*", re.IGNORECASE)


def _tidy_sentence(m: re.Match) -> str:
    lead, sentence = m.group(1), m.group(2)
    words = re.findall(r"[\w']+", sentence.replace(_GONE, " ").lower())
    if all(w in _POINTER_WORDS for w in words):
        return lead  # "Also see [99]." said nothing but where to look
    tidied = _POINTER_LEADING.sub(lambda x: x.group(1), sentence)
    if tidied != sentence:  # "According to [99], staff get…" -> "Staff get…"
        at = len(tidied) - len(tidied.lstrip("-*• \t"))
        tidied = tidied[:at] + tidied[at:at + 1].upper() + tidied[at + 1:]
    tidied = _POINTER_BEFORE.sub("", tidied)
    return lead + tidied.replace(_GONE, "")


def drop_dangling(text: str) -> str:
    """Remove dropped-citation marks and the pointer words they leave behind."""
    if _GONE not in text:
        return text
    out = _WITH_GONE.sub(_tidy_sentence, text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)
    out = re.sub(r"[ \t]{2,}", " ", out)
    return "\n".join(line.rstrip() for line in out.split("\n")).strip()


def strip_markers(sentence: str) -> str:
    """A sentence without its ``[n]`` markers, for quoting it in a warning."""
    out = MARKER.sub("", sentence or "")
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)
    return re.sub(r"\s{2,}", " ", out).strip()


def cited_numbers(sentence: str) -> list[int]:
    """The ``[n]`` numbers in a (normalised) sentence, in order, without repeats."""
    return list(dict.fromkeys(int(n) for n in MARKER.findall(sentence or "")))


def remove_citations(text: str) -> str:
    """Text with every citation removed (an earlier answer's numbers meant other sources)."""
    return CITE.sub("", text or "")


# --------------------------------------------------------------------------- while streaming

# An unfinished marker at the end of streamed text ("... $400 [1, ") is held back until it closes.
_OPEN_TAIL = re.compile(r"(?:[\[［【(][^\]］】)\n]{0,40}|\bsources?\s*[#:]?[\d\s,;&\-–—]*(?:and|to)?\s*)$",
                        re.IGNORECASE)


_LAST_SENTENCE = re.compile(r"(?:^|(?<=[.!?\n]))[^.!?\n]*$")


def live_text(raw: str, given: int) -> str:
    """The answer so far with citations normalised, for showing while it streams.

    Numbering by first use never changes as text is added, so the numbers shown
    while streaming are the final ones. An unfinished sentence that so far only
    points somewhere ("Also see") is held back: a made-up number may follow, and
    then the finished answer drops the whole pointer.
    """
    cut = _OPEN_TAIL.search(raw)
    stable = raw[: cut.start()] if cut else raw
    text = normalise_citations(stable, given)[0]
    tail = _LAST_SENTENCE.search(text)
    if tail and _only_pointing(tail.group(0), unfinished=not stable[-1:].isspace()):
        text = text[: tail.start()]
    return text


def _only_pointing(fragment: str, unfinished: bool) -> bool:
    """Is this start of a sentence only pointer words so far (the last one perhaps half-written)?"""
    words = re.findall(r"[\w']+", fragment.lower())
    if not words:
        return False
    *done, last = words
    last_ok = last in _POINTER_WORDS or (unfinished and any(w.startswith(last) for w in _POINTER_WORDS))
    return last_ok and all(w in _POINTER_WORDS for w in done)
