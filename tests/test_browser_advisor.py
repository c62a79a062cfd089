"""The Fine-tuning advisor in a real browser: answer every question, read the verdict, download the report."""
from __future__ import annotations

import re

import pytest

from core.advisor import QUESTIONS, advise, measure
from tests.browser import browser_page, shot, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N = len(QUESTIONS)

# A small bike shop, answered the way an owner would click it (visible labels).
CLICKS = {
    "change_frequency": "Every week",
    "needs_citations": "It helps, but it isn't required",
    "main_gap": "Facts about the business",
    "style_strictness": "We have a preferred style",
    "task_shape": "Open questions about many topics",
    "response_speed": "A few seconds is fine",
    "data_sensitivity": "Internal",
    "launch_timeline": "Within weeks",
    "ml_capacity": "No one",
    "budget": "Low: little to spend up front",
}
NUMBERS = {"monthly_questions": 300}   # knowledge_pages and example_pairs keep the measured value


def full_height(page) -> None:
    """Streamlit scrolls inside its main area, so a full-page shot needs a viewport as tall as the page."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stMainBlockContainer\"]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1280, "height": int(height) + 120})
    page.wait_for_timeout(500)


def test_answer_every_question_and_download_the_report(data_dir, tmp_path):
    values = {q.id: v for q in QUESTIONS for v, label in q.options if CLICKS.get(q.id) == label}
    assert len(values) == len(CLICKS)
    expected = advise({**values, **NUMBERS},
                      measure({"documents": 0, "pages": 0, "tokens_estimate": 0, "replacements": 0,
                               "replacements_30d": 0}, {"questions": 0, "unanswered": 0, "approved": 0}))

    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        with browser_page() as page:
            # Open the app's home first so app.py's own navigation and sidebar are in place (Streamlit
            # 1.67 runs a pages/ folder as a bare "MPA v1" app while no session has run app.py yet).
            page.goto(url)
            wait_idle(page)
            page.goto(url + "/advisor")
            main = page.locator("[data-testid='stMain']")
            for i, q in enumerate(QUESTIONS, 1):
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
                if i == 1:
                    shot(page, "advisor-first-question")
                if i == 3:
                    shot(page, "advisor-question")
                name = "See my result" if i == N else "Next →"
                main.get_by_role("button", name=name).click()

            main.get_by_text(expected.headline).wait_for()
            wait_idle(page)
            main.locator("[data-testid='stVegaLiteChart'], [data-testid='stArrowVegaLiteChart']").first.wait_for()
            page.wait_for_timeout(800)  # let the chart finish drawing
            full_height(page)
            shot(page, "advisor-result")
            page.set_viewport_size({"width": 1280, "height": 900})
            text = main.inner_text()
            assert expected.verdict_label in text
            assert "You said: “Every week”" in text
            assert "industry estimate" in text

            with page.expect_download() as info:
                main.get_by_role("button", name=re.compile("Download the report")).click()
            path = tmp_path / "report.md"
            info.value.save_as(path)
            report = path.read_text("utf-8")
            assert expected.headline in report
            assert "| Factor |" in report
