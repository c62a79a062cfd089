"""From answers and measured facts to one ``Advice``: the verdict, its reasons, and everything to show."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from core.advisor import costs, plan
from core.advisor.facts import CASES, Facts, build_facts
from core.advisor.figures import SOURCES, Source
from core.advisor.measure import Measured
from core.advisor.questions import QUESTION_BY_ID
from core.advisor.resolve import ResolvedAnswer, resolve
from core.advisor.rules import DECISIONS, RULES, VERDICT_LABELS


@dataclass
class Reason:
    text: str
    direction: str
    weight: int
    question_id: Optional[str]
    origin: str                # "answered" | "measured" | "default": where the answer it rests on came from
    rule_id: str = ""
    basis: str = ""            # what it rests on, in plain words
    sources: str = ""
    measured: tuple[str, ...] = ()  # labels of the measured facts it also rests on

    @property
    def full_text(self) -> str:
        parts = [] if self.origin == "answered" else [self.basis]
        parts += list(self.measured)
        parts = [p for p in parts if p]
        return f"{self.text} ({'; '.join(parts)})" if parts else self.text

    def as_dict(self) -> dict:
        return {"text": self.text, "direction": self.direction, "weight": self.weight,
                "question_id": self.question_id, "origin": self.origin, "rule": self.rule_id,
                "basis": self.basis, "sources": self.sources, "measured": list(self.measured)}


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
    measured: dict[str, Measured] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    style_step: Optional[str] = None   # the next step that points to the Answer style page
    typed_examples: int = 0            # the owner's own count (an answer)
    approved_answers: int = 0          # answers approved in the chat (measured)
    long_context_blocker: Optional[str] = None
    sources: dict[str, Source] = field(default_factory=lambda: dict(SOURCES))

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def fine_tuning_recommended(self) -> bool:
        """True when training is recommended now or later (offer the training-data export)."""
        return self.verdict != "rag_only"

    def chart_rows(self) -> list[dict]:
        """One row per rule that pushed: {"factor", "retrieval", "fine_tuning"} (for a bar chart)."""
        return [
            {"factor": c["label"], "retrieval": c["weight"] if c["direction"] == "retrieval" else 0,
             "fine_tuning": c["weight"] if c["direction"] == "fine_tuning" else 0}
            for c in self.push["rules"]
        ]

    def as_dict(self) -> dict:
        """The CLI's ``advise --json`` shape: verdict, long_context_ok, reasons, next_steps, then the rest."""
        return {
            "verdict": self.verdict, "verdict_label": self.verdict_label, "long_context_ok": self.long_context_ok,
            "reasons": [self.decision.full_text] + [r.full_text for r in self.reasons],
            "next_steps": list(self.next_steps), "headline": self.headline, "condition": self.condition,
            "behaviour": self.behaviour, "long_context": self.long_context,
            "long_context_blocker": self.long_context_blocker, "decision": self.decision.as_dict(),
            "reason_details": [r.as_dict() for r in self.reasons], "push": self.push, "checklist": self.checklist,
            "cost_table": self.cost_table, "sources": {k: s.title for k, s in self.sources.items()},
            "source_links": {k: s.url for k, s in self.sources.items() if s.url},
            "examples": {"typed": self.typed_examples, "approved_in_chat": self.approved_answers},
            "facts": self.facts, "answers": {k: v.as_dict() for k, v in self.answers.items()},
        }


def _reason(text: str, direction: str, weight: int, qid: Optional[str], fact_keys: tuple[str, ...],
            resolved: dict[str, ResolvedAnswer], measured: dict[str, Measured], rule_id: str,
            sources: str = "") -> Reason:
    labels = tuple(measured[k].label for k in fact_keys if k in measured)
    if qid is None:
        return Reason(text, direction, weight, None, "measured", rule_id, "", sources, labels)
    r = resolved[qid]
    basis = r.basis if r.origin != "default" else (
        f"assumed: \u201c{QUESTION_BY_ID[qid].label_for(r.value)}\u201d, as this wasn't answered")
    return Reason(text, direction, weight, qid, r.origin, rule_id, basis, sources, labels)


def _score(f: Facts, resolved, measured) -> tuple[list[Reason], list[dict]]:
    reasons: list[Reason] = []
    contributions: list[dict] = []
    ctx = f.context()
    for rule in RULES:
        if not rule.when(f):
            continue
        reasons.append(_reason(rule.reason.format(**ctx), rule.direction, rule.weight, rule.question_id,
                               rule.facts, resolved, measured, rule.id, rule.sources))
        if rule.direction != "neutral":
            contributions.append({"rule": rule.id, "label": rule.label, "direction": rule.direction,
                                  "weight": rule.weight, "question_id": rule.question_id})
    # strongest first, then notes; stable order within
    order = {"retrieval": 0, "fine_tuning": 0, "neutral": 1}
    reasons.sort(key=lambda r: (order[r.direction], -r.weight))
    return reasons, contributions


def advise(answers: Optional[dict], measured: Optional[dict] = None) -> Advice:
    """The verdict, its reasons and everything to show or download, from answers and measured facts."""
    measured = measured or {}
    resolved = resolve(answers, measured)
    f = build_facts(resolved, measured)
    reasons, contributions = _score(f, resolved, measured)
    f.push_retrieval = sum(c["weight"] for c in contributions if c["direction"] == "retrieval")
    f.push_ft = sum(c["weight"] for c in contributions if c["direction"] == "fine_tuning")

    decision = next(d for d in DECISIONS if d.when(f))
    verdict = decision.verdict
    decision_reason = _reason(decision.reason.format(**f.context()), "neutral", 0, decision.question_id,
                              decision.facts, resolved, measured, decision.id)
    cond = plan.condition(f) if verdict == "rag_then_finetune" else None
    steps, style_step = plan.next_steps(verdict, f, cond)
    facts = {"tokens_estimate": f"{f.tokens:,}"}
    for key in ("documents", "unanswered_rate", "tokens_estimate", "approved_answers", "answer_style", "selftest",
                "team_questions"):
        if key in measured:
            facts[key + "_basis"] = measured[key].label
    return Advice(
        verdict=verdict, headline=plan.headline(verdict, f),
        long_context_ok=f.long_context_ok, long_context=costs.long_context_note(f),
        decision=decision_reason, reasons=reasons,
        push={"retrieval": f.push_retrieval, "fine_tuning": f.push_ft, "rules": contributions},
        next_steps=steps, condition=cond,
        behaviour=CASES[f.case][0] if f.case and verdict != "rag_only" else None,
        cost_table=costs.cost_table(f), checklist=costs.checklist(f, resolved, (
            pages.value if (pages := measured.get("knowledge_pages")) else None)),
        answers=resolved, measured=dict(measured), facts=facts, style_step=style_step,
        typed_examples=f.typed, approved_answers=f.approved, long_context_blocker=f.long_context_blocker,
    )
