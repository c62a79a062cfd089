"""Issue 22 in a real browser (Debian's Chromium): the empty chat screen starts the samples, the sidebar
follows the batch on every page, and the source dialog opens scrolled to its first mark on a long page."""
from __future__ import annotations

import re
import time

import pytest
from fpdf import FPDF

from core.ingest import add_files
from core.library import Library
from core.samples import sample_files
from core.settings import load_settings
from tests.browser import browser_page, shot, streamlit_app, wait_idle
from tests.ollama_standin import dead_host
from tests.test_browser_first_owner import go, names_in_library

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sidebar(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_the_empty_chat_starts_the_samples_and_the_sidebar_follows_them_in(data_dir):
    """The empty chat screen's buttons start the samples and lead to their progress; while they load the
    sidebar says more are being added on every page, and it stops saying so on its own once they are in."""
    expected = {p.name for p in sample_files()}
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page() as page:
        page.goto(url)
        page.get_by_role("button", name="Add your documents").wait_for()
        wait_idle(page)
        shot(page, "chat-empty")
        page.get_by_role("button", name="Try it with sample documents").click()
        page.get_by_text("Your documents are being added").wait_for()
        page.get_by_role("button", name="Watch the progress on the Documents page").click()
        page.get_by_role("heading", name="Your documents").wait_for()
        n = len(expected)
        page.get_by_text(re.compile(rf"Adding file \d+ of {n}|{n} of {n} files added")).first.wait_for()

        deadline = time.time() + 600
        while len(names_in_library(data_dir)) < 2 and time.time() < deadline:  # as the owner saw it: 2 in
            time.sleep(0.5)
        go(page, "Find in my documents")
        page.get_by_role("heading", name="Find in my documents").wait_for()
        go(page, "Ask your documents")
        page.get_by_role("heading", name="Ask your documents").wait_for()
        page.wait_for_function("() => document.querySelector(\"[data-testid='stSidebar']\").innerText"
                               ".includes('adding more') || document.querySelector(\"[data-testid='stSidebar']\")"
                               ".innerText.includes('being added')")
        deadline = time.time() + 600
        while names_in_library(data_dir) != expected and time.time() < deadline:
            time.sleep(1)
        assert names_in_library(data_dir) == expected
        # the page stays open; the line must follow the batch on its own (it polls every 2 s)
        page.wait_for_function("() => document.querySelector(\"[data-testid='stSidebar']\").innerText"
                               f".includes('{len(expected)} documents')", timeout=30_000)
        assert "adding more" not in sidebar(page)


def long_pdf() -> bytes:
    """An A4 page full of lines, the one that answers the question at the very bottom."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for i in range(40):
        pdf.text(50, 60 + i * 18, f"Line {i + 1}: the shop floor is swept and the counters wiped every evening.")
    pdf.text(50, 800, "The alarm code for the back door is changed on the first Monday of every quarter.")
    return bytes(pdf.output())


def test_the_source_dialog_opens_scrolled_to_the_first_mark(data_dir):
    add_files(Library(load_settings(data_dir=data_dir)), [("Shop rules.pdf", long_pdf())])
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page(height=800) as page:
        page.goto(url + "/find")
        box = page.get_by_label("What are you looking for?")
        box.fill("when is the alarm code for the back door changed")
        box.press("Enter")
        page.get_by_role("button", name="Open page 1").first.click()
        dialog = page.get_by_role("dialog")
        dialog.locator("img[data-marked='true']").wait_for()
        wait_idle(page)
        page.wait_for_timeout(1000)
        anchor = dialog.locator("[data-gw-anchor]")
        assert anchor.count() == 1, "no mark to scroll to"
        sheet = dialog.locator(".gw-sheet").bounding_box()
        mark = anchor.bounding_box()
        assert sheet["y"] <= mark["y"] <= sheet["y"] + sheet["height"], (sheet, mark)
        assert mark["y"] < page.viewport_size["height"]
        page.screenshot(path=str(data_dir.parent / "source-scrolled-to-mark.png"))
