"""The Fine-tuning advisor page through Streamlit's AppTest (real library and history underneath)."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.advisor import QUESTIONS, advise, export_training_data, measure
from core.types import LibraryStats, UsageStats
from tests.conftest import ROOT
from core.ingest import add_files

N = len(QUESTIONS)


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


@pytest.fixture
def downloads(monkeypatch):
    """Every file handed to a download button during AppTest runs: {file_name: bytes}."""
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            data = path_or_data.encode("utf-8") if isinstance(path_or_data, str) else path_or_data
            if filename and isinstance(data, bytes):
                seen[filename] = data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    return seen


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "advisor.py"), default_timeout=60)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    parts += [p.value for p in at.subheader]
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(p) for p in parts))  # as Markdown shows it


def progress_text(at: AppTest) -> str:
    bars = at.get("progress")
    return bars[0].proto.text if bars else ""


def verdict_box(at: AppTest) -> str:
    return "\n".join([s.value for s in at.success] + [i.value for i in at.info])


def real_library_and_history(approved: int = 1):
    """A small real PDF in the library, and chat history with `approved` thumbs-up cited answers."""
    from core.history import History
    from core.library import Library
    from core.settings import load_settings
    from tests.builders import LOREM_TOPICS, make_pdf

    settings = load_settings()
    report = add_files(Library(settings), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])[0]
    assert report.status == "added"
    history = History(settings.db_path)
    conv = history.new_conversation()
    for i in range(approved):
        question = f"How many days of paid leave do staff get? ({i})"
        history.add_message(conv, "user", question)
        msg = history.add_message(
            conv, "assistant", "Staff get 25 days of paid annual leave plus public holidays [1].",
            citations=[{"n": 1, "file": "Handbook.pdf", "page": 1,
                        "text": "Staff receive 25 days of paid annual leave plus public holidays."}],
            meta={"found": True, "mode": "llm", "question": question})
        history.set_feedback(msg, 1)
    history.add_message(conv, "user", "Do you sell electric scooters?")
    history.add_message(conv, "assistant", "The documents do not say.", meta={"found": False})
    return Library(settings).stats(), history.usage_stats()


def answer(at: AppTest, qid: str, value) -> AppTest:
    """Answer the question on screen (checking it is the right one) and press Next or See my result."""
    key = f"q_{qid}"
    q = next(q for q in QUESTIONS if q.id == qid)
    if q.kind == "int":
        at.number_input(key=key).set_value(value)
    else:
        at.radio(key=key).set_value(value)
    at.run()
    assert not at.exception
    last = [b for b in at.button if b.key == "adv_see_result"]
    (last[0] if last else at.button(key="adv_next")).click().run()
    assert not at.exception
    return at


def finish(at: AppTest) -> AppTest:
    """Go through the remaining questions: skip where that is offered, else keep the prefilled value."""
    while at.session_state["adv_step"] < N:
        skip = [b for b in at.button if b.key == "adv_skip"]
        last = [b for b in at.button if b.key == "adv_see_result"]
        (skip[0] if skip else last[0] if last else at.button(key="adv_next")).click().run()
        assert not at.exception
    return at


def answer_all(at: AppTest, choices: dict) -> AppTest:
    """Answer the questions named in ``choices``; skip or keep the prefilled value for the others."""
    for q in QUESTIONS:
        if q.id in choices:
            answer(at, q.id, choices[q.id])
        else:
            skip = [b for b in at.button if b.key == "adv_skip"]
            last = [b for b in at.button if b.key == "adv_see_result"]
            (skip[0] if skip else last[0] if last else at.button(key="adv_next")).click().run()
        assert not at.exception
    return at


# A bike shop: prices change monthly, a strict house style, 50 examples of its own plus one
# approved answer, no one to look after a model and little budget -> look things up now, train later.
BIKE_SHOP = {
    "change_frequency": "monthly",
    "needs_citations": "nice",
    "knowledge_pages": None,          # keep what was measured
    "main_gap": "both",
    "style_strictness": "strict",
    "task_shape": "open_questions",
    "example_pairs": 50,              # their own count; the chat's approved answer is counted apart
    "response_speed": "seconds_ok",
    "monthly_questions": 900,         # more than measured: they expect growth
    "data_sensitivity": "internal",
    "launch_timeline": "weeks",
    "ml_capacity": "none",
    "budget": "low_upfront",
}


def test_walk_through_with_measured_prefill_matches_core_advice(downloads):
    stats, usage = real_library_and_history(approved=1)
    measured = measure(stats, usage)
    assert stats.pages == 5 and usage.approved == 1

    at = page().run()
    assert not at.exception
    assert progress_text(at) == f"Question 1 of {N}"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pages"] == "5" and metrics["Approved in chat"] == "1"
    assert metrics["Examples you counted"] == "—"  # not given yet: never filled from the chat

    for i, q in enumerate(QUESTIONS):
        assert progress_text(at) == f"Question {i + 1} of {N}", q.id
        shown = texts(at)
        assert q.prompt in shown
        assert f"Why we ask: {q.why[:30]}" in shown
        if q.id == "knowledge_pages":
            assert at.number_input(key="q_knowledge_pages").value == 5
            assert "📏 Measured from your library: 5 pages in 1 document" in shown
        if q.id == "example_pairs":
            assert at.number_input(key="q_example_pairs").value == 0  # the owner's own count starts empty
            assert "📏 Measured from your chat history: 1 approved answer" in shown
            assert "counted separately" in shown
        if q.id == "monthly_questions":
            assert at.number_input(key="q_monthly_questions").value == usage.questions
        value = BIKE_SHOP[q.id]
        if value is None:
            value = measured[q.id].value
        answer(at, q.id, value)

    given = {k: v for k, v in BIKE_SHOP.items() if v is not None}
    expected = advise(given, measured)
    assert expected.verdict == "rag_then_finetune"
    box = verdict_box(at)
    assert expected.headline in box
    assert expected.verdict_label in box
    out = texts(at)
    # reasons say what they rest on
    assert "You said: “Every month or so”" in out
    assert "Measured from your chat history: 1 approved answer" in out
    assert "50 good examples you counted plus 1 answer you approved in the chat" in out
    assert not re.search(r"\b5[01] approved", out)
    # next steps, numbered, the checklist and the long-context note
    assert expected.next_steps[0] in out
    assert "✅" in out and "⬜" in out
    assert "industry estimate" in out
    # the cost table
    table = at.table[0].value
    assert "industry estimate" in set(table["Kind"])
    # training data: one approved answer, offered as JSONL
    assert "1 example exported" in out
    assert "500" in out
    keys = {b.key for b in at.download_button}
    assert {"dl_report_md", "dl_report_html", "dl_train", "dl_eval"} <= keys
    assert expected.headline in downloads["groundwork-advice.md"].decode("utf-8")
    assert "<!DOCTYPE html>" in downloads["groundwork-advice.html"].decode("utf-8")
    from core.history import History
    from core.settings import load_settings

    export = export_training_data(History(load_settings().db_path).approved_examples())
    lines = [json.loads(line) for line in (export.train_jsonl + export.eval_jsonl).splitlines()]
    assert len(lines) == 1
    assert [m["role"] for m in lines[0]["messages"]] == ["system", "user", "assistant"]
    # what the page hands out is exactly the core export
    jsonl = downloads.get("train.jsonl", b"") + downloads.get("eval.jsonl", b"")
    page_lines = [json.loads(line) for line in jsonl.decode("utf-8").splitlines()]
    assert page_lines == lines


def test_back_keeps_an_earlier_answer_and_change_my_answers_keeps_them_all():
    at = page().run()
    answer(at, "change_frequency", "weekly")
    answer(at, "needs_citations", "must")
    assert progress_text(at) == f"Question 3 of {N}"
    at.button(key="adv_back").click().run()
    assert progress_text(at) == f"Question 2 of {N}"
    assert at.radio(key="q_needs_citations").value == "must"
    at.button(key="adv_back").click().run()
    assert at.radio(key="q_change_frequency").value == "weekly"
    assert at.button(key="adv_back").disabled

    # skip to the end, then come back to step 1 with the answers kept
    at.button(key="adv_next").click().run()
    at.button(key="adv_next").click().run()
    finish(at)
    assert advise({"change_frequency": "weekly", "needs_citations": "must"},
                  measure(LibraryStats(), UsageStats())).headline in verdict_box(at)
    at.button(key="adv_change").click().run()
    assert progress_text(at) == f"Question 1 of {N}"
    assert at.radio(key="q_change_frequency").value == "weekly"
    at.button(key="adv_next").click().run()
    assert at.radio(key="q_needs_citations").value == "must"

    # start over forgets them
    at.session_state["adv_step"] = N
    at.run()
    at.button(key="adv_restart").click().run()
    assert progress_text(at) == f"Question 1 of {N}"
    assert at.radio(key="q_change_frequency").value is None
    assert at.session_state["adv_answers"] == {}


def test_a_changed_measured_value_counts_as_your_answer_and_skip_uses_the_default():
    at = page().run()
    at.button(key="adv_skip").click().run()           # change_frequency -> default
    assert "change_frequency" not in at.session_state["adv_answers"]
    answer(at, "needs_citations", "no")
    assert progress_text(at) == f"Question 3 of {N}"
    assert not [b for b in at.button if b.key == "adv_skip"]   # measured: no skip, the value is prefilled
    assert "📏 Measured from your library: no documents yet" in texts(at)
    answer(at, "knowledge_pages", 0)                  # same as measured: stays "measured"
    assert "knowledge_pages" not in at.session_state["adv_answers"]
    at.button(key="adv_back").click().run()
    at.number_input(key="q_knowledge_pages").set_value(250).run()
    at.button(key="adv_next").click().run()
    assert at.session_state["adv_answers"]["knowledge_pages"] == 250


def test_empty_library_smoke_and_zero_approved_answers_explained():
    at = page().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pages"] == "0" and metrics["Approved in chat"] == "0"
    # a business where fine-tuning is worth it later, but no approved answers exist yet
    choices = {"change_frequency": "rarely", "main_gap": "behaviour", "style_strictness": "strict",
               "ml_capacity": "some", "budget": "can_invest"}
    answer_all(at, choices)
    expected = advise(choices, measure(LibraryStats(), UsageStats()))
    assert expected.fine_tuning_recommended
    assert expected.headline in verdict_box(at)
    out = texts(at)
    assert "no approved answers yet" in out and "👍" in out
    keys = {b.key for b in at.download_button}
    assert "dl_train" not in keys and "dl_report_md" in keys
    assert "Upload your documents on the Documents page" in out


def test_retrieval_only_offers_no_training_export():
    real_library_and_history(approved=2)
    at = page().run()
    answer(at, "change_frequency", "weekly")
    finish(at)
    assert "Look things up in your documents; no training needed" in verdict_box(at)
    keys = {b.key for b in at.download_button}
    assert "dl_train" not in keys and "dl_report_html" in keys
    assert "training data" not in "\n".join(s.value for s in at.subheader).lower()


def everything_shown(at: AppTest) -> str:
    """All the words on screen: text, tables, measured figures and their explanations, buttons, folds."""
    parts = [texts(at)]
    parts += [m.label + " " + str(m.value) + " " + (m.proto.help or "") for m in at.metric]
    for table in at.table:
        frame = table.value
        parts += [" ".join(map(str, frame.columns))] + [" ".join(map(str, row)) for row in frame.itertuples(index=False)]
    parts += [b.label for b in at.button] + [b.label for b in at.download_button] + [e.label for e in at.expander]
    return "\n".join(parts)


# A bakery whose answers should sound like its brand: 50 examples typed in, one approved answer.
BAKERY = {"change_frequency": "monthly", "main_gap": "behaviour", "style_strictness": "preferred",
          "example_pairs": 50, "monthly_questions": 300}


def test_bakery_brand_voice_gets_instructions_first_and_its_two_counts_apart():
    stats, usage = real_library_and_history(approved=1)
    at = answer_all(page().run(), BAKERY)
    expected = advise(BAKERY, measure(stats, usage))
    assert expected.verdict == "rag_only" and expected.style_step
    assert expected.headline in verdict_box(at)
    out = everything_shown(at)
    # the step that sends them to write down their style, and the reason it is worth trying first
    assert expected.style_step in out and "Answer style page" in out
    assert "You haven't written down how answers should sound yet" in out
    # the measured facts name the two counts apart, on screen and in the report
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Approved in chat"] == "1" and metrics["Examples you counted"] == "50"
    assert metrics["Answer style"] == "Not set"
    assert not re.search(r"\b5[01] approved", out)
    assert "50 good examples you counted plus 1 answer you approved in the chat" in out


def test_answer_style_and_library_check_are_measured_facts_on_the_page():
    from core.settings import load_settings, save_setting

    settings = load_settings()
    real_library_and_history(approved=2)  # rated after the style was set below
    save_setting(save_setting(settings, "answer_style", "Warm and short, like our shop staff."),
                 "answer_style_changed_at", "2000-01-01T00:00:00+00:00")
    (settings.data_dir / "selftest.json").write_text(json.dumps({
        "run_at": "2026-05-12T09:30:00+00:00", "questions": 40, "top1": 0.45, "top3": 0.6, "findability": 0.55,
        "hard_documents": ["Price list (scan).pdf"]}), "utf-8")
    at = page().run()
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    assert metrics["Answer style"].value == "Set"
    assert "since 1 January 2000" in metrics["Answer style"].proto.help
    assert "2 answers liked and 0 disliked" in metrics["Answer style"].proto.help  # rated since the style was set
    assert metrics["Library check"].value == "55%" and "12 May 2026" in metrics["Library check"].proto.help
    answer_all(at, {"knowledge_pages": 5})
    out = everything_shown(at)
    assert "Make your hard-to-find documents easier to read" in out and "Price list (scan).pdf" in out
    assert "Training a model would not fix that" in out


@pytest.mark.parametrize("choices", [BAKERY, {k: v for k, v in BIKE_SHOP.items() if v is not None}],
                         ids=["bakery", "bike shop"])
def test_the_page_speaks_plainly(choices):
    from tests.test_advisor import jargon

    real_library_and_history(approved=1)
    at = page().run()
    out = everything_shown(at)
    assert not jargon(out), jargon(out)
    at = answer_all(at, choices)
    out = everything_shown(at)
    assert "Why" in out and "Rough effort and cost" in out
    assert not jargon(out), jargon(out)
