"""The Fine-tuning advisor in a real browser, as a bakery owner would use it: answers should sound like
the brand, 50 good examples typed in, one answer approved in the chat. Read the verdict, download the report."""
from __future__ import annotations

import re

import pytest

from core.advisor import QUESTIONS, advise, measure
from tests.browser import browser_page, shot, streamlit_app, wait_idle
from tests.test_pages_advisor import real_library_and_history

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N = len(QUESTIONS)

# The bakery, answered the way an owner would click it (visible labels).
CLICKS = {
    "change_frequency": "Every month or so",
    "needs_citations": "It helps, but it isn't required",
    "main_gap": "The way it answers (tone, format, judgement)",
    "style_strictness": "We have a preferred style",
    "task_shape": "Open questions about many topics",
    "response_speed": "A few seconds is fine",
    "data_sensitivity": "Internal",
    "launch_timeline": "Within weeks",
    "ml_capacity": "No one",
    "budget": "Low: little to spend up front",
}
NUMBERS = {"example_pairs": 50, "monthly_questions": 300}   # knowledge_pages keeps the measured value


def full_height(page) -> None:
    """Streamlit scrolls inside its main area, so a full-page shot needs a viewport as tall as the page."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stMainBlockContainer\"]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1280, "height": int(height) + 120})
    page.wait_for_timeout(500)


def answer_question(page, main, i: int, q) -> None:
    main.get_by_text(f"Question {i} of {N}", exact=True).wait_for()
    main.get_by_role("heading", name=q.prompt).wait_for()
    wait_idle(page)
    if q.id in CLICKS:
        main.locator("[data-testid='stRadio']").get_by_text(CLICKS[q.id], exact=True).click()
        wait_idle(page)
    else:
        assert "Measured from your" in main.inner_text()
        if q.id in NUMBERS:
            box = main.locator("[data-testid='stNumberInput'] input")
            box.fill(str(NUMBERS[q.id]))
            box.press("Enter")
            wait_idle(page)


def test_bakery_answers_every_question_and_downloads_the_report(data_dir, tmp_path):
    stats, usage = real_library_and_history(approved=1)
    values = {q.id: v for q in QUESTIONS for v, label in q.options if CLICKS.get(q.id) == label}
    assert len(values) == len(CLICKS)
    expected = advise({**values, **NUMBERS}, measure(stats, usage))
    assert expected.verdict == "rag_only" and expected.style_step

    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        with browser_page() as page:
            page.goto(url + "/advisor")  # a page address as the first visit goes through app.py
            main = page.locator("[data-testid='stMain']")
            for i, q in enumerate(QUESTIONS, 1):
                answer_question(page, main, i, q)
                if i == 1:
                    text = main.inner_text()
                    assert "Approved in chat" in text and "Examples you counted" in text
                    shot(page, "advisor-first-question")
                if i == 3:
                    shot(page, "advisor-question")
                if q.id == "example_pairs":
                    assert "1 approved answer (thumbs up, with sources), counted separately" in main.inner_text()
                    shot(page, "advisor-examples")
                main.get_by_role("button", name="See my result" if i == N else "Next →").click()

            main.get_by_text(expected.headline).wait_for()
            wait_idle(page)
            main.locator("[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart']").first.wait_for()
            page.wait_for_timeout(800)  # let the chart finish drawing
            full_height(page)
            shot(page, "advisor-result")
            page.set_viewport_size({"width": 1280, "height": 900})
            text = main.inner_text()
            assert expected.verdict_label in text
            assert "You said: “Every month or so”" in text
            assert "industry estimate" in text
            assert expected.style_step in text
            assert "50 good examples you counted plus 1 answer you approved in the chat" in text
            assert not re.search(r"\b5[01] approved", text)

            with page.expect_download() as info:
                main.get_by_role("button", name=re.compile("Download the report")).click()
            path = tmp_path / "report.md"
            info.value.save_as(path)
            report = path.read_text("utf-8")
            assert expected.headline in report
            assert "| Factor |" in report
            assert "Examples you counted: 50" in report and "Approved in chat: 1" in report
