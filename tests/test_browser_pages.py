"""Every page address works as the very first visit to a freshly started server.

Streamlit runs a top-level ``pages/`` folder as its old automatic menu when a page address
is the first visit; ``runtime.page_setup()`` sends that visit through ``app.py`` instead.
Each address gets its own fresh server, so each one really is the first visit.
"""
from __future__ import annotations

import pytest

from tests.browser import browser_page, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    ("", "Ask your documents"),
    ("/documents", "Your documents"),
    ("/find", "Find in my documents"),
    ("/selftest", "Check my library"),
    ("/advisor", "Fine-tuning advisor"),
    ("/style", "Answer style"),
    ("/setup", "Setup"),
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
