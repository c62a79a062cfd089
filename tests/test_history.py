"""core/history.py on a real SQLite file in the test's data folder."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone

import pytest

from core.errors import NotFoundError, UsageError
from core.history import DEFAULT_TITLE, History
from core.types import AnswerResult, Feedback, Passage, UsageStats

CITE = [{"n": 1, "file": "Handbook.pdf", "page": 3, "text": "We open at nine and close at six on weekdays."}]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def db_path(settings):
    return settings.db_path


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def history(db_path, clock):
    return History(db_path, clock=clock)


def ask(history: History, conv: int, typed: str, answer: str, citations=None, found=True, **meta) -> int:
    history.add_message(conv, "user", typed)
    return history.add_message(conv, "assistant", answer, citations=citations or [],
                               meta={"found": found, "mode": "llm", **meta})


def test_conversations_crud(history, clock):
    assert history.conversations() == []
    a = history.new_conversation()
    clock.advance(minutes=1)
    b = history.new_conversation("Refunds")
    listed = history.conversations()
    assert [c["id"] for c in listed] == [b, a]  # newest first
    assert listed[1]["title"] == DEFAULT_TITLE and listed[0]["messages"] == 0

    clock.advance(minutes=1)
    history.add_message(a, "user", "When do we open on Saturdays?")
    listed = history.conversations()
    assert [c["id"] for c in listed] == [a, b]  # activity moves a conversation up
    assert listed[0]["title"] == "When do we open on Saturdays?"  # the first question names it
    assert listed[0]["messages"] == 1

    history.rename(a, "Opening hours")
    history.add_message(a, "user", "And on Sundays?")
    assert history.conversation(a)["title"] == "Opening hours"  # a chosen title stays

    history.delete(b)
    assert [c["id"] for c in history.conversations()] == [a]
    history.delete(b)  # already gone: no error
    with pytest.raises(NotFoundError):
        history.rename(b, "x")
    with pytest.raises(NotFoundError):
        history.add_message(b, "user", "hello?")
    assert history.messages(b) == []


def test_long_question_makes_short_title(history):
    conv = history.new_conversation()
    history.add_message(conv, "user", "What is the procedure for returning a damaged item that was bought online more than thirty days ago?")
    title = history.conversation(conv)["title"]
    assert len(title) <= 61 and title.endswith("…") and title.startswith("What is the procedure")


def test_messages_round_trip_and_feedback(history):
    conv = history.new_conversation()
    q = history.add_message(conv, "user", "When do we open?")
    a = history.add_message(conv, "assistant", "At nine [1].", citations=CITE,
                            meta={"found": True, "mode": "llm", "question": "When do we open?", "unsupported": []})
    msgs = history.messages(conv)
    assert [m.id for m in msgs] == [q, a] and {m.conversation_id for m in msgs} == {conv}
    assert (msgs[0].role, msgs[0].content, msgs[0].result, msgs[0].question, msgs[0].feedback) == \
        ("user", "When do we open?", None, "", None)
    answer = msgs[1]
    assert (answer.role, answer.content, answer.question) == ("assistant", "At nine [1].", "When do we open?")
    assert answer.result == AnswerResult(answer="At nine [1].", found=True, mode="llm",
                                         citations=[Passage.from_dict(c) for c in CITE])
    with pytest.raises(FrozenInstanceError):  # one record, read only
        answer.content = "changed"  # type: ignore[misc]

    history.set_feedback(a, 1, "spot on")
    assert history.messages(conv)[1].feedback == Feedback(1, "spot on")
    history.set_feedback(a, -1)  # changing one's mind replaces the rating
    assert history.messages(conv)[1].feedback == Feedback(-1, "")
    history.clear_feedback(a)
    assert history.messages(conv)[1].feedback is None

    with pytest.raises(UsageError):
        history.set_feedback(a, 5)
    with pytest.raises(NotFoundError):
        history.set_feedback(999_999, 1)
    with pytest.raises(UsageError):
        history.add_message(conv, "robot", "beep")


def test_unicode_survives(history):
    conv = history.new_conversation("Öffnungszeiten — café")
    history.add_message(conv, "user", "Wann öffnet das Café? 🙂")
    assert history.messages(conv)[0].content == "Wann öffnet das Café? 🙂"


def test_survives_restart(db_path, clock):
    first = History(db_path, clock=clock)
    conv = first.new_conversation("Refunds")
    answer = ask(first, conv, "How long do refunds take?", "Five working days [1].", CITE)
    first.set_feedback(answer, 1, "correct")

    again = History(db_path)  # a new process would do exactly this
    assert [c["title"] for c in again.conversations()] == ["Refunds"]
    msgs = again.messages(conv)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[1].feedback == Feedback(1, "correct")
    assert msgs[1].result is not None and msgs[1].result.citations == [Passage.from_dict(c) for c in CITE]
    assert again.usage_stats().approved == 1


def test_delete_cascades(history, db_path):
    conv = history.new_conversation()
    answer = ask(history, conv, "q", "a", CITE)
    history.set_feedback(answer, 1)
    history.delete(conv)
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0


def test_shares_the_database_with_the_library(settings, clock):
    from core.ingest import add_files
    from core.library import Library
    from tests.builders import make_pdf

    add_files(Library(settings), [("Handbook.pdf", make_pdf(["Opening hours are nine to six."]))])
    history = History(settings.db_path, clock=clock)
    history.new_conversation()
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT name FROM documents").fetchall() == [("Handbook.pdf",)]
        assert db.execute("SELECT count(*) FROM conversations").fetchone()[0] == 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_usage_stats_window(history, clock):
    old = history.new_conversation()
    ask(history, old, "An old question", "Not in the documents.", found=False)
    old_good = ask(history, old, "Old but good", "Yes [1].", CITE)
    history.set_feedback(old_good, 1)

    clock.advance(days=40)
    conv = history.new_conversation()
    ask(history, conv, "q1", "The documents don't say.", found=False)
    good = ask(history, conv, "q2", "Nine [1].", CITE)
    uncited = ask(history, conv, "q3", "Probably nine.", [])
    bad = ask(history, conv, "q4", "Ten [1].", CITE)
    ask(history, conv, "q5", "Search results only.", CITE, mode="search_only")
    history.add_message(conv, "assistant", "no meta at all")  # missing "found" is not "unanswered"
    history.set_feedback(good, 1)
    history.set_feedback(uncited, 1)  # approved needs a citation
    history.set_feedback(bad, -1)

    assert history.usage_stats(days=30) == UsageStats(days=30, questions=5, unanswered=1, approved=2, disliked=1)
    assert history.usage_stats(days=60).questions == 7
    assert history.usage_stats(days=60).unanswered == 2
    clock.advance(days=31)
    assert history.usage_stats(days=30).questions == 0
    assert history.usage_stats(days=30).approved == 2  # approvals count for all time


def test_approved_examples(history):
    conv = history.new_conversation()
    a1 = ask(history, conv, "When do we open?", "At nine [1].", CITE)
    a2 = ask(history, conv, "Typed question", "Five days [1].", CITE, question="How long do refunds take?")
    a3 = ask(history, conv, "Uncited?", "Maybe.", [])
    a4 = ask(history, conv, "Disliked?", "Wrong [1].", CITE)
    history.set_feedback(a1, 1)
    history.set_feedback(a2, 1)
    history.set_feedback(a3, 1)
    history.set_feedback(a4, -1)
    examples = history.approved_examples()
    assert examples == [
        {"question": "When do we open?", "answer": "At nine [1].", "citations": CITE},
        {"question": "How long do refunds take?", "answer": "Five days [1].", "citations": CITE},  # meta.question wins
    ]


def test_threads_share_one_history(history):
    conv = history.new_conversation()
    errors = []

    def worker(n):
        try:
            for i in range(20):
                history.add_message(conv, "user", f"t{n}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(history.messages(conv)) == 80
