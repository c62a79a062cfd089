"""Issue 22 on the advisor page (AppTest): answers survive a restart; a business with past emails."""
from __future__ import annotations

import pytest

from core.advisor import QUESTIONS
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


def test_a_cleaning_company_brings_in_3000_past_emails(data_dir, tmp_path):
    from tests.past_emails import past_emails, write_mbox

    box = write_mbox(tmp_path / "office.mbox", past_emails(3000))
    at = page().run()
    for q in QUESTIONS:  # replies in one tone, strict, someone part-time to look after it
        choice = {"main_gap": "behaviour", "style_strictness": "strict", "task_shape": "replies",
                  "ml_capacity": "some", "budget": "can_invest"}.get(q.id)
        if choice:
            answer(at, q.id, choice)
        else:
            skip = [b for b in at.button if b.key == "adv_skip"]
            last = [b for b in at.button if b.key == "adv_see_result"]
            (skip[0] if skip else last[0] if last else at.button(key="adv_next")).click().run()
    assert at.session_state["adv_step"] == N
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
    out = texts(at)
    assert "Kept 2,700 question-and-reply pairs from office.mbox" in out
    assert "2,700 past replies you imported" in out
    assert "check set" in out  # the download now has examples kept aside
    names = {d.proto.label for d in at.get("download_button")}
    assert any("examples to train with" in n for n in names)


def texts(at) -> str:
    from tests.test_pages_advisor import texts as shown

    return shown(at)
