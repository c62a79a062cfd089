"""Checking the owner's answers, and giving every question a value with what it rests on."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Optional

from core.advisor.questions import DEFAULTS, QUESTION_BY_ID, QUESTIONS, Question
from core.errors import UsageError


def _coerce_int(q: Question, raw: Any) -> int:
    bad = UsageError(
        f"The answer for '{q.id}' must be a whole number of 0 or more (for example 120); '{raw}' is not."
    )
    if isinstance(raw, bool):
        raise bad
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise bad
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("_", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise bad from None
        if not number.is_integer():
            raise bad
        value = int(number)
    else:
        raise bad
    if value < 0:
        raise bad
    return value


def _question(key: Any) -> Question:
    q = QUESTION_BY_ID.get(key) if isinstance(key, str) else None
    if q is None:
        close = difflib.get_close_matches(str(key), list(QUESTION_BY_ID), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"'{key}' is not one of the advisor's questions.{hint} The questions are: {', '.join(QUESTION_BY_ID)}."
        )
    return q


def validate(answers: Optional[dict]) -> dict:
    """Check and clean a dict of answers; returns {id: value} for the answered questions.

    Numbers may be given as strings ("1,200"); choice values ignore case and
    surrounding spaces. ``None`` or "" means "not answered". Unknown ids or
    values raise ``UsageError`` naming the id and what is allowed.
    """
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise UsageError("The answers must be one set of question ids and values, like {\"budget\": \"low_upfront\"}.")
    clean: dict[str, Any] = {}
    for key, raw in answers.items():
        q = _question(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if q.kind == "int":
            clean[key] = _coerce_int(q, raw)
            continue
        value = raw.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(raw, str) else raw
        if value not in q.values:
            raise UsageError(f"'{raw}' is not an allowed answer for '{q.id}'; use one of: {', '.join(q.values)}.")
        clean[key] = value
    return clean


@dataclass(frozen=True)
class ResolvedAnswer:
    value: Any
    origin: str        # "answered" | "measured" | "default"
    basis: str = ""    # what it rests on, in plain words

    def as_dict(self) -> dict:
        return {"value": self.value, "origin": self.origin, "basis": self.basis}


def resolve(answers: Optional[dict], measured: Optional[dict] = None) -> dict[str, ResolvedAnswer]:
    """Every question's value: what was answered, else what was measured, else the stated default."""
    given = validate(answers)
    measured = measured or {}
    out: dict[str, ResolvedAnswer] = {}
    for q in QUESTIONS:
        if q.id in given:
            out[q.id] = ResolvedAnswer(given[q.id], "answered", f"your answer: {q.label_for(given[q.id])}")
            continue
        m = measured.get(q.id)
        value = None
        if m is not None and m.value is not None:
            try:
                value = validate({q.id: m.value}).get(q.id)
            except UsageError:
                value = None
        if m is not None and value is not None:
            out[q.id] = ResolvedAnswer(value, "measured", m.label)
            continue
        d = DEFAULTS[q.id]
        out[q.id] = ResolvedAnswer(d.value, "default", f"not answered; assumed, since {d.reason}")
    return out
