"""Questions from the team: what staff asked, when, and whether their documents answered it (issue 20).

Every question a staff member asks (signed in with sharing on, or ``python -m core ask --as NAME``) is
logged in ``team_questions`` with its outcome: ``answered``, ``not_found``, ``failed`` (the model couldn't
answer) or ``cancelled``. The owner's own questions are not logged: this is the owner's view of what the
team needs, and unanswered questions are the owner's to-do list for better documents.

The log keeps the question and the outcome, never the answer text. Why: each person's conversations are
their own (a staff member's answers stay in their own conversation), and the question with "not found"
is what tells the owner which document is missing; the answer text would add nothing to that to-do list.

The advisor reads ``figures`` (questions from the team in the last 30 days and how many were not found).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from core.access import Access
from core.types import AnswerResult

OUTCOMES = ("answered", "not_found", "failed", "cancelled")
OUTCOME_WORDS = {"answered": "Answered", "not_found": "Not found", "failed": "Couldn't answer",
                 "cancelled": "Cancelled"}
QUESTION_CHARS = 2000  # the chat box's own limit


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def outcome_of(result: AnswerResult, cancelled: bool = False) -> str:
    """How a question went: cancelled (or stopped), answered (a written answer, or the passages that hold
    it), failed (the model couldn't answer and nothing was found), or not found."""
    from core.answer.results import STOPPED_BEFORE_NOTICE, STOPPED_NOTICE

    if cancelled or result.notice in (STOPPED_NOTICE, STOPPED_BEFORE_NOTICE):
        return "cancelled"
    if result.found:
        return "answered"
    if result.error_kind is not None:
        return "failed"
    return "not_found"


def logged(access: Optional[Access]) -> bool:
    """Whose questions are logged: staff members' (the owner's are their own)."""
    return access is not None and access.role == "staff"


def record(db, access: Optional[Access], question: str, outcome: str, at: Optional[datetime] = None) -> bool:
    """Log a staff member's question (``db``: a ``core.db.Database``); True when it was logged."""
    if not logged(access) or not (question or "").strip():
        return False
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    assert access is not None
    with db.transaction() as tx:
        tx.execute("INSERT INTO team_questions(at, person, question, outcome) VALUES (?,?,?,?)",
                   (_stamp(at or _now()), access.name, question.strip()[:QUESTION_CHARS], outcome))
    return True


def record_answer(db, access: Optional[Access], question: str, result: AnswerResult, cancelled: bool = False) -> bool:
    """``record`` with the outcome read from an answer."""
    return record(db, access, question, outcome_of(result, cancelled))


@dataclass(frozen=True)
class TeamQuestion:
    at: str  # UTC ISO
    person: str
    question: str
    outcome: str

    @property
    def outcome_words(self) -> str:
        return OUTCOME_WORDS.get(self.outcome, self.outcome)


def recent(conn, limit: int = 500, only_unanswered: bool = False) -> list[TeamQuestion]:
    """The latest questions from the team, newest first (``only_unanswered``: not found or failed)."""
    where = "WHERE outcome IN ('not_found', 'failed')" if only_unanswered else ""
    rows = conn.execute(f"SELECT at, person, question, outcome FROM team_questions {where} "
                        "ORDER BY at DESC, id DESC LIMIT ?", (limit,)).fetchall()
    return [TeamQuestion(*tuple(r)) for r in rows]


@dataclass(frozen=True)
class TeamFigures:
    """Questions from the team in the last ``days`` days (the advisor reads these)."""

    days: int = 30
    asked: int = 0
    answered: int = 0
    not_found: int = 0
    failed: int = 0
    cancelled: int = 0
    people: int = 0  # different people who asked

    @property
    def unanswered(self) -> int:
        return self.not_found + self.failed


def figures(conn, days: int = 30, now: Optional[datetime] = None) -> TeamFigures:
    since = _stamp((now or _now()) - timedelta(days=days))
    counts = dict(conn.execute("SELECT outcome, count(*) FROM team_questions WHERE at >= ? GROUP BY outcome",
                               (since,)).fetchall())
    people = conn.execute("SELECT count(DISTINCT lower(person)) FROM team_questions WHERE at >= ?",
                          (since,)).fetchone()[0]
    return TeamFigures(days=days, asked=sum(counts.values()), answered=counts.get("answered", 0),
                       not_found=counts.get("not_found", 0), failed=counts.get("failed", 0),
                       cancelled=counts.get("cancelled", 0), people=people)
