"""What a reply says about its own grounding: "the documents don't say", and general-knowledge labels.

The system prompt gives the model an exact sentence for "not there" (``NOT_FOUND_PHRASE``);
small models paraphrase it, so close variants count too, but only in the first sentence
and only when that sentence cites nothing ("The documents don't say X, but [1] gives Y"
still answers from a source).
"""
from __future__ import annotations

import re

from core.answer.citations import MARKER
from core.answer.prompt import GENERAL_MARK
from core.text.claims import GENERAL
from core.text.sentences import sentences

_NOT_FOUND = re.compile(
    r"\b(?:the\s+|these\s+|your\s+)?(?:provided\s+|given\s+|available\s+)?"
    r"(?:documents?|sources?|passages?|texts?|context|files?|excerpts?)\s+"
    r"(?:do|does|did)\s*(?:n't|not)\s+"
    r"(?:say|mention|contain|include|specify|state|cover|provide|address|have|tell|give|discuss|answer|list|show)"
    r"|\bI\s+(?:could\s*n't|could\s+not|cannot|can\s*not|can't|was\s+unable\s+to|am\s+unable\s+to)\s+"
    r"(?:find|see|locate)\b"
    r"|\bnot\s+(?:mentioned|stated|specified|covered|included|found|addressed|provided)\s+in\s+"
    r"(?:the|your|any|these)\s+(?:provided\s+)?(?:documents?|sources?|passages?|files?)"
    r"|\b(?:there\s+is\s+)?no\s+(?:information|mention|details?)\s+(?:about|on|of|regarding)\b[^.]{0,80}\b"
    r"(?:in|from)\s+the\s+(?:provided\s+)?(?:documents?|sources?|passages?)",
    re.IGNORECASE,
)


def _plain(text: str) -> str:
    return (text or "").replace("’", "'").replace("‘", "'").replace("`", "'")


def says_not_found(sentence: str) -> bool:
    """Does this one sentence say the documents don't hold the answer (and cite nothing)?"""
    text = _plain(sentence)
    return bool(_NOT_FOUND.search(text)) and not MARKER.search(text)


def is_not_found(answer_text: str) -> bool:
    """True when the reply says the documents don't hold the answer (the exact phrase or a close variant).

    Only the first sentence counts, and only when it cites nothing.
    """
    text = _plain(answer_text).strip()
    if not text:
        return True
    parts = sentences(text, "answer")
    return says_not_found(parts[0] if parts else text)


def normalise_general(text: str) -> tuple[str, bool]:
    """"General knowledge:" labels written as ``GENERAL_MARK``; and whether there were any."""
    found = bool(GENERAL.search(text))
    if found:
        text = re.sub(r"(?m)^(\s*(?:[-*•]\s+)?)\**general\s+knowledge\**\s*:", r"\1" + GENERAL_MARK, text,
                      flags=re.IGNORECASE)
        text = re.sub(r"[(\[]\s*general\s+knowledge\s*[)\]]\s*:?", GENERAL_MARK, text, flags=re.IGNORECASE)
    return text, found
