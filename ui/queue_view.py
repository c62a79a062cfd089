"""A question waiting for its turn with the model: its place in the queue, updating, and a Cancel button.

The model answers one question at a time (``core.model_queue``). When someone else's question holds
it, the chat page keeps this person's question (already searched, its prompt built) in
``st.session_state.chat_waiting`` and shows it here, at the foot of the conversation: "2 questions
ahead of yours", refreshed by a fragment every ``TICK_S`` seconds. Each refresh waits up to
``WAIT_S`` for the turn, so the answer starts the moment the model is free (the whole page then runs
again and streams it). Clicking elsewhere on the page doesn't lose the place; Cancel takes the question
out of the queue at once (nothing was saved yet, so it leaves no trace in the conversation).
Leaving the chat page for a while lets the place go (``ModelQueue.waiting_lease``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import logging

import streamlit as st

from core.render import safe_markdown

TICK_S = 0.5
WAIT_S = 0.35  # shorter than a tick, so a click on Cancel is handled within this long
KEY = "chat_waiting"
NOTE = "chat_queue_note"  # a sentence to show once, on the next full run
CANCELLED = "Your question was taken out of the queue."
LOST = "Your question lost its place in the queue while this page was closed or out of sight; ask it again."


@dataclass
class Waiting:
    """One question between asking and its turn: where its answer goes, and the prepared answer."""

    conv_id: Optional[int]  # None: a new conversation, made when the answer starts
    question: str
    stream: Any  # core.answer.AnswerStream, with a ticket in the model's queue


def place_sentence(ahead: Optional[int]) -> str:
    """The one sentence a waiting person reads about their place."""
    if not ahead:
        return "Your question is next; the answer starts in a moment."
    questions = "1 question" if ahead == 1 else f"{ahead} questions"
    return (f"{questions} ahead of yours. The model answers one question at a time; "
            "yours starts as soon as it's free.")


def pending() -> Optional[Waiting]:
    return st.session_state.get(KEY)


def still_waiting() -> bool:
    """A question of this session is waiting for its turn (the chat box is off meanwhile: one at a time)."""
    waiting = pending()
    return waiting is not None and waiting.stream.ticket.waiting


def hold(waiting: Waiting) -> None:
    st.session_state[KEY] = waiting


def take() -> Optional[Waiting]:
    """The waiting question, out of the session (its turn came, or it ended)."""
    return st.session_state.pop(KEY, None)


def cancel() -> None:
    """The Cancel button: leave the queue now."""
    waiting = take()
    if waiting is not None:
        waiting.stream.close()  # the ticket leaves the queue; nothing was sent to the model
        st.session_state[NOTE] = CANCELLED  # said by the full run the fragment starts (the chat box opens again)
        _log_cancelled(waiting.question)


def _log_cancelled(question: str) -> None:
    """A staff member's question taken out of the queue is on the owner's "Questions from the team" too."""
    from core import runtime, team_questions

    try:
        team_questions.record(runtime.get_history().db, runtime.current_access(), question, "cancelled")
    except Exception:  # the log is the owner's to-do list; failing to write it never blocks the Cancel
        logging.getLogger(__name__).warning("A cancelled team question couldn't be logged", exc_info=True)


def show(start_answer: Callable[[Waiting], None]) -> None:
    """At the foot of the conversation: the waiting question, or its answer once its turn has come."""
    note = st.session_state.pop(NOTE, None)
    if note:
        st.toast(note)
    waiting = pending()
    if waiting is None:
        return
    ticket = waiting.stream.ticket
    if ticket.has_turn or ticket.state == "down":  # down: the passages are shown at once, nobody waits
        take()
        start_answer(waiting)
        return
    if ticket.ended:  # expired (or cancelled elsewhere)
        take()
        st.info(LOST, icon="⏳")
        return
    with st.chat_message("user"):
        st.markdown(safe_markdown(waiting.question))
    with st.chat_message("assistant"):
        _place()


@st.fragment(run_every=TICK_S)
def _place() -> None:
    waiting = pending()
    if waiting is None:  # just cancelled: the whole page again, so the chat box opens
        st.rerun(scope="app")
    ticket = waiting.stream.ticket
    ticket.wait(WAIT_S)  # returns the moment the turn comes
    if ticket.has_turn or ticket.ended:
        st.rerun(scope="app")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(place_sentence(ticket.ahead()), icon="⏳")
        st.button("Cancel", key="chat_queue_cancel", on_click=cancel, icon=":material/close:")
