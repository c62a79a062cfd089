"""The advisor's rules, as data.

Score rules (``RULES``): each is a predicate over ``Facts``, a direction ("retrieval",
"fine_tuning" or "neutral"), a weight (1 = a nudge, 2 = a clear reason, 3 = close to
decisive) and a plain reason. Fired rules become the reasons and the chart.

Decision rules (``DECISIONS``): ordered; the first whose predicate holds sets the verdict.
They encode the hard constraints: training needs something to train *for* (a narrow task,
a strict style, instant replies on stable facts, or stable facts at very high volume);
changing facts are never such a reason; a loose style means "try written instructions
first" unless the owner's answer style has been tried and answers are still disliked;
too few examples or no one to look after a model mean "not now".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from core.advisor import figures as fig
from core.advisor.facts import FAST, Facts

VERDICTS = ("rag_only", "rag_then_finetune", "rag_plus_finetune", "finetune_first")
VERDICT_LABELS = {
    "rag_only": "Look things up in your documents; no training needed",
    "rag_then_finetune": "Look things up now; train a model of your own later",
    "rag_plus_finetune": "Look things up and train a model of your own, both now",
    "finetune_first": "Train a small model of your own first",
}


@dataclass(frozen=True)
class Rule:
    id: str
    label: str                         # short, for the chart
    direction: str                     # "retrieval" | "fine_tuning" | "neutral"
    weight: int                        # 0 for neutral notes
    when: Callable[[Facts], bool]
    reason: str                        # template over Facts.context()
    question_id: Optional[str] = None  # the answer it rests on
    sources: str = ""                  # source letters, e.g. "[A][B]"
    facts: tuple[str, ...] = ()        # measured facts it also rests on


R = Rule
RULES: list[Rule] = [
    # --- toward looking things up ------------------------------------------------------
    R("facts_change_fast", "Information changes often", "retrieval", 3, lambda f: f.change_frequency in FAST,
      "Your information changes {freq_words}. A trained model would be out of date within days, while looking "
      "things up always reads the latest file.", "change_frequency", "[A][B][D]"),
    R("facts_change_monthly", "Information changes monthly", "retrieval", 1, lambda f: f.change_frequency == "monthly",
      "Your information changes about once a month. Each change would mean training a model again; with look-ups "
      "you just replace the file.", "change_frequency", "[A][B][D]"),
    R("citations_required", "Sources must be shown", "retrieval", 3, lambda f: f.needs_citations == "must",
      "People must see where each answer came from. Looking things up points to the exact page; a trained model "
      "cannot say where it learned something.", "needs_citations", "[A][B][C][D]"),
    R("citations_helpful", "Sources help", "retrieval", 1, lambda f: f.needs_citations == "nice",
      "Seeing the source page helps people trust an answer, and only looking things up can show it.",
      "needs_citations", "[A][C]"),
    R("large_material", "A lot of material", "retrieval", 2, lambda f: f.tokens > fig.LARGE_TOKENS,
      "You have {page_words} of material, more than a model can sensibly read for every question (roughly "
      "{tokens} word pieces, called tokens, beyond about {large_tokens}). Looking things up picks the few pages each question needs.",
      "knowledge_pages", "[A][B]"),
    R("facts_missing", "Facts are what's missing", "retrieval", 2, lambda f: f.main_gap in ("knowledge", "both"),
      "What a general AI lacks today is facts about your business, and facts are best looked up in your own "
      "documents rather than trained in.", "main_gap", "[A][B][C][D][E]"),
    R("launch_soon", "Needed within weeks", "retrieval", 1, lambda f: f.launch_timeline == "weeks",
      "You need it working within weeks. Looking things up can run within days; training a model takes weeks to "
      "months.", "launch_timeline", "[B][D]"),
    R("few_examples", "Few good examples yet", "retrieval", 1, lambda f: f.examples < fig.SOME_EXAMPLES,
      "There are {example_words} so far. Training needs hundreds to thousands of good ones, so there is not "
      "enough to train on yet.", "example_pairs", "[B][C][D]", ("approved_answers", "imported_examples")),
    R("no_maintainer", "No one to maintain a model", "retrieval", 2, lambda f: f.ml_capacity == "none",
      "No one would look after a trained model. It must be trained again whenever your products or style change; "
      "with look-ups you only keep the documents current.", "ml_capacity", "[B][D]"),
    R("low_budget", "Little budget up front", "retrieval", 1, lambda f: f.budget == "low_upfront",
      "There is little to spend up front. Looking things up needs no training runs.", "budget", "[B][D]"),
    R("regulated_governance", "Regulated data", "retrieval", 1, lambda f: f.data_sensitivity == "regulated",
      "Your material is regulated. With look-ups, personal data stays in documents you can remove, rather than "
      "being built into a model where it could leak out.", "data_sensitivity", "[A][C][D]"),
    R("style_works", "Your answer style works", "retrieval", 1, lambda f: f.style_status == "works",
      "Since you set an answer style, {style_liked} answers were liked and {style_disliked} disliked: written "
      "instructions are doing the job, so there is less reason to train a model.", None, "[B][C][E]",
      ("answer_style",)),
    # --- toward training a model ----------------------------------------------------------
    R("behaviour_missing", "The way it answers is what's missing", "fine_tuning", 2, lambda f: f.behaviour_gap,
      "What a general AI gets wrong today is the way it answers (tone, format, judgement). That is what training "
      "changes; looking things up does not.", "main_gap", "[A][B][C][D][E]"),
    R("strict_style", "Strict tone or format", "fine_tuning", 2,
      lambda f: f.style_strictness == "strict" and f.behaviour_gap,
      "Your tone or format must be exactly right every time. A model trained on your own answers keeps to a style "
      "more reliably than written instructions.", "style_strictness", "[A][B][C][D]"),
    R("style_falls_short", "Instructions fall short", "fine_tuning", 2, lambda f: f.style_falls_short,
      "Since you set an answer style, {style_disliked} of {style_rated} were disliked: written instructions alone "
      "are not getting the way it answers right, and that is what training is for.", "main_gap", "[B][C][E]",
      ("answer_style",)),
    R("narrow_task", "One narrow repetitive task", "fine_tuning", 2, lambda f: f.narrow,
      "The work is one narrow task repeated many times. A small model trained on examples of it does such tasks "
      "quickly and consistently.", "task_shape", "[C][D]"),
    R("one_tone_replies", "Replies in one tone", "fine_tuning", 2, lambda f: f.replies,
      "The work is writing replies to customers in your own tone every time. A model trained on your own past "
      "replies keeps to that tone more reliably than written instructions, while the facts in each reply are "
      "still best looked up.", "task_shape", "[A][B][C][D]"),
    R("stable_facts", "Information is stable", "fine_tuning", 1, lambda f: f.stable,
      "Your information changes only {freq_words}, so a trained model would not go stale quickly.",
      "change_frequency", "[A][B]"),
    R("instant_replies", "Replies must be instant", "fine_tuning", 3, lambda f: f.instant,
      "Replies must be instant. Looking things up adds a fifth to half a second before the answer starts; a "
      "trained model can answer without that step.", "response_speed", "[B]"),
    R("high_volume_repetitive", "High volume of repetitive work", "fine_tuning", 2,
      lambda f: f.narrow and f.volume >= fig.HIGH_VOLUME,
      "About {volume} questions a month on one repetitive task: at that volume a small trained model costs far "
      "less per question than a large general one.", "monthly_questions", "[A][D]"),
    R("very_high_volume_stable", "Very high volume on stable facts", "fine_tuning", 2,
      lambda f: f.stable and f.volume >= fig.VERY_HIGH_VOLUME and not f.narrow,
      "About {volume} questions a month about stable facts. At that volume, building the common answers into a "
      "model can be faster and cheaper than looking them up every time.", "monthly_questions", "[A]"),
    R("enough_examples", "Enough good examples", "fine_tuning", 2, lambda f: f.enough_examples,
      "There are {example_words}; about {threshold} good examples is where training becomes workable.",
      "example_pairs", "[B][C][D]", ("approved_answers", "imported_examples")),
    R("some_examples", "Hundreds of examples", "fine_tuning", 1,
      lambda f: fig.SOME_EXAMPLES <= f.examples < fig.EXAMPLES_THRESHOLD,
      "There are {example_words}, a good start; training usually needs {threshold} or more.",
      "example_pairs", "[B][C][D]", ("approved_answers", "imported_examples")),
    R("ml_team", "A technical team", "fine_tuning", 1, lambda f: f.ml_capacity == "team",
      "You have a technical team who could train a model and keep it up to date.", "ml_capacity", "[B][D]"),
    R("can_invest", "Budget to invest", "fine_tuning", 1, lambda f: f.budget == "can_invest",
      "There is budget to invest when it pays back; a training run costs from a few hundred to several thousand "
      "dollars.", "budget", "[B][D]"),
    # --- notes ------------------------------------------------------------------------
    R("no_documents", "No documents yet", "neutral", 0, lambda f: f.pages == 0,
      "There are no documents in your library yet, so there is nothing to look things up in; upload your "
      "documents first.", "knowledge_pages"),
    R("hard_to_find", "Documents are hard to find", "neutral", 0, lambda f: f.hard_to_find,
      "Your library check rated your documents only {findable_pct} findable: the right page often doesn't come up. "
      "Training a model would not fix that, since a model can only answer well from the pages it is given; clearer "
      "documents will.",
      None, "[A][C]", ("selftest",)),
    R("unanswered_high", "Many questions found nothing", "neutral", 0,
      lambda f: f.unanswered_rate is not None and f.questions_30d >= fig.UNANSWERED_MIN_QUESTIONS
      and f.unanswered_rate >= fig.UNANSWERED_HIGH,
      "{unanswered_pct} of the {questions_30d} questions asked in the last 30 days found nothing in your "
      "documents. Adding the missing documents will help more than anything else right now.", None, "[A][C]",
      ("unanswered_rate",)),
    R("self_hosted", "Keep it on your own computers", "neutral", 0,
      lambda f: f.data_sensitivity in ("internal", "regulated"),
      "Your material is {data_sensitivity}, so keep it on computers you control whichever way you go: a model "
      "running here (as Groundwork does) and, if you train one, a model you run yourself.",
      "data_sensitivity", "[A][C]"),
    R("style_not_tried", "No answer style yet", "neutral", 0,
      lambda f: f.behaviour_gap and f.style_status == "not_set",
      "You haven't written down how answers should sound yet. Doing that on the Answer style page costs nothing "
      "and is often enough; try it before paying for training.", "main_gap", "[B][C][E]", ("answer_style",)),
    R("loose_style_contradiction", "Behaviour gap, flexible style", "neutral", 0,
      lambda f: f.behaviour_gap and f.style_strictness == "flexible" and not f.narrow,
      "You said the way it answers is what's missing, but also that the tone and format can be flexible. That is "
      "usually fixed with clear written instructions, not training.", "style_strictness", "[B][C][E]"),
    R("strict_style_no_gap", "Strict style, already right", "neutral", 0,
      lambda f: f.style_strictness == "strict" and not f.behaviour_gap,
      "Your style must be strict, but you said the way it answers is already fine; clear written instructions "
      "should keep it that way.", "style_strictness"),
    R("instant_vs_changing", "Instant replies vs changing facts", "neutral", 0,
      lambda f: f.instant and f.changing and not f.narrow,
      "Instant replies and information that changes {freq_words} pull in opposite directions: a trained model "
      "skips the look-up but goes stale. A smaller, faster model for look-ups is the safer first step.",
      "response_speed", "[B]"),
]
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


@dataclass(frozen=True)
class Decision:
    id: str
    verdict: str
    when: Callable[[Facts], bool]
    reason: str
    question_id: Optional[str] = None
    facts: tuple[str, ...] = ()


D = Decision
DECISIONS: list[Decision] = [
    D("changing_facts_never", "rag_only", lambda f: f.case is None and f.changing,
      "What's missing is facts, and yours change {freq_words}. Changing facts are never a reason to train a model, "
      "however many examples there are{examples_even}: the training would be out of date at the next change.",
      "change_frequency"),
    D("nothing_to_train", "rag_only", lambda f: f.case is None,
      "Nothing you described is about the way it answers, a narrow task, instant replies or very high volume, so "
      "there is nothing a trained model would do better than looking things up.", "main_gap"),
    D("loose_style_leans_retrieval", "rag_only",
      lambda f: f.case == "style_loose" and f.push_ft < f.push_retrieval and not f.style_falls_short,
      "The way it answers matters to you, but the style is not strict and most signals point to looking things "
      "up; write down how answers should sound first, and revisit if answers still miss.", "style_strictness"),
    D("no_maintainer_no_budget", "rag_then_finetune", lambda f: f.ml_capacity == "none" and f.budget == "low_upfront",
      "Training could help with {behaviour}, but no one would look after a trained model and there is little "
      "budget, so it isn't worth doing now.", "ml_capacity"),
    D("too_few_examples", "rag_then_finetune", lambda f: not f.enough_examples,
      "Training could help with {behaviour}, but there are only {example_words}; it usually needs {threshold} or "
      "more.", "example_pairs", ("approved_answers", "imported_examples")),
    D("no_maintainer", "rag_then_finetune", lambda f: not f.maintainer,
      "Training could help with {behaviour} and there are enough examples, but no one would look after the "
      "trained model yet.", "ml_capacity"),
    D("loose_style_try_instructions", "rag_then_finetune",
      lambda f: f.case == "style_loose" and not f.style_falls_short,
      "You have the examples and the people, but the style is not strict; written instructions are cheaper to try "
      "first, and training is the next step if they fall short.", "style_strictness"),
    D("narrow_stable_task", "finetune_first",
      lambda f: f.case in ("narrow_task", "instant") and f.stable and f.needs_citations != "must",
      "This is {behaviour} on stable information with {example_words} and someone to maintain it: a small trained "
      "model is the right first tool, and looking things up adds little.", "task_shape", ("approved_answers", "imported_examples")),
    D("both_now", "rag_plus_finetune", lambda f: True,
      "Training pays off here for {behaviour} ({example_words}, and someone to maintain it), while your facts are "
      "still best looked up so answers stay current and can show their source.", "main_gap", ("approved_answers", "imported_examples")),
]
DECISION_BY_ID: dict[str, Decision] = {d.id: d for d in DECISIONS}
