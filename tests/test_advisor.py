"""The advisor, per component: questions, measured facts, rules and decisions, the long-context estimate,
the answer style, the library check, the report sections, the training-data export and the CLI."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys

import pytest

from core import advisor
from core.advisor import (
    DECISIONS,
    DEFAULTS,
    EXAMPLES_THRESHOLD,
    QUESTIONS,
    RULES,
    SOURCES,
    STYLE_PAGE,
    Measured,
    advise,
    build_sections,
    export_training_data,
    load_selftest,
    measure,
    report_html,
    report_markdown,
    resolve,
    validate,
)
from core.errors import UsageError
from core.ingest import add_files
from core.selftest import SUMMARY_FILE
from core.types import LibraryStats, SelfTestSummary, UsageStats
from tests.conftest import ROOT


def library(tokens: int = 0, **fields) -> LibraryStats:
    """Library.stats() as it would report ``tokens`` (words are what it stores: ~1.33 tokens a word)."""
    if tokens:
        fields["words"] = tokens * 3 // 4
    return LibraryStats(**fields)


EMPTY = measure(LibraryStats(), UsageStats())  # a fresh install: nothing uploaded, nothing asked

# ---------------------------------------------------------------------------
# A dozen-plus realistic businesses: answers, the verdict we expect, and why
# ---------------------------------------------------------------------------

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
        "finetune_first", "narrow_stable_task", False,
        id="ticket classification at scale: narrow, stable, thousands of labels; 200k a month is too many to read everything",
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
        "rag_plus_finetune", "both_now", False,
        id="large employer HR handbook, 60k stable questions a month: worth baking in, too many to read everything",
    ),
    pytest.param(
        dict(change_frequency="rarely", needs_citations="no", knowledge_pages=150, main_gap="knowledge",
             example_pairs=50, monthly_questions=60_000, ml_capacity="team", budget="can_invest"),
        "rag_then_finetune", "too_few_examples", False,
        id="same HR handbook with only 50 good examples: later, once 500",
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
        "finetune_first", "narrow_stable_task", False,
        id="parts-code autocomplete, instant replies, stable catalogue: train a small model; reading everything is never instant",
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



class TestBusinesses:
    @pytest.mark.parametrize("answers, verdict, decision, long_context", BUSINESSES)
    def test_realistic_businesses(self, answers, verdict, decision, long_context):
        advice = advise(answers)
        assert advice.verdict == verdict, advice.decision.text
        assert advice.decision.rule_id == decision
        assert advice.long_context_ok is long_context
        # every reason is tied to an answer or a measured fact, and says which
        for r in advice.reasons:
            assert r.direction in ("retrieval", "fine_tuning", "neutral")
            assert r.origin in ("answered", "measured", "default")
            assert r.text and "{" not in r.text and "}" not in r.text
        # the headline is one sentence that names looking things up (retrieval, or RAG) once
        assert advice.headline.count("(retrieval, or RAG)") == 1
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

    def test_condition_names_the_behaviour_and_the_threshold(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=37, ml_capacity="some"))
        assert advice.verdict == "rag_then_finetune"
        assert advice.condition == ("once you have 500 good examples of answers in your style "
                                    "(you have 37 good examples you counted)")
        assert "strict answering style" in advice.headline

    def test_condition_lists_everything_missing(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=37,
                             ml_capacity="none", budget="low_upfront"))
        assert advice.decision.rule_id == "no_maintainer_no_budget"
        assert "500 good examples" in advice.condition
        assert "look after a trained model" in advice.condition and "budget" in advice.condition

    def test_strict_style_with_examples_but_no_maintainer_waits_for_one(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=900,
                             ml_capacity="none", budget="can_invest", change_frequency="rarely"))
        assert advice.verdict == "rag_then_finetune"
        assert advice.decision.rule_id == "no_maintainer"
        assert "500" not in advice.condition and "on staff or hired" in advice.condition

    def test_changing_facts_never_a_reason_however_many_examples(self):
        for n in (0, 499, 500, 50_000):
            advice = advise(dict(change_frequency="weekly", main_gap="knowledge", example_pairs=n,
                                 ml_capacity="team", budget="can_invest", monthly_questions=500_000))
            assert advice.verdict == "rag_only", n
        assert "even your 50,000" in advice.decision.text

    def test_stable_facts_at_very_high_volume_may_be_baked_in_but_not_at_low_volume(self):
        base = dict(change_frequency="rarely", main_gap="knowledge", example_pairs=2000, ml_capacity="team",
                    budget="can_invest", needs_citations="no")
        assert advise({**base, "monthly_questions": 49_999}).verdict == "rag_only"
        high = advise({**base, "monthly_questions": 50_000})
        assert high.verdict == "rag_plus_finetune"
        assert "stable facts" in high.behaviour
        assert any(r.rule_id == "very_high_volume_stable" for r in high.reasons)

    def test_hybrid_cost_is_named_when_both_are_recommended(self):
        advice = advise(dict(main_gap="both", style_strictness="strict", example_pairs=3000, ml_capacity="team",
                             budget="can_invest"))
        assert advice.verdict == "rag_plus_finetune"
        assert any("1.6-1.8x" in s for s in advice.next_steps)
        assert any("1.6-1.8x" in row["estimate"] and row["source"] == "[C]" for row in advice.cost_table)

    def test_regulated_data_keeps_training_self_hosted(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="strict", example_pairs=900, ml_capacity="some",
                             data_sensitivity="regulated"))
        assert any("don't send regulated data" in s for s in advice.next_steps)
        assert any(r.rule_id == "self_hosted" for r in advice.reasons)
        assert any(r.rule_id == "regulated_governance" and r.direction == "retrieval" for r in advice.reasons)


class TestEdgeCases:
    def test_nothing_answered_uses_stated_defaults_and_measured_zero_documents(self):
        advice = advise({}, EMPTY)
        assert advice.verdict == "rag_only"
        assert advice.long_context_ok is False
        origins = {k: v.origin for k, v in advice.answers.items()}
        assert origins["knowledge_pages"] == origins["monthly_questions"] == "measured"
        assert origins["example_pairs"] == "default"  # the owner's own count is never measured
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

    def test_nothing_answered_and_nothing_measured_still_advises(self):
        advice = advise({})
        assert advice.verdict == "rag_only"
        assert all(v.origin == "default" for v in advice.answers.values())
        # default-based reasons say they were assumed
        assert all("assumed" in r.full_text for r in advice.reasons if r.origin == "default")
        assert advice.as_dict()["reasons"]

    def test_zero_documents_but_a_real_behaviour_case(self):
        advice = advise(dict(knowledge_pages=0, main_gap="behaviour", style_strictness="strict",
                             task_shape="narrow_repetitive", change_frequency="rarely", needs_citations="no",
                             example_pairs=1000, ml_capacity="team"))
        assert advice.verdict == "finetune_first"
        assert advice.long_context_ok is False
        assert advice.next_steps[0].startswith("Upload your documents")

    def test_contradiction_behaviour_gap_but_flexible_style(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="flexible", example_pairs=0))
        assert advice.verdict == "rag_only"
        assert advice.decision.rule_id == "loose_style_leans_retrieval"
        note = next(r for r in advice.reasons if r.rule_id == "loose_style_contradiction")
        assert note.direction == "neutral" and "written instructions" in note.text

    def test_contradiction_strict_style_but_facts_are_the_gap(self):
        advice = advise(dict(main_gap="knowledge", style_strictness="strict", example_pairs=2000, ml_capacity="team"))
        assert advice.verdict == "rag_only"
        assert any(r.rule_id == "strict_style_no_gap" for r in advice.reasons)
        assert not any(r.rule_id == "strict_style" for r in advice.reasons)

    def test_loose_style_ready_in_every_way_is_still_instructions_first(self):
        advice = advise(dict(main_gap="behaviour", style_strictness="preferred", change_frequency="rarely",
                             example_pairs=2000, ml_capacity="team", budget="can_invest", launch_timeline="months"))
        assert advice.verdict == "rag_then_finetune"
        assert advice.decision.rule_id == "loose_style_try_instructions"
        assert "written instructions" in advice.condition

    def test_high_unanswered_rate_puts_documents_first(self):
        measured = measure(library(24_000, documents=4, pages=60), UsageStats(questions=40, unanswered=12, approved=3))
        advice = advise({"change_frequency": "rarely"}, measured)
        assert "found nothing" in advice.next_steps[0]
        note = next(r for r in advice.reasons if r.rule_id == "unanswered_high")
        assert note.origin == "measured" and "30%" in note.text and "12 of 40" in note.full_text
        item = next(c for c in advice.checklist if c["item"].startswith("Questions find"))
        assert item["ok"] is False

    def test_low_unanswered_rate_or_few_questions_is_not_flagged(self):
        few = advise({}, measure(LibraryStats(pages=10), UsageStats(questions=5, unanswered=4)))
        assert not any(r.rule_id == "unanswered_high" for r in few.reasons)
        fine = advise({}, measure(LibraryStats(pages=10), UsageStats(questions=100, unanswered=5)))
        assert not any(r.rule_id == "unanswered_high" for r in fine.reasons)

    def test_answers_override_measured_values(self):
        measured = measure(library(150_000, documents=9, pages=312), UsageStats(questions=80, approved=37))
        resolved = resolve({"example_pairs": "600"}, measured)
        assert resolved["example_pairs"].value == 600 and resolved["example_pairs"].origin == "answered"
        assert resolved["knowledge_pages"].value == 312 and resolved["knowledge_pages"].origin == "measured"
        assert resolved["knowledge_pages"].basis == "measured from your library: 312 pages in 9 documents"
        assert resolved["budget"].origin == "default"


class TestExamplesKeptApart:
    """Issue 14, item 4: the owner's typed count and the chat's approved answers are two different numbers."""

    def _advice(self):
        return advise({"main_gap": "behaviour", "style_strictness": "strict", "example_pairs": 50,
                       "ml_capacity": "some"}, measure(library(4000, documents=1, pages=5), UsageStats(approved=1)))

    def test_fifty_typed_and_one_approved_never_read_as_fifty_approved(self):
        advice = self._advice()
        outputs = {"json": json.dumps(advice.as_dict(), ensure_ascii=False), "markdown": report_markdown(advice),
                   "html": html.unescape(report_html(advice))}
        for name, text in outputs.items():
            assert not re.search(r"\b50 approved", text), name
            assert not re.search(r"\b51 approved", text), name
            assert "50 good examples you counted" in text, name
            assert "1 answer you approved in the chat" in text, name
        assert advice.typed_examples == 50 and advice.approved_answers == 1
        assert advice.as_dict()["examples"] == {"typed": 50, "approved_in_chat": 1}

    def test_both_count_toward_what_there_is_to_train_on(self):
        advice = self._advice()
        assert "51 in all" in advice.decision.text and advice.decision.rule_id == "too_few_examples"
        near = advise({"main_gap": "behaviour", "style_strictness": "strict", "example_pairs": 499,
                       "ml_capacity": "some"}, measure(None, UsageStats(approved=1)))
        assert near.verdict == "rag_plus_finetune"  # 499 of their own + 1 from the chat reach 500

    def test_the_question_is_the_owners_count_and_the_chat_is_measured_beside_it(self):
        q = advisor.QUESTION_BY_ID["example_pairs"]
        assert not q.measured and q.related == "approved_answers"
        assert "approved in Groundwork's chat" in q.help
        m = measure(None, UsageStats(approved=7))
        assert "example_pairs" not in m and m["approved_answers"].value == 7
        facts = {i.label: i for i in advisor.section(build_sections(self._advice()), "facts").items}
        assert facts["Approved in chat"].value == "1" and facts["Examples you counted"].value == "50"


class TestLongContext:
    """Could the model just read everything? Size, speed and volume, from the owner's answers."""

    def test_note_uses_measured_tokens_and_labels_the_estimate(self):
        measured = measure(library(40_000, documents=2, pages=50), UsageStats(questions=300))
        advice = advise({}, measured)
        assert advice.long_context_ok is True
        note = advice.long_context
        assert "40,000 word pieces, called tokens" in note and "[A]" in note and "Estimate" in note
        assert "$0.006 per question" in note  # 40,000 x $0.14 / 1M = $0.0056
        assert "300 questions a month" in note
        assert "sends nothing anywhere" in note  # why a hosted price is there at all
        big = advise({"knowledge_pages": 2000})  # 2000 pages x ~500 tokens each
        assert big.long_context_ok is False and "1,000,000 word pieces, called tokens" in big.long_context
        assert big.long_context_blocker == "size"
        assert any(r.rule_id == "large_material" for r in big.reasons)

    def test_answered_pages_scale_the_library_tokens_per_page(self):
        measured = measure(library(8000, documents=1, pages=10), None)
        advice = advise({"knowledge_pages": 100}, measured)
        assert "80,000 word pieces, called tokens" in advice.long_context  # 800 tokens a page, as measured

    def test_fifty_thousand_tokens_with_instant_replies_is_a_no(self):
        measured = measure(library(50_000, documents=3, pages=70), UsageStats(questions=200))
        advice = advise({"response_speed": "instant"}, measured)
        assert advice.long_context_ok is False and advice.long_context_blocker == "speed"
        assert advice.long_context.startswith("No: you need instant replies")
        assert not any("read all of your material" in s for s in advice.next_steps)
        assert advise({"response_speed": "seconds_ok"}, measured).long_context_ok is True

    def test_fifty_thousand_tokens_at_very_high_volume_is_a_no(self):
        measured = measure(library(50_000, documents=3, pages=70), None)
        at_limit = advise({"monthly_questions": 20_000}, measured)  # 50K x 20K = a billion tokens a month
        assert at_limit.long_context_ok is True
        over = advise({"monthly_questions": 100_000}, measured)
        assert over.long_context_ok is False and over.long_context_blocker == "volume"
        assert "100,000 questions a month" in over.long_context
        assert "3.8 billion words" in over.long_context  # 5 billion tokens, about 3.75 billion words
        assert "$700" in over.long_context  # 5,000 million tokens x $0.14

    def test_small_library_and_low_volume_is_a_yes(self):
        advice = advise({"monthly_questions": 40}, measure(library(3000, documents=1, pages=4), None))
        assert advice.long_context_ok is True and advice.long_context_blocker is None
        assert advice.long_context.startswith("Yes, as a quick trial")
        assert any("read all of your material" in s for s in advice.next_steps)


class TestMeasure:
    def test_measure_from_stats_and_usage(self):
        m = measure(LibraryStats(documents=9, pages=312, chunks=900, words=120_000, replacements=1),
                    UsageStats(questions=120, unanswered=6, approved=37))
        assert m["knowledge_pages"].value == 312
        assert m["knowledge_pages"].label == "measured from your library: 312 pages in 9 documents"
        assert m["approved_answers"].value == 37 and "37 approved answers" in m["approved_answers"].label
        assert "example_pairs" not in m  # approved answers never stand in for the owner's own count
        assert m["monthly_questions"].value == 120 and "120 questions in the last 30 days" in m["monthly_questions"].label
        assert m["unanswered_rate"].value == 0.05 and "6 of 120" in m["unanswered_rate"].label
        assert m["tokens_estimate"].value == 160_000
        assert "120,000 words" in m["tokens_estimate"].label
        assert "change_frequency" not in m  # one replacement, none recently: no hint

    @pytest.mark.parametrize(
        "stats, hint",
        [
            ({"replacements": 0}, None),
            ({"replacements": 2}, None),
            ({"replacements": 3}, None),  # typed stats always carry the 30-day count: none recently, no hint
            ({"replacements": 40, "replacements_30d": 0}, None),
            ({"replacements": 5, "replacements_30d": 1}, "monthly"),
            ({"replacements": 5, "replacements_30d": 3}, "monthly"),
            ({"replacements": 9, "replacements_30d": 4}, "weekly"),
            ({"replacements": 90, "replacements_30d": 60}, "weekly"),  # never "daily" from a hint
        ],
        ids=["none", "two all-time", "three all-time, none recently", "none recently", "one recent", "three recent",
             "four recent", "many recent"],
    )
    def test_change_hint_is_conservative(self, stats, hint):
        m = measure(LibraryStats(documents=3, pages=30, **stats), None)
        if hint is None:
            assert "change_frequency" not in m
        else:
            assert m["change_frequency"].value == hint and m["change_frequency"].hint
            assert m["change_frequency"].label.startswith("a hint from your library")

    def test_measured_hint_is_used_only_when_not_answered(self):
        m = measure(LibraryStats(documents=3, pages=30, replacements=9, replacements_30d=5), None)
        assert resolve({}, m)["change_frequency"].value == "weekly"
        assert resolve({}, m)["change_frequency"].origin == "measured"
        assert resolve({"change_frequency": "rarely"}, m)["change_frequency"].value == "rarely"

    def test_measure_tolerates_missing_inputs(self):
        assert measure(None, None) == {}
        assert measure(None, None, None) == {}
        lib_only = measure(LibraryStats(documents=2), None)
        assert {"knowledge_pages", "documents", "tokens_estimate"} <= set(lib_only)
        assert not {"approved_answers", "monthly_questions", "answer_style"} & set(lib_only)
        use_only = measure(None, UsageStats(approved=4))
        assert use_only["approved_answers"].value == 4
        assert not {"knowledge_pages", "documents", "example_pairs"} & set(use_only)

    def test_prefill_from_a_real_library_and_history(self, settings):
        """Real Library.stats() after an add and a replace, plus the UsageStats History.usage_stats() returns."""
        from core.library import Library
        from tests.builders import LOREM_TOPICS, make_pdf

        lib = Library(settings)
        add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
        add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS[::-1] + ["A new page about opening hours."]))])
        stats = lib.stats()
        usage = UsageStats(questions=25, unanswered=2, approved=7)
        m = measure(stats, usage)
        assert m["knowledge_pages"].value == stats.pages == 6
        assert m["knowledge_pages"].label == "measured from your library: 6 pages in 1 document"
        assert m["change_frequency"].value == "monthly" and "1 document replaced" in m["change_frequency"].label
        advice = advise({}, m)
        assert advice.answers["knowledge_pages"].origin == "measured"
        assert advice.answers["example_pairs"].value == 0 and advice.answers["example_pairs"].origin == "default"
        assert advice.approved_answers == 7
        assert advice.long_context_ok is True
        assert f"{stats.tokens_estimate:,} word pieces, called tokens" in advice.long_context


class TestAnswerStyle:
    """Issue 14, item 6: the advisor acts on its own "try written instructions first"."""

    LOOSE = dict(main_gap="behaviour", style_strictness="preferred", change_frequency="rarely", example_pairs=2000,
                 ml_capacity="team", budget="can_invest", launch_timeline="months")

    @staticmethod
    def styled(liked: int, disliked: int, **extra) -> dict:
        return measure(None, UsageStats(style_set=True, style_since="2026-05-03T10:00:00+00:00",
                                        liked_since_style=liked, disliked_since_style=disliked, **extra))

    def test_no_style_yet_sends_the_owner_to_the_answer_style_page(self):
        advice = advise({"main_gap": "behaviour"}, measure(None, UsageStats()))
        assert advice.style_step and "Answer style page" in advice.style_step
        assert advice.style_step in advice.next_steps
        assert any(r.rule_id == "style_not_tried" for r in advice.reasons)
        steps = advisor.section(build_sections(advice), "next_steps").items
        linked = [i for i in steps if i.page]
        assert [i.text for i in linked] == [advice.style_step] and linked[0].page == STYLE_PAGE == "pages/style.py"
        # on paper the step is plain text that names the page, never a file path
        for text in (report_markdown(advice), report_html(advice)):
            assert "Answer style page" in text and "pages/style.py" not in text

    def test_no_link_when_the_way_it_answers_is_not_the_problem(self):
        advice = advise({"main_gap": "knowledge"}, measure(None, UsageStats()))
        assert advice.style_step is None
        assert not any(i.page for i in advisor.section(build_sections(advice), "next_steps").items)

    def test_measured_facts_say_whether_a_style_is_set_and_how_answers_were_rated_since(self):
        m = self.styled(8, 1)
        assert m["answer_style"].value.set and m["answer_style"].value.status == "works"
        assert "since 3 May 2026" in m["answer_style"].label
        assert "8 answers liked and 1 disliked" in m["answer_style"].label
        assert measure(None, UsageStats())["answer_style"].label == "measured from your settings: no answer style is set yet"
        facts = {i.label: i for i in advisor.section(build_sections(advise({}, m)), "facts").items}
        assert facts["Answer style"].value == "Set" and "8 answers liked" in facts["Answer style"].note

    def test_a_style_that_works_counts_toward_looking_things_up(self):
        advice = advise({"main_gap": "behaviour"}, self.styled(8, 1))
        rule = next(r for r in advice.reasons if r.rule_id == "style_works")
        assert rule.direction == "retrieval" and "8 answers were liked and 1 disliked" in rule.text
        assert "Answer style" in rule.full_text or "answer style" in rule.full_text
        assert not any(r.rule_id == "style_not_tried" for r in advice.reasons)

    def test_instructions_that_fall_short_make_training_the_next_step(self):
        tried = advise(self.LOOSE, self.styled(2, 6))
        assert tried.verdict == "rag_plus_finetune", tried.decision.text
        assert any(r.rule_id == "style_falls_short" and r.direction == "fine_tuning" for r in tried.reasons)
        # without that evidence the same business is told to try instructions first
        untried = advise(self.LOOSE, measure(None, UsageStats()))
        assert untried.decision.rule_id == "loose_style_try_instructions"
        too_early = advise(self.LOOSE, self.styled(1, 2))  # 3 ratings say little yet
        assert too_early.decision.rule_id == "loose_style_try_instructions"
        assert any("Keep rating answers" in s for s in too_early.next_steps)


class TestSelfTest:
    """Issue 11, item 5: the owner's library check is a measured fact; misses are fixed by documents."""

    SUMMARY = SelfTestSummary(run_at="2026-05-12T09:30:00+00:00", questions=40, top1=0.45, top3=0.6,
                              findability=0.55, hard_documents=["Price list (scan).pdf", "Recipes.docx"])

    def test_load_selftest_reads_the_file_the_check_writes(self, settings):
        assert load_selftest(settings) is None  # never run
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = settings.data_dir / SUMMARY_FILE  # the file the check writes (core.selftest)
        assert path.name == "selftest.json"
        path.write_text(json.dumps({**self.SUMMARY.__dict__, "written_by": "a later release"}), "utf-8")
        assert load_selftest(settings) == self.SUMMARY
        for broken in ("{not json", "[]", json.dumps({"run_at": "2026-05-12", "questions": 0, "top1": 0,
                                                       "top3": 0, "findability": 0}),
                       json.dumps({**self.SUMMARY.__dict__, "findability": 7}),
                       json.dumps({"findability": 0.5})):
            path.write_text(broken, "utf-8")
            assert load_selftest(settings) is None, broken

    def test_the_figure_and_its_date_are_a_measured_fact(self):
        m = measure(None, None, self.SUMMARY)
        assert m["selftest"].label == ("measured by your library check on 12 May 2026: 55% findable (the right page "
                                       "came first for 45% of 40 test questions, and in the first three for 60%)")
        facts = {i.label: i for i in advisor.section(build_sections(advise({}, m)), "facts").items}
        assert facts["Library check"].value == "55%" and "12 May 2026" in facts["Library check"].note

    def test_hard_to_find_documents_come_first_and_training_is_not_the_fix(self):
        advice = advise({"main_gap": "both", "style_strictness": "strict", "knowledge_pages": 80},
                        measure(None, None, self.SUMMARY))
        note = next(r for r in advice.reasons if r.rule_id == "hard_to_find")
        assert "55%" in note.text and "Training a model would not fix that" in note.text
        assert "12 May 2026" in note.full_text
        assert advice.next_steps[0].startswith("Make your hard-to-find documents easier to read")
        assert "Price list (scan).pdf" in advice.next_steps[0]
        item = next(c for c in advice.checklist if c["item"] == "Your documents are easy to find")
        assert item["ok"] is False

    def test_a_findable_library_is_not_flagged(self):
        good = SelfTestSummary("2026-05-12T09:30:00+00:00", 40, 0.85, 0.95, 0.9)
        advice = advise({}, measure(None, None, good))
        assert not any(r.rule_id == "hard_to_find" for r in advice.reasons)
        assert next(c for c in advice.checklist if c["item"] == "Your documents are easy to find")["ok"] is True


class TestQuestions:
    def test_questions_are_the_contract(self):
        expected = {
            "change_frequency": ["daily", "weekly", "monthly", "quarterly", "rarely"],
            "needs_citations": ["must", "nice", "no"],
            "knowledge_pages": None,
            "main_gap": ["knowledge", "behaviour", "both"],
            "style_strictness": ["flexible", "preferred", "strict"],
            "task_shape": ["open_questions", "replies", "narrow_repetitive"],
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
                assert q.kind == "int"
                assert q.measured is (q.id in ("knowledge_pages", "monthly_questions"))
            else:
                assert q.kind == "choice" and q.values == expected[q.id]
            assert q.prompt and q.why and q.id in DEFAULTS and DEFAULTS[q.id].reason
            assert validate({q.id: q.default}) == {q.id: q.default}

    def test_validate_coerces_and_cleans(self):
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
    def test_validate_errors_are_clear(self, answers, must_mention):
        with pytest.raises(UsageError) as err:
            validate(answers)
        msg = err.value.user_message
        for part in must_mention:
            assert part in msg
        with pytest.raises(UsageError):
            advise(answers)

    def test_validate_rejects_a_non_dict(self):
        with pytest.raises(UsageError, match="question ids and values"):
            validate(["weekly"])


class TestRules:
    def test_rules_are_data_with_plain_reasons(self):
        ids = [r.id for r in RULES]
        assert len(ids) == len(set(ids))
        question_ids = {q.id for q in QUESTIONS}
        fact_keys = {"approved_answers", "imported_examples", "answer_style", "selftest", "unanswered_rate"}
        for r in RULES:
            assert r.direction in ("retrieval", "fine_tuning", "neutral")
            assert (r.weight == 0) == (r.direction == "neutral")
            assert r.question_id is None or r.question_id in question_ids
            assert r.question_id is not None or r.facts  # every reason rests on something the owner can see
            assert set(r.facts) <= fact_keys
            assert r.reason and r.label
        assert DECISIONS[-1].when(None) is True  # the last decision always applies
        assert {d.verdict for d in DECISIONS} == set(advisor.VERDICTS)

    def test_checklist_counts_examples_against_the_threshold(self):
        advice = advise({}, measure(LibraryStats(pages=40, documents=2), UsageStats(approved=37, questions=50)))
        item = next(c for c in advice.checklist if c["item"].startswith("Enough good examples"))
        assert item["ok"] is False
        assert item["detail"].startswith("37 answers you approved in the chat; training usually needs 500 or more")

    def test_cost_table_is_labelled_with_sources(self):
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

    def test_as_dict_matches_the_cli_contract(self):
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


# ---------------------------------------------------------------------------
# What an owner reads: the sections, the reports, the CLI's words
# ---------------------------------------------------------------------------

# Words a shop owner should never meet, in anything they see (page, reports, CLI human output).
BANNED = [r"Q?LoRA", r"RTX", r"4090", r"A100", r"\bGPU", r"\bweights?\b", r"\brag_only\b", r"rag_then_finetune",
          r"rag_plus_finetune", r"finetune_first", r"\(rag", r"\b7B\b", r"\bLLM", r"\bAPI\b", r"inference",
          r"embedding", r"vector", r"input tokens", r"held-out", r"latency", r"\bms\b", r"\bGPT", r"DeepSeek",
          r"Mistral", r"hallucinat", r"\bJSONL\b", r"\bprompt", r"corpus", r"\bchunk", r"open-weight"]
# Words that may appear only in brackets, after the plain sentence, to help talk to a vendor.
BRACKET_ONLY = [r"\bRAG\b", r"(?i:\btokens?\b)", r"(?i:\bretrieval\b)", r"(?i:per million)"]


def outside_brackets(text: str) -> str:
    """The text without anything in (round brackets) or inside “quotes” (titles of the sources)."""
    text = re.sub(r"\u201c[^\u201d]*\u201d", "", text)
    while True:
        stripped = re.sub(r"\([^()]*\)", "", text)
        if stripped == text:
            return text
        text = stripped


def jargon(text: str) -> list[str]:
    found = [p for p in BANNED if re.search(p, text, 0 if p.startswith(r"\b") and p[2:3].isupper() else re.IGNORECASE)]
    plain = outside_brackets(text)
    return found + [p for p in BRACKET_ONLY if re.search(p, plain)]


def html_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))


def many_advices() -> list:
    """Every verdict, every long-context answer, a style, a library check, a high unanswered rate."""
    out = [advise(values[0]) for values in (p.values for p in BUSINESSES)]
    styled = measure(library(50_000, documents=4, pages=70, replacements_30d=2),
                     UsageStats(questions=40, unanswered=12, approved=3, style_set=True,
                                style_since="2026-05-03T10:00:00+00:00", liked_since_style=2, disliked_since_style=6),
                     TestSelfTest.SUMMARY)
    out += [advise(TestAnswerStyle.LOOSE, styled), advise({"response_speed": "instant"}, styled),
            advise({"monthly_questions": 100_000}, styled), advise({"main_gap": "behaviour"}, EMPTY),
            advise({"main_gap": "behaviour", "example_pairs": 50}, measure(None, UsageStats(approved=1)))]
    return out


class TestReport:
    EVIL = "<script>alert('x')</script> & <img src=http://evil.example/x.png> ![x](http://evil.example/y.png)"

    def _evil_advice(self):
        measured = {"knowledge_pages": Measured(30, self.EVIL, "library"),
                    "example_pairs": Measured(10, "measured | with a pipe", "history")}
        return advise({"main_gap": "behaviour", "style_strictness": "strict"}, measured)

    def test_report_markdown_has_the_verdict_and_no_raw_html(self):
        advice = self._evil_advice()
        md = report_markdown(advice)
        assert advice.verdict_label in md
        assert advice.verdict not in md  # the code is for --json only
        assert advice.headline in md
        assert "<script>" not in md and "<img" not in md
        assert "&lt;script&gt;" in md
        assert "![x](" not in md and "!\\[x\\](" in md  # can never load an image
        assert "Measured \\| with a pipe" in md  # "Where it came from", as a sentence
        for letter in "ABCDE":
            assert f"- [{letter}]" in md
        assert "estimate" in md.lower()

    def test_report_html_is_self_contained_printable_and_escaped(self):
        advice = self._evil_advice()
        page = report_html(advice)
        assert page.startswith("<!DOCTYPE html>")
        assert html.escape(advice.headline) in page
        assert html.escape(advice.verdict_label) in page and advice.verdict not in page
        assert "@media print" in page
        assert "<script" not in page.lower()
        assert "<img" not in page.lower()
        assert html.escape(self.EVIL) in page
        rest = page.replace(html.escape(self.EVIL), "")
        assert not re.search(r"src\s*=|url\(|@import|<link|<script", rest, re.IGNORECASE)  # loads nothing
        # its only addresses are the checked links to the sources, opened only when clicked
        assert re.findall(r'href="([^"]*)"', rest) == [s.url for s in SOURCES.values() if s.url]
        assert "http" not in re.sub(r'href="[^"]*"', "", rest)

    def test_sources_link_only_to_checked_addresses_and_name_the_rest(self):
        assert {k for k, s in SOURCES.items() if s.url} == {"A", "C", "D"}
        assert all(s.url.startswith("https://") for s in SOURCES.values() if s.url)
        items = advisor.section(build_sections(advise({})), "sources").items
        assert [i.label for i in items] == ["[A]", "[B]", "[C]", "[D]", "[E]"]
        md = report_markdown(advise({}))
        assert f"[{SOURCES['A'].title}]({SOURCES['A'].url})" in md
        assert f"- [B] {SOURCES['B'].title}" in md

    def test_every_renderer_draws_the_same_sections(self):
        advice = advise({"main_gap": "both", "style_strictness": "strict", "example_pairs": 37})
        sections = build_sections(advice)
        assert [s.key for s in sections] == ["verdict", "why", "push", "long_context", "next_steps", "checklist",
                                             "facts", "costs", "answers", "sources"]
        md, page = report_markdown(advice), report_html(advice)
        for s in sections[1:]:
            assert f"## {s.title}" in md and f"<h2>{html.escape(s.title)}</h2>" in page
        for item in advisor.section(sections, "why").items:
            assert item.note in md and html.escape(item.note) in page
        assert md.count("\n1. ") == 1 and page.count("<ol>") == 1

    def test_reasons_say_how_strong_they_are_in_words(self):
        advice = advise({"change_frequency": "weekly", "needs_citations": "must"})
        labels = [i.label for i in advisor.section(build_sections(advice), "why").items]
        assert "📚 Toward looking things up (a strong reason)" in labels
        assert not any(re.search(r"\d", label) for label in labels)


class TestPlainWords:
    """Issue 14, item 5: no jargon in anything an owner sees; technical words only in brackets."""

    def test_the_checker_catches_what_the_issue_quoted(self):
        assert jargon("fits on one 24 GB card (e.g. RTX 4090) with QLoRA")
        assert jargon("**Toward looking things up** (weight 3)") and jargon("Verdict (`rag_only`)")
        assert jargon("17,066 tokens x $0.14 per million input tokens")
        assert jargon("Use retrieval, RAG, for this")
        assert not jargon("Looking things up in your documents (retrieval, or RAG) is the right fit.")

    @pytest.mark.parametrize("render", [report_markdown, lambda a: html_text(report_html(a))], ids=["markdown", "html"])
    def test_reports_are_plain(self, render):
        for advice in many_advices():
            text = render(advice)
            assert not jargon(text), (jargon(text), advice.verdict)

    def test_cli_human_output_is_plain(self, data_dir, tmp_path, capsys):
        from core.cli import main

        for i, advice in enumerate(many_advices()[:3] + many_advices()[-4:]):
            answers = {k: v.value for k, v in advice.answers.items() if v.origin == "answered"}
            path = tmp_path / f"answers{i}.json"
            path.write_text(json.dumps(answers), "utf-8")
            assert main(["advise", str(path)]) == 0
            out = capsys.readouterr().out
            assert out.strip() and not jargon(out), jargon(out)


class TestTrainingExport:
    @staticmethod
    def _examples(n: int) -> list[dict]:
        return [
            {"question": f"How many days of leave do staff in team {i} get?",
             "answer": f"Team {i} gets 25 days [1].",
             "citations": [{"n": 1, "file": "Handbook.pdf", "page": 4, "text": f"Team {i}: 25 days of paid leave."},
                           {"n": 2, "file": "Policies.docx", "page": None, "section": "Leave",
                            "text": "Ask two weeks ahead."}]}
            for i in range(n)
        ]

    def test_export_format_is_chat_jsonl_with_passages(self):
        exp = export_training_data(self._examples(40))
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
        assert exp.summary.startswith("40 examples exported")
        assert "500 or more" in exp.summary and "460 to go" in exp.summary

    def test_export_split_is_deterministic_and_about_the_fraction(self):
        examples = self._examples(1000)
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

    def test_export_same_question_lands_on_the_same_side(self):
        ex = self._examples(50)
        dupes = [dict(e, answer=e["answer"] + " See page 4.") for e in ex]
        out = export_training_data(ex + dupes)
        for part in (out.train_jsonl, out.eval_jsonl):
            questions = [json.loads(line)["messages"][1]["content"].rsplit("Question: ", 1)[1] for line in part.splitlines()]
            other = out.eval_jsonl if part is out.train_jsonl else out.train_jsonl
            for q in questions:
                assert q not in other

    def test_export_skips_empty_and_repeated_examples_and_holds_one_out_of_small_sets(self):
        ex = self._examples(6)
        out = export_training_data(ex + ex[:2] + [{"question": "", "answer": "x"}, {"question": "Q?", "answer": " "}])
        assert out.total == 6 and out.skipped == 4
        assert out.eval_count >= 1
        assert export_training_data([]).total == 0
        with pytest.raises(UsageError):
            export_training_data(ex, eval_fraction=1.5)


class TestCli:
    """``python -m core advise ANSWERS.json``: the JSON contract, and what it measures from the data folder."""

    def test_json_contract_in_a_real_process(self, data_dir, tmp_path):
        import os

        path = tmp_path / "answers.json"
        path.write_text(json.dumps({"change_frequency": "weekly", "example_pairs": 50}), "utf-8")
        proc = subprocess.run([sys.executable, "-m", "core", "advise", str(path), "--json"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, env=os.environ.copy())
        assert proc.returncode == 0, proc.stderr
        payload = json.loads(proc.stdout)  # exactly one JSON document
        assert {"verdict", "long_context_ok", "reasons", "next_steps"} <= set(payload)
        assert payload["verdict"] == "rag_only" and isinstance(payload["long_context_ok"], bool)
        assert all(isinstance(r, str) for r in payload["reasons"]) and payload["next_steps"]
        assert payload["examples"] == {"typed": 50, "approved_in_chat": 0}

    def test_measures_library_history_style_and_library_check(self, settings, tmp_path, capsys):
        from core.cli import main
        from core.history import History
        from core.library import Library
        from core.settings import save_setting
        from tests.builders import LOREM_TOPICS, make_pdf

        add_files(Library(settings), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
        history = History(settings.db_path)
        conv = history.new_conversation()
        history.add_message(conv, "user", "How much leave?")
        msg = history.add_message(conv, "assistant", "25 days [1].", meta={"found": True, "question": "How much leave?"},
                                  citations=[{"n": 1, "file": "Handbook.pdf", "page": 1, "text": "25 days"}])
        history.set_feedback(msg, 1)
        save_setting(save_setting(settings, "answer_style", "Friendly and short."),
                     "answer_style_changed_at", "2000-01-01T00:00:00+00:00")
        (settings.data_dir / "selftest.json").write_text(json.dumps(TestSelfTest.SUMMARY.__dict__), "utf-8")
        path = tmp_path / "answers.json"
        path.write_text(json.dumps({"main_gap": "behaviour", "example_pairs": 50}), "utf-8")
        assert main(["advise", str(path), "--json", "--data-dir", str(settings.data_dir)]) == 0
        payload = json.loads(capsys.readouterr().out)
        assert payload["examples"] == {"typed": 50, "approved_in_chat": 1}
        assert payload["answers"]["knowledge_pages"]["value"] == 5
        assert "an answer style is set since 1 January 2000" in payload["facts"]["answer_style_basis"]
        assert "1 answer liked" in payload["facts"]["answer_style_basis"]
        assert "55% findable" in payload["facts"]["selftest_basis"]
        assert payload["next_steps"][0].startswith("Make your hard-to-find documents")
