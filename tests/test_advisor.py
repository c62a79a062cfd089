"""The advisor: questions, measured prefill, rules, verdicts, reports and the training-data export."""
from __future__ import annotations

import html
import json
import re

import pytest

from core import advisor
from core.advisor import (
    DECISIONS,
    DEFAULTS,
    EXAMPLES_THRESHOLD,
    QUESTIONS,
    RULES,
    Measured,
    advise,
    export_training_data,
    measure,
    report_html,
    report_markdown,
    resolve,
    validate,
)
from core.errors import UsageError
from core.ingest import add_files
from core.types import UsageStats

# ---------------------------------------------------------------------------
# A dozen-plus realistic businesses: answers, the verdict we expect, and why
# ---------------------------------------------------------------------------

# Fields left out fall back to the stated defaults (monthly, nice-to-have sources,
# facts missing, flexible style, open questions, 0 examples, seconds ok, internal,
# weeks, no maintainer, low budget).
BUSINESSES = [
    pytest.param(
        dict(change_frequency="weekly", needs_citations="nice", knowledge_pages=420, main_gap="knowledge",
             style_strictness="preferred", task_shape="open_questions", example_pairs=40, monthly_questions=900,
             launch_timeline="weeks", ml_capacity="none", budget="low_upfront"),
        "rag_only", "changing_facts_never", False,
        id="support desk, weekly changes: facts that change are looked up, not trained in",
    ),
    pytest.param(
        dict(change_frequency="monthly", needs_citations="nice", knowledge_pages=600, main_gap="both",
             style_strictness="strict", example_pairs=3200, monthly_questions=20_000, launch_timeline="months",
             ml_capacity="team", budget="can_invest"),
        "rag_plus_finetune", "both_now", False,
        id="strict brand voice, thousands of examples, a team: style trained, facts looked up",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=30, main_gap="behaviour",
             style_strictness="strict", task_shape="narrow_repetitive", example_pairs=8000,
             monthly_questions=200_000, response_speed="seconds_ok", ml_capacity="team", budget="can_invest"),
        "finetune_first", "narrow_stable_task", True,
        id="ticket classification at scale: narrow, stable, thousands of labels",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="nice", knowledge_pages=45, main_gap="knowledge",
             example_pairs=12, monthly_questions=150),
        "rag_only", "nothing_to_train", True,
        id="small stable staff handbook: nothing to train, small enough to hand over whole",
    ),
    pytest.param(
        dict(change_frequency="daily", needs_citations="must", knowledge_pages=5000, main_gap="knowledge",
             style_strictness="preferred", example_pairs=900, monthly_questions=4000, data_sensitivity="regulated",
             launch_timeline="months", ml_capacity="some", budget="can_invest"),
        "rag_only", "changing_facts_never", False,
        id="law firm, daily changes, citations required: many examples don't make facts trainable",
    ),
    pytest.param(
        dict(change_frequency="monthly", needs_citations="nice", knowledge_pages=120, main_gap="behaviour",
             style_strictness="strict", example_pairs=37, monthly_questions=1500, ml_capacity="some",
             budget="low_upfront"),
        "rag_then_finetune", "too_few_examples", True,
        id="insurance broker letters in a strict format, 37 examples: later, at 500",
    ),
    pytest.param(
        dict(change_frequency="quarterly", main_gap="behaviour", style_strictness="strict", example_pairs=800,
             knowledge_pages=80, monthly_questions=3000, ml_capacity="none", budget="low_upfront"),
        "rag_then_finetune", "no_maintainer_no_budget", True,
        id="boutique with a strict voice but no one to maintain and no budget: not now",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=150, main_gap="knowledge",
             example_pairs=1200, monthly_questions=60_000, launch_timeline="months", ml_capacity="team",
             budget="can_invest"),
        "rag_plus_finetune", "both_now", True,
        id="large employer HR handbook, 60k stable questions a month: worth baking in",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=150, main_gap="knowledge",
             example_pairs=50, monthly_questions=60_000, ml_capacity="team", budget="can_invest"),
        "rag_then_finetune", "too_few_examples", True,
        id="same HR handbook with only 50 approved answers: later, once 500",
    ),
    pytest.param(
        dict(change_frequency="daily", needs_citations="nice", knowledge_pages=2500, main_gap="knowledge",
             example_pairs=5000, monthly_questions=100_000, ml_capacity="team", budget="can_invest",
             launch_timeline="months"),
        "rag_only", "changing_facts_never", False,
        id="online shop, prices change daily, 5000 examples, 100k a month: changing facts never trained in",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=20, main_gap="behaviour",
             style_strictness="strict", task_shape="narrow_repetitive", example_pairs=2500, response_speed="instant",
             monthly_questions=300_000, ml_capacity="team", budget="can_invest", launch_timeline="months"),
        "finetune_first", "narrow_stable_task", True,
        id="parts-code autocomplete, instant replies, stable catalogue: train a small model",
    ),
    pytest.param(
        dict(change_frequency="quarterly", needs_citations="must", knowledge_pages=300, main_gap="both",
             style_strictness="strict", task_shape="narrow_repetitive", example_pairs=900, monthly_questions=12_000,
             data_sensitivity="regulated", ml_capacity="some", budget="can_invest", launch_timeline="months"),
        "rag_plus_finetune", "both_now", False,
        id="clinic triage notes: narrow task but sources required, so both",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=10, main_gap="behaviour",
             style_strictness="preferred", task_shape="narrow_repetitive", example_pairs=120, monthly_questions=2000,
             ml_capacity="some", budget="low_upfront"),
        "rag_then_finetune", "too_few_examples", True,
        id="accountant tagging receipts, 120 labels: later, once 500 labelled examples",
    ),
    pytest.param(
        dict(change_frequency="weekly", needs_citations="no", knowledge_pages=12, main_gap="knowledge",
             example_pairs=0, monthly_questions=300),
        "rag_only", "changing_facts_never", True,
        id="restaurant with a weekly menu: look it up, small enough for long context",
    ),
    pytest.param(
        dict(change_frequency="weekly", needs_citations="must", knowledge_pages=700, main_gap="behaviour",
             style_strictness="preferred", example_pairs=60, monthly_questions=500, ml_capacity="none",
             budget="low_upfront"),
        "rag_only", "loose_style_leans_retrieval", False,
        id="consultancy wanting a preferred tone but weekly changes and sources: instructions first",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="nice", knowledge_pages=80, main_gap="behaviour",
             style_strictness="preferred", example_pairs=300, monthly_questions=2000, ml_capacity="some",
             budget="can_invest", launch_timeline="months"),
        "rag_then_finetune", "too_few_examples", True,
        id="architecture practice, preferred style, stable, 300 examples: later",
    ),
    pytest.param(
        dict(change_frequency="daily", needs_citations="nice", knowledge_pages=260, main_gap="knowledge",
             response_speed="instant", example_pairs=700, monthly_questions=30_000, ml_capacity="team",
             budget="can_invest"),
        "rag_only", "changing_facts_never", False,
        id="chat widget wanting instant replies on daily prices: a stale model is worse than a short wait",
    ),
]


@pytest.mark.parametrize("answers, verdict, decision, long_context", BUSINESSES)
def test_realistic_businesses(answers, verdict, decision, long_context):
    advice = advise(answers)
    assert advice.verdict == verdict, advice.decision.text
    assert advice.decision.rule_id == decision
    assert advice.long_context_ok is long_context
    # every reason is tied to an answer or a measured fact, and says which
    for r in advice.reasons:
        assert r.direction in ("retrieval", "fine_tuning", "neutral")
        assert r.origin in ("answered", "measured", "default")
        assert r.text and "{" not in r.text and "}" not in r.text
    # the headline is one sentence that names retrieval (RAG) once
    assert advice.headline.count("(retrieval, RAG)") == 1
    assert advice.headline.endswith(".")
    # the chart data adds up
    push = advice.push
    assert push["retrieval"] == sum(c["weight"] for c in push["rules"] if c["direction"] == "retrieval")
    assert push["fine_tuning"] == sum(c["weight"] for c in push["rules"] if c["direction"] == "fine_tuning")
    assert advice.next_steps
    assert advice.fine_tuning_recommended is (verdict != "rag_only")
    if verdict == "rag_then_finetune":
        assert advice.condition and advice.behaviour
        assert advice.behaviour in advice.headline
    else:
        assert advice.condition is None


def test_condition_names_the_behaviour_and_the_threshold():
    advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=37, ml_capacity="some"))
    assert advice.verdict == "rag_then_finetune"
    assert advice.condition == "once you have 500 approved examples of answers in your style (you have 37)"
    assert "strict answering style" in advice.headline


def test_condition_lists_everything_missing():
    advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=37,
                         ml_capacity="none", budget="low_upfront"))
    assert advice.decision.rule_id == "no_maintainer_no_budget"
    assert "500 approved examples" in advice.condition
    assert "look after a trained model" in advice.condition and "budget" in advice.condition


def test_strict_style_with_examples_but_no_maintainer_waits_for_one():
    advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=900,
                         ml_capacity="none", budget="can_invest", change_frequency="rarely"))
    assert advice.verdict == "rag_then_finetune"
    assert advice.decision.rule_id == "no_maintainer"
    assert "500" not in advice.condition and "on staff or hired" in advice.condition


def test_changing_facts_never_a_reason_however_many_examples():
    for n in (0, 499, 500, 50_000):
        advice = advise(dict(change_frequency="weekly", main_gap="knowledge", example_pairs=n,
                             ml_capacity="team", budget="can_invest", monthly_questions=500_000))
        assert advice.verdict == "rag_only", n
    assert "even your 50,000" in advice.decision.text


def test_stable_facts_at_very_high_volume_may_be_baked_in_but_not_at_low_volume():
    base = dict(change_frequency="rarely", main_gap="knowledge", example_pairs=2000, ml_capacity="team",
                budget="can_invest", needs_citations="no")
    assert advise({**base, "monthly_questions": 49_999}).verdict == "rag_only"
    high = advise({**base, "monthly_questions": 50_000})
    assert high.verdict == "rag_plus_finetune"
    assert "stable facts" in high.behaviour
    assert any(r.rule_id == "very_high_volume_stable" for r in high.reasons)


def test_hybrid_cost_is_named_when_both_are_recommended():
    advice = advise(dict(main_gap="both", style_strictness="strict", example_pairs=3000, ml_capacity="team",
                         budget="can_invest"))
    assert advice.verdict == "rag_plus_finetune"
    assert any("1.6-1.8x" in s for s in advice.next_steps)
    assert any("1.6-1.8x" in row["estimate"] and row["source"] == "[C]" for row in advice.cost_table)


def test_regulated_data_keeps_training_self_hosted():
    advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=900, ml_capacity="some",
                         data_sensitivity="regulated"))
    assert any("don't send regulated data" in s for s in advice.next_steps)
    assert any(r.rule_id == "self_hosted" for r in advice.reasons)
    assert any(r.rule_id == "regulated_governance" and r.direction == "retrieval" for r in advice.reasons)


# ---------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------


def test_nothing_answered_uses_stated_defaults_and_measured_zero_documents():
    measured = measure({"documents": 0, "pages": 0, "chunks": 0, "words": 0, "replacements": 0,
                        "tokens_estimate": 0}, {"questions": 0, "unanswered": 0, "approved": 0})
    advice = advise({}, measured)
    assert advice.verdict == "rag_only"
    assert advice.long_context_ok is False
    origins = {k: v.origin for k, v in advice.answers.items()}
    assert origins["knowledge_pages"] == origins["example_pairs"] == origins["monthly_questions"] == "measured"
    assert {origins[q.id] for q in QUESTIONS if not q.measured} == {"default"}
    for q in QUESTIONS:
        if not q.measured:
            assert advice.answers[q.id].value == DEFAULTS[q.id].value
            assert DEFAULTS[q.id].reason in advice.answers[q.id].basis
    assert advice.next_steps[0].startswith("Upload your documents")
    docs = next(c for c in advice.checklist if c["item"] == "Documents in the library")
    assert docs["ok"] is False
    assert any(r.rule_id == "no_documents" for r in advice.reasons)
    assert "no documents" in advice.long_context.lower()


def test_nothing_answered_and_nothing_measured_still_advises():
    advice = advise({})
    assert advice.verdict == "rag_only"
    assert all(v.origin == "default" for v in advice.answers.values())
    # default-based reasons say they were assumed
    assert all("assumed" in r.full_text for r in advice.reasons if r.origin == "default")
    assert advice.as_dict()["reasons"]


def test_zero_documents_but_a_real_behaviour_case():
    advice = advise(dict(knowledge_pages=0, main_gap="behaviour", style_strictness="strict", task_shape="narrow_repetitive",
                         change_frequency="rarely", needs_citations="no", example_pairs=1000, ml_capacity="team"))
    assert advice.verdict == "finetune_first"
    assert advice.long_context_ok is False
    assert advice.next_steps[0].startswith("Upload your documents")


def test_contradiction_behaviour_gap_but_flexible_style():
    advice = advise(dict(main_gap="behaviour", style_strictness="flexible", example_pairs=0))
    assert advice.verdict == "rag_only"
    assert advice.decision.rule_id == "loose_style_leans_retrieval"
    note = next(r for r in advice.reasons if r.rule_id == "loose_style_contradiction")
    assert note.direction == "neutral" and "written instructions" in note.text


def test_contradiction_strict_style_but_facts_are_the_gap():
    advice = advise(dict(main_gap="knowledge", style_strictness="strict", example_pairs=2000, ml_capacity="team"))
    assert advice.verdict == "rag_only"
    assert any(r.rule_id == "strict_style_no_gap" for r in advice.reasons)
    assert not any(r.rule_id == "strict_style" for r in advice.reasons)


def test_loose_style_ready_in_every_way_is_still_instructions_first():
    advice = advise(dict(main_gap="behaviour", style_strictness="preferred", change_frequency="rarely",
                         example_pairs=2000, ml_capacity="team", budget="can_invest", launch_timeline="months"))
    assert advice.verdict == "rag_then_finetune"
    assert advice.decision.rule_id == "loose_style_try_instructions"
    assert "written instructions" in advice.condition


def test_high_unanswered_rate_puts_documents_first():
    measured = measure({"documents": 4, "pages": 60, "tokens_estimate": 24_000},
                       {"questions": 40, "unanswered": 12, "approved": 3})
    advice = advise({"change_frequency": "rarely"}, measured)
    assert "found nothing" in advice.next_steps[0]
    note = next(r for r in advice.reasons if r.rule_id == "unanswered_high")
    assert note.origin == "measured" and "30%" in note.text and "12 of 40" in note.full_text
    item = next(c for c in advice.checklist if c["item"].startswith("Questions find"))
    assert item["ok"] is False


def test_low_unanswered_rate_or_few_questions_is_not_flagged():
    few = advise({}, measure({"pages": 10}, {"questions": 5, "unanswered": 4, "approved": 0}))
    assert not any(r.rule_id == "unanswered_high" for r in few.reasons)
    fine = advise({}, measure({"pages": 10}, {"questions": 100, "unanswered": 5, "approved": 0}))
    assert not any(r.rule_id == "unanswered_high" for r in fine.reasons)


def test_answers_override_measured_values():
    measured = measure({"documents": 9, "pages": 312, "tokens_estimate": 150_000}, {"questions": 80, "approved": 37})
    resolved = resolve({"example_pairs": "600"}, measured)
    assert resolved["example_pairs"].value == 600 and resolved["example_pairs"].origin == "answered"
    assert resolved["knowledge_pages"].value == 312 and resolved["knowledge_pages"].origin == "measured"
    assert resolved["knowledge_pages"].basis == "measured from your library: 312 pages in 9 documents"
    assert resolved["budget"].origin == "default"


def test_long_context_note_uses_measured_tokens_and_labels_the_estimate():
    measured = measure({"documents": 2, "pages": 50, "words": 30_000, "tokens_estimate": 40_000}, {"questions": 300})
    advice = advise({}, measured)
    assert advice.long_context_ok is True
    note = advice.long_context
    assert "40,000 tokens" in note and "[A]" in note and "Estimate" in note
    assert "$0.006 per question" in note  # 40,000 x $0.14 / 1M = $0.0056
    assert "300 questions a month" in note
    big = advise({"knowledge_pages": 2000})  # 2000 pages x ~500 tokens each
    assert big.long_context_ok is False and "1,000,000 tokens" in big.long_context
    assert any(r.rule_id == "large_material" for r in big.reasons)


def test_answered_pages_scale_the_library_tokens_per_page():
    measured = measure({"documents": 1, "pages": 10, "tokens_estimate": 8000}, {})
    advice = advise({"knowledge_pages": 100}, measured)
    assert "80,000 tokens" in advice.long_context  # 800 tokens a page, as measured


# ---------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------


def test_validate_coerces_and_cleans():
    clean = validate({"knowledge_pages": "1,200", "example_pairs": 37.0, "monthly_questions": " 500 ",
                      "change_frequency": " Weekly ", "task_shape": "narrow-repetitive", "budget": None,
                      "ml_capacity": ""})
    assert clean == {"knowledge_pages": 1200, "example_pairs": 37, "monthly_questions": 500,
                     "change_frequency": "weekly", "task_shape": "narrow_repetitive"}
    assert validate(None) == {}


@pytest.mark.parametrize(
    "answers, must_mention",
    [
        ({"change_frequncy": "weekly"}, ["change_frequncy", "Did you mean 'change_frequency'"]),
        ({"colour": "blue"}, ["'colour'", "budget"]),
        ({"change_frequency": "hourly"}, ["hourly", "change_frequency", "daily, weekly, monthly, quarterly, rarely"]),
        ({"needs_citations": True}, ["needs_citations", "must, nice, no"]),
        ({"knowledge_pages": "lots"}, ["knowledge_pages", "whole number", "lots"]),
        ({"example_pairs": -3}, ["example_pairs", "0 or more"]),
        ({"monthly_questions": 2.5}, ["monthly_questions", "whole number"]),
        ({"example_pairs": True}, ["example_pairs", "whole number"]),
    ],
    ids=["typo id", "unknown id", "unknown value", "wrong type", "not a number", "negative", "fraction", "bool"],
)
def test_validate_errors_are_clear(answers, must_mention):
    with pytest.raises(UsageError) as err:
        validate(answers)
    msg = err.value.user_message
    for part in must_mention:
        assert part in msg
    with pytest.raises(UsageError):
        advise(answers)


def test_validate_rejects_a_non_dict():
    with pytest.raises(UsageError, match="question ids and values"):
        validate(["weekly"])


# ---------------------------------------------------------------------------
# measure()
# ---------------------------------------------------------------------------


def test_measure_from_stats_and_usage():
    m = measure({"documents": 9, "pages": 312, "chunks": 900, "words": 120_000, "replacements": 1,
                 "tokens_estimate": 160_000},
                {"questions": 120, "unanswered": 6, "approved": 37})
    assert m["knowledge_pages"].value == 312
    assert m["knowledge_pages"].label == "measured from your library: 312 pages in 9 documents"
    assert m["example_pairs"].value == 37 and "37 approved answers" in m["example_pairs"].label
    assert m["monthly_questions"].value == 120 and "120 questions in the last 30 days" in m["monthly_questions"].label
    assert m["unanswered_rate"].value == 0.05 and "6 of 120" in m["unanswered_rate"].label
    assert m["tokens_estimate"].value == 160_000
    assert "change_frequency" not in m  # one replacement, no time span: no hint


@pytest.mark.parametrize(
    "stats, hint",
    [
        ({"replacements": 0}, None),
        ({"replacements": 2}, None),
        ({"replacements": 3}, "monthly"),
        ({"replacements": 40, "replacements_30d": 0}, None),
        ({"replacements": 5, "replacements_30d": 1}, "monthly"),
        ({"replacements": 5, "replacements_30d": 3}, "monthly"),
        ({"replacements": 9, "replacements_30d": 4}, "weekly"),
        ({"replacements": 90, "replacements_30d": 60}, "weekly"),  # never "daily" from a hint
    ],
    ids=["none", "two all-time", "three all-time", "none recently", "one recent", "three recent", "four recent",
         "many recent"],
)
def test_measure_change_hint_is_conservative(stats, hint):
    m = measure({"documents": 3, "pages": 30, **stats}, {})
    if hint is None:
        assert "change_frequency" not in m
    else:
        assert m["change_frequency"].value == hint and m["change_frequency"].hint
        assert m["change_frequency"].label.startswith("a hint from your library")


def test_measured_hint_is_used_only_when_not_answered():
    m = measure({"documents": 3, "pages": 30, "replacements": 9, "replacements_30d": 5}, {})
    assert resolve({}, m)["change_frequency"].value == "weekly"
    assert resolve({}, m)["change_frequency"].origin == "measured"
    assert resolve({"change_frequency": "rarely"}, m)["change_frequency"].value == "rarely"


def test_measure_tolerates_missing_and_empty_inputs():
    assert measure(None, None) == {}
    assert measure({}, {}) == {}
    m = measure({"documents": 2}, {"approved": 4})
    assert set(m) == {"documents", "example_pairs"}


def test_prefill_from_a_real_library_and_history(settings):
    """Real Library.stats() after an add and a replace, plus history-shaped usage."""
    from core.library import Library
    from tests.builders import LOREM_TOPICS, make_pdf

    lib = Library(settings)
    add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS[::-1] + ["A new page about opening hours."]))])
    stats = lib.stats()
    usage = UsageStats(questions=25, unanswered=2, approved=7)  # as History.usage_stats() returns it
    m = measure(stats, usage)
    assert m["knowledge_pages"].value == stats.pages == 6
    assert m["knowledge_pages"].label == "measured from your library: 6 pages in 1 document"
    assert m["change_frequency"].value == "monthly" and "1 document replaced" in m["change_frequency"].label
    advice = advise({}, m)
    assert advice.answers["knowledge_pages"].origin == "measured"
    assert advice.answers["example_pairs"].value == 7
    assert advice.long_context_ok is True
    assert f"{stats.tokens_estimate:,} tokens" in advice.long_context


# ---------------------------------------------------------------------------
# The result: reasons, chart, cost table, checklist, JSON
# ---------------------------------------------------------------------------


def test_checklist_counts_examples_against_the_threshold():
    advice = advise({}, measure({"pages": 40, "documents": 2}, {"approved": 37, "questions": 50}))
    item = next(c for c in advice.checklist if c["item"].startswith("Enough approved examples"))
    assert item["ok"] is False
    assert item["detail"].startswith("37 approved examples; fine-tuning usually needs 500 or more")


def test_cost_table_is_labelled_with_sources():
    advice = advise({"monthly_questions": 20_000, "knowledge_pages": 40})
    letters = set(advice.sources)
    assert letters == {"A", "B", "C", "D", "E"}
    for row in advice.cost_table:
        assert set(row) >= {"item", "estimate", "source", "kind"}
        assert row["kind"] in ("industry estimate", "calculated from your answers")
        cited = re.findall(r"\[([A-E])\]", row["source"])
        assert cited and set(cited) <= letters
    own = next(r for r in advice.cost_table if r["item"] == "At your 20,000 questions a month")
    assert "$20.00" in own["estimate"] and "$200" in own["estimate"]
    assert any("$500 a month" in r["estimate"] for r in advice.cost_table)


def test_as_dict_matches_the_cli_contract():
    payload = advise({"change_frequency": "weekly"}).as_dict()
    json.dumps(payload)  # serialisable
    assert payload["verdict"] in advisor.VERDICTS
    assert isinstance(payload["long_context_ok"], bool)
    assert all(isinstance(r, str) for r in payload["reasons"])
    assert all(isinstance(s, str) for s in payload["next_steps"])
    for key in ("headline", "condition", "push", "checklist", "cost_table", "answers"):
        assert key in payload
    assert payload["answers"]["change_frequency"] == {"value": "weekly", "origin": "answered",
                                                      "basis": "your answer: Every week"}
    rows = advise({"change_frequency": "weekly"}).chart_rows()
    assert rows and all(set(r) == {"factor", "retrieval", "fine_tuning"} for r in rows)


def test_rules_are_data_with_plain_reasons():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    question_ids = {q.id for q in QUESTIONS}
    for r in RULES:
        assert r.direction in ("retrieval", "fine_tuning", "neutral")
        assert (r.weight == 0) == (r.direction == "neutral")
        assert r.question_id is None or r.question_id in question_ids
        assert r.reason and r.label
    assert DECISIONS[-1].when(None) is True  # the last decision always applies
    assert {d.verdict for d in DECISIONS} == set(advisor.VERDICTS)


def test_questions_are_the_contract():
    expected = {
        "change_frequency": ["daily", "weekly", "monthly", "quarterly", "rarely"],
        "needs_citations": ["must", "nice", "no"],
        "knowledge_pages": None,
        "main_gap": ["knowledge", "behaviour", "both"],
        "style_strictness": ["flexible", "preferred", "strict"],
        "task_shape": ["open_questions", "narrow_repetitive"],
        "example_pairs": None,
        "response_speed": ["seconds_ok", "instant"],
        "monthly_questions": None,
        "data_sensitivity": ["public", "internal", "regulated"],
        "launch_timeline": ["weeks", "months"],
        "ml_capacity": ["none", "some", "team"],
        "budget": ["low_upfront", "can_invest"],
    }
    assert [q.id for q in QUESTIONS] == list(expected)
    for q in QUESTIONS:
        if expected[q.id] is None:
            assert q.kind == "int" and q.measured
        else:
            assert q.kind == "choice" and q.values == expected[q.id]
        assert q.prompt and q.why and q.id in DEFAULTS and DEFAULTS[q.id].reason
        assert validate({q.id: q.default}) == {q.id: q.default}


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

EVIL = "<script>alert('x')</script> & <img src=http://evil.example/x.png>"


def _evil_advice():
    measured = {"knowledge_pages": Measured(30, EVIL, "library"),
                "example_pairs": Measured(10, "measured | with a pipe", "history")}
    return advise({"main_gap": "behaviour", "style_strictness": "strict"}, measured)


def test_report_markdown_has_the_verdict_and_no_raw_html():
    advice = _evil_advice()
    md = report_markdown(advice)
    assert advice.verdict in md and advice.verdict_label in md
    assert advice.headline in md
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert "measured \\| with a pipe" in md
    for letter in "ABCDE":
        assert f"- [{letter}]" in md
    assert "estimate" in md.lower()


def test_report_html_is_self_contained_printable_and_escaped():
    advice = _evil_advice()
    page = report_html(advice)
    assert page.startswith("<!DOCTYPE html>")
    assert html.escape(advice.headline) in page
    assert advice.verdict in page
    assert "@media print" in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert html.escape(EVIL) in page
    rest = page.replace(html.escape(EVIL), "")
    assert not re.search(r"(src|href)\s*=|url\(|@import|<link|<script", rest, re.IGNORECASE)  # loads nothing
    assert "http" not in rest


# ---------------------------------------------------------------------------
# Training-data export
# ---------------------------------------------------------------------------


def _examples(n: int) -> list[dict]:
    return [
        {"question": f"How many days of leave do staff in team {i} get?",
         "answer": f"Team {i} gets 25 days [1].",
         "citations": [{"n": 1, "file": "Handbook.pdf", "page": 4, "text": f"Team {i}: 25 days of paid leave."},
                       {"n": 2, "file": "Policies.docx", "page": None, "section": "Leave", "text": "Ask two weeks ahead."}]}
        for i in range(n)
    ]


def test_export_format_is_chat_jsonl_with_passages():
    exp = export_training_data(_examples(40))
    lines = (exp.train_jsonl + exp.eval_jsonl).splitlines()
    assert len(lines) == exp.total == 40 == exp.train_count + exp.eval_count
    for line in lines:
        record = json.loads(line)
        assert list(record) == ["messages"]
        roles = [m["role"] for m in record["messages"]]
        assert roles == ["system", "user", "assistant"]
        system, user, assistant = (m["content"] for m in record["messages"])
        assert "numbered passages" in system
        assert "[1] Handbook.pdf, page 4:" in user and "25 days of paid leave" in user
        assert "[2] Policies.docx, section \u201cLeave\u201d:" in user
        assert re.search(r"Question: How many days of leave do staff in team \d+ get\?$", user)
        assert assistant.startswith("Team ") and assistant.endswith("[1].")
    assert exp.threshold == EXAMPLES_THRESHOLD
    assert exp.summary.startswith("40 approved examples exported")
    assert "500 or more" in exp.summary and "460 to go" in exp.summary


def test_export_split_is_deterministic_and_about_the_fraction():
    examples = _examples(1000)
    a = export_training_data(examples)
    b = export_training_data(list(reversed(examples)))
    assert set(a.eval_jsonl.splitlines()) == set(b.eval_jsonl.splitlines())
    assert 100 <= a.eval_count <= 200  # ~15%
    assert a.train_count + a.eval_count == 1000
    assert "enough to start" in a.summary
    # growing the set never moves an example from one side to the other
    small = export_training_data(examples[:300])
    assert set(small.eval_jsonl.splitlines()) <= set(a.eval_jsonl.splitlines())
    assert set(small.train_jsonl.splitlines()) <= set(a.train_jsonl.splitlines())
    # a custom system prompt and fraction
    c = export_training_data(examples, system_prompt="Be brief.", eval_fraction=0.1)
    assert 60 <= c.eval_count <= 140
    assert json.loads(c.train_jsonl.splitlines()[0])["messages"][0]["content"] == "Be brief."


def test_export_same_question_lands_on_the_same_side():
    ex = _examples(50)
    dupes = [dict(e, answer=e["answer"] + " See page 4.") for e in ex]
    out = export_training_data(ex + dupes)
    for part in (out.train_jsonl, out.eval_jsonl):
        questions = [json.loads(l)["messages"][1]["content"].rsplit("Question: ", 1)[1] for l in part.splitlines()]
        other = out.eval_jsonl if part is out.train_jsonl else out.train_jsonl
        for q in questions:
            assert q not in other


def test_export_skips_empty_and_repeated_examples_and_holds_one_out_of_small_sets():
    ex = _examples(6)
    out = export_training_data(ex + ex[:2] + [{"question": "", "answer": "x"}, {"question": "Q?", "answer": " "}])
    assert out.total == 6 and out.skipped == 4
    assert out.eval_count >= 1
    assert export_training_data([]).total == 0
    with pytest.raises(UsageError):
        export_training_data(ex, eval_fraction=1.5)
