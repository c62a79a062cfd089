"""Find and "Check my library" in a real browser (Debian's Chromium), on the sample documents."""
from __future__ import annotations

import re
import shutil

import pytest

from tests.browser import browser_page, shot, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def library(samples_dir, tmp_path_factory):
    """One copy of the sample library for this file (Find only reads it; the check adds its own file)."""
    path = tmp_path_factory.mktemp("retrieval") / "data"
    shutil.copytree(samples_dir, path)
    return path


@pytest.fixture(scope="module")
def app_url(library):
    """One app server for this file's journeys (Ollama down: Find and the check need no model)."""
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        yield url


def test_find_shows_relevant_passages_opens_the_page_and_says_when_weak(app_url):
    with browser_page() as page:
        page.goto(app_url + "/find")
        box = page.get_by_label("What are you looking for?")
        box.fill("weekend group ride")
        assert page.get_by_text("Press Enter").count() == 0 or not page.get_by_text("Press Enter").first.is_visible()
        box.press("Enter")
        page.get_by_text("the most relevant first").wait_for()
        wait_idle(page)
        cards = page.locator("button").filter(has_text=re.compile(r"Open (page \d|this section)"))
        assert 1 <= cards.count() < 8
        shot(page, "find")
        cards.first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Download Customer_FAQ.docx").wait_for()  # the whole page, and the original file
        assert "group rides" in dialog.inner_text().lower()
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")

        # about the shop, but not in its documents: the closest passages, each honestly labelled weak
        box.fill("Do you sell skateboards?")
        box.press("Enter")
        page.get_by_text("Only weak matches were found").wait_for()
        wait_idle(page)
        main = page.locator("[data-testid='stMain']").inner_text().lower()
        opened = page.locator("button").filter(has_text=re.compile(r"Open (page \d|this section)")).count()
        assert 1 <= opened <= 5 and main.count("weak match") >= opened and "close match" not in main
        shot(page, "find-weak")

        # clearly not about the library at all: said so, with only the closest passage
        box.fill("What is the capital of France?")
        box.press("Enter")
        page.get_by_text("doesn't seem to be about anything in your documents").wait_for()
        wait_idle(page)
        assert page.locator("button").filter(has_text=re.compile(r"Open (page \d|this section)")).count() == 1


def test_check_my_library_runs_with_a_progress_bar_and_shows_the_result(app_url, library):
    with browser_page() as page:
        page.goto(app_url + "/selftest")
        page.get_by_role("heading", name="Check my library").first.wait_for()
        page.get_by_role("button", name="Check my library").click()
        page.locator("[data-testid='stProgress']").first.wait_for()
        page.get_by_text("How findable is your library").wait_for(timeout=180_000)
        wait_idle(page)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "/ 100" in body and "Last checked on" in body
        # the samples' scanned pages are read by text recognition now, so none stands out as hard to find
        assert "No document stood out as hard to find" in body
        shot(page, "selftest")
        # the advisor's measured fact is on disk with the agreed fields
        import json

        saved = json.loads((library / "selftest.json").read_text())
        assert set(saved) == {"run_at", "questions", "top1", "top3", "findability", "hard_documents"}
