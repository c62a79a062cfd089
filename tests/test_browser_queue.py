"""Two browser tabs asking at once while the model is busy (real `streamlit run`, Debian's Chromium, the stand-in
Ollama over real HTTP): the second tab shows its place in the queue, Cancel takes the question out at once, and
asking again gets the tab its own answer once the model is free.
"""
from __future__ import annotations

import re

import pytest

from core.history import History
from core.settings import load_settings
from tests.browser import CHAT_BOX, ask, browser_page, shot, streamlit_app, wait_idle
from tests.ollama_standin import Held, OllamaStandin, Reply
from tests.prompts import sources_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST_Q = "Can a customer return a bike after 45 days?"
SECOND_Q = "How much does a basic tune-up cost?"
JOIN_S = 120


def quoting(request: dict) -> Reply:
    first = " ".join(sources_in(request)[0]["text"].split())
    sentence = next((s for s in re.split(r"(?<=[.!?])\s+", first) if len(s.split()) > 6), first).rstrip(".")
    text = f"Per the documents, {sentence[0].lower()}{sentence[1:]} [1]."
    return Reply([text[i:i + 8] for i in range(0, len(text), 8)], piece_delay=0.03)


def test_a_second_tab_waits_with_its_place_cancels_then_gets_its_own_answer(library):
    held = Held(quoting)
    with OllamaStandin(default_reply=quoting) as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": ollama.host}) as url, \
            browser_page(height=1000) as first:
        ollama.enqueue_chat(held, held)  # the model stays busy with the first tab's question, twice
        second = first.context.new_page()
        for page in (first, second):
            page.goto(url)
            page.get_by_role("heading", name="Ask your documents").wait_for()
        ask(first, FIRST_Q)
        assert held.arrived.wait(JOIN_S)
        ask(second, SECOND_Q)
        second.get_by_text("1 question ahead of yours").wait_for()
        cancel = second.get_by_role("button", name="Cancel")
        cancel.wait_for()
        assert second.locator(CHAT_BOX).is_disabled()
        path = shot(second, "chat-waiting-in-queue")
        assert path.exists()
        cancel.click()
        second.get_by_text("Your question was taken out of the queue.").wait_for()
        second.get_by_text("1 question ahead of yours").wait_for(state="detached")
        assert len(ollama.calls("/api/chat")) == 1  # the cancelled question never reached the model
        ask(second, SECOND_Q)  # asked again: waits again, then gets its own answer once the model is free
        second.get_by_text("1 question ahead of yours").wait_for()
        held.go.set()
        for page in (first, second):  # each answer finished and kept: its rating question is under it
            page.get_by_text("Was this answer helpful?").wait_for()
            wait_idle(page)
        bodies = ollama.bodies("/api/chat")
        assert [FIRST_Q in b["messages"][-1]["content"] for b in bodies] == [True, False]
        history = History(load_settings(data_dir=library).db_path)
        saved = {c["title"]: [m.content for m in history.messages(c["id"])] for c in history.conversations()}
        assert set(saved) == {FIRST_Q[:60], SECOND_Q[:60]}
        mine = saved[SECOND_Q[:60]][1]
        theirs = saved[FIRST_Q[:60]][1]
        assert mine != theirs
        on_second = " ".join(second.locator("[data-testid='stChatMessage']").all_inner_texts())
        on_first = " ".join(first.locator("[data-testid='stChatMessage']").all_inner_texts())
        assert mine[20:50] in on_second and theirs[20:50] not in on_second  # each tab shows only its own answer
        assert theirs[20:50] in on_first and mine[20:50] not in on_first
