"""The headline, the condition for "later", and the next steps: what the owner reads and does."""
from __future__ import annotations

from typing import Optional

from core.advisor import figures as fig
from core.advisor.facts import CASES, Facts
from core.advisor.words import examples_phrase, percent

STYLE_PAGE_NAME = "the Answer style page"


def headline(verdict: str, f: Facts) -> str:
    behaviour = CASES.get(f.case, ("", ""))[0]
    if verdict == "rag_only":
        return ("Looking things up in your documents (retrieval, or RAG) is the right fit; training a model of your "
                "own isn't worth it now.")
    if verdict == "rag_then_finetune":
        return (f"Start by looking things up in your documents (retrieval, or RAG); training a model for {behaviour} "
                "becomes worth it later, when the conditions below are met.")
    if verdict == "rag_plus_finetune":
        return (f"Use both now: look facts up in your documents (retrieval, or RAG) and train a model of your own "
                f"for {behaviour}.")
    return (f"Train a small model of your own for {behaviour} first; it is a narrow, stable job where looking "
            f"things up (retrieval, or RAG) adds little.")


def condition(f: Facts) -> str:
    """When "later" becomes "now", listing everything that is missing."""
    parts = []
    if not f.enough_examples:
        short = CASES[f.case][1]
        parts.append(f"you have {fig.EXAMPLES_THRESHOLD:,} good examples of {short} (you have "
                     f"{examples_phrase(f.typed, f.approved, f.imported)})" if f.examples else
                     f"you have {fig.EXAMPLES_THRESHOLD:,} good examples of {short} (you have none yet)")
    if not f.maintainer:
        who = "someone, on staff or hired, can look after a trained model"
        if f.budget == "low_upfront":
            who += " and there is some budget for it"
        parts.append(who)
    if not parts:  # a loose style with everything else in place
        return (f"when your written instructions (the answer style) still fall short after a few weeks; "
                f"{examples_phrase(f.typed, f.approved, f.imported)} are ready to train on")
    return "once " + " and ".join(parts)


def style_step(verdict: str, f: Facts) -> Optional[str]:
    """The step that sends the owner to the Answer style page, when the way it answers matters."""
    if not (f.behaviour_gap or f.case == "style_loose"):
        return None
    status = f.style_status
    if status in ("not_set", "unknown"):
        if verdict == "rag_only":
            return f"Write down how answers should sound and look on {STYLE_PAGE_NAME}, and try that first."
        behaviour = CASES.get(f.case, ("the way it answers", ""))[0]
        return f"Write down the rules for {behaviour} on {STYLE_PAGE_NAME} and try them in the meantime."
    if status == "works":
        return f"Keep your answer style on {STYLE_PAGE_NAME}: answers rated since it was set are mostly liked."
    if status == "falls_short":
        return (f"Your answer style on {STYLE_PAGE_NAME} has not been enough so far; sharpen it while you "
                "gather examples for training.")
    return (f"Keep rating answers with a thumbs up or down for a few weeks, to see whether your answer style on "
            f"{STYLE_PAGE_NAME} is enough.")


def _first_steps(f: Facts) -> list[str]:
    steps: list[str] = []
    if f.pages == 0:
        steps.append("Upload your documents on the Documents page; everything else builds on them.")
    if f.hard_to_find and f.selftest is not None:
        names = ", ".join(f.selftest.hard_documents[:5]) or "the ones your library check names"
        steps.append(f"Make your hard-to-find documents easier to read before anything else ({names}): upload the "
                     "original file instead of a scan where you can, and split very long pages. Training a model "
                     "would not help here.")
    if (f.unanswered_rate is not None and f.questions_30d >= fig.UNANSWERED_MIN_QUESTIONS
            and f.unanswered_rate >= fig.UNANSWERED_HIGH):
        steps.append(f"Look at the questions that found nothing ({percent(f.unanswered_rate)} recently) and add the "
                     "documents that would answer them, before anything else.")
    if f.team is not None and f.team.unanswered:
        steps.append(f"Open Questions from the team: {f.team.unanswered:,} of your staff's questions were not answered "
                     "by your documents lately; adding the documents they ask about helps them more than training.")
    return steps


def _verdict_steps(verdict: str, f: Facts, cond: Optional[str], style: Optional[str]) -> list[str]:
    behaviour = CASES.get(f.case, ("", ""))[0]
    if verdict == "rag_only":
        return ([style] if style else []) + [
            "Keep asking questions in Groundwork; it looks answers up in your documents and shows the page.",
            "When a document changes, upload the new version so answers stay current.",
            "Try 20-30 real questions on the Find in my documents page and check that the right page comes up "
            "first; good look-ups come before good answers [A][C].",
            "Give good answers a thumbs up; they build a set of examples in case training becomes worth it later.",
        ]
    if verdict == "rag_then_finetune":
        return ["Start now with looking things up in your documents; it works within days."] + (
            [style] if style else []) + [
            "Give good answers a thumbs up (with their sources); each one is a training example.",
            f"Come back to this advice {cond}.",
        ]
    if verdict == "rag_plus_finetune":
        return ([style] if style else []) + [
            "Keep looking facts up in your documents, so answers stay current and show their source.",
            "Download the training data from this page (the answers you approved in the chat and the past replies "
            "you imported), and have a technical person train a "
            f"small model you run yourself for {behaviour}; one powerful graphics card is enough [B].",
            ("Compare the trained model with the current answers on the check set (answers kept aside for testing, "
             "in the download on this page) before switching over." if f.check_set else
             "Before switching over, keep about one good example in ten aside (not used for training) and compare "
             "the trained model's answers with them."),
            "Plan to train it again when your style or products change; doing both costs roughly 1.6-1.8x the work "
            "of one approach [C].",
        ]
    return [
        f"Gather your examples and have a small model trained for {behaviour}.",
        ("Test it on the check set (examples kept aside for testing, in the download on this page) and have a person "
         "check a sample of its work every week." if f.check_set else
         "Keep about one example in ten aside (not used for training) to test it on, and have a person check a "
         "sample of its work every week."),
        "Train it again when the categories or the format change; keep looking things up for questions outside "
        "this task.",
    ]


def next_steps(verdict: str, f: Facts, cond: Optional[str]) -> tuple[list[str], Optional[str]]:
    """The numbered steps, and which of them (if any) points to the Answer style page."""
    style = style_step(verdict, f)
    steps = _first_steps(f) + _verdict_steps(verdict, f, cond, style)
    if f.data_sensitivity == "regulated" and verdict != "rag_only":
        steps.append("Train and run the model on your own computers; don't send regulated data to an online "
                     "training service.")
    elif f.data_sensitivity == "regulated":
        steps.append("Keep everything on your own computers, as Groundwork does; remove documents that hold "
                     "personal data no one should ask about.")
    if f.long_context_ok:
        steps.append("For a quick trial, a model could also read all of your material with every question (see "
                     "\u201cCould the model just read everything?\u201d).")
    return steps, (style if style in steps else None)
