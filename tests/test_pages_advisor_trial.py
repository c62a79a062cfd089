"""Issue 22 on the advisor page (AppTest): answers survive a restart; a business with past emails."""
from __future__ import annotations

import pytest

from streamlit.testing.v1 import AppTest

from core.advisor import QUESTIONS
from core.advisor.past_replies import pairs_from_emails
from core.advisor.saved import save_answers
from tests.test_pages_advisor import N, answer, finish, page, progress_text, verdict_box


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def test_the_last_answers_survive_a_restart(data_dir):
    at = page().run()
    answer(at, "change_frequency", "weekly")
    answer(at, "needs_citations", "must")
    finish(at)
    verdict = verdict_box(at)
    assert verdict
    import streamlit as st

    st.cache_resource.clear()  # Groundwork closed and opened again: a new session, nothing in memory
    again = page().run()
    assert not again.exception
    assert again.session_state["adv_step"] == N and verdict_box(again) == verdict
    again.button(key="adv_change").click().run()
    assert progress_text(again) == f"Question 1 of {N}"
    assert again.radio(key="q_change_frequency").value == "weekly"
    # start over forgets them for the next visit too
    again.session_state["adv_step"] = N
    again.run()
    again.button(key="adv_restart").click().run()
    st.cache_resource.clear()
    third = page().run()
    assert progress_text(third) == f"Question 1 of {N}" and third.radio(key="q_change_frequency").value is None


def test_a_damaged_answers_file_starts_afresh(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "advisor.json").write_text('{"answers": {"change_frequency": "hourly", "nope": 1}, "step": "x"')
    at = page().run()
    assert not at.exception and progress_text(at) == f"Question 1 of {N}"
    assert QUESTIONS[0].id == "change_frequency"


# replies in one tone, strict, someone part-time to look after it (the other questions take their defaults)
CLEANING_COMPANY = {"main_gap": "behaviour", "style_strictness": "strict", "task_shape": "replies",
                    "ml_capacity": "some", "budget": "can_invest"}


def at_the_result(data_dir, answers: dict) -> AppTest:
    """The advisor page showing its result for ``answers``, as the owner finds it on a later visit (the
    questionnaire itself is walked in tests/test_pages_advisor.py)."""
    save_answers(data_dir, answers, N)
    at = page().run()
    assert not at.exception and at.session_state["adv_step"] == N
    return at


def test_a_cleaning_company_brings_in_3000_past_emails(data_dir, tmp_path, monkeypatch):
    import ui.past_replies as section
    from tests.past_emails import past_emails, write_mbox

    box = write_mbox(tmp_path / "office.mbox", past_emails(3000))
    reads = []
    monkeypatch.setattr(section, "pairs_from_emails", lambda files: reads.append(1) or pairs_from_emails(files))
    at = at_the_result(data_dir, CLEANING_COMPANY)
    out = texts(at)
    assert "repetitive task" not in verdict_box(at) and "replies written in your own tone" in verdict_box(at)
    assert "check set" not in out  # no examples yet: nothing kept aside to name
    at.file_uploader[0].set_value([("office.mbox", box.read_bytes(), "application/mbox")]).run()
    assert not at.exception
    out = texts(at)
    assert "Read 5,701 messages" in out and "2,700 replies" in out
    assert "300 messages with no reply in the files" in out
    at.button(key="past_keep").click().run()
    assert not at.exception
    assert len(reads) == 1  # "Keep" keeps what was read; the e-mails are not read again
    out = texts(at)
    assert "Kept 2,700 question-and-reply pairs from office.mbox" in out
    assert "2,700 past replies you imported" in out
    assert "check set" in out  # the download now has examples kept aside
    names = {d.proto.label for d in at.get("download_button")}
    assert any("examples to train with" in n for n in names)


def test_a_table_of_replies_takes_the_two_columns_the_owner_picks(data_dir):
    data = ("Date;Customer question;Our reply\n2025-01-02;Do you clean windows?;Yes, inside and out.\n"
            "2025-01-04;Do you work Sundays?;Only for offices, by arrangement.\n").encode("utf-8")
    at = at_the_result(data_dir, CLEANING_COMPANY)
    at.file_uploader[0].set_value([("replies.csv", data, "text/csv")]).run()
    assert not at.exception
    question, reply = at.selectbox(key="past_q_0"), at.selectbox(key="past_a_0")
    assert (question.value, reply.value) == (1, 2)  # guessed from the headings
    assert question.options == reply.options == ["Date", "Customer question", "Our reply"]  # by their headings
    assert "**2 pairs** of a question and its reply" in texts(at)
    reply.set_value(1).run()  # the same column twice
    assert "Pick two different columns" in texts(at) and not [b for b in at.button if b.key == "past_keep"]
    at.selectbox(key="past_a_0").set_value(0).run()  # the reply column the owner wants: here, the dates
    assert "Read 2 rows of replies.csv" in texts(at)
    at.button(key="past_keep").click().run()
    assert "Kept 2 question-and-reply pairs from replies.csv" in texts(at)
    from core.advisor.example_store import PastExamples
    from core.settings import load_settings

    kept = [(e["question"], e["answer"]) for e in PastExamples(load_settings().db_path).examples()]
    assert kept == [("Do you clean windows?", "2025-01-02"), ("Do you work Sundays?", "2025-01-04")]


def texts(at) -> str:
    from tests.test_pages_advisor import texts as shown

    return shown(at)
