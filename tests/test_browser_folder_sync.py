"""A real browser: keep a folder in step, drop a file into it, Check now, see it in "What changed" and on Find."""
from __future__ import annotations

import os
import re
import time

import pytest

from tests.browser import browser_page, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_keep_a_folder_in_step_drop_a_file_and_find_it(data_dir, tmp_path):
    folder = tmp_path / "Bakery paperwork"
    folder.mkdir()
    (folder / "Opening hours.txt").write_text("The bakery opens at 7 in the morning and closes at 3.")
    then = time.time() - 60
    os.utime(folder / "Opening hours.txt", (then, then))
    env = {"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}
    with streamlit_app(env) as url:
        with browser_page(height=1400) as page:
            page.goto(url + "/documents")
            box = page.get_by_role("textbox", name="Folder to keep in step with")
            box.wait_for()
            assert "no folder picker" in page.locator("body").inner_text()
            box.fill(str(folder))
            box.press("Enter")
            wait_idle(page)
            page.get_by_role("button", name="Keep in step").click()
            table = page.locator("[data-testid='stTable']")
            table.get_by_text("Opening hours.txt").wait_for(timeout=180_000)

            # a new file lands in the folder; Check now brings it in
            (folder / "Price list 2026.txt").write_text(
                "Price list 2026: a walnut sourdough loaf costs 4 pounds 80 from January.")
            time.sleep(2.5)  # a finished copy (a file changed in the last 2 seconds waits for the next check)
            page.get_by_role("button", name="Check now").click()
            table.get_by_text("Price list 2026.txt").wait_for(timeout=180_000)
            wait_idle(page)
            row = table.locator("tr", has_text="Price list 2026.txt")
            assert re.search(r"Added: New in the folder", row.inner_text())
            assert "folder check (Bakery paperwork)" in row.inner_text()
            section = page.locator("[data-testid='stVerticalBlock']").filter(
                has=page.get_by_text("Keep in step with a folder", exact=True)).last
            section.screenshot(path=str(tmp_path / "folder-sync-section.png"))
            page.screenshot(path=str(tmp_path / "documents-folder-sync.png"), full_page=True)

            page.goto(url + "/find")
            search = page.get_by_label("What are you looking for?")
            search.fill("How much is a walnut sourdough loaf?")
            search.press("Enter")
            page.locator("[data-testid='stMain']").get_by_text("Price list 2026.txt").first.wait_for(timeout=120_000)
