"""Facts Groundwork measured itself: the library, the chat history, the answer style, the library check.

``measure`` turns the typed summaries (``Library.stats()``, ``History.usage_stats()`` and
the owner's last library check) into ``Measured`` facts. Keys that are question ids
prefill those questions (``knowledge_pages``, ``monthly_questions``, and a hint for
``change_frequency``); the others (``approved_answers``, ``answer_style``, ``selftest``,
``documents``, ``tokens_estimate``, ``unanswered_rate``) are facts the rules and the
report use. The owner's own count of examples is an *answer*, never measured here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from core.advisor import figures as fig
from core.advisor.words import day, percent, plural
from core.selftest import load_summary
from core.team_questions import TeamFigures
from core.types import LibraryStats, SelfTestSummary, UsageStats


@dataclass(frozen=True)
class Measured:
    value: Any
    label: str          # e.g. "measured from your library: 312 pages in 9 documents"
    source: str = ""    # "library" | "history" | "settings" | "selftest"
    hint: bool = False  # a hint only (shown as measured, but weak)


@dataclass(frozen=True)
class StyleState:
    """Whether an answer style is set, and how answers were rated since it was."""

    set: bool
    since: Optional[str] = None
    liked: int = 0
    disliked: int = 0

    @property
    def rated(self) -> int:
        return self.liked + self.disliked

    @property
    def status(self) -> str:
        """'not_set' | 'too_early' | 'works' | 'mixed' | 'falls_short'."""
        if not self.set:
            return "not_set"
        if self.rated < fig.STYLE_MIN_RATINGS:
            return "too_early"
        share = self.disliked / self.rated
        if share >= fig.STYLE_FALLS_SHORT:
            return "falls_short"
        return "works" if share <= fig.STYLE_WORKS else "mixed"


def measure(library: LibraryStats | None, usage: UsageStats | None,
            selftest: SelfTestSummary | None = None, imported: int | None = None,
            team: TeamFigures | None = None) -> dict[str, Measured]:
    """Everything measured, by key; a summary that is None is simply not measured.

    ``team``: the questions staff asked (``core.team_questions.figures``), measured once any were asked."""
    out: dict[str, Measured] = {}
    if team is not None and team.asked:
        out["team_questions"] = Measured(team, team_label(team), "team")
    if imported:
        out["imported_examples"] = Measured(
            int(imported), f"counted in Groundwork: {plural(int(imported), 'past question-and-reply pair')} you "
                           "imported", "examples")
    if library is not None:
        out.update(_library_facts(library))
    if usage is not None:
        out.update(_usage_facts(usage))
    if selftest is not None:
        out["selftest"] = Measured(selftest, selftest_label(selftest), "selftest")
    return out


def _library_facts(stats: LibraryStats) -> dict[str, Measured]:
    out: dict[str, Measured] = {}
    pages, docs = max(0, stats.pages), max(0, stats.documents)
    label = (f"measured from your library: {plural(pages, 'page')} in {plural(docs, 'document')}" if pages
             else "measured from your library: no documents yet")
    out["knowledge_pages"] = Measured(pages, label, "library")
    out["documents"] = Measured(docs, f"measured from your library: {plural(docs, 'document')}", "library")
    tokens = max(0, stats.tokens_estimate)
    out["tokens_estimate"] = Measured(
        tokens, f"estimated from your library: about {plural(max(0, stats.words), 'word')} of text "
                f"(about {tokens:,} word pieces, called tokens)", "library")
    # How often things change: only ever a hint, and a conservative one. Replacements in the
    # last 30 days say "monthly" (1-3) or "weekly" (4 or more), never "daily": one busy
    # afternoon of re-uploads is not a daily rhythm. None recently says nothing (the library
    # may simply be new).
    recent = max(0, stats.replacements_30d)
    out["replacements_30d"] = Measured(
        recent, f"measured from your library: {plural(recent, 'document')} replaced with a newer version in the last "
                "30 days", "library")
    if recent:
        value = "weekly" if recent >= 4 else "monthly"
        words = "every week or so" if value == "weekly" else "about monthly"
        out["change_frequency"] = Measured(
            value, f"a hint from your library: {plural(recent, 'document')} replaced with a newer version in the "
                   f"last 30 days, which suggests your material changes {words}", "library", hint=True)
    return out


def _usage_facts(use: UsageStats) -> dict[str, Measured]:
    out: dict[str, Measured] = {}
    approved, asked, unanswered = max(0, use.approved), max(0, use.questions), max(0, use.unanswered)
    out["approved_answers"] = Measured(
        approved, f"measured from your chat history: {plural(approved, 'approved answer')} (thumbs up, with sources)",
        "history")
    out["monthly_questions"] = Measured(
        asked, f"measured from your chat history: {plural(asked, 'question')} in the last {use.days} days", "history")
    out["unanswered"] = Measured(
        unanswered, f"measured from your chat history: {plural(unanswered, 'question')} in the last {use.days} days "
                    "found nothing in your documents", "history")
    if asked:
        rate = min(1.0, unanswered / asked)
        label = (f"measured from your chat history: {unanswered:,} of {plural(asked, 'question')} in the last "
                 f"{use.days} days found nothing in your documents ({percent(rate)})")
        out["unanswered_rate"] = Measured(round(rate, 3), label, "history")
    style = StyleState(bool(use.style_set), use.style_since, max(0, use.liked_since_style),
                       max(0, use.disliked_since_style))
    out["answer_style"] = Measured(style, style_label(style), "settings")
    return out


def team_label(t: TeamFigures) -> str:
    return (f"measured from Questions from the team: {plural(t.asked, 'question')} from "
            f"{plural(t.people, 'person', 'people')} in the last {t.days} days, {t.unanswered:,} of them not "
            "answered by your documents")


def style_label(style: StyleState) -> str:
    if not style.set:
        return "measured from your settings: no answer style is set yet"
    since = f" since {day(style.since)}" if style.since else ""
    if not style.rated:
        return f"measured from your settings: an answer style is set{since}; no answers have been rated since"
    return (f"measured from your settings and chats: an answer style is set{since}; since then "
            f"{plural(style.liked, 'answer')} liked and {style.disliked:,} disliked")


def selftest_label(s: SelfTestSummary) -> str:
    return (f"measured by your library check on {day(s.run_at)}: {percent(s.findability)} findable (the right "
            f"page came first for {percent(s.top1)} of {plural(s.questions, 'test question')}, and in the first "
            f"three for {percent(s.top3)})")


def load_selftest(settings) -> SelfTestSummary | None:
    """The owner's last library check (``core.selftest.load_summary``: the file's one reader)."""
    return load_summary(Path(settings.data_dir))
