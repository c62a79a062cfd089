"""The typed result of an answer (``core.types.AnswerResult``), however it ended.

- ``finish``: the model wrote something (complete, stopped, or cut off by a failure);
- ``search_only``: no written answer is possible (Ollama down, model missing, nothing
  streamed before a failure): the passages that match best, with one calm sentence;
- ``nothing_relevant``: the question is clearly off topic (``core.search.gate.off_topic``), so the model
  was not asked.
"""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

from core.answer.citations import count_dropped, normalise_citations
from core.answer.echo import drop_instructions, drop_markup
from core.answer.notfound import is_not_found, normalise_general
from core.answer.repair import check_answer
from core.answer.wording import (
    ECHO_NOTICE, EMPTY_REPLY_NOTICE, LOOP_NOTICE, NOTHING_FOUND, SEARCH_ONLY, STOPPED_BEFORE_NOTICE, STOPPED_NOTICE,
    TRIMMED_NOTICE,
)
from core.errors import ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout, StreamBroken
from core.types import AnswerResult, Passage, SearchResult

CLOSEST_K = 3  # passages shown when nothing relevant was found


def error_kind(exc: BaseException) -> str:
    if isinstance(exc, OllamaNotRunning):
        return "not_running"
    if isinstance(exc, ModelMissing):
        return "model_missing"
    if isinstance(exc, OllamaTimeout):
        return "timeout"
    if isinstance(exc, StreamBroken):
        return "stream_broken"
    return "other"


def numbered(results: Sequence[SearchResult]) -> list[Passage]:
    return [r.passage(i) for i, r in enumerate(results, 1)]


def labelled(results: Sequence[SearchResult]) -> list[Passage]:
    """Numbered passages, each with its honest strength label (shown when no written answer is)."""
    from core.search import strength

    return [dataclasses.replace(r.passage(i), strength=strength(r) if r.relevance is not None else "")
            for i, r in enumerate(results, 1)]


def search_only(failure: OllamaError, gated: Sequence[SearchResult], closest: Sequence[SearchResult],
                query: str) -> tuple[str, AnswerResult]:
    """The passages themselves (no written answer possible), and the message that says why."""
    kind = error_kind(failure)
    passages = labelled(gated)
    nearest = passages or labelled(closest[:CLOSEST_K])
    message = SEARCH_ONLY[kind] if passages else NOTHING_FOUND
    result = AnswerResult(answer=message, found=bool(passages), mode="search_only", citations=passages,
                          closest=nearest, notice=failure.user_message, error_kind=kind, query=query)
    return message, result


def nothing_relevant(text: str, results: Sequence[SearchResult], query: str) -> AnswerResult:
    """The question is clearly off topic (or the library is empty): say so, and show the closest passages."""
    return AnswerResult(answer=text, found=False, mode="llm", closest=labelled(results[:CLOSEST_K]), query=query)


def _notice(text: str, failure: Optional[OllamaError], stopped: bool, trimmed: int,
            looped: bool = False, echoed: bool = False) -> tuple[Optional[str], Optional[str]]:
    if failure is not None:
        return failure.user_message, error_kind(failure)
    if echoed and not text:
        return ECHO_NOTICE, "other"
    if looped:
        return LOOP_NOTICE, None
    if stopped:
        return (STOPPED_NOTICE if text else STOPPED_BEFORE_NOTICE), None
    if not text:
        return EMPTY_REPLY_NOTICE, "other"
    if trimmed:
        return TRIMMED_NOTICE, None
    return None, None


def finish(raw: str, sources: Sequence[Passage], *, query: str, num_ctx: Optional[int], trimmed: int,
           failure: Optional[OllamaError] = None, stopped: bool = False, looped: bool = False) -> AnswerResult:
    """The model's reply as the owner sees it: citations renumbered and checked, sentences matched, quotes added."""
    raw, echoed = drop_instructions(drop_markup(raw))
    dropped = count_dropped(raw, len(sources))
    text, order = normalise_citations(raw, len(sources))
    text, general = normalise_general(text)
    text = text.strip()
    citations = [dataclasses.replace(sources[orig - 1], n=new) for new, orig in enumerate(order, 1)]
    uncited = [s for s in sources if s.n not in set(order)]
    consulted = [dataclasses.replace(s, n=len(order) + i) for i, s in enumerate(uncited, 1)]
    found = not is_not_found(text)
    checked = check_answer(text, citations, consulted, repair=found, question=query)
    notice, kind = _notice(text, failure, stopped, trimmed, looped, echoed)
    closest = []
    if not found and not checked.citations:
        closest = [dataclasses.replace(s, n=i) for i, s in enumerate(sources[:CLOSEST_K], 1)]
    return AnswerResult(
        answer=text, found=found, mode="llm", citations=checked.citations, consulted=checked.consulted,
        closest=closest, unsupported=checked.unsupported, says_nothing=checked.empty, no_citations=bool(text) and found and not checked.citations,
        notice=notice, error_kind=kind, general_knowledge=general, query=query, num_ctx=num_ctx,
        trimmed_sources=trimmed, matched=checked.matched, dropped_citations=dropped)
