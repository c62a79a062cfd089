"""A new user's first journey in a real browser: add documents, see them, find a passage.

It starts with a page address as the very first visit to a freshly started server: Streamlit runs a
top-level ``pages/`` folder as its old automatic menu then, and ``runtime.page_setup()`` sends that
visit through ``app.py`` instead. Every page is checked the same way through AppTest
(tests/test_private_internals.py names the private flag this depends on); this is the real first visit.
"""
from __future__ import annotations

import re

import pytest

from core.samples import sample_files
from tests.browser import browser_page, shot, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_upload_samples_see_library_and_find_a_passage(data_dir):
    files = [str(p) for p in sample_files()]
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        with browser_page() as page:
            page.goto(url + "/documents")  # the first visit to this server is a page's own address
            page.get_by_text("Your library is empty").wait_for()
            wait_idle(page)
            page.locator("[data-testid='stSidebar']").get_by_text("Library:").first.wait_for()
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            # app.py's navigation (page titles), not the old automatic menu (file names)
            for label in ("Ask your documents", "Documents", "Find in my documents", "Check my library",
                          "Fine-tuning advisor", "Answer style", "Setup"):
                assert label in nav
            assert "chat" not in nav.lower().split()
            assert page.url == url + "/documents"
            shot(page, "documents-empty")
            page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(files)
            add = page.get_by_role("button", name=re.compile(r"Add \d+ files to my library"))
            add.wait_for()
            shot(page, "documents-checked")
            add.click()
            page.get_by_text(re.compile(rf"{len(files)} of {len(files)} files added")).wait_for(timeout=300_000)
            wait_idle(page)
            grid = page.locator("[data-testid='stDataFrame']").last
            grid.wait_for()
            shot(page, "documents-library")
            body = page.locator("body").inner_text()
            assert "Employee_Handbook.pdf" in body
            assert "scanned" in body.lower()

            page.goto(url + "/find")
            box = page.get_by_label("What are you looking for?")
            box.fill("Can a customer return a bike after 45 days?")
            box.press("Enter")
            page.locator("mark").first.wait_for()
            wait_idle(page)
            shot(page, "find")
            text = page.locator("[data-testid='stMain']").inner_text()
            assert "Returns_and_Warranty_Policy.pdf" in text
            assert re.search(r"page \d+", text)
