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
