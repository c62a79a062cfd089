"""A page address works as the very first visit to a freshly started server, in a real browser.

Streamlit runs a top-level ``pages/`` folder as its old automatic menu when a page address
is the first visit; ``runtime.page_setup()`` sends that visit through ``app.py`` instead.
Every page is checked the same way through AppTest (tests/test_private_internals.py, which
names the private flag this depends on); this is the one real first visit, on a fresh server.
"""
from __future__ import annotations

import pytest

from tests.browser import browser_page, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    ("/documents", "Your documents"),  # one page address is enough: the rerun is the same for each
]


@pytest.mark.parametrize("address,title", PAGES, ids=[a or "/" for a, _ in PAGES])
def test_page_address_as_first_visit(data_dir, address, title):
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        with browser_page() as page:
            page.goto(url + address)
            page.get_by_role("heading", name=title).first.wait_for()
            wait_idle(page)
            sidebar = page.locator("[data-testid='stSidebar']")
            sidebar.get_by_text("Library:").first.wait_for()
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            # app.py's navigation (page titles), not the old automatic menu (file names)
            for label in ("Ask your documents", "Documents", "Find in my documents", "Check my library",
                          "Fine-tuning advisor", "Answer style", "Setup"):
                assert label in nav
            assert "chat" not in nav.lower().split()
            assert page.url.rstrip("/") == (url + address).rstrip("/")
