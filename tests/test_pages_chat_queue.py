"""The chat page while the model is busy with someone else's question (Streamlit AppTest, several sessions at
once, the stand-in Ollama over real HTTP): each waiting session shows its place ("1 question ahead of yours"),
updating, and a Cancel button; a cancelled question leaves the queue at once and leaves no trace; each
session gets the answer to its own question in its own conversation.
"""
from __future__ import annotations

import re
import threading

import pytest

from core import runtime
from core.history import History
from core.settings import load_settings
from tests.ollama_standin import Held, OllamaStandin
from tests.prompts import sources_in
from tests.test_pages_chat import RETURNS_Q, ask, markdown, page, texts

PRICE_Q = "How much does a basic tune-up cost?"
HOURS_Q = "What time does the Eastbridge store close on Thursdays?"
JOIN_S = 120  # deadlock guard only


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def quote_first(request: dict) -> list[str]:
    """Quote the first full sentence (more than six words) of source 1 and cite it: each question's own reply."""
    first = " ".join(sources_in(request)[0]["text"].split())
    sentence = next((s for s in re.split(r"(?<=[.!?])\s+", first) if len(s.split()) > 6), first).rstrip(".")
    return [f"{sentence} [1]."]


def reply_for(bodies: list[dict], question: str) -> str:
    """What the stand-in answered to ``question`` (from the prompt it was sent for it)."""
    [body] = [b for b in bodies if question in b["messages"][-1]["content"]]
    return quote_first(body)[0]




@pytest.fixture
def ollama(monkeypatch):
    with OllamaStandin(default_reply=quote_first) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        yield standin


def queue():
    return runtime.get_model_queue()  # the one the pages use (same Ollama address, same process)


def conversations() -> dict[str, list[str]]:
    """Each conversation's title -> its messages' text, as saved."""
    h = History(load_settings().db_path)
    return {c["title"]: [m.content for m in h.messages(c["id"])] for c in h.conversations()}


def shown(at) -> str:
    """The page's markdown without the escaping backslashes (a "|" in a table row is drawn as "\\|")."""
    return markdown(at).replace("\\", "")


def place(at) -> str:
    return " ".join(i.value for i in at.info)


def test_a_second_session_waits_showing_its_place_then_gets_its_own_answer(library, ollama):
    held = Held(quote_first)
    ollama.enqueue_chat(held)
    first, second = page().run(), page().run()  # two browser tabs open on the chat page
    asking = threading.Thread(target=ask, args=(first, RETURNS_Q))
    asking.start()
    assert held.arrived.wait(JOIN_S)  # the first question is with the model
    second = ask(second, PRICE_Q)
    assert "1 question ahead of yours" in place(second)
    assert second.button(key="chat_queue_cancel").label == "Cancel"
    assert second.chat_input(key="chat_input").disabled  # one question at a time per tab
    assert PRICE_Q in markdown(second)  # the question stays on screen while it waits
    assert queue().snapshot() == {"answering": "", "waiting": {"": 1}}
    assert len(ollama.calls("/api/chat")) == 1  # searched already; only the model call waits
    held.go.set()
    asking.join(JOIN_S)
    assert not asking.is_alive() and not first.exception
    assert queue().wait_until(lambda s: s["waiting"] == {} and s["answering"] == "", JOIN_S)  # its turn came
    second.run()  # the page's own refresh
    assert not second.exception
    assert "ahead of yours" not in place(second) and not second.chat_input(key="chat_input").disabled
    saved = conversations()
    assert set(saved) == {RETURNS_Q[:60], PRICE_Q[:60]}  # each tab's question in its own conversation
    bodies = ollama.bodies("/api/chat")
    assert [RETURNS_Q in b["messages"][-1]["content"] for b in bodies] == [True, False]  # in the order asked
    returns_answer, price_answer = saved[RETURNS_Q[:60]], saved[PRICE_Q[:60]]
    assert returns_answer == [RETURNS_Q, reply_for(bodies, RETURNS_Q)]
    assert price_answer == [PRICE_Q, reply_for(bodies, PRICE_Q)]
    mine, theirs = price_answer[1][:-5], returns_answer[1][:-5]  # the quoted sentences, without " [1]."
    assert mine != theirs
    assert mine in shown(second) and theirs not in shown(second)  # each tab shows only its own answer
    first.run()
    assert theirs in shown(first) and mine not in shown(first)


def test_the_place_updates_as_questions_ahead_are_answered(library, ollama):
    hold = queue().join("someone else")
    second, third = page().run(), page().run()
    second = ask(second, PRICE_Q)
    third = ask(third, HOURS_Q)
    assert "1 question ahead of yours" in place(second)
    assert "2 questions ahead of yours" in place(third)
    hold.release()  # the question before them is answered: the second tab's turn
    third.run()
    assert "1 question ahead of yours" in place(third)
    second.run()  # streams its answer, and the turn passes on
    third.run()
    assert "ahead of yours" not in place(third) and not third.exception
    assert set(conversations()) == {PRICE_Q[:60], HOURS_Q[:60]}
    assert len(ollama.calls("/api/chat")) == 2


def test_cancel_takes_the_question_out_of_the_queue_at_once_and_leaves_no_trace(library, ollama):
    hold = queue().join("someone else")
    at = ask(page().run(), PRICE_Q)
    behind = queue().join("another person")
    assert behind.ahead() == 2
    assert "1 question ahead of yours" in place(at)
    at.button(key="chat_queue_cancel").click().run()
    assert not at.exception
    assert queue().snapshot() == {"answering": "someone else", "waiting": {"another person": 1}}
    assert behind.ahead() == 1  # the question behind moved up at once
    assert "Your question was taken out of the queue." in [t.value for t in at.toast]
    assert "ahead of yours" not in place(at) and not at.chat_input(key="chat_input").disabled
    assert conversations() == {}  # nothing saved: no question without its answer
    hold.release()
    assert behind.has_turn
    assert ollama.calls("/api/chat") == []  # the cancelled question never reached the model
    behind.cancel()
    # and the chat goes on as normal afterwards
    at = ask(at, RETURNS_Q)
    assert "I couldn't find" not in texts(at) and len(ollama.calls("/api/chat")) == 1


def test_a_question_left_unseen_loses_its_place_and_the_page_says_so(library, ollama):
    hold = queue().join("someone else")
    at = ask(page().run(), PRICE_Q)
    assert "1 question ahead of yours" in place(at)
    queue().waiting_lease = -1  # as if nobody had looked at the page for longer than the lease (a closed tab)
    assert queue().snapshot()["waiting"] == {}  # it left the queue
    at.run()
    assert not at.exception
    assert "lost its place in the queue" in place(at) and "ahead of yours" not in place(at)
    assert not at.chat_input(key="chat_input").disabled and conversations() == {}
    hold.release()
    assert ollama.calls("/api/chat") == []


def test_a_staff_question_cancelled_in_the_queue_is_on_the_owners_team_list(library, ollama, monkeypatch):
    from core import team_questions
    from core.access import Access

    monkeypatch.setattr(runtime, "current_access", lambda: Access(name="Tom", role="staff"))
    hold = queue().join("someone else")
    at = ask(page().run(), PRICE_Q)
    assert "1 question ahead of yours" in place(at)
    at.button(key="chat_queue_cancel").click().run()
    assert not at.exception
    hold.release()
    logged = team_questions.recent(History(load_settings().db_path).db.conn())
    assert [(q.person, q.question, q.outcome) for q in logged] == [("Tom", PRICE_Q, "cancelled")]
    assert ollama.calls("/api/chat") == []
