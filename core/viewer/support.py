"""Passages cut into sentences for marking, and the claims an answer makes with a citation.

Which sentences back up a claim is decided by ``core.text.claims.supporting`` (the same choice as the
quote shown on hover and the quote in an export): the page marks every sentence of the passage that
backs up any of the claims citing it. Sentences come from ``core.text.sentences`` with their printed
line breaks kept, so a sentence can still be found line by line on the page.
"""
from __future__ import annotations

from core.text.claims import claims_for
from core.text.sentences import sentences, tidy


def passage_sentences(text: str) -> list[str]:
    """Sentences, headings, list items and table rows of a passage, in order (soft line breaks kept)."""
    return sentences(text, line_breaks=True)


def claims_citing(answer: str, n: int) -> str:
    """The sentences of an answer that cite ``[n]``, without their citation numbers ("" when none)."""
    return " ".join(claims_for(answer, n))


__all__ = ["claims_citing", "passage_sentences", "tidy"]
