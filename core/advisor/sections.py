"""One description of the advice on screen and on paper: a list of ``Section``s built once from an ``Advice``.

The Markdown report, the printable HTML page and the Streamlit page all render these
sections; every label, note and sentence is decided here, so the three never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from core.advisor.advice import Advice, Reason
from core.advisor.questions import QUESTION_BY_ID, QUESTIONS
from core.advisor.words import percent, sentence

STYLE_PAGE = "pages/style.py"  # the Answer style page (its own branch); linked when it exists

DIRECTION_LABELS = {"retrieval": "📚 Toward looking things up", "fine_tuning": "🎯 Toward training a model",
                    "neutral": "💬 Good to know"}
CHART_GROUPS = ("Toward looking things up", "Toward training a model")
STRENGTH = {3: "a strong reason", 2: "a clear reason", 1: "a nudge"}


@dataclass(frozen=True)
class Item:
    text: str = ""
    label: str = ""                 # a short lead-in, shown bold
    note: str = ""                  # what it rests on, shown small
    sources: str = ""               # source letters, e.g. "[A][C]"
    ok: Optional[bool] = None       # checklist: done or not
    value: Any = None               # chart strength, or a measured figure
    group: str = ""                 # chart: which way it pushes
    link: str = ""                  # a web address (sources)
    page: str = ""                  # an app page to link to (the Streamlit page only)
    cells: tuple[str, ...] = ()     # a table row


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: str   # "verdict" | "facts" | "reasons" | "chart" | "text" | "steps" | "checklist" | "table" | "sources"
    items: tuple[Item, ...] = ()
    intro: str = ""
    columns: tuple[str, ...] = ()
    tone: str = ""                  # verdict: "success" | "info"
    folded: bool = False            # shown folded away on screen


def origin_note(advice: Advice, reason: Reason) -> str:
    """Where a reason comes from: what you said, what we measured, or a default."""
    parts = []
    if reason.question_id is not None:
        r = advice.answers[reason.question_id]
        label = QUESTION_BY_ID[reason.question_id].label_for(r.value)
        if r.origin == "answered":
            parts.append(f"✍️ You said: \u201c{label}\u201d")
        elif r.origin == "default":
            parts.append(f"↩️ Default: we assumed \u201c{label}\u201d because this wasn't answered")
        else:
            parts.append(f"📏 {sentence(r.basis)}")
    parts += [f"📏 {sentence(m)}" for m in reason.measured]
    return " · ".join(parts) or "📏 Measured"


def _facts(advice: Advice) -> Section:
    m = advice.measured
    items: list[Item] = []

    def add(label: str, key: str, value: str) -> None:
        if key in m:
            items.append(Item(label=label, value=value, note=sentence(m[key].label)))

    add("Pages", "knowledge_pages", f"{m['knowledge_pages'].value:,}" if "knowledge_pages" in m else "")
    add("Replaced lately", "replacements_30d", f"{m['replacements_30d'].value:,}" if "replacements_30d" in m else "")
    add("Asked this month", "monthly_questions", f"{m['monthly_questions'].value:,}" if "monthly_questions" in m else "")
    add("Found nothing", "unanswered", f"{m['unanswered'].value:,}" if "unanswered" in m else "")
    add("Approved in chat", "approved_answers", f"{advice.approved_answers:,}")
    typed = advice.answers["example_pairs"]
    number = [i for i, q in enumerate(QUESTIONS, 1) if q.id == "example_pairs"][0]
    items.append(Item(label="Examples you counted", value=f"{typed.value:,}" if typed.origin == "answered" else "—",
                      note="Your own count of good examples, kept apart from the answers approved in the chat."
                      if typed.origin == "answered" else f"Not given yet; question {number} asks for it."))
    if "answer_style" in m:
        style = m["answer_style"].value
        items.append(Item(label="Answer style", value="Set" if style.set else "Not set",
                          note=sentence(m["answer_style"].label)))
    if "team_questions" in m:
        team = m["team_questions"].value
        items.append(Item(label="Questions from the team", value=f"{team.asked:,}", note=sentence(m["team_questions"].label)))
    if "selftest" in m:
        items.append(Item(label="Library check", value=percent(m["selftest"].value.findability),
                          note=sentence(m["selftest"].label)))
    return Section("facts", "What Groundwork measured, and your own count", "facts", tuple(items))


def _reasons(advice: Advice) -> Section:
    d = advice.decision
    items = [Item(text=d.text, label="🧭 The deciding point", note=origin_note(advice, d), sources=d.sources)]
    for r in advice.reasons:
        strength = f" ({STRENGTH[r.weight]})" if r.weight in STRENGTH else ""
        items.append(Item(text=r.text, label=DIRECTION_LABELS[r.direction] + strength,
                          note=origin_note(advice, r), sources=r.sources))
    return Section("why", "Why", "reasons", tuple(items))


def _chart(advice: Advice) -> Section:
    items = tuple(Item(label=c["label"], value=c["weight"],
                       group=CHART_GROUPS[0] if c["direction"] == "retrieval" else CHART_GROUPS[1])
                  for c in advice.push["rules"])
    intro = (f"Altogether, {advice.push['retrieval']} points toward looking things up and "
             f"{advice.push['fine_tuning']} toward training a model (1 = a nudge, 3 = a strong reason)."
             if items else "None of your answers pushed strongly either way.")
    return Section("push", "What pushed which way", "chart", items, intro, CHART_GROUPS)


def _tables(advice: Advice) -> list[Section]:
    costs = tuple(Item(cells=(r["item"], r["estimate"], r["kind"], r["source"])) for r in advice.cost_table)
    rows = []
    for q in QUESTIONS:
        r = advice.answers[q.id]
        where = "✍️ You said" if r.origin == "answered" else (
            "📏 " if r.origin == "measured" else "↩️ ") + sentence(r.basis)
        rows.append(Item(cells=(q.prompt, q.label_for(r.value), where)))
    return [
        Section("costs", "Rough effort and cost", "table", costs,
                "Rows marked \u201cindustry estimate\u201d are figures reported by the sources below, not quotes. "
                "Prices of hosted services are there only for comparison: Groundwork itself sends nothing anywhere.",
                ("What", "Estimate", "Kind", "Source")),
        Section("answers", "Your answers and where they came from", "table", tuple(rows), "",
                ("Question", "Answer", "Where it came from"), folded=True),
    ]


def build_sections(advice: Advice) -> list[Section]:
    """Every part of the advice, in reading order."""
    verdict = [Item(text=advice.headline)]
    if advice.condition:
        verdict.append(Item(label="When to revisit", text=advice.condition))
    if advice.style_step:
        verdict.append(Item(label="Try this first", text=advice.style_step, page=STYLE_PAGE))
    steps = tuple(Item(text=s, page=STYLE_PAGE if s == advice.style_step else "") for s in advice.next_steps)
    checklist = tuple(Item(label=c["item"], text=c["detail"], ok=c["ok"]) for c in advice.checklist)
    sources = tuple(Item(label=f"[{s.letter}]", text=s.title, link=s.url) for s in advice.sources.values())
    return [
        Section("verdict", advice.verdict_label, "verdict", tuple(verdict),
                tone="info" if advice.verdict == "rag_then_finetune" else "success"),
        _reasons(advice),
        _chart(advice),
        Section("long_context", "Could the model just read everything?", "text", (Item(text=advice.long_context),)),
        Section("next_steps", "What to do next", "steps", steps),
        Section("checklist", "Are you ready?", "checklist", checklist),
        _facts(advice),
        *_tables(advice),
        Section("sources", "Sources", "sources", sources),
    ]


def section(sections: list[Section], key: str) -> Optional[Section]:
    return next((s for s in sections if s.key == key), None)
