"""The document behind a passage: is it still in the library, what kind is it, where is its original,
and which lines of it to mark.

An old answer can cite a document removed since; then ``open_source`` raises ``DocumentRemoved``, whose
sentence says when ("This document was removed from your library on 3 March; ..."), instead of the
library's "There is no document called ...". Reads only public ``Library`` methods.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from core.errors import NotFoundError
from core.library.forget import removed_date
from core.text.claims import claims_for, supporting
from core.text.sentences import sentences
from core.viewer.support import passage_sentences

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class DocumentRemoved(NotFoundError):
    """A passage's document was removed from the library after the answer was written."""

    def __init__(self, name: str, removed_at: str, today: Optional[date] = None):
        super().__init__(removed_sentence(removed_at, today))
        self.name = name
        self.removed_at = removed_at


def day_label(iso: str, today: Optional[date] = None) -> str:
    """'3 March' (this year) or '3 March 2025', in this computer's time zone."""
    moment = datetime.fromisoformat(iso)
    local = moment.astimezone() if moment.tzinfo else moment
    today = today or date.today()
    label = f"{local.day} {MONTHS[local.month - 1]}"
    return label if local.year == today.year else f"{label} {local.year}"


def removed_sentence(iso: str, today: Optional[date] = None) -> str:
    try:
        when = f" on {day_label(iso, today)}"
    except (TypeError, ValueError):
        when = ""
    return (f"This document was removed from your library{when}; add it again on the Documents page "
            "to see its pages.")


@dataclass
class Source:
    """A document that is in the library now."""

    file: str
    kind: str  # "pdf" | "docx" | another kind the library holds
    path: Path  # the stored original
    pages: int
    current: bool  # the cited passage is still in it word for word (False: the file was replaced since)


def open_source(lib, name: str, chunk_id: str = "") -> Source:
    """The library's document called ``name``; ``DocumentRemoved`` when it was removed since.

    A document renamed or moved since (a kept folder's file) is found by the cited passage, whose id
    doesn't depend on the name, or else by the change log's record of the rename.
    """
    name = current_name(lib, name, chunk_id)
    try:
        info = lib.document(name)
        path = lib.original_path(name)
    except NotFoundError:
        # a removed document's name was wiped from stored answers: its placeholder says when
        removed_at = lib.removed_on(name) or removed_date(name)
        if removed_at:
            raise DocumentRemoved(name, removed_at) from None
        raise
    current = True
    if chunk_id:
        current = bool(lib.chunks_by_id([chunk_id]))
    return Source(name, str(info.type or Path(name).suffix.lstrip(".")).lower(), path, int(info.pages or 0), current)


def current_name(lib, name: str, chunk_id: str = "") -> str:
    """The name a cited document has now: the same, or the one it was renamed to."""
    if chunk_id:
        found = lib.chunks_by_id([chunk_id])
        if chunk_id in found:
            return found[chunk_id][1]
    try:
        lib.document(name)
        return name
    except NotFoundError:
        pass
    from core.sync.changelog import renamed_to

    newer = renamed_to(lib.db.conn(), name)
    if newer:
        try:
            lib.document(newer)
            return newer
        except NotFoundError:
            pass
    return name


def claim_for(result, n: int) -> str:
    """What an answer (``core.types.AnswerResult``) says on the authority of its citation ``n``: the
    sentences citing [n], and those Groundwork matched to it after the model left them uncited."""
    answer = (result.answer or "") if result.mode != "search_only" else ""
    return " ".join(claims_for(answer, n, getattr(result, "matched", None) or []))


def marks_for(claim: str, passage_text: str) -> list[str]:
    """The lines of a passage to mark: those that back up any sentence of ``claim`` (``core.text.claims``,
    the same choice as the quote shown on hover); every sentence when there is no claim (a passage opened
    from Find, or shown without a written answer)."""
    claims = sentences(claim or "", "answer")
    return supporting(claims, passage_text, line_breaks=True) if claims else passage_sentences(passage_text)
