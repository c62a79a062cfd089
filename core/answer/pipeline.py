"""``answer()``: search, gate and prepare the prompt now; the model is asked when the stream is iterated.

Only a clearly off-topic question (``core.search.gate.off_topic``: its meaning is far closer to
general-knowledge questions than to anything in the library) is answered without the model. Every
other question reaches the model with the passages found by meaning, even when it shares no word
with them; when they don't hold the answer the model says so and ``notfound.is_not_found`` turns
that reply into "not in your documents" with the closest passages (``results.finish``).
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Mapping, Optional, Sequence

from core.answer.fit import fit
from core.answer.followup import clean_history, prior_turns, standalone_query
from core.answer.prompt import MIN_CTX
from core.answer.results import nothing_relevant, numbered, search_only
from core.answer.stream import AnswerStream, ModelCall
from core.answer.wording import EMPTY_LIBRARY, NOTHING_FOUND
from core.errors import ModelMissing, OllamaError, OllamaNotRunning, UsageError
from core.model_queue import ModelQueue
from core.search import gate, search
from core.types import SearchResult


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def answer(question: str, *, library, llm, settings, history_messages: Sequence[Mapping[str, Any]] = (),
           files: Optional[list[str]] = None, strict: Optional[bool] = None,
           style: Optional[str] = None, queue: Optional[ModelQueue] = None, person: str = "") -> AnswerStream:
    """Search, gate and prepare the prompt now; the model is asked when the returned stream is iterated.

    ``history_messages``: earlier turns ``[{"role", "content"}, ...]`` (oldest first).
    ``strict`` (default ``settings.strict``): answer only from the documents.
    ``style`` (default ``settings.answer_style``): how answers should sound and look; it
    never changes the rules about sources (see ``prompt.py``).
    ``queue``: the model's queue (``core.model_queue``); when given, a question that needs the model
    takes its place in it now, as ``person`` (``Access.name``), and the returned stream's ``ticket``
    tells its place; iterating waits for the turn. Questions answered without the model never queue.
    Raises ``UsageError`` for an empty question; Ollama problems never raise, they
    become a search-only answer or a notice in ``result``.
    """
    question = (question or "").strip()
    if not question:
        raise UsageError("Type a question first.")
    strict = settings.strict if strict is None else bool(strict)
    style = settings.answer_style if style is None else style
    started = time.perf_counter()

    prior = prior_turns(history_messages or (), question)
    query = standalone_query(question, prior)
    results = search(library, query, k=settings.top_k, files=files)
    gated = gate(results)
    timings = {"search_ms": _ms(started)}
    if not gated:
        return _nothing_relevant(question, query, results, library, llm, settings.model, timings)

    sources = numbered(gated)
    try:
        model_context = llm.context_length(settings.model)
    except (OllamaNotRunning, ModelMissing) as exc:
        text, result = search_only(exc, gated, results, query)
        return AnswerStream.fixed(question, query, text, result, sources=sources, timings=timings)
    except OllamaError:
        model_context = MIN_CTX  # Ollama answered oddly or slowly: assume its usual default window and try

    built = time.perf_counter()
    fitted = fit(question, sources, clean_history(prior), strict=strict, style=style, model_context=model_context)
    timings["prompt_ms"] = _ms(built)
    timings["prompt_tokens_estimate"] = fitted.prompt_tokens
    ticket = queue.join(person) if queue is not None else None  # only now: search and prompt need no turn
    call = ModelCall(llm, settings.model, fitted.messages, fitted.options, gated=gated, closest=results,
                     trimmed_sources=fitted.dropped, timings=timings, ticket=ticket)
    return AnswerStream.from_model(question, query, fitted.sources, call, started_at=started)


def _nothing_relevant(question: str, query: str, results: list[SearchResult], library, llm, model: str,
                      timings: dict) -> AnswerStream:
    """Clearly off topic (or an empty library): the model is not asked (it would only guess); the closest passages are shown."""
    text = NOTHING_FOUND
    if not results and library.chunk_count() == 0:
        text = EMPTY_LIBRARY
    try:  # no model call; just learn whether Ollama is there (remembered after the first success)
        llm.context_length(model)
    except (OllamaNotRunning, ModelMissing) as exc:
        _, result = search_only(exc, [], results, query)
        return AnswerStream.fixed(question, query, text, dataclasses.replace(result, answer=text), timings=timings)
    except OllamaError:
        pass
    return AnswerStream.fixed(question, query, text, nothing_relevant(text, results, query), timings=timings)
