"""What the rules look at: the resolved answers plus a few facts derived from them and from measurements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from core.advisor import figures as fig
from core.advisor.measure import Measured, StyleState
from core.advisor.resolve import ResolvedAnswer
from core.advisor.words import examples_phrase, percent, plural
from core.types import SelfTestSummary

FREQ_WORDS = {
    "daily": "every day", "weekly": "every week", "monthly": "about once a month",
    "quarterly": "a few times a year", "rarely": "rarely",
}
CHANGING = ("daily", "weekly", "monthly")
FAST = ("daily", "weekly")
STABLE = ("quarterly", "rarely")

# What training would be *for*, in priority order: (long name, short name for "examples of ...").
CASES: dict[Optional[str], tuple[str, str]] = {
    "replies": ("replies written in your own tone every time (emails and messages to customers)",
                "replies in your tone"),
    "narrow_task": ("the one repetitive task (sorting, tagging or filling in the same way every time)",
                    "the task done right"),
    "strict_style": ("your strict answering style (tone and format)", "answers in your style"),
    "instant": ("instant replies without a look-up step", "the replies you want"),
    "bake_in": ("answering your most common questions from stable facts without a look-up",
                "good answers to your most common questions"),
    "style_loose": ("the way it answers (tone, format and judgement)", "answers written the way you want"),
}


@dataclass
class Facts:
    """Resolved answers (``a``) plus derived facts; what rule predicates and templates read."""

    a: dict[str, Any]
    tokens: int
    tokens_measured: bool
    approved: int = 0                             # answers approved in the chat (measured)
    imported: int = 0                             # past question/reply pairs imported (measured)
    unanswered_rate: Optional[float] = None
    questions_30d: int = 0
    style: Optional[StyleState] = None
    selftest: Optional[SelfTestSummary] = None
    team: Any = None                              # core.team_questions.TeamFigures, once staff asked
    case: Optional[str] = None                    # what training would be for (see CASES)
    push_retrieval: int = 0
    push_ft: int = 0

    def __getattr__(self, name: str) -> Any:      # f.change_frequency etc.
        a = self.__dict__.get("a", {})
        if name in a:
            return a[name]
        raise AttributeError(name)

    pages = property(lambda self: self.a["knowledge_pages"])
    typed = property(lambda self: self.a["example_pairs"])  # the owner's own count, never the chat's
    volume = property(lambda self: self.a["monthly_questions"])
    stable = property(lambda self: self.a["change_frequency"] in STABLE)
    changing = property(lambda self: self.a["change_frequency"] in CHANGING)
    behaviour_gap = property(lambda self: self.a["main_gap"] in ("behaviour", "both"))
    narrow = property(lambda self: self.a["task_shape"] == "narrow_repetitive")
    replies = property(lambda self: self.a["task_shape"] == "replies")
    instant = property(lambda self: self.a["response_speed"] == "instant")
    maintainer = property(lambda self: self.a["ml_capacity"] in ("some", "team"))

    @property
    def examples(self) -> int:
        """Everything there is to train on: the owner's own examples, the answers approved in the chat and the
        past replies imported."""
        return self.typed + self.approved + self.imported

    @property
    def check_set(self) -> bool:
        """Groundwork's training-data download has examples kept aside to check a trained model (5 or more)."""
        return self.approved + self.imported >= 5

    @property
    def enough_examples(self) -> bool:
        return self.examples >= fig.EXAMPLES_THRESHOLD

    @property
    def style_status(self) -> str:
        return self.style.status if self.style is not None else "unknown"

    @property
    def style_falls_short(self) -> bool:
        return self.style_status == "falls_short" and self.behaviour_gap

    @property
    def hard_to_find(self) -> bool:
        return self.selftest is not None and self.selftest.findability < fig.FINDABILITY_GOOD

    @property
    def monthly_read(self) -> int:
        """Tokens read a month if the model read everything with every question."""
        return self.tokens * self.volume

    @property
    def long_context_blocker(self) -> Optional[str]:
        """Why handing the model everything would not work ('empty', 'size', 'speed', 'volume'), or None."""
        if self.tokens <= 0:
            return "empty"
        if self.tokens > fig.LARGE_TOKENS:
            return "size"
        if self.instant:
            return "speed"
        if self.monthly_read > fig.LONG_CONTEXT_MONTHLY_READ:
            return "volume"
        return None

    @property
    def long_context_ok(self) -> bool:
        return self.long_context_blocker is None

    def context(self) -> dict[str, Any]:
        """Values for reason templates."""
        behaviour, behaviour_short = CASES.get(self.case, ("", ""))
        return {
            **self.a,
            "freq_words": FREQ_WORDS[self.a["change_frequency"]],
            "pages": f"{self.pages:,}",
            "page_words": plural(self.pages, "page"),
            "tokens": f"{self.tokens:,}",
            "examples": f"{self.examples:,}",
            "example_words": examples_phrase(self.typed, self.approved, self.imported),
            "volume": f"{self.volume:,}",
            "threshold": f"{fig.EXAMPLES_THRESHOLD:,}",
            "large_tokens": f"{fig.LARGE_TOKENS // 1000}K",
            "unanswered_pct": percent(self.unanswered_rate or 0),
            "questions_30d": f"{self.questions_30d:,}",
            "behaviour": behaviour,
            "behaviour_short": behaviour_short,
            "examples_even": f" (even your {self.examples:,})" if self.examples >= fig.SOME_EXAMPLES else "",
            "findable_pct": percent(self.selftest.findability) if self.selftest else "",
            "style_liked": f"{self.style.liked:,}" if self.style else "0",
            "style_disliked": f"{self.style.disliked:,}" if self.style else "0",
            "style_rated": plural(self.style.rated, "rated answer") if self.style else "",
        }


def _value(measured: dict[str, Measured], key: str, default: Any = None) -> Any:
    m = measured.get(key)
    return default if m is None else m.value


def build_facts(resolved: dict[str, ResolvedAnswer], measured: dict[str, Measured]) -> Facts:
    a = {k: v.value for k, v in resolved.items()}
    pages = a["knowledge_pages"]
    tok, tok_pages = _value(measured, "tokens_estimate"), _value(measured, "knowledge_pages")
    tokens_measured = False
    if tok is not None and resolved["knowledge_pages"].origin == "measured":
        tokens, tokens_measured = int(tok), True
    elif tok is not None and tok_pages:
        tokens = int(pages * tok / tok_pages)  # the library's own tokens per page
    else:
        tokens = pages * fig.TOKENS_PER_PAGE
    rate = _value(measured, "unanswered_rate")
    facts = Facts(
        a=a, tokens=tokens, tokens_measured=tokens_measured,
        approved=int(_value(measured, "approved_answers", 0) or 0),
        imported=int(_value(measured, "imported_examples", 0) or 0),
        unanswered_rate=float(rate) if rate is not None else None,
        questions_30d=int(_value(measured, "monthly_questions", 0) or 0),
        style=_value(measured, "answer_style"),
        selftest=_value(measured, "selftest"),
        team=_value(measured, "team_questions"),
    )
    facts.case = case_for(facts)
    return facts


def case_for(f: Facts) -> Optional[str]:
    """The named behaviour training would be for, or None (nothing to train)."""
    if f.replies:
        return "replies"
    if f.narrow:
        return "narrow_task"
    if f.behaviour_gap and f.style_strictness == "strict":
        return "strict_style"
    if f.instant and f.stable:
        return "instant"
    if f.stable and f.volume >= fig.VERY_HIGH_VOLUME:
        return "bake_in"
    if f.behaviour_gap:
        return "style_loose"
    return None
