"""Staff and owner side by side, with sharing on: a staff member's browser reaches Groundwork at the office
address (Chromium, over TLS, through the office listener, to the app whose own server stays on 127.0.0.1)
and signs in there; the owner, signed in on this computer, sees the address and QR code on Setup and turns
sharing off, and the staff browser can't reach Groundwork any more. 127.0.0.2 stands in for this
computer's office-network address; the certificate is the one Groundwork made, so the browser is told to
accept it (``ignore_https_errors``), as a person does on the first visit."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from core.accounts import People
from core.db import Database
from core.settings import load_settings
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port, shot, streamlit_app, wait_idle, sign_in
from tests.cli import core
from tests.sharing_helpers import OFFICE, listening
from tests.webclient import Session

pytestmark = [pytest.mark.browser, pytest.mark.slow]
OWNER, OWNER_PASSWORD = "Ann", "ann-owner-password-1"
STAFF, STAFF_PASSWORD = "Tom", "tom-staff-password-1"


def new_page(browser):
    """A browser context of its own (another person's computer), accepting the certificate as a person does."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True).new_page()
    page.set_default_timeout(60_000)
    return page




def test_staff_and_owner_use_groundwork_through_the_office_address(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (data_dir / "settings.json").write_text(json.dumps({"sharing_port": port, "sharing_address": OFFICE}))
    people = People(Database(load_settings().db_path))
    people.add(OWNER, "owner", OWNER_PASSWORD)
    people.add(STAFF, "staff", STAFF_PASSWORD)
    assert core("share", "on").returncode == 0  # on before the start: it opens with the app's first run
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        assert not listening(port)  # the limit Setup states: nothing runs before the app is first opened
        with Session(url) as here:  # Groundwork opened once on this computer after its start
            here.run()
        assert listening(port)
        office = f"https://{OFFICE}:{port}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                staff = new_page(browser)  # a staff member's computer, at the office address
                sign_in(staff, office, STAFF, STAFF_PASSWORD)
                staff.get_by_role("heading", name="Ask your documents").first.wait_for()
                assert staff.evaluate("location.protocol") == "https:"
                staff.goto(office + "/setup")  # the owner's page, by its address: refused
                staff.get_by_text("Only the owner can do this").wait_for()
                assert "Let my staff use Groundwork" not in staff.inner_text("body")

                owner = new_page(browser)  # side by side: the owner, on the computer Groundwork runs on
                sign_in(owner, url, OWNER, OWNER_PASSWORD)  # with sharing on, this computer signs in too
                owner.goto(url + "/setup")
                owner.get_by_role("heading", name="Let my staff use Groundwork from their computers").wait_for()
                wait_idle(owner)
                owner.locator("[data-testid='stCode']").filter(has_text=f":{port}").first.wait_for()  # the address
                owner.get_by_text("Or scan this with a phone").wait_for()
                assert "Your staff can use Groundwork now" in owner.inner_text("body")
                qr = owner.locator("[data-testid='stImage'] img")
                assert qr.count() == 1 and qr.evaluate("img => img.complete && img.naturalWidth > 100")  # drawn
                owner.get_by_text("Or scan this with a phone").scroll_into_view_if_needed()
                shot(owner, "setup-sharing-on")

                owner.get_by_text("Share Groundwork on the office network").click()  # off
                owner.get_by_text("Off: Groundwork can be opened only on this computer").wait_for()
                assert not listening(port)  # stopped at once: the staff computer can't reach it any more
                with pytest.raises(PlaywrightError, match="ERR_CONNECTION_REFUSED"):
                    staff.goto(office + "/")
                owner.reload()  # this computer keeps its Groundwork, now without signing in
                owner.get_by_role("heading", name="Let my staff use Groundwork from their computers").wait_for()
            finally:
                browser.close()
