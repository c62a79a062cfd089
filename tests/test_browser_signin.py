"""Signing in, in a real browser (Debian's Chromium), with sharing on: staff and owner side by side.

A staff member opens Groundwork, is sent to the sign-in page, signs in, sees only "Ask your documents"
and "Find in my documents", and an owner page opened by its address says "Only the owner can do this.".
The owner, in another browser context, sees Setup's People section and sets Tom a new password: Tom's open
window is signed out at its next click and the old password no longer works. Signing out from the sidebar
ends the session. Screenshots: the sign-in page, the staff view, the refused owner page and the People section.
"""
from __future__ import annotations

import json

import pytest

from core.accounts import People
from core.db import Database
from tests.browser import CHROMIUM, CHROMIUM_ARGS, screenshots_dir, shot, streamlit_app, wait_idle, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAFF, STAFF_PASSWORD = "Tom", "tom-staff-password-1"
OWNER, OWNER_PASSWORD = "Maria", "maria-owner-password-1"
ONLY_OWNER = "Only the owner can do this"


def nav_titles(page) -> list[str]:
    return [t.strip().splitlines()[-1].strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def choose(page, box: str, option: str, shows: str) -> None:
    """Pick ``option`` in a select box as a person does (open its list, click the name), until the page
    ``shows`` the words that prove it was picked."""
    for _ in range(3):  # (a click that lands while the page is redrawing opens nothing: open it again)
        page.locator(f"{box} input").click()
        item = page.get_by_role("option", name=option, exact=True)
        try:
            item.wait_for(timeout=10_000)
            item.click()
            page.get_by_text(shows).wait_for(timeout=15_000)
            wait_idle(page)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError(f"couldn't pick {option}")




def test_staff_and_owner_sign_in_side_by_side(tmp_path):
    from playwright.sync_api import sync_playwright

    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"sharing": True}))
    people = People(Database(data / "groundwork.db"))
    people.add(OWNER, "owner", OWNER_PASSWORD)
    people.add(STAFF, "staff", STAFF_PASSWORD)
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # the server's very first visit runs app.py, which puts the sign-in gate in front of it
            staff = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            staff.set_default_timeout(60_000)
            staff.goto(url + "/")
            staff.get_by_text("You're not signed in").wait_for()
            assert not nav_titles(staff)

            # a wrong password stays on the sign-in page with one sentence
            staff.goto(url + "/_gw/signin")
            staff.get_by_label("Your name").fill(STAFF)
            staff.get_by_label("Password").fill("a-wrong-password")
            staff.get_by_role("button", name="Sign in").click()
            staff.get_by_text("That name and password don't match; check them and try again.").wait_for()
            assert staff.get_by_label("Your name").input_value() == STAFF  # the name is kept, not the password
            assert staff.get_by_label("Password").input_value() == ""

            sign_in(staff, url, STAFF, STAFF_PASSWORD, screenshot="signin-page")
            cookie = next(c for c in staff.context.cookies() if c["name"] == "groundwork_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert staff.evaluate("document.cookie").find("groundwork_session") == -1  # scripts can't read it
            assert nav_titles(staff) == ["Ask your documents", "Find in my documents"]
            staff.get_by_text("the owner hasn't added documents yet").wait_for()
            staff.get_by_text("There are no documents to ask yet; the owner adds them on their computer.").wait_for()
            wait_idle(staff)
            assert not staff.get_by_role("button", name="Try it with sample documents").count()  # the owner's to do
            shot(staff, "signin-staff-view")

            staff.goto(url + "/setup")  # an owner page by its address
            staff.get_by_text(ONLY_OWNER).wait_for()
            wait_idle(staff)
            main = staff.locator("[data-testid='stMain']").inner_text()
            assert "Setup" not in main and "Ollama" not in main and "People" not in main
            shot(staff, "signin-staff-refused")
            for address in ("documents", "style", "selftest", "advisor"):
                staff.goto(f"{url}/{address}")
                staff.get_by_text(ONLY_OWNER).wait_for()

            owner = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            owner.set_default_timeout(60_000)
            sign_in(owner, url, OWNER, OWNER_PASSWORD)
            assert "Setup" in nav_titles(owner) and "Documents" in nav_titles(owner)
            owner.goto(url + "/setup")
            owner.get_by_role("heading", name="People").wait_for()
            people = owner.locator("[data-testid='stTable']")
            people.get_by_text(STAFF, exact=True).wait_for()  # the list, drawn (under load it can come after the heading)
            people.get_by_text(OWNER, exact=True).wait_for()
            wait_idle(owner)
            owner.get_by_text("Add a person").click()  # the form, opened, for the screenshot
            owner.get_by_text("Name they sign in with").wait_for()
            owner.get_by_role("heading", name="People").evaluate("e => e.scrollIntoView({block: 'start'})")
            text = owner.locator("[data-testid='stMain']").inner_text()
            screenshots_dir().mkdir(parents=True, exist_ok=True)
            owner.screenshot(path=str(screenshots_dir() / "signin-owner-people.png"))  # the section, scrolled to
            assert "Tom" in text and "Maria" in text and ONLY_OWNER not in text, text
            shot(owner, "signin-owner-people")

            # the owner sets a new password for Tom: the window Tom has open is signed out at its next click
            staff.goto(url + "/")
            staff.get_by_text(f"Signed in as {STAFF}").wait_for()
            wait_idle(staff)
            owner.get_by_text("Change someone's account").click()
            choose(owner, "[data-testid='stSelectbox']", STAFF, shows="Yes, remove Tom's account")
            owner.get_by_label("New password").fill("tom-new-password-2")
            owner.get_by_label("The same password again").last.fill("tom-new-password-2")
            owner.get_by_role("button", name="Set this password").click()
            owner.get_by_text("Tom has a new password; they were signed out everywhere.").wait_for()
            staff.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Find in my documents").click()
            staff.get_by_text("You're not signed in (or your sign-in has ended); reload this page to sign in.").wait_for()
            staff.reload()
            staff.wait_for_url("**/_gw/signin?ended=1")
            staff.get_by_text("Your sign-in has ended; sign in again to go on.").wait_for()
            staff.get_by_label("Your name").fill(STAFF)
            staff.get_by_label("Password").fill(STAFF_PASSWORD)  # the old password
            staff.get_by_role("button", name="Sign in").click()
            staff.get_by_text("That name and password don't match").wait_for()
            sign_in(staff, url, STAFF, "tom-new-password-2")

            staff.get_by_role("button", name="Sign out").click()
            staff.get_by_text("You're signed out on every computer; reload this page to sign in again.").wait_for()
            staff.reload()
            staff.wait_for_url("**/_gw/signin?ended=1")  # the old cookie opens nothing any more
            assert not [c for c in staff.context.cookies() if c["name"] == "groundwork_session"]  # and is forgotten
            owner.reload()
            owner.get_by_text(f"Signed in as {OWNER}").wait_for()  # the owner is still signed in
        finally:
            browser.close()
