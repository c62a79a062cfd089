"""Documents only the owner sees, in a real browser on a real server with sharing on.

Two browser contexts side by side, each signed in through the real sign-in form (core.accounts): a staff
member asks and searches and never meets the owner's payroll file; the owner finds it, reads the staff
member's question on "Questions from the team", and sees the "Only me" control on Documents. A browser with
no session gets the sign-in page and nothing of the library.
"""
from __future__ import annotations

import pytest

from core.access import SESSION_COOKIE
from core.db import Database, connect
from core.ingest import add_files
from core.library import Library
from core.settings import load_settings, save_setting
from tests.browser import CHROMIUM, CHROMIUM_ARGS, shot, streamlit_app, wait_idle
from tests.builders import make_pdf
from tests.ollama_standin import OllamaStandin, Reply
from tests.prompts import sources_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "quillbanter"
PAYROLL = [f"Payroll. Annual leave pay for {SECRET} grade staff is {4100 + i} dollars a month." for i in range(3)]
QUESTION = "How much annual leave pay do staff get?"
CHAT_BOX = "[data-testid='stChatInput'] textarea"


def cite_everything(request: dict) -> Reply:
    given = sources_in(request)
    return Reply([" ".join(f"{s['text'][:90]} [{s['n']}]." for s in given) or "The documents don't say."])


PASSWORD = "a long enough pass phrase"


def signed_in(url: str, name: str) -> str:
    """The session token the real sign-in form sets for ``name``."""
    from tests.webclient import session_cookie, sign_in

    return session_cookie(sign_in(url, name, PASSWORD)).split("=", 1)[1]


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_staff_never_meet_an_only_me_document_and_the_owner_sees_their_questions(library):
    settings = load_settings(data_dir=library)
    add_files(Library(settings), [("Payroll.pdf", make_pdf(PAYROLL))], only_owner=True)
    documents = len(Library(settings).documents())
    from core.accounts import People

    people = People(Database(settings.db_path))
    people.add("Maria", "owner", PASSWORD)
    people.add("Sam", "staff", PASSWORD)
    save_setting(settings, "sharing", True)

    from playwright.sync_api import expect, sync_playwright

    with OllamaStandin(default_reply=cite_everything) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": ollama.host}) as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            def context_for(token):
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                if token:
                    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": url, "httpOnly": True,
                                          "sameSite": "Strict"}])
                page = context.new_page()
                page.set_default_timeout(60_000)
                return page

            # nobody signed in: the first visit after a start (the guard is installed by it) gets one sentence,
            # the next the sign-in page; never anything of the library
            from ui.roles import NOT_SIGNED_IN

            nobody = context_for(None)
            nobody.goto(url)
            nobody.get_by_text(NOT_SIGNED_IN).first.wait_for()
            wait_idle(nobody)
            assert "Payroll.pdf" not in nobody.content() and "Library:" not in nobody.locator("body").inner_text()
            nobody.goto(url)
            nobody.get_by_role("button", name="Sign in").wait_for()
            assert "Payroll.pdf" not in nobody.content() and "Library:" not in nobody.locator("body").inner_text()
            staff, owner = context_for(signed_in(url, "Sam")), context_for(signed_in(url, "Maria"))

            # staff: the chat, its sources and its "Search in" list never name the payroll; counts leave it out
            staff.goto(url)
            staff.get_by_role("heading", name="Ask your documents").wait_for()
            wait_idle(staff)
            assert f"Library: {documents - 1} documents" in staff.locator("[data-testid='stSidebar']").inner_text()
            staff.locator(CHAT_BOX).fill(QUESTION)
            staff.locator(CHAT_BOX).press("Enter")
            staff.get_by_text("Was this answer helpful?").first.wait_for(timeout=180_000)  # saved and shown
            wait_idle(staff)
            staff.get_by_text("Search in").first.click()
            staff.wait_for_timeout(500)
            seen = staff.locator("body").inner_text()
            staff.keyboard.press("Escape")
            assert "Payroll.pdf" not in seen and "4101" not in seen and SECRET not in seen
            asked = [b for b in ollama.bodies("/api/chat")]
            shot(staff, "visibility-staff-chat")
            assert asked and all(s["file"] != "Payroll.pdf" for b in asked for s in sources_in(b))
            shot(staff, "visibility-staff-chat")

            # staff: Find
            staff.goto(url + "/find")
            box = staff.get_by_label("What are you looking for?")
            box.fill(f"{SECRET} pay")
            box.press("Enter")
            staff.get_by_text("the most relevant first").or_(staff.get_by_text("Nothing in your documents")).first.wait_for()
            wait_idle(staff)
            assert "Payroll.pdf" not in main_text(staff) and "4101" not in main_text(staff)

            # staff opening the owner's page by its address: one sentence, no log
            staff.goto(url + "/team")
            staff.get_by_text("Only the owner can do this").first.wait_for()
            wait_idle(staff)
            assert staff.locator("[data-testid='stDataFrame']").count() == 0 and QUESTION not in main_text(staff)

            # the owner: Find shows it; Questions from the team shows Sam's question, without its answer
            owner.goto(url + "/find")
            box = owner.get_by_label("What are you looking for?")
            box.fill(f"{SECRET} pay")
            box.press("Enter")
            owner.get_by_text("the most relevant first").wait_for()
            wait_idle(owner)
            assert "Payroll.pdf" in main_text(owner)
            owner.goto(url + "/team")
            owner.get_by_role("heading", name="Questions from the team").wait_for()
            owner.locator("[data-testid='stDataFrame']").wait_for()
            wait_idle(owner)
            assert "1" in owner.locator("[data-testid='stMetric']").first.inner_text()
            shot(owner, "questions-from-the-team")

            # the owner: Documents, with the drop box's "Only me" and the per-document switch
            owner.goto(url + "/documents")
            owner.get_by_role("heading", name="Manage a document").wait_for()
            wait_idle(owner)
            chooser = owner.locator(".st-key-manage_doc input")
            chooser.click()
            chooser.fill("Payroll")
            chooser.press("Enter")
            wait_idle(owner)
            # Payroll.pdf's own switch (its key names the file): while the page redraws for the chosen
            # document, the switch of the one shown before can still be on the page
            switch = owner.locator("[class*='st-key-only_me_Payroll'] input")
            owner.get_by_text("3 pages · 39 words").wait_for()  # the chosen document's facts: Payroll.pdf's
            expect(switch).to_be_checked()
            switch.scroll_into_view_if_needed()
            shot(owner, "documents-only-me")

            # every document marked Only me at once: the staff member's next visit has nothing to ask about,
            # and no way to add anything (not even the sample documents)
            lib = Library(settings)
            for d in lib.documents():
                lib.set_only_owner(d.file, True)
            staff.goto(url)
            staff.get_by_text("There are no documents to ask yet").first.wait_for()
            wait_idle(staff)
            assert staff.get_by_role("button", name="Try it with sample documents").count() == 0
            assert "Library: empty — the owner hasn't added documents yet" in \
                staff.locator("[data-testid='stSidebar']").inner_text()
        finally:
            browser.close()
    conn = connect(library / "groundwork.db")
    rows = [tuple(r) for r in conn.execute("SELECT person, question FROM team_questions")]
    conn.close()
    assert rows == [("Sam", QUESTION)]
