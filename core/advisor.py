"""Should this business add a trained model on top of looking things up?

The advisor turns a short questionnaire, plus facts measured from the library
and the chat history, into one of four verdicts:

    rag_only           look things up in the documents (retrieval, RAG); no training now
    rag_then_finetune  start with retrieval; training for a *named* behaviour becomes
                       worth it once a stated condition is met (e.g. 500 approved examples)
    rag_plus_finetune  both now: retrieval for the facts, training for the behaviour
    finetune_first     the problem is behaviour on a narrow, stable task

and, independently, ``long_context_ok``: the material is small enough (about
100K tokens or less) that handing the model all of it with every question
would also work, at a per-question cost we estimate.

How the scoring works (everything a person sees comes from the data below):

1. **Answers.** Each question is answered by the person, or else measured
   (pages in the library, approved answers, questions asked in the last 30
   days, and a conservative hint about how often documents change), or else
   falls back to a stated default with its reason. Every answer keeps its
   origin ("answered", "measured", "default") so each reason can say what it
   rests on.

2. **Score rules** (``RULES``). Each rule is a small predicate over the
   resolved answers, a direction ("retrieval", "fine_tuning" or "neutral"),
   a weight (1 = a nudge, 2 = a clear signal, 3 = close to decisive) and a
   plain-language reason. The criteria come from the sources in
   ``SOURCES``: changing facts, citations, large material, a near deadline and
   no training data point to retrieval; a behaviour gap (tone, format,
   judgement), a strict style, a narrow repetitive task, stable data, hard
   latency limits, high volume and hundreds-to-thousands of good examples
   point to fine-tuning. Fired rules become the reasons and the chart
   (``push``: the totals and each rule's contribution).

3. **Decision rules** (``DECISIONS``). An ordered list; the first rule whose
   predicate holds sets the verdict, and its reason is shown first. They
   encode the hard constraints:

   - fine-tuning needs something to train *for*: a named behaviour (a narrow
     task, a strict answering style, instant replies on stable material, or
     stable facts asked about at very high volume). Facts that change are
     never such a reason, however many examples exist;
   - a weak behaviour case (the way it answers matters, but the style is not
     strict) only leads to "later" when the score totals lean toward training,
     and otherwise to "retrieval only, try written instructions first";
   - no one to look after a model and no budget, too few examples (under
     500), or no maintainer, mean "not now" and become the stated condition;
   - a narrow repetitive task on stable data, without a need for sources,
     is "fine-tune first"; everything else that is ready is "both now" (the
     combination costs roughly 1.6-1.8x the engineering of one approach, so
     it is only reached when the behaviour is strict, narrow, latency-bound
     or high-volume).

4. **Output.** A headline, the reasons with what each rests on, next steps,
   a cost table whose industry figures are labelled as estimates with their
   source letter, a readiness checklist, a Markdown and a printable HTML
   report, and (when fine-tuning is recommended now or later) an export of
   the approved answers as chat-format JSONL with a deterministic held-out
   split.

No Streamlit here; pages and the CLI call ``advise``, ``measure`` and friends.
"""
from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from core.errors import UsageError

# ---------------------------------------------------------------------------
# Sources and the figures we use (industry estimates, summarised in our words)
# ---------------------------------------------------------------------------

SOURCES: dict[str, str] = {
    "A": "Berrydesk (Strawberry Labs) founder's guide, \u201cRAG vs fine-tuning\u201d (2026)",
    "B": "\u201cRAG or fine-tuning\u201d field notes on dev.to by a production AI practitioner (2026)",
    "C": "Mauricio Fodra, \u201cFine-Tuning vs. RAG: The Definitive Guide for Your AI Strategy in 2026\u201d",
    "D": "Boldare blog, \u201cRAG vs Fine-Tuning: Which approach is right for your use case?\u201d (2026)",
    "E": "\u201cFine-Tuning vs RAG: Two Ways to Customize AI\u201d, a plain-language guide for business readers (2026)",
}

EXAMPLES_THRESHOLD = 500          # good examples that make fine-tuning viable [D]; "hundreds to thousands" [B][C]
SOME_EXAMPLES = 100               # "hundreds" starts here
LARGE_TOKENS = 100_000            # beyond roughly 100K tokens, retrieval [B]
TOKENS_PER_PAGE = 500             # rough size of a page of business text when nothing is measured
HIGH_VOLUME = 10_000              # questions a month: repetitive work at scale
VERY_HIGH_VOLUME = 50_000         # questions a month: stable facts may be worth baking in [A]
UNANSWERED_HIGH = 0.20            # share of recent questions that found nothing
UNANSWERED_MIN_QUESTIONS = 10     # below this, the rate says little
PRICE_INPUT_PER_M = 0.14          # $ per million input tokens, a low-cost online model [A]
PRICE_OUTPUT_PER_M = 0.28         # $ per million output tokens [A]
LOOKUP_PROMPT_TOKENS = 2_000      # a looked-up answer reads ~5 passages
COST_FINETUNED_PER_Q = 0.001      # $ per question, fine-tuned small open model [D]
COST_LARGE_API_PER_Q = 0.01       # $ per question, large online model [D]

VERDICTS = ("rag_only", "rag_then_finetune", "rag_plus_finetune", "finetune_first")
VERDICT_LABELS = {
    "rag_only": "Look things up in your documents (retrieval) only",
    "rag_then_finetune": "Retrieval now, fine-tuning later",
    "rag_plus_finetune": "Retrieval and fine-tuning together, now",
    "finetune_first": "Fine-tune a model first",
}
DIRECTIONS = ("retrieval", "fine_tuning", "neutral")

# ---------------------------------------------------------------------------
# Questions (ids and values are a contract)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    why: str
    kind: str                                   # "choice" | "int"
    options: tuple[tuple[str, str], ...] = ()   # (value, label) for choices
    default: Any = None
    measured: bool = False
    help: str = ""
    unit: str = ""

    @property
    def values(self) -> list[str]:
        return [v for v, _ in self.options]

    def label_for(self, value: Any) -> str:
        if self.kind == "int":
            return f"{int(value):,} {self.unit}".strip()
        return dict(self.options).get(value, str(value))


@dataclass(frozen=True)
class Default:
    value: Any
    reason: str


DEFAULTS: dict[str, Default] = {
    "change_frequency": Default("monthly", "most business documents, such as prices and policies, are updated every month or so"),
    "needs_citations": Default("nice", "seeing the source page helps people trust an answer, even when it is not required"),
    "knowledge_pages": Default(0, "no documents have been measured yet"),
    "main_gap": Default("knowledge", "what a general AI usually lacks is the facts about your business"),
    "style_strictness": Default("flexible", "most answers only need to be clear and polite"),
    "task_shape": Default("open_questions", "most assistants answer questions about many topics"),
    "example_pairs": Default(0, "no approved answers have been counted yet"),
    "response_speed": Default("seconds_ok", "a reply within a few seconds is fine for most people"),
    "monthly_questions": Default(0, "no questions have been counted yet"),
    "data_sensitivity": Default("internal", "company documents are usually for internal use"),
    "launch_timeline": Default("weeks", "most owners want something working soon"),
    "ml_capacity": Default("none", "we do not assume anyone can look after a trained model"),
    "budget": Default("low_upfront", "we do not assume money for training is set aside"),
}

QUESTIONS: list[Question] = [
    Question(
        "change_frequency",
        "How often does the information the assistant needs change?",
        "A trained model only knows what it was trained on; information that changes often is better read fresh from your documents.",
        "choice",
        (("daily", "Every day"), ("weekly", "Every week"), ("monthly", "Every month or so"),
         ("quarterly", "A few times a year"), ("rarely", "Rarely")),
        DEFAULTS["change_frequency"].value,
        help="Think of prices, policies, stock, opening hours, rules.",
    ),
    Question(
        "needs_citations",
        "Do people need to see where an answer came from?",
        "Looking things up can show the exact page behind each answer; a trained model cannot say where it learned something.",
        "choice",
        (("must", "Yes, always (for example for audits, legal or health)"), ("nice", "It helps, but it isn't required"),
         ("no", "No")),
        DEFAULTS["needs_citations"].value,
    ),
    Question(
        "knowledge_pages",
        "How much material is there?",
        "A small amount can be handed to the model whole; a lot needs looking up.",
        "int", (), DEFAULTS["knowledge_pages"].value, measured=True,
        help="Measured from your library when you have uploaded documents.", unit="pages",
    ),
    Question(
        "main_gap",
        "What is missing when a general AI answers today: facts about the business, the way it answers "
        "(tone, format, judgement), or both?",
        "Missing facts are fixed by looking things up; the way it answers is what training changes.",
        "choice",
        (("knowledge", "Facts about the business"), ("behaviour", "The way it answers (tone, format, judgement)"),
         ("both", "Both")),
        DEFAULTS["main_gap"].value,
    ),
    Question(
        "style_strictness",
        "How strict must the tone or format be?",
        "A strict house style every single time is the clearest reason to train a model.",
        "choice",
        (("flexible", "Flexible: clear and polite is enough"), ("preferred", "We have a preferred style"),
         ("strict", "Strict: it must follow our style or format every time")),
        DEFAULTS["style_strictness"].value,
    ),
    Question(
        "task_shape",
        "Open questions about many topics, or one narrow repetitive task (sorting tickets, tagging documents, "
        "filling a template)?",
        "A narrow task done the same way thousands of times is where a small trained model shines.",
        "choice",
        (("open_questions", "Open questions about many topics"),
         ("narrow_repetitive", "One narrow, repetitive task")),
        DEFAULTS["task_shape"].value,
    ),
    Question(
        "example_pairs",
        "How many good example question-and-answer pairs (or labelled examples) exist?",
        "Training needs hundreds to thousands of good examples; 500 is a common minimum.",
        "int", (), DEFAULTS["example_pairs"].value, measured=True,
        help="Measured as the answers you approved (thumbs up, with sources) in the chat.", unit="examples",
    ),
    Question(
        "response_speed",
        "Is a few seconds fine, or must replies be instant (under a fifth of a second)?",
        "Looking things up adds a short delay before the answer starts; only a trained model can skip it.",
        "choice",
        (("seconds_ok", "A few seconds is fine"), ("instant", "Instant (under a fifth of a second)")),
        DEFAULTS["response_speed"].value,
    ),
    Question(
        "monthly_questions",
        "How many questions a month, now or expected?",
        "At high volume a trained model can be cheaper per question.",
        "int", (), DEFAULTS["monthly_questions"].value, measured=True,
        help="Measured from the questions asked in the last 30 days.", unit="questions a month",
    ),
    Question(
        "data_sensitivity",
        "How sensitive is the material?",
        "Sensitive material should stay on computers you control, whichever way you go.",
        "choice",
        (("public", "Public"), ("internal", "Internal"), ("regulated", "Regulated (personal, health, financial or legal data)")),
        DEFAULTS["data_sensitivity"].value,
    ),
    Question(
        "launch_timeline",
        "When must it work?",
        "Looking things up can work within days; training takes weeks to months.",
        "choice",
        (("weeks", "Within weeks"), ("months", "In a few months")),
        DEFAULTS["launch_timeline"].value,
    ),
    Question(
        "ml_capacity",
        "Who would maintain a trained model?",
        "A trained model needs retraining whenever your products or style change; someone has to do it.",
        "choice",
        (("none", "No one"), ("some", "Someone technical, part-time"), ("team", "A technical team")),
        DEFAULTS["ml_capacity"].value,
    ),
    Question(
        "budget",
        "What shape is the budget?",
        "Training costs from a few hundred to several thousand dollars per run, before upkeep.",
        "choice",
        (("low_upfront", "Low: little to spend up front"), ("can_invest", "We can invest when it pays back")),
        DEFAULTS["budget"].value,
    ),
]
QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

# ---------------------------------------------------------------------------
# Measured facts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    value: Any
    label: str          # e.g. "measured from your library: 312 pages in 9 documents"
    source: str = ""    # "library" | "history"
    hint: bool = False  # a hint only (shown as measured, but weak)


def _num(d: Any, key: str) -> Optional[int]:
    """A count from ``LibraryStats``/``UsageStats`` (or a dict of the same names); None when missing."""
    value = d.get(key) if isinstance(d, dict) else getattr(d, key, None)
    if value is None:
        return None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def _plural(n: int, one: str, many: Optional[str] = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def measure(library_stats: Optional[dict], usage: Optional[dict] = None) -> dict[str, Measured]:
    """Answers and facts measured from the library and the chat history.

    ``library_stats`` is ``Library.stats()``; ``usage`` is ``History.usage_stats()``.
    Keys that are question ids prefill those questions; ``tokens_estimate``,
    ``documents`` and ``unanswered_rate`` are extra facts used in the reasons.
    Missing keys are simply not measured.
    """
    out: dict[str, Measured] = {}
    stats = library_stats or {}
    use = usage or {}

    pages, docs = _num(stats, "pages"), _num(stats, "documents")
    if pages is not None:
        if not pages:
            label = "measured from your library: no documents yet"
        elif docs is not None:
            label = f"measured from your library: {_plural(pages, 'page')} in {_plural(docs, 'document')}"
        else:
            label = f"measured from your library: {_plural(pages, 'page')}"
        out["knowledge_pages"] = Measured(pages, label, "library")
    if docs is not None:
        out["documents"] = Measured(docs, f"measured from your library: {_plural(docs, 'document')}", "library")
    tokens = _num(stats, "tokens_estimate")
    if tokens is not None:
        out["tokens_estimate"] = Measured(
            tokens, f"estimated from your library: about {tokens:,} tokens (word pieces) of text", "library")

    # How often things change: only ever a hint, and a conservative one. Replacements
    # in the last 30 days say "monthly" (1-3) or "weekly" (4 or more) -- never "daily",
    # one busy afternoon of re-uploads is not a daily rhythm. An all-time count has no
    # time span, so it can only suggest "monthly" after a few replacements. No
    # replacements says nothing (the library may simply be new).
    recent = _num(stats, "replacements_30d")
    total_repl = _num(stats, "replacements")
    if recent:
        value = "weekly" if recent >= 4 else "monthly"
        words = "every week or so" if value == "weekly" else "about monthly"
        out["change_frequency"] = Measured(
            value,
            f"a hint from your library: {_plural(recent, 'document')} replaced with a newer version in the last "
            f"30 days, which suggests your material changes {words}",
            "library", hint=True)
    elif recent is None and total_repl and total_repl >= 3:
        out["change_frequency"] = Measured(
            "monthly",
            f"a hint from your library: {_plural(total_repl, 'document')} replaced with a newer version so far, "
            "which suggests your material changes about monthly",
            "library", hint=True)

    approved = _num(use, "approved")
    if approved is not None:
        out["example_pairs"] = Measured(
            approved, f"measured from your chat history: {_plural(approved, 'approved answer')} (thumbs up, with sources)",
            "history")
    asked = _num(use, "questions")
    if asked is not None:
        out["monthly_questions"] = Measured(
            asked, f"measured from your chat history: {_plural(asked, 'question')} in the last 30 days", "history")
    unanswered = _num(use, "unanswered")
    if unanswered is not None and asked:
        rate = min(1.0, unanswered / asked)
        out["unanswered_rate"] = Measured(
            round(rate, 3),
            f"measured from your chat history: {unanswered:,} of {_plural(asked, 'question')} in the last 30 days "
            f"found nothing in your documents ({rate:.0%})",
            "history")
        out["unanswered"] = Measured(unanswered, out["unanswered_rate"].label, "history")
    return out


# ---------------------------------------------------------------------------
# Validation and resolution
# ---------------------------------------------------------------------------


def _allowed(q: Question) -> str:
    return ", ".join(q.values)


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
        q = QUESTION_BY_ID.get(key) if isinstance(key, str) else None
        if q is None:
            close = difflib.get_close_matches(str(key), list(QUESTION_BY_ID), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise UsageError(
                f"'{key}' is not one of the advisor's questions.{hint} The questions are: {', '.join(QUESTION_BY_ID)}."
            )
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if q.kind == "int":
            clean[key] = _coerce_int(q, raw)
            continue
        value = raw.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(raw, str) else raw
        if value not in q.values:
            raise UsageError(f"'{raw}' is not an allowed answer for '{q.id}'; use one of: {_allowed(q)}.")
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
        if m is not None and m.value is not None:
            value = m.value
            try:
                value = validate({q.id: m.value})[q.id]
            except (UsageError, KeyError):
                value = None
            if value is not None:
                out[q.id] = ResolvedAnswer(value, "measured", m.label)
                continue
        d = DEFAULTS[q.id]
        out[q.id] = ResolvedAnswer(d.value, "default", f"not answered; assumed, since {d.reason}")
    return out


# ---------------------------------------------------------------------------
# Facts the rules look at
# ---------------------------------------------------------------------------

FREQ_WORDS = {
    "daily": "every day", "weekly": "every week", "monthly": "about once a month",
    "quarterly": "a few times a year", "rarely": "rarely",
}
CHANGING = ("daily", "weekly", "monthly")
FAST = ("daily", "weekly")
STABLE = ("quarterly", "rarely")


@dataclass
class Facts:
    """Resolved answers plus a few derived facts; what rule predicates read."""

    a: dict[str, Any]
    tokens: int
    tokens_measured: bool
    unanswered_rate: Optional[float]
    unanswered_basis: str
    questions_30d: int
    case: Optional[str] = None          # what fine-tuning would be *for* (see CASES)
    push_retrieval: int = 0
    push_ft: int = 0

    def __getattr__(self, name: str) -> Any:  # f.change_frequency etc.
        a = self.__dict__.get("a", {})
        if name in a:
            return a[name]
        raise AttributeError(name)

    # derived
    @property
    def pages(self) -> int:
        return self.a["knowledge_pages"]

    @property
    def examples(self) -> int:
        return self.a["example_pairs"]

    @property
    def volume(self) -> int:
        return self.a["monthly_questions"]

    @property
    def stable(self) -> bool:
        return self.a["change_frequency"] in STABLE

    @property
    def changing(self) -> bool:
        return self.a["change_frequency"] in CHANGING

    @property
    def behaviour_gap(self) -> bool:
        return self.a["main_gap"] in ("behaviour", "both")

    @property
    def narrow(self) -> bool:
        return self.a["task_shape"] == "narrow_repetitive"

    @property
    def instant(self) -> bool:
        return self.a["response_speed"] == "instant"

    @property
    def enough_examples(self) -> bool:
        return self.examples >= EXAMPLES_THRESHOLD

    @property
    def maintainer(self) -> bool:
        return self.a["ml_capacity"] in ("some", "team")

    @property
    def case_strong(self) -> bool:
        return self.case is not None and self.case != "style_loose"

    @property
    def long_context_ok(self) -> bool:
        return 0 < self.tokens <= LARGE_TOKENS

    def context(self) -> dict[str, Any]:
        """Values for reason templates."""
        behaviour, behaviour_short = CASES.get(self.case, ("", ""))
        return {
            **self.a,
            "freq_words": FREQ_WORDS[self.a["change_frequency"]],
            "pages": f"{self.pages:,}",
            "page_words": _plural(self.pages, "page"),
            "tokens": f"{self.tokens:,}",
            "examples": f"{self.examples:,}",
            "example_words": _plural(self.examples, "approved example"),
            "volume": f"{self.volume:,}",
            "threshold": f"{EXAMPLES_THRESHOLD:,}",
            "large_tokens": f"{LARGE_TOKENS // 1000}K",
            "very_high_volume": f"{VERY_HIGH_VOLUME:,}",
            "high_volume": f"{HIGH_VOLUME:,}",
            "unanswered_pct": f"{(self.unanswered_rate or 0):.0%}",
            "questions_30d": f"{self.questions_30d:,}",
            "behaviour": behaviour,
            "behaviour_short": behaviour_short,
            "examples_even": f" (even your {self.examples:,})" if self.examples >= SOME_EXAMPLES else "",
        }


# What fine-tuning would be for, in priority order: (long name, short name for "examples of ...").
CASES: dict[Optional[str], tuple[str, str]] = {
    "narrow_task": ("the one repetitive task (sorting, tagging or filling in the same way every time)",
                    "the task done right (labelled examples)"),
    "strict_style": ("your strict answering style (tone and format)", "answers in your style"),
    "instant": ("instant replies without a look-up step", "the replies you want"),
    "bake_in": ("answering your most common questions from stable facts without a look-up",
                "approved answers to your most common questions"),
    "style_loose": ("the way it answers (tone, format and judgement)", "answers written the way you want"),
}


def _case(f: Facts) -> Optional[str]:
    """The named behaviour fine-tuning would be for, or None (nothing to train)."""
    if f.narrow:
        return "narrow_task"
    if f.behaviour_gap and f.style_strictness == "strict":
        return "strict_style"
    if f.instant and f.stable:
        return "instant"
    if f.stable and f.volume >= VERY_HIGH_VOLUME:
        return "bake_in"
    if f.behaviour_gap:
        return "style_loose"
    return None


# ---------------------------------------------------------------------------
# Score rules (data): what pushes toward retrieval and what toward fine-tuning
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    label: str                         # short, for the chart
    direction: str                     # "retrieval" | "fine_tuning" | "neutral"
    weight: int                        # 0 for neutral notes
    when: Callable[[Facts], bool]
    reason: str                        # template over Facts.context()
    question_id: Optional[str] = None  # the answer it rests on (None: a measured fact)
    sources: str = ""                  # source letters, e.g. "[A][B]"


RULES: list[Rule] = [
    # --- toward retrieval -------------------------------------------------
    Rule("facts_change_fast", "Information changes often", "retrieval", 3,
         lambda f: f.change_frequency in FAST,
         "Your information changes {freq_words}. A trained model would be out of date within days, while "
         "looking things up always reads the latest file.", "change_frequency", "[A][B][D]"),
    Rule("facts_change_monthly", "Information changes monthly", "retrieval", 1,
         lambda f: f.change_frequency == "monthly",
         "Your information changes about once a month. Each change would mean training a model again; with "
         "look-ups you just replace the file.", "change_frequency", "[A][B][D]"),
    Rule("citations_required", "Sources must be shown", "retrieval", 3,
         lambda f: f.needs_citations == "must",
         "People must see where each answer came from. Looking things up points to the exact page; a trained "
         "model cannot say where it learned something.", "needs_citations", "[A][B][C][D]"),
    Rule("citations_helpful", "Sources help", "retrieval", 1,
         lambda f: f.needs_citations == "nice",
         "Seeing the source page helps people trust an answer, and only looking things up can show it.",
         "needs_citations", "[A][C]"),
    Rule("large_material", "A lot of material", "retrieval", 2,
         lambda f: f.tokens > LARGE_TOKENS,
         "You have {page_words} of material (roughly {tokens} tokens, the word pieces models read), more than "
         "about {large_tokens} tokens. Looking things up picks the few pages each question needs.",
         "knowledge_pages", "[A][B]"),
    Rule("facts_missing", "Facts are what's missing", "retrieval", 2,
         lambda f: f.main_gap in ("knowledge", "both"),
         "What a general AI lacks today is facts about your business, and facts are best looked up in your "
         "own documents rather than trained in.", "main_gap", "[A][B][C][D][E]"),
    Rule("launch_soon", "Needed within weeks", "retrieval", 1,
         lambda f: f.launch_timeline == "weeks",
         "You need it working within weeks. Looking things up can run within days; training a model takes "
         "weeks to months.", "launch_timeline", "[B][D]"),
    Rule("few_examples", "Few good examples yet", "retrieval", 1,
         lambda f: f.examples < SOME_EXAMPLES,
         "There are {example_words} so far. Training needs hundreds to thousands of good ones, so there is "
         "nothing to train on yet.", "example_pairs", "[B][C][D]"),
    Rule("no_maintainer", "No one to maintain a model", "retrieval", 2,
         lambda f: f.ml_capacity == "none",
         "No one would look after a trained model. A trained model must be retrained whenever your products or "
         "style change; with look-ups you only keep the documents current.", "ml_capacity", "[B][D]"),
    Rule("low_budget", "Little budget up front", "retrieval", 1,
         lambda f: f.budget == "low_upfront",
         "There is little to spend up front. Looking things up needs no training runs.", "budget", "[B][D]"),
    Rule("regulated_governance", "Regulated data", "retrieval", 1,
         lambda f: f.data_sensitivity == "regulated",
         "Your material is regulated. With look-ups, personal data stays in documents you can remove, rather "
         "than being built into a model where it could leak out.", "data_sensitivity", "[A][C][D]"),
    # --- toward fine-tuning ------------------------------------------------
    Rule("behaviour_missing", "The way it answers is what's missing", "fine_tuning", 2,
         lambda f: f.behaviour_gap,
         "What a general AI gets wrong today is the way it answers (tone, format, judgement). That is what "
         "training changes; looking things up does not.", "main_gap", "[A][B][C][D][E]"),
    Rule("strict_style", "Strict tone or format", "fine_tuning", 2,
         lambda f: f.style_strictness == "strict" and f.behaviour_gap,
         "Your tone or format must be exactly right every time. A model trained on your own answers keeps to "
         "a style more reliably than written instructions.", "style_strictness", "[A][B][C][D]"),
    Rule("narrow_task", "One narrow repetitive task", "fine_tuning", 2,
         lambda f: f.narrow,
         "The work is one narrow task repeated many times. A small model trained on labelled examples does "
         "such tasks quickly and consistently.", "task_shape", "[C][D]"),
    Rule("stable_facts", "Information is stable", "fine_tuning", 1,
         lambda f: f.stable,
         "Your information changes only {freq_words}, so a trained model would not go stale quickly.",
         "change_frequency", "[A][B]"),
    Rule("instant_replies", "Replies must be instant", "fine_tuning", 3,
         lambda f: f.instant,
         "Replies must be instant. Looking things up adds about 200-500 ms before the answer starts; a trained "
         "model can answer without that step.", "response_speed", "[B]"),
    Rule("high_volume_repetitive", "High volume of repetitive work", "fine_tuning", 2,
         lambda f: f.narrow and f.volume >= HIGH_VOLUME,
         "About {volume} questions a month on one repetitive task: at that volume a small trained model costs "
         "far less per question than a large general one.", "monthly_questions", "[A][D]"),
    Rule("very_high_volume_stable", "Very high volume on stable facts", "fine_tuning", 2,
         lambda f: f.stable and f.volume >= VERY_HIGH_VOLUME and not f.narrow,
         "About {volume} questions a month about stable facts. At that volume, building the common answers "
         "into a model can be faster and cheaper than looking them up every time.", "monthly_questions", "[A]"),
    Rule("enough_examples", "Enough good examples", "fine_tuning", 2,
         lambda f: f.examples >= EXAMPLES_THRESHOLD,
         "There are {example_words}; about {threshold} good examples is where training becomes workable.",
         "example_pairs", "[B][C][D]"),
    Rule("some_examples", "Hundreds of examples", "fine_tuning", 1,
         lambda f: SOME_EXAMPLES <= f.examples < EXAMPLES_THRESHOLD,
         "There are {example_words}, a good start; training usually needs {threshold} or more.",
         "example_pairs", "[B][C][D]"),
    Rule("ml_team", "A technical team", "fine_tuning", 1,
         lambda f: f.ml_capacity == "team",
         "You have a technical team who could train a model and keep it up to date.", "ml_capacity", "[B][D]"),
    Rule("can_invest", "Budget to invest", "fine_tuning", 1,
         lambda f: f.budget == "can_invest",
         "There is budget to invest when it pays back; a training run costs from a few hundred to several "
         "thousand dollars.", "budget", "[B][D]"),
    # --- neutral notes ------------------------------------------------------
    Rule("no_documents", "No documents yet", "neutral", 0,
         lambda f: f.pages == 0,
         "There are no documents in your library yet, so there is nothing to look things up in; upload your "
         "documents first.", "knowledge_pages"),
    Rule("unanswered_high", "Many questions found nothing", "neutral", 0,
         lambda f: f.unanswered_rate is not None and f.questions_30d >= UNANSWERED_MIN_QUESTIONS
         and f.unanswered_rate >= UNANSWERED_HIGH,
         "{unanswered_pct} of the {questions_30d} questions asked in the last 30 days found nothing in your "
         "documents. Adding the missing documents will help more than anything else right now.", None, "[A][C]"),
    Rule("self_hosted", "Keep it on your own computers", "neutral", 0,
         lambda f: f.data_sensitivity in ("internal", "regulated"),
         "Your material is {data_sensitivity}, so keep it on computers you control whichever way you go: a model "
         "running here (as Groundwork does) and, if you train one, a self-hosted open model.",
         "data_sensitivity", "[A][C]"),
    Rule("loose_style_contradiction", "Behaviour gap, flexible style", "neutral", 0,
         lambda f: f.behaviour_gap and f.style_strictness == "flexible" and not f.narrow,
         "You said the way it answers is what's missing, but also that the tone and format can be flexible. "
         "That is usually fixed with clear written instructions, not training.", "style_strictness", "[B][C][E]"),
    Rule("strict_style_no_gap", "Strict style, already right", "neutral", 0,
         lambda f: f.style_strictness == "strict" and not f.behaviour_gap,
         "Your style must be strict, but you said the way it answers is already fine; clear written "
         "instructions should keep it that way.", "style_strictness"),
    Rule("instant_vs_changing", "Instant replies vs changing facts", "neutral", 0,
         lambda f: f.instant and f.changing and not f.narrow,
         "Instant replies and information that changes {freq_words} pull in opposite directions: a trained "
         "model skips the look-up but goes stale. A smaller, faster model for look-ups is the safer first step.",
         "response_speed", "[B]"),
]
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

# ---------------------------------------------------------------------------
# Decision rules (data): ordered, first match sets the verdict
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    id: str
    verdict: str
    when: Callable[[Facts], bool]
    reason: str
    question_id: Optional[str] = None


DECISIONS: list[Decision] = [
    Decision("changing_facts_never", "rag_only",
             lambda f: f.case is None and f.changing,
             "What's missing is facts, and yours change {freq_words}. Changing facts are never a reason to train "
             "a model, however many examples there are{examples_even}: the training would be out of date at the "
             "next change.", "change_frequency"),
    Decision("nothing_to_train", "rag_only",
             lambda f: f.case is None,
             "Nothing you described is about the way it answers, a narrow task, instant replies or very high "
             "volume, so there is nothing a trained model would do better than looking things up.", "main_gap"),
    Decision("loose_style_leans_retrieval", "rag_only",
             lambda f: f.case == "style_loose" and f.push_ft < f.push_retrieval,
             "The way it answers matters to you, but the style is not strict and most signals point to looking "
             "things up; try clear written instructions first and revisit if answers still miss.",
             "style_strictness"),
    Decision("no_maintainer_no_budget", "rag_then_finetune",
             lambda f: f.ml_capacity == "none" and f.budget == "low_upfront",
             "Training could help with {behaviour}, but no one would look after a trained model and there is "
             "little budget, so it isn't worth doing now.", "ml_capacity"),
    Decision("too_few_examples", "rag_then_finetune",
             lambda f: not f.enough_examples,
             "Training could help with {behaviour}, but there are only {example_words}; it usually needs "
             "{threshold} or more.", "example_pairs"),
    Decision("no_maintainer", "rag_then_finetune",
             lambda f: not f.maintainer,
             "Training could help with {behaviour} and there are enough examples, but no one would look after "
             "the trained model yet.", "ml_capacity"),
    Decision("loose_style_try_instructions", "rag_then_finetune",
             lambda f: f.case == "style_loose",
             "You have the examples and the people, but the style is not strict; written instructions are cheaper "
             "to try first, and training is the next step if they fall short.", "style_strictness"),
    Decision("narrow_stable_task", "finetune_first",
             lambda f: f.case in ("narrow_task", "instant") and f.stable and f.needs_citations != "must",
             "This is {behaviour} on stable information with {example_words} and someone to maintain it: a small "
             "trained model is the right first tool, and looking things up adds little.", "task_shape"),
    Decision("both_now", "rag_plus_finetune",
             lambda f: True,
             "Training pays off here for {behaviour} ({example_words}, and someone to maintain it), while your "
             "facts are still best looked up so answers stay current and can show their source.", "main_gap"),
]
DECISION_BY_ID: dict[str, Decision] = {d.id: d for d in DECISIONS}

# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


@dataclass
class Reason:
    text: str
    direction: str
    weight: int
    question_id: Optional[str]
    origin: str          # "answered" | "measured" | "default"
    rule_id: str = ""
    basis: str = ""      # what it rests on, in plain words
    sources: str = ""

    @property
    def full_text(self) -> str:
        if self.origin == "answered" or not self.basis:
            return self.text
        return f"{self.text} ({self.basis})"

    def as_dict(self) -> dict:
        return {"text": self.text, "direction": self.direction, "weight": self.weight,
                "question_id": self.question_id, "origin": self.origin, "rule": self.rule_id,
                "basis": self.basis, "sources": self.sources}


@dataclass
class Advice:
    verdict: str
    headline: str
    long_context_ok: bool
    long_context: str
    decision: Reason
    reasons: list[Reason]
    push: dict
    next_steps: list[str]
    condition: Optional[str]
    behaviour: Optional[str]
    cost_table: list[dict]
    checklist: list[dict]
    answers: dict[str, ResolvedAnswer]
    facts: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=lambda: dict(SOURCES))

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def fine_tuning_recommended(self) -> bool:
        """True when fine-tuning is recommended now or later (offer the training-data export)."""
        return self.verdict != "rag_only"

    def chart_rows(self) -> list[dict]:
        """One row per rule that pushed: {"factor", "retrieval", "fine_tuning"} (for a bar chart)."""
        return [
            {"factor": c["label"], "retrieval": c["weight"] if c["direction"] == "retrieval" else 0,
             "fine_tuning": c["weight"] if c["direction"] == "fine_tuning" else 0}
            for c in self.push["rules"]
        ]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "long_context_ok": self.long_context_ok,
            "reasons": [self.decision.full_text] + [r.full_text for r in self.reasons],
            "next_steps": list(self.next_steps),
            "headline": self.headline,
            "condition": self.condition,
            "behaviour": self.behaviour,
            "long_context": self.long_context,
            "decision": self.decision.as_dict(),
            "reason_details": [r.as_dict() for r in self.reasons],
            "push": self.push,
            "checklist": self.checklist,
            "cost_table": self.cost_table,
            "sources": self.sources,
            "facts": self.facts,
            "answers": {k: v.as_dict() for k, v in self.answers.items()},
        }


def _money(x: float) -> str:
    if x >= 100:
        return f"${x:,.0f}"
    if x >= 1:
        return f"${x:,.2f}"
    if x >= 0.01:
        return f"${x:.2f}"
    if x >= 0.001:
        return f"${x:.3f}"
    return f"${x:.4f}"


def _facts(resolved: dict[str, ResolvedAnswer], measured: dict) -> Facts:
    a = {k: v.value for k, v in resolved.items()}
    pages = a["knowledge_pages"]
    tok_m = measured.get("tokens_estimate")
    pages_m = measured.get("knowledge_pages")
    tokens_measured = False
    if tok_m is not None and resolved["knowledge_pages"].origin == "measured":
        tokens, tokens_measured = int(tok_m.value), True
    elif tok_m is not None and pages_m is not None and pages_m.value:
        tokens = int(pages * tok_m.value / pages_m.value)  # the library's own tokens per page
    else:
        tokens = pages * TOKENS_PER_PAGE
    rate_m = measured.get("unanswered_rate")
    asked_m = measured.get("monthly_questions")
    return Facts(
        a=a, tokens=tokens, tokens_measured=tokens_measured,
        unanswered_rate=float(rate_m.value) if rate_m is not None else None,
        unanswered_basis=rate_m.label if rate_m is not None else "",
        questions_30d=int(asked_m.value) if asked_m is not None else 0,
    )


def _reason_for(text: str, direction: str, weight: int, qid: Optional[str], resolved, f: Facts,
                rule_id: str, sources: str = "") -> Reason:
    if qid is None:
        return Reason(text, direction, weight, None, "measured", rule_id, f.unanswered_basis, sources)
    r = resolved[qid]
    basis = {"answered": r.basis, "measured": r.basis,
             "default": f"assumed: “{QUESTION_BY_ID[qid].label_for(r.value)}”, as this wasn't answered"}[r.origin]
    return Reason(text, direction, weight, qid, r.origin, rule_id, basis, sources)


def _headline(verdict: str, f: Facts, condition: Optional[str]) -> str:
    behaviour = CASES.get(f.case, ("", ""))[0]
    if verdict == "rag_only":
        return ("Looking things up in your documents (retrieval, RAG) is the right fit; training a model of "
                "your own is not worth it now.")
    if verdict == "rag_then_finetune":
        return (f"Start by looking things up in your documents (retrieval, RAG); training a model for {behaviour} "
                f"becomes worth it {condition}.")
    if verdict == "rag_plus_finetune":
        return (f"Use both now: look facts up in your documents (retrieval, RAG) and train a model for "
                f"{behaviour}.")
    return (f"Train a small model for {behaviour} first; it is a narrow, stable job where looking things up "
            f"(retrieval, RAG) adds little.")


def _condition(f: Facts) -> str:
    parts = []
    if not f.enough_examples:
        short = CASES[f.case][1]
        parts.append(f"you have {EXAMPLES_THRESHOLD:,} approved examples of {short} (you have {f.examples:,})")
    if not f.maintainer:
        who = "someone, on staff or hired, can look after a trained model"
        if f.budget == "low_upfront":
            who += " and there is some budget for it"
        parts.append(who)
    if not parts:  # loose style with everything in place
        return ("written instructions about the way it answers still fall short after a few weeks "
                f"(your {f.examples:,} approved examples are ready to train on)")
    return "once " + " and ".join(parts)


def _long_context_note(f: Facts) -> str:
    if f.pages == 0:
        return "There are no documents yet, so there is nothing to hand the model."
    per_q = f.tokens * PRICE_INPUT_PER_M / 1_000_000
    lookup_q = LOOKUP_PROMPT_TOKENS * PRICE_INPUT_PER_M / 1_000_000
    how = "estimated from your library" if f.tokens_measured else f"estimated at about {TOKENS_PER_PAGE} per page"
    monthly = f" At {f.volume:,} questions a month that is about {_money(per_q * f.volume)} a month." if f.volume else ""
    if f.long_context_ok:
        return (f"Your material is small enough, about {f.tokens:,} tokens (word pieces, {how}), to hand the model all of it "
                f"with every question instead of looking things up. Estimate: {f.tokens:,} tokens x "
                f"${PRICE_INPUT_PER_M} per million input tokens on a low-cost online model [A] is about "
                f"{_money(per_q)} per question, against about {_money(lookup_q)} for a looked-up answer that reads "
                f"about {LOOKUP_PROMPT_TOKENS:,} tokens.{monthly} It is slower, and it stops working well past a few "
                f"hundred pages [A][B]; on this computer the cost is time, since the local model reads all of it "
                f"every time. Good for a quick trial.")
    return (f"Handing the model everything with each question would not work well: about {f.tokens:,} tokens "
            f"({how}) is beyond roughly {LARGE_TOKENS // 1000}K [B]. Estimate: about {_money(per_q)} per question "
            f"at ${PRICE_INPUT_PER_M} per million input tokens [A], and slow.")


def _cost_table(f: Facts, verdict: str) -> list[dict]:
    est = "industry estimate"
    calc = "calculated from your answers"
    rows = [
        {"item": "Time to a first working version",
         "estimate": "Looking things up: days to weeks. Fine-tuning: weeks to months.", "source": "[D]", "kind": est},
        {"item": "Running a basic hosted look-up (RAG) system",
         "estimate": "About $500 a month (Groundwork runs on your own computer instead)", "source": "[B]", "kind": est},
        {"item": "One fine-tuning run through an online provider",
         "estimate": "About $2,000-10,000 per run, and teams usually need several runs", "source": "[B]", "kind": est},
        {"item": "Fine-tuning a small (7B) open model yourself",
         "estimate": "A few hundred dollars; fits on one 24 GB consumer graphics card (e.g. RTX 4090) with QLoRA",
         "source": "[D][B]", "kind": est},
        {"item": "Cost per question",
         "estimate": f"About {_money(COST_FINETUNED_PER_Q)} with a fine-tuned small open model, about "
                     f"{_money(COST_LARGE_API_PER_Q)} with a large online model",
         "source": "[D]", "kind": est},
    ]
    if f.volume:
        rows.append({"item": f"At your {f.volume:,} questions a month",
                     "estimate": f"About {_money(f.volume * COST_FINETUNED_PER_Q)} a month with a fine-tuned small "
                                 f"model vs about {_money(f.volume * COST_LARGE_API_PER_Q)} with a large online model",
                     "source": "[D]", "kind": calc})
    rows += [
        {"item": "A low-cost online model for everyday look-ups",
         "estimate": f"${PRICE_INPUT_PER_M} per million tokens read, ${PRICE_OUTPUT_PER_M} per million written",
         "source": "[A]", "kind": est},
        {"item": "Delay added by looking things up",
         "estimate": "About 200-500 ms per question before the answer starts", "source": "[B]", "kind": est},
        {"item": "Doing both (retrieval and fine-tuning)",
         "estimate": "Roughly 1.6-1.8x the engineering work of either one alone", "source": "[C]", "kind": est},
        {"item": "Good examples needed to fine-tune",
         "estimate": f"{EXAMPLES_THRESHOLD:,} or more; hundreds to thousands (you have {f.examples:,})",
         "source": "[D][B][C]", "kind": est},
    ]
    if f.pages:
        per_q = f.tokens * PRICE_INPUT_PER_M / 1_000_000
        rows.append({"item": "Handing the model all your material each time",
                     "estimate": f"About {_money(per_q)} per question ({f.tokens:,} tokens x ${PRICE_INPUT_PER_M} "
                                 f"per million)", "source": "[A]", "kind": calc})
    return rows


def _checklist(f: Facts, resolved) -> list[dict]:
    pages_basis = resolved["knowledge_pages"].basis
    items = [
        {"item": "Documents in the library", "ok": f.pages > 0,
         "detail": (f"{f.pages:,} pages" + (f" ({pages_basis})" if resolved['knowledge_pages'].origin != 'answered' else ""))
         if f.pages else "No documents yet; upload them on the Documents page."},
    ]
    if f.unanswered_rate is not None:
        ok = not (f.questions_30d >= UNANSWERED_MIN_QUESTIONS and f.unanswered_rate >= UNANSWERED_HIGH)
        items.append({"item": "Questions find an answer in your documents", "ok": ok,
                      "detail": f"{f.unanswered_rate:.0%} of {f.questions_30d:,} recent questions found nothing; "
                                + ("fine." if ok else "add the documents that would answer them.")})
    items += [
        {"item": "Enough approved examples to train on", "ok": f.enough_examples,
         "detail": f"{_plural(f.examples, 'approved example')}; fine-tuning usually needs {EXAMPLES_THRESHOLD:,} or more [D]."},
        {"item": "Someone to look after a trained model", "ok": f.maintainer,
         "detail": {"none": "No one yet; retraining is needed whenever products or style change.",
                    "some": "Someone technical, part-time.", "team": "A technical team."}[f.ml_capacity]},
        {"item": "Budget for training", "ok": f.budget == "can_invest" or f.maintainer,
         "detail": "You can invest when it pays back; a training run costs from a few hundred dollars (a small open "
                   "model [D]) to $2,000-10,000 (an online provider [B])." if f.budget == "can_invest"
         else "Little up front, but training a small open model on your own hardware costs a few hundred dollars "
              "per run [D]." if f.maintainer
         else "Little up front and no one in-house; paying an online provider costs about $2,000-10,000 per "
              "training run [B]."},
        {"item": "Information stable enough to train on", "ok": f.stable or not f.changing,
         "detail": f"It changes {FREQ_WORDS[f.change_frequency]}"
                   + ("; keep facts in documents and train only the way it answers." if f.changing else ".")},
        {"item": "A clear behaviour to train for", "ok": f.case is not None and f.case != "style_loose",
         "detail": (CASES[f.case][0][0].upper() + CASES[f.case][0][1:] + ".") if f.case
         else "None yet: the gap is facts, which looking things up handles."},
    ]
    return items


def _next_steps(verdict: str, f: Facts, condition: Optional[str]) -> list[str]:
    steps: list[str] = []
    if f.pages == 0:
        steps.append("Upload your documents on the Documents page; everything else builds on them.")
    if (f.unanswered_rate is not None and f.questions_30d >= UNANSWERED_MIN_QUESTIONS
            and f.unanswered_rate >= UNANSWERED_HIGH):
        steps.append(f"Look at the questions that found nothing ({f.unanswered_rate:.0%} recently) and add the "
                     "documents that would answer them, before anything else.")
    behaviour = CASES.get(f.case, ("", ""))[0]
    if verdict == "rag_only":
        steps += [
            "Keep asking questions in Groundwork; it looks answers up in your documents and shows the page.",
            "When a document changes, upload the new version so answers stay current.",
            "Try 20-30 real questions on the Find in my documents page and check that the right page comes up "
            "first; good look-ups come before good answers [A][C].",
            "Give good answers a thumbs up; they build a set of examples in case training becomes worth it later.",
        ]
        if f.case == "style_loose" or f.behaviour_gap:
            steps.append("Write down how answers should sound and look, and try that as instructions first.")
    elif verdict == "rag_then_finetune":
        steps += [
            "Start now with looking things up in your documents; it works within days.",
            f"Write down the rules for {behaviour} and try them as instructions in the meantime.",
            "Give good answers a thumbs up (with their sources); each one is a training example.",
            f"Come back to this advice {condition}.",
        ]
    elif verdict == "rag_plus_finetune":
        steps += [
            "Keep looking facts up in your documents, so answers stay current and show their source.",
            f"Export your approved answers as training data and train a small open model for {behaviour} "
            "(one 24 GB graphics card is enough with QLoRA [B]), or have your technical person do it.",
            "Compare the trained model with the current answers on the held-out examples before switching over.",
            "Plan for retraining when your style or products change; doing both costs roughly 1.6-1.8x the work "
            "of one approach [C].",
        ]
    else:
        steps += [
            f"Export your labelled examples and train a small model for {behaviour}.",
            "Test it on the held-out examples and have a person check a sample of its work every week.",
            "Retrain when the categories or the format change; keep looking things up for questions outside "
            "this task.",
        ]
    if f.data_sensitivity == "regulated" and verdict != "rag_only":
        steps.append("Train and run an open model on your own computers; don't send regulated data to an online "
                     "training service.")
    elif f.data_sensitivity == "regulated":
        steps.append("Keep everything on your own computers, as Groundwork does; remove documents that hold "
                     "personal data no one should ask about.")
    if f.long_context_ok:
        steps.append("For a quick trial, a model with a long memory could also read all of your material at "
                     "once (see the estimate above).")
    return steps


def advise(answers: Optional[dict], measured: Optional[dict] = None) -> Advice:
    """The verdict, its reasons and everything to show or download, from answers and measured facts."""
    measured = measured or {}
    resolved = resolve(answers, measured)
    f = _facts(resolved, measured)
    f.case = _case(f)

    reasons: list[Reason] = []
    contributions: list[dict] = []
    ctx = f.context()
    for rule in RULES:
        if not rule.when(f):
            continue
        text = rule.reason.format(**ctx)
        reasons.append(_reason_for(text, rule.direction, rule.weight, rule.question_id, resolved, f, rule.id,
                                   rule.sources))
        if rule.direction != "neutral":
            contributions.append({"rule": rule.id, "label": rule.label, "direction": rule.direction,
                                  "weight": rule.weight, "question_id": rule.question_id})
    f.push_retrieval = sum(c["weight"] for c in contributions if c["direction"] == "retrieval")
    f.push_ft = sum(c["weight"] for c in contributions if c["direction"] == "fine_tuning")

    decision = next(d for d in DECISIONS if d.when(f))
    verdict = decision.verdict
    ctx = f.context()
    decision_reason = _reason_for(decision.reason.format(**ctx), "neutral", 0, decision.question_id, resolved, f,
                                  decision.id)
    condition = _condition(f) if verdict == "rag_then_finetune" else None

    # strongest first, then fine-tuning/retrieval before notes; stable order within
    order = {"retrieval": 0, "fine_tuning": 0, "neutral": 1}
    reasons.sort(key=lambda r: (order[r.direction], -r.weight))

    push = {"retrieval": f.push_retrieval, "fine_tuning": f.push_ft, "rules": contributions}
    facts = {"tokens_estimate": f"{f.tokens:,}"}
    for key in ("documents", "unanswered_rate", "tokens_estimate"):
        if key in measured:
            facts[key + "_basis"] = measured[key].label
    return Advice(
        verdict=verdict,
        headline=_headline(verdict, f, condition),
        long_context_ok=f.long_context_ok,
        long_context=_long_context_note(f),
        decision=decision_reason,
        reasons=reasons,
        push=push,
        next_steps=_next_steps(verdict, f, condition),
        condition=condition,
        behaviour=CASES[f.case][0] if f.case and verdict != "rag_only" else None,
        cost_table=_cost_table(f, verdict),
        checklist=_checklist(f, resolved),
        answers=resolved,
        facts=facts,
    )


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

_ARROW = {"retrieval": "Toward looking things up", "fine_tuning": "Toward fine-tuning", "neutral": "Note"}


def _md(text: Any) -> str:
    """Text safe inside Markdown: no raw HTML, no table breaks."""
    s = str(text if text is not None else "")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("|", "\\|").replace("\n", " ")


def _answer_rows(advice: Advice) -> list[tuple[str, str, str]]:
    rows = []
    for q in QUESTIONS:
        r = advice.answers[q.id]
        where = {"answered": "you answered", "measured": r.basis, "default": r.basis}[r.origin]
        rows.append((q.prompt, q.label_for(r.value), where))
    return rows


def report_markdown(advice: Advice) -> str:
    """The whole result as a Markdown document (all text escaped)."""
    out = [
        "# Groundwork advice: retrieval or fine-tuning?",
        "",
        f"**Verdict: {_md(advice.verdict_label)}** (`{advice.verdict}`)",
        "",
        _md(advice.headline),
        "",
    ]
    if advice.condition:
        out += [f"**When to revisit:** {_md(advice.condition)}", ""]
    out += ["## Why", "", f"- **Decision:** {_md(advice.decision.full_text)}"]
    for r in advice.reasons:
        weight = f" (weight {r.weight})" if r.weight else ""
        out.append(f"- **{_ARROW[r.direction]}**{weight}: {_md(r.full_text)} {_md(r.sources)}".rstrip())
    out += ["", "## What pushed which way", "",
            f"Toward looking things up: **{advice.push['retrieval']}**; toward fine-tuning: "
            f"**{advice.push['fine_tuning']}**.", "",
            "| Factor | Looking things up | Fine-tuning |", "|---|---:|---:|"]
    for row in advice.chart_rows():
        out.append(f"| {_md(row['factor'])} | {row['retrieval'] or ''} | {row['fine_tuning'] or ''} |")
    out += ["", "## Handing the model everything", "",
            f"{'Would also work' if advice.long_context_ok else 'Not a good fit'}: {_md(advice.long_context)}", "",
            "## Next steps", ""]
    out += [f"{i}. {_md(s)}" for i, s in enumerate(advice.next_steps, 1)]
    out += ["", "## Readiness checklist", ""]
    out += [f"- [{'x' if c['ok'] else ' '}] **{_md(c['item'])}**: {_md(c['detail'])}" for c in advice.checklist]
    out += ["", "## Rough effort and cost", "",
            "Industry figures are estimates reported by the sources below, not quotes.", "",
            "| Item | Estimate | Kind | Source |", "|---|---|---|---|"]
    out += [f"| {_md(r['item'])} | {_md(r['estimate'])} | {_md(r['kind'])} | {_md(r['source'])} |"
            for r in advice.cost_table]
    out += ["", "## Your answers", "", "| Question | Answer | Where it came from |", "|---|---|---|"]
    out += [f"| {_md(q)} | {_md(a)} | {_md(w)} |" for q, a, w in _answer_rows(advice)]
    out += ["", "## Sources", ""]
    out += [f"- [{k}] {_md(v)}" for k, v in advice.sources.items()]
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:52rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
.verdict{background:#eef6ff;border-left:4px solid #0969da;padding:.8rem 1rem;margin:1rem 0}
.verdict strong{font-size:1.1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}
.bar{display:inline-block;height:.8rem;vertical-align:middle}.r{background:#0969da}.f{background:#bf8700}
.chart td{border:none;padding:.15rem .4rem}.chart .lbl{width:40%}
.dir{font-size:.8rem;color:#57606a;text-transform:uppercase;letter-spacing:.03em}
.ok{color:#1a7f37}.no{color:#cf222e}.small{font-size:.85rem;color:#57606a}
@media print{body{margin:0;max-width:none;font-size:11pt}.verdict{border:1px solid #0969da}
h2{break-after:avoid}tr,li{break-inside:avoid}.bar{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def report_html(advice: Advice) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, no external resources, all text escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Groundwork advice: retrieval or fine-tuning?</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Groundwork advice: retrieval or fine-tuning?</h1>",
        f'<div class="verdict"><strong>{e(advice.verdict_label)}</strong> <span class="small">({e(advice.verdict)})'
        f"</span><p>{e(advice.headline)}</p>",
    ]
    if advice.condition:
        parts.append(f"<p><strong>When to revisit:</strong> {e(advice.condition)}</p>")
    parts.append("</div>")
    parts += ["<h2>Why</h2><ul>", f"<li><strong>Decision:</strong> {e(advice.decision.full_text)}</li>"]
    for r in advice.reasons:
        weight = f" &middot; weight {r.weight}" if r.weight else ""
        parts.append(f'<li><span class="dir">{e(_ARROW[r.direction])}{weight}</span><br>'
                     f"{e(r.full_text)} <span class=\"small\">{e(r.sources)}</span></li>")
    parts.append("</ul>")
    top = max([c["weight"] for c in advice.push["rules"]] + [1])
    parts += ["<h2>What pushed which way</h2>",
              f"<p>Toward looking things up: <strong>{advice.push['retrieval']}</strong>; toward fine-tuning: "
              f"<strong>{advice.push['fine_tuning']}</strong>.</p>", '<table class="chart">']
    for row in advice.chart_rows():
        w_r = int(row["retrieval"] * 100 / top) if row["retrieval"] else 0
        w_f = int(row["fine_tuning"] * 100 / top) if row["fine_tuning"] else 0
        bar = (f'<span class="bar r" style="width:{w_r}px"></span> {row["retrieval"]} looking things up' if w_r
               else f'<span class="bar f" style="width:{w_f}px"></span> {row["fine_tuning"]} fine-tuning')
        parts.append(f'<tr><td class="lbl">{e(row["factor"])}</td><td>{bar}</td></tr>')
    parts.append("</table>")
    parts += ["<h2>Handing the model everything</h2>",
              f"<p><strong>{'Would also work' if advice.long_context_ok else 'Not a good fit'}:</strong> "
              f"{e(advice.long_context)}</p>",
              "<h2>Next steps</h2><ol>"] + [f"<li>{e(s)}</li>" for s in advice.next_steps] + ["</ol>"]
    parts.append("<h2>Readiness checklist</h2><ul>")
    for c in advice.checklist:
        mark = '<span class="ok">&#10003;</span>' if c["ok"] else '<span class="no">&#10007;</span>'
        parts.append(f"<li>{mark} <strong>{e(c['item'])}</strong>: {e(c['detail'])}</li>")
    parts.append("</ul>")
    parts += ["<h2>Rough effort and cost</h2>",
              "<p class=\"small\">Industry figures are estimates reported by the sources below, not quotes.</p>",
              "<table><tr><th>Item</th><th>Estimate</th><th>Kind</th><th>Source</th></tr>"]
    parts += [f"<tr><td>{e(r['item'])}</td><td>{e(r['estimate'])}</td><td>{e(r['kind'])}</td><td>{e(r['source'])}</td></tr>"
              for r in advice.cost_table]
    parts.append("</table>")
    parts += ["<h2>Your answers</h2>", "<table><tr><th>Question</th><th>Answer</th><th>Where it came from</th></tr>"]
    parts += [f"<tr><td>{e(q)}</td><td>{e(a)}</td><td>{e(w)}</td></tr>" for q, a, w in _answer_rows(advice)]
    parts.append("</table>")
    parts += ["<h2>Sources</h2><ul class=\"small\">"]
    parts += [f"<li>[{e(k)}] {e(v)}</li>" for k, v in advice.sources.items()]
    parts += ["</ul>", "</body></html>"]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------
# Training-data export
# ---------------------------------------------------------------------------

DEFAULT_SYSTEM_PROMPT = (
    "You answer questions for this business using only the numbered passages provided. "
    "Cite the passages you use like [1]. If the passages do not contain the answer, say so plainly."
)


@dataclass
class TrainingExport:
    train_jsonl: str
    eval_jsonl: str
    train_count: int
    eval_count: int
    total: int
    threshold: int = EXAMPLES_THRESHOLD
    summary: str = ""
    skipped: int = 0

    @property
    def enough(self) -> bool:
        return self.total >= self.threshold


def _norm_question(q: str) -> str:
    return re.sub(r"\s+", " ", q.strip().lower())


def _bucket(question: str) -> float:
    """A stable number in [0, 1) from the question text (same question, same side of the split)."""
    digest = hashlib.sha256(_norm_question(question).encode("utf-8")).hexdigest()
    return int(digest[:12], 16) / float(16 ** 12)


def _user_turn(question: str, citations: list[dict]) -> str:
    from core.render import place_label

    lines = ["Passages:"]
    for i, c in enumerate(citations or [], 1):
        n = c.get("n", i)
        where = place_label(c.get("page"), c.get("page_end"), c.get("section"))
        lines.append(f"[{n}] {c.get('file', 'document')}, {where}:")
        lines.append(str(c.get("text", "")).strip())
        lines.append("")
    if len(lines) == 1:
        lines.append("(none)")
        lines.append("")
    lines.append(f"Question: {question.strip()}")
    return "\n".join(lines)


def export_training_data(examples: list[dict], system_prompt: Optional[str] = None,
                         eval_fraction: float = 0.15) -> TrainingExport:
    """Approved answers as chat-format JSONL, split into training and held-out evaluation sets.

    Each line is ``{"messages": [system, user, assistant]}``; the user turn holds the
    cited passages and the question, the assistant turn the approved answer. The split
    is by a hash of the (normalised) question, so it never changes between exports and an
    example never moves from one side to the other as the set grows. If the hash puts
    nothing aside and there are at least 5 examples, the one with the lowest hash is held
    out so there is always something to check against. Examples with no question or
    answer, and exact repeats, are skipped.
    """
    if not 0 < eval_fraction < 1:
        raise UsageError("The held-out share must be between 0 and 1, for example 0.15.")
    system = (system_prompt or DEFAULT_SYSTEM_PROMPT).strip()
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[float, str]] = []
    skipped = 0
    for ex in examples or []:
        question = str((ex or {}).get("question") or "").strip()
        answer = str((ex or {}).get("answer") or "").strip()
        key = (_norm_question(question), answer)
        if not question or not answer or key in seen:
            skipped += 1
            continue
        seen.add(key)
        record = {"messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": _user_turn(question, ex.get("citations") or [])},
            {"role": "assistant", "content": answer},
        ]}
        rows.append((_bucket(question), json.dumps(record, ensure_ascii=False)))
    held = [b < eval_fraction for b, _ in rows]
    if rows and not any(held) and len(rows) >= 5:
        held[min(range(len(rows)), key=lambda i: rows[i][0])] = True
    train = [line for (b, line), h in zip(rows, held) if not h]
    evals = [line for (b, line), h in zip(rows, held) if h]
    total = len(rows)
    if total >= EXAMPLES_THRESHOLD:
        tail = f"that is enough to start; fine-tuning usually needs {EXAMPLES_THRESHOLD:,} or more [D]."
    else:
        tail = (f"fine-tuning usually needs {EXAMPLES_THRESHOLD:,} or more [D], so keep approving good answers "
                f"({EXAMPLES_THRESHOLD - total:,} to go).")
    summary = (f"{_plural(total, 'approved example')} exported: {len(train):,} for training and {len(evals):,} "
               f"held out to check the result; {tail}")
    return TrainingExport(
        train_jsonl="".join(line + "\n" for line in train),
        eval_jsonl="".join(line + "\n" for line in evals),
        train_count=len(train), eval_count=len(evals), total=total, summary=summary, skipped=skipped,
    )
