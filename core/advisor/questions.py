"""The questionnaire, as data. Question ids and choice values are a contract (the CLI's input)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    why: str
    kind: str                                   # "choice" | "int"
    options: tuple[tuple[str, str], ...] = ()   # (value, label) for choices
    default: Any = None
    measured: bool = False                      # prefilled from what Groundwork measured
    help: str = ""
    unit: str = ""
    related: str = ""                           # a measured fact shown beside it (counted apart)

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
    "example_pairs": Default(0, "most businesses haven't collected examples of their own yet"),
    "response_speed": Default("seconds_ok", "a reply within a few seconds is fine for most people"),
    "monthly_questions": Default(0, "no questions have been counted yet"),
    "data_sensitivity": Default("internal", "company documents are usually for internal use"),
    "launch_timeline": Default("weeks", "most owners want something working soon"),
    "ml_capacity": Default("none", "we do not assume anyone can look after a trained model"),
    "budget": Default("low_upfront", "we do not assume money for training is set aside"),
}


def _q(qid: str, prompt: str, why: str, kind: str, options=(), **extra) -> Question:
    return Question(qid, prompt, why, kind, options, DEFAULTS[qid].value, **extra)


QUESTIONS: list[Question] = [
    _q("change_frequency", "How often does the information the assistant needs change?",
       "A trained model only knows what it was trained on; information that changes often is better read fresh "
       "from your documents.", "choice",
       (("daily", "Every day"), ("weekly", "Every week"), ("monthly", "Every month or so"),
        ("quarterly", "A few times a year"), ("rarely", "Rarely")),
       help="Think of prices, policies, stock, opening hours, rules."),
    _q("needs_citations", "Do people need to see where an answer came from?",
       "Looking things up can show the exact page behind each answer; a trained model cannot say where it "
       "learned something.", "choice",
       (("must", "Yes, always (for example for audits, legal or health)"),
        ("nice", "It helps, but it isn't required"), ("no", "No"))),
    _q("knowledge_pages", "How much material is there?",
       "A small amount can be handed to the model whole; a lot needs looking up.", "int",
       measured=True, unit="pages"),
    _q("main_gap", "What is missing when a general AI answers today: facts about the business, the way it "
       "answers (tone, format, judgement), or both?",
       "Missing facts are fixed by looking things up; the way it answers is what training changes.", "choice",
       (("knowledge", "Facts about the business"), ("behaviour", "The way it answers (tone, format, judgement)"),
        ("both", "Both"))),
    _q("style_strictness", "How strict must the tone or format be?",
       "A strict house style every single time is the clearest reason to train a model.", "choice",
       (("flexible", "Flexible: clear and polite is enough"), ("preferred", "We have a preferred style"),
        ("strict", "Strict: it must follow our style or format every time"))),
    _q("task_shape", "Open questions about many topics, replies to customers written in one tone, or one narrow "
       "repetitive task (sorting tickets, tagging documents, filling a template)?",
       "A narrow task done the same way thousands of times is where a small trained model shines.", "choice",
       (("open_questions", "Open questions about many topics"),
        ("replies", "Replies to customers (emails, messages) in our own tone every time"),
        ("narrow_repetitive", "One narrow, repetitive task"))),
    _q("example_pairs", "How many good examples of the work done right do you already have, such as replies you "
       "wrote or sorted tickets?",
       "Training a model needs hundreds to thousands of good examples; 500 is a common minimum.", "int",
       unit="examples", related="approved_answers",
       help="Don't count answers you approved in Groundwork's chat or the past replies you "
            "imported into Groundwork: those are counted for you, separately."),
    _q("response_speed", "Is a few seconds fine, or must replies be instant (under a fifth of a second)?",
       "Looking things up adds a short wait before the answer starts, and reading everything adds a long one; "
       "only a trained model can skip both.", "choice",
       (("seconds_ok", "A few seconds is fine"), ("instant", "Instant (under a fifth of a second)"))),
    _q("monthly_questions", "How many questions a month, now or expected?",
       "At high volume a trained model can be cheaper per question, and reading everything every time gets "
       "slow and costly.", "int", measured=True, unit="questions a month"),
    _q("data_sensitivity", "How sensitive is the material?",
       "Sensitive material should stay on computers you control, whichever way you go.", "choice",
       (("public", "Public"), ("internal", "Internal"),
        ("regulated", "Regulated (personal, health, financial or legal data)"))),
    _q("launch_timeline", "When must it work?",
       "Looking things up can work within days; training takes weeks to months.", "choice",
       (("weeks", "Within weeks"), ("months", "In a few months"))),
    _q("ml_capacity", "Who would maintain a trained model?",
       "A trained model needs retraining whenever your products or style change; someone has to do it.", "choice",
       (("none", "No one"), ("some", "Someone technical, part-time"), ("team", "A technical team"))),
    _q("budget", "What shape is the budget?",
       "Training costs from a few hundred to several thousand dollars per run, before upkeep.", "choice",
       (("low_upfront", "Low: little to spend up front"), ("can_invest", "We can invest when it pays back"))),
]
QUESTION_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}
