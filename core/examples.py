"""An example question for the owner's own library (the chat's hint, Answer style's test question).

Taken from the owner's documents: a table row ("How much is the sourdough loaf?") or a heading
("What do the documents say about delivery days?"), the way "Check my library" writes its
questions. The bike shop's question only while the sample documents are what the library holds.
"""
from __future__ import annotations

from typing import Optional

from core.samples import sample_documents_in
from core.search.text import title_of
from core.selftest.questions import candidates_for_place

SAMPLE_QUESTION = "How long do customers have to return an item?"
NO_DOCUMENTS = "What do my documents say about opening hours?"
MAX_DOCUMENTS = 12  # documents looked at, oldest first: enough to find one heading or row


def _places(library, name: str):
    merged: dict[tuple, list[str]] = {}
    for seg in library.segments(name):
        key = (seg["page"], seg["section"] if seg["page"] is None else None)
        merged.setdefault(key, []).append(seg["text"] or "")
    return ["\n".join(texts) for texts in merged.values()]


def _from(library, name: str) -> Optional[str]:
    best = {}
    for text in _places(library, name):
        for kind, question in candidates_for_place(text):
            if kind in ("row", "heading") and kind not in best and len(question) <= 90:
                best[kind] = question
        if "row" in best:
            break
    return best.get("row") or best.get("heading")


def example_question(library) -> str:
    """A question the owner's own documents can answer, written from one of them."""
    docs = library.documents()
    if not docs:
        return NO_DOCUMENTS
    samples = set(sample_documents_in(docs))
    own = [d for d in docs if d.file not in samples]
    if not own:
        return SAMPLE_QUESTION
    for doc in sorted(own, key=lambda d: d.added_at)[:MAX_DOCUMENTS]:
        question = _from(library, doc.file)
        if question:
            return question
    return f"What are the main points of {title_of(own[0].file)}?"
