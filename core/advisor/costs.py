"""Figures for the owner: could the model just read everything, rough effort and cost, and a readiness checklist.

Prices of hosted (online) services appear only for comparison: Groundwork itself runs on
the owner's computer and sends nothing anywhere. Every industry figure names its source.
"""
from __future__ import annotations

from typing import Optional

from core.advisor import figures as fig
from core.advisor.facts import CASES, FREQ_WORDS, Facts
from core.advisor.words import about, big_number, examples_phrase, money, percent, plural, sentence

EST = "industry estimate"
CALC = "calculated from your answers"
COMPARE = "Groundwork itself sends nothing anywhere"


def _size(f: Facts) -> str:
    """'about 30,000 words (40,000 tokens, estimated from your library)': for the end of a sentence."""
    how = "estimated from your library" if f.tokens_measured else f"at about {fig.TOKENS_PER_PAGE} per page"
    words = int(f.tokens / fig.TOKENS_PER_WORD)
    return f"about {words:,} words ({f.tokens:,} word pieces, called tokens, {how})"


def long_context_note(f: Facts) -> str:
    """Could the model read all the material with every question? Size, speed and volume decide."""
    blocker = f.long_context_blocker
    if blocker == "empty":
        return "There are no documents yet, so there is nothing to hand the model."
    per_q = f.tokens * fig.PRICE_INPUT_PER_M / 1_000_000
    lookup_q = fig.LOOKUP_PROMPT_TOKENS * fig.PRICE_INPUT_PER_M / 1_000_000
    if blocker == "size":
        return (f"No: your material is too big to read with every question, at {_size(f)}; that is beyond "
                f"roughly {fig.LARGE_TOKENS // 1000}K [B]. Looking things up reads only the pages each question "
                f"needs. Estimate, to compare with a hosted service: {about(per_q)} per question [A], and "
                "slow.")
    if blocker == "speed":
        return (f"No: you need instant replies, and reading all your material takes seconds before every answer, "
                f"far longer than a fifth of a second. Your material is {_size(f)}. Looking things up reads only a "
                "few pages, and only a trained model skips the reading step altogether [B].")
    if blocker == "volume":
        words = f.monthly_read / fig.TOKENS_PER_WORD
        return (f"No: at {f.volume:,} questions a month, reading all your material with every question adds up to "
                f"about {big_number(words)} words read a month, more than one computer can keep up with. Your "
                f"material is {_size(f)}. Estimate, to compare with a hosted service: about "
                f"{money(per_q * f.volume)} a month, against {about(lookup_q * f.volume)} for looked-up "
                "answers [A]. Looking things up reads only the pages each question needs.")
    monthly = (f" At {f.volume:,} questions a month that is {about(per_q * f.volume)} a month."
               if f.volume else "")
    return (f"Yes, as a quick trial. Your material is small, {_size(f)}, so the model could read all of it with "
            "every question instead of looking things up. It is slower, since the model reads everything before "
            "each answer, and it stops working well past a few hundred pages [A][B]. On this computer that costs "
            f"time, not money. Estimate, for comparison only ({COMPARE}): a low-cost hosted service would charge "
            f"{about(per_q)} per question for that reading [A], against {about(lookup_q)} for a "
            f"looked-up answer.{monthly}")


def _row(item: str, estimate: str, source: str, kind: str = EST) -> dict:
    return {"item": item, "estimate": estimate, "source": source, "kind": kind}


def cost_table(f: Facts) -> list[dict]:
    rows = [
        _row("Time to a first working version",
             "Looking things up: days to weeks. Training a model: weeks to months.", "[D]"),
        _row("A hosted look-up service, for comparison",
             "About $500 a month to run; Groundwork does this on your own computer, sending nothing anywhere.", "[B]"),
        _row("One training run at an online provider",
             "About $2,000-10,000 per run, and several runs are usual.", "[B]"),
        _row("Training a small model yourself",
             "A few hundred dollars per run, on one powerful graphics card (24 GB of memory).", "[D][B]"),
        _row("Cost per question at a hosted service",
             f"About {money(fig.COST_FINETUNED_PER_Q)} with a small trained model, about "
             f"{money(fig.COST_LARGE_API_PER_Q)} with a large online model.", "[D]"),
    ]
    if f.volume:
        rows.append(_row(f"At your {f.volume:,} questions a month",
                         f"About {money(f.volume * fig.COST_FINETUNED_PER_Q)} a month with a small trained model vs "
                         f"{about(f.volume * fig.COST_LARGE_API_PER_Q)} with a large online model, if hosted.",
                         "[D]", CALC))
    rows += [
        _row("A low-cost online model, for comparison",
             f"About ${fig.PRICE_INPUT_PER_M} for every 750,000 words it reads and ${fig.PRICE_OUTPUT_PER_M} for "
             "every 750,000 it writes (priced per million word pieces, called tokens).", "[A]"),
        _row("Wait added by looking things up",
             "About a fifth to half a second per question, before the answer starts.", "[B]"),
        _row("Doing both (looking things up and training)",
             "Roughly 1.6-1.8x the work of either one alone.", "[C]"),
        _row("Good examples needed to train a model",
             f"{fig.EXAMPLES_THRESHOLD:,} or more; hundreds to thousands (you have "
             f"{examples_phrase(f.typed, f.approved, f.imported)}).", "[D][B][C]"),
    ]
    if f.pages:
        per_q = f.tokens * fig.PRICE_INPUT_PER_M / 1_000_000
        rows.append(_row("Reading all your material with every question",
                         f"{sentence(about(per_q))} per question at a low-cost online model's price.", "[A]", CALC))
    return rows


def _budget_detail(f: Facts) -> str:
    if f.budget == "can_invest":
        return ("You can invest when it pays back; a training run costs from a few hundred dollars (a small model you "
                "run yourself [D]) to $2,000-10,000 (an online provider [B]).")
    if f.maintainer:
        return ("Little up front, but training a small model on your own computer costs a few hundred dollars per "
                "run [D].")
    return "Little up front and no one in-house; an online provider charges about $2,000-10,000 per training run [B]."


def checklist(f: Facts, resolved, library_pages: Optional[int] = None) -> list[dict]:
    """``library_pages``: the pages measured in the library (None: not measured, e.g. the command line's advise)."""
    pages = resolved["knowledge_pages"]
    if library_pages is not None:  # what is in the library, as measured; the owner's own count only beside it
        said = (f"; you counted {f.pages:,} for all your material" if pages.origin == "answered"
                and f.pages != library_pages else "")
        items = [{"item": "Documents in the library", "ok": library_pages > 0,
                  "detail": (f"{library_pages:,} pages, measured in your library{said}" if library_pages else
                             "No documents yet; upload them on the Documents page.")}]
    else:
        items = [{"item": "Documents in the library", "ok": f.pages > 0,
                  "detail": (f"{f.pages:,} pages" + (f" ({pages.basis})" if pages.origin != "answered" else ""))
                  if f.pages else "No documents yet; upload them on the Documents page."}]
    if f.selftest is not None:
        hard = f.selftest.hard_documents
        items.append({"item": "Your documents are easy to find", "ok": not f.hard_to_find,
                      "detail": f"{percent(f.selftest.findability)} findable in your library check"
                                + (f"; hardest to find: {', '.join(hard[:5])}." if hard else ".")})
    if f.unanswered_rate is not None:
        enough = f.questions_30d >= fig.UNANSWERED_MIN_QUESTIONS
        ok = not (enough and f.unanswered_rate >= fig.UNANSWERED_HIGH)
        verdict = ("too few questions yet to judge." if not enough else "fine." if ok
                   else "add the documents that would answer them.")
        items.append({"item": "Questions find an answer in your documents", "ok": ok,
                      "detail": f"{percent(f.unanswered_rate)} of {f.questions_30d:,} recent questions found nothing; "
                                + verdict})
    if f.style is not None and f.behaviour_gap:
        items.append({"item": "Written instructions tried first (answer style)", "ok": f.style.set,
                      "detail": "Set; " + plural(f.style.liked, "answer") + f" liked and {f.style.disliked:,} "
                                "disliked since." if f.style.set else "Not yet; try it on the Answer style page."})
    items += [
        {"item": "Enough good examples to train on", "ok": f.enough_examples,
         "detail": f"{examples_phrase(f.typed, f.approved, f.imported)}; training usually needs {fig.EXAMPLES_THRESHOLD:,} or "
                   "more [D]."},
        {"item": "Someone to look after a trained model", "ok": f.maintainer,
         "detail": {"none": "No one yet; a model needs training again whenever products or style change.",
                    "some": "Someone technical, part-time.", "team": "A technical team."}[f.ml_capacity]},
        {"item": "Budget for training", "ok": f.budget == "can_invest" or f.maintainer, "detail": _budget_detail(f)},
        {"item": "Information stable enough to train on", "ok": f.stable or not f.changing,
         "detail": f"It changes {FREQ_WORDS[f.change_frequency]}"
                   + ("; keep facts in documents and train only the way it answers." if f.changing else ".")},
        {"item": "A clear behaviour to train for", "ok": f.case is not None and f.case != "style_loose",
         "detail": (CASES[f.case][0][0].upper() + CASES[f.case][0][1:] + ".") if f.case
         else "None yet: the gap is facts, which looking things up handles."},
    ]
    return items
