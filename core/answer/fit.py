"""Fitting the prompt to the model's context window, never cut off by Ollama.

Ollama's default window is small and it silently drops the start of a prompt that
doesn't fit. So ``num_ctx`` is always sent, sized to the prompt plus an answer budget;
when the model's window is too small the lowest-ranked sources are dropped (counted in
``trimmed_sources``), and ``num_predict`` keeps the answer inside the window too
(otherwise Ollama would shift the context and forget the start of the prompt).
"""
from __future__ import annotations

import dataclasses
from typing import NamedTuple, Sequence

from core.answer.prompt import (
    ANSWER_BUDGET, CHARS_PER_TOKEN, MAX_CTX, MIN_CTX, TEMPERATURE, build_messages, choose_num_ctx,
    estimate_tokens, source_tokens,
)
from core.types import Passage


class Fitted(NamedTuple):
    messages: list[dict]
    sources: list[Passage]  # the sources in the prompt (best first)
    options: dict  # num_ctx, temperature, num_predict
    dropped: int  # sources left out so the prompt fits the window
    prompt_tokens: int  # estimated


def fit(question: str, sources: Sequence[Passage], history: Sequence[dict], *, strict: bool, style: str,
        model_context: int) -> Fitted:
    """Messages that fit ``model_context`` with room for the answer.

    Over budget, the lowest-ranked sources go first (down to one), then older
    conversation turns, then the last source is shortened. Sizes are added up
    per part, so this stays well under a millisecond for any number of sources.
    """
    budget = max(256, min(int(model_context or MIN_CTX), MAX_CTX) - ANSWER_BUDGET)
    kept = list(sources)
    turns = list(history)

    def fixed_part() -> int:
        return estimate_tokens(build_messages(question, [], strict=strict, history=turns, style=style))

    fixed = fixed_part()
    per_source = [source_tokens(s) for s in kept]
    total = fixed + sum(per_source)
    while total > budget and len(kept) > 1:
        kept.pop()
        total -= per_source.pop()
    while total > budget and turns:
        turns.pop(0)
        fixed = fixed_part()
        total = fixed + sum(per_source)
    if total > budget and kept:  # one very long passage (or question): shorten the passage to fit
        room_chars = max(200, int((budget - fixed) * CHARS_PER_TOKEN) - 200)
        kept[0] = dataclasses.replace(kept[0], text=kept[0].text[:room_chars])
    messages = build_messages(question, kept, strict=strict, history=turns, style=style)
    tokens = estimate_tokens(messages)
    num_ctx = choose_num_ctx(tokens, model_context)
    options = {"num_ctx": num_ctx, "temperature": TEMPERATURE, "num_predict": max(64, num_ctx - tokens)}
    return Fitted(messages, kept, options, len(sources) - len(kept), tokens)
