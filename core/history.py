"""Conversations, messages and feedback, kept in SQLite so they survive a restart.

The tables live in the shared ``groundwork.db`` (``settings.db_path``) next to the
library's own tables; this module only touches ``conversations``, ``messages``
and ``feedback``. ``core.db`` owns the connections (one per thread) and the schema
(numbered migrations); writes here are short transactions.

Times are UTC ISO-8601 strings ("2025-01-15T10:00:00+00:00"), like the library's.

Messages come back as ``core.types.StoredMessage`` (frozen): id, conversation_id, role, content,
created_at, feedback (``Feedback`` or None) and, for an answer, its typed ``AnswerResult`` and the
question it answered. In the database an answer's citations are ``citations_json`` and the rest of its
result, plus the question, ``meta_json``.

Answers are stored by ``add_answer`` only, so the stored shape has one owner.
"""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional, Union

from core.db import Database
from core.errors import AppError, NotFoundError, UsageError
from core.types import AnswerResult, Feedback, StoredMessage, UsageStats

DEFAULT_TITLE = "New conversation"
TITLE_LENGTH = 60  # characters of the first question used as a title

ROLES = ("user", "assistant", "system")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def title_from(question: str) -> str:
    """A short conversation title from the first question."""
    text = " ".join(question.split())
    if len(text) <= TITLE_LENGTH:
        return text or DEFAULT_TITLE
    cut = text[:TITLE_LENGTH].rsplit(" ", 1)[0] or text[:TITLE_LENGTH]
    return cut.rstrip(" ,;:.") + "…"


class History:
    """Conversations and feedback in the SQLite file at ``db_path``.

    ``clock`` returns the current time (UTC); tests pass their own to place
    messages in the past.
    """

    def __init__(self, db_path: Union[str, Path], clock: Optional[Callable[[], datetime]] = None):
        self.db_path = Path(db_path)
        self._clock = clock or _utc_now
        try:
            self.db = Database(self.db_path)
        except AppError as exc:
            raise AppError(
                f"Groundwork couldn't open its conversation history in {self.db_path.parent}; "
                "check that the data folder exists and is writable, then try again.") from exc

    # -- plumbing

    def _db(self):
        """A write transaction (commit on success, roll back on error)."""
        return self.db.transaction()

    def _read(self) -> sqlite3.Connection:
        return self.db.conn()

    def _now(self) -> str:
        return _stamp(self._clock())

    @staticmethod
    def _missing_conversation() -> NotFoundError:
        return NotFoundError("That conversation no longer exists; start a new one.")

    # -- conversations

    def conversations(self) -> list[dict]:
        """All conversations, most recently active first:
        ``[{"id", "title", "created_at", "updated_at", "messages"}]``."""
        db = self._read()
        rows = db.execute(
            "SELECT c.id, c.title, c.created_at, c.updated_at, "
            "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS messages "
            "FROM conversations c ORDER BY c.updated_at DESC, c.id DESC").fetchall()
        return [dict(r) for r in rows]

    def conversation(self, conv_id: int) -> dict:
        """One conversation's row; ``NotFoundError`` when it doesn't exist."""
        db = self._read()
        row = db.execute("SELECT id, title, created_at, updated_at FROM conversations WHERE id = ?",
                         (conv_id,)).fetchone()
        if row is None:
            raise self._missing_conversation()
        return dict(row)

    def new_conversation(self, title: str = DEFAULT_TITLE) -> int:
        now = self._now()
        with self._db() as db:
            cur = db.execute("INSERT INTO conversations(title, created_at, updated_at) VALUES (?, ?, ?)",
                             (title.strip() or DEFAULT_TITLE, now, now))
            return int(cur.lastrowid)

    def rename(self, conv_id: int, title: str) -> None:
        with self._db() as db:
            cur = db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title.strip() or DEFAULT_TITLE, conv_id))
            if cur.rowcount == 0:
                raise self._missing_conversation()

    def delete(self, conv_id: int) -> None:
        """Remove a conversation with its messages and their feedback (no error if already gone)."""
        with self._db() as db:
            ids = "SELECT id FROM messages WHERE conversation_id = ?"
            db.execute(f"DELETE FROM feedback WHERE message_id IN ({ids})", (conv_id,))
            db.execute("DELETE FROM messages WHERE conversation_id = ?", (conv_id,))
            db.execute("DELETE FROM conversations WHERE id = ?", (conv_id,))

    # -- messages

    def add_message(self, conv_id: int, role: str, content: str, citations: Optional[list[dict]] = None,
                    meta: Optional[dict] = None) -> int:
        """Append a message and return its id.

        The first user message names a conversation that still has the default title.
        """
        if role not in ROLES:
            raise UsageError(f"A message must come from the user or the assistant, not '{role}'.")
        now = self._now()
        with self._db() as db:
            row = db.execute("SELECT title FROM conversations WHERE id = ?", (conv_id,)).fetchone()
            if row is None:
                raise self._missing_conversation()
            cur = db.execute(
                "INSERT INTO messages(conversation_id, role, content, citations_json, meta_json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (conv_id, role, content, json.dumps(list(citations or []), ensure_ascii=False),
                 json.dumps(dict(meta or {}), ensure_ascii=False, default=str), now))
            title = row["title"]
            if role == "user" and title == DEFAULT_TITLE:
                first = db.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND role = 'user'",
                                   (conv_id,)).fetchone()[0]
                if first == 1:
                    title = title_from(content)
            db.execute("UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?", (now, title, conv_id))
            return int(cur.lastrowid)

    def add_answer(self, conv_id: int, question: str, result: AnswerResult) -> int:
        """Store an answer with its citations; this method alone decides the stored shape.

        ``content`` holds the answer text, ``citations_json`` the cited passages and
        ``meta_json`` everything else about the result plus the question it answers.
        """
        meta = result.as_dict()
        del meta["answer"], meta["citations"]
        meta["question"] = question
        return self.add_message(conv_id, "assistant", result.answer, [c.as_dict() for c in result.citations], meta)

    def messages(self, conv_id: int) -> list[StoredMessage]:
        """The conversation's messages, oldest first ([] for an unknown conversation)."""
        db = self._read()
        rows = db.execute(
            "SELECT m.*, f.rating, f.comment FROM messages m LEFT JOIN feedback f ON f.message_id = m.id "
            "WHERE m.conversation_id = ? ORDER BY m.id", (conv_id,)).fetchall()
        return [self._message(r) for r in rows]

    @staticmethod
    def _message(row: sqlite3.Row) -> StoredMessage:
        result, question = None, ""
        if row["role"] == "assistant":
            meta = _loads(row["meta_json"], {})
            result = AnswerResult.from_dict(
                {**meta, "answer": row["content"], "citations": _loads(row["citations_json"], [])})
            question = meta["question"] if isinstance(meta.get("question"), str) else ""
        return StoredMessage(
            id=row["id"], conversation_id=row["conversation_id"], role=row["role"], content=row["content"],
            created_at=row["created_at"], result=result, question=question,
            feedback=None if row["rating"] is None else Feedback(row["rating"], row["comment"] or ""))

    # -- feedback

    def set_feedback(self, msg_id: int, rating: int, comment: str = "") -> None:
        """Thumbs up (+1) or down (-1) on a message; a second call replaces the first."""
        if rating not in (1, -1) or isinstance(rating, bool):
            raise UsageError("A rating must be thumbs up (+1) or thumbs down (-1).")
        with self._db() as db:
            if db.execute("SELECT 1 FROM messages WHERE id = ?", (msg_id,)).fetchone() is None:
                raise NotFoundError("That answer no longer exists, so it can't be rated.")
            db.execute(
                "INSERT INTO feedback(message_id, rating, comment, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, "
                "created_at = excluded.created_at",
                (msg_id, int(rating), comment.strip(), self._now()))

    def clear_feedback(self, msg_id: int) -> None:
        """Take back a rating (no error if there was none)."""
        with self._db() as db:
            db.execute("DELETE FROM feedback WHERE message_id = ?", (msg_id,))

    # -- numbers for the advisor

    def usage_stats(self, days: int = 30, style_since: str = "") -> UsageStats:
        """How the chat has been used.

        questions: questions asked in the last ``days`` days; unanswered: answers in
        that window where nothing relevant was found (``meta.found`` is false);
        approved: answers ever rated thumbs up that cite at least one source;
        disliked: answers ever rated thumbs down. ``style_since`` (the time the answer
        style was set, "" when none is) adds the ratings given to answers since then.
        """
        since = _stamp(self._clock() - timedelta(days=days))
        db = self._read()
        questions = db.execute(
            "SELECT COUNT(*) FROM messages WHERE role = 'user' AND created_at >= ?", (since,)).fetchone()[0]
        unanswered = db.execute(
            "SELECT COUNT(*) FROM messages WHERE role = 'assistant' AND created_at >= ? "
            "AND json_valid(meta_json) AND json_type(meta_json, '$.found') = 'false'", (since,)).fetchone()[0]
        approved = db.execute(
            "SELECT COUNT(*) FROM messages m JOIN feedback f ON f.message_id = m.id "
            f"WHERE {_APPROVED}").fetchone()[0]
        disliked = db.execute("SELECT COUNT(*) FROM feedback WHERE rating = -1").fetchone()[0]
        liked_since = disliked_since = 0
        if style_since:
            liked_since, disliked_since = db.execute(
                "SELECT coalesce(sum(f.rating = 1), 0), coalesce(sum(f.rating = -1), 0) FROM feedback f "
                "JOIN messages m ON m.id = f.message_id WHERE m.created_at >= ?", (style_since,)).fetchone()
        return UsageStats(days=days, questions=questions, unanswered=unanswered, approved=approved,
                          disliked=disliked, style_set=bool(style_since), style_since=style_since or None,
                          liked_since_style=liked_since, disliked_since_style=disliked_since)

    def approved_examples(self) -> list[dict]:
        """Answers rated thumbs up that cite sources, oldest first:
        ``[{"question", "answer", "citations"}]`` (training data for fine-tuning).

        The question is ``meta.question`` when the answer recorded it, else the
        user message just before the answer in its conversation.
        """
        db = self._read()
        rows = db.execute(
            "SELECT m.id, m.content, m.citations_json, m.meta_json, "
            "(SELECT q.content FROM messages q WHERE q.conversation_id = m.conversation_id "
            " AND q.role = 'user' AND q.id < m.id ORDER BY q.id DESC LIMIT 1) AS previous_question "
            "FROM messages m JOIN feedback f ON f.message_id = m.id "
            f"WHERE {_APPROVED} ORDER BY m.id").fetchall()
        out = []
        for r in rows:
            meta = _loads(r["meta_json"], {})
            question = meta.get("question") if isinstance(meta.get("question"), str) and meta.get("question") else None
            question = question or r["previous_question"]
            if not question:
                continue  # an answer without a question teaches nothing
            out.append({"question": question, "answer": r["content"], "citations": _loads(r["citations_json"], [])})
        return out

# an approved answer: rated +1 and citing at least one source
_APPROVED = ("m.role = 'assistant' AND f.rating = 1 AND json_valid(m.citations_json) "
             "AND json_array_length(m.citations_json) > 0")


def _loads(text: Optional[str], default: Any) -> Any:
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


# --------------------------------------------------------------------------- a removed document leaves no trace

_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)[ \t]*")
_MARKS = re.compile(r"\[[\d\s,;]+\]")


def forget_document(conn: sqlite3.Connection, name: str, chunk_ids: set[str], placeholder: str,
                    keep_name: bool = False) -> int:
    """Inside a write transaction: take a removed (or replaced) document out of the stored conversations.

    The conversations stay; in their messages and titles every passage from the document (``chunk_ids``:
    its text, and the answer sentences that cite it) and, unless ``keep_name`` (a replacement: the name is
    still in the library), its file name become ``placeholder`` ("removed on 7 December 2026").
    Returns the messages changed.
    """
    changed = 0
    rows = conn.execute("SELECT id, conversation_id, content, citations_json, meta_json FROM messages").fetchall()
    citing = {row["conversation_id"] for row in rows  # conversations that drew on the document
              if any(cid in (row["citations_json"] or "") + (row["meta_json"] or "") for cid in chunk_ids)}
    for row in rows:
        citations, meta = _loads(row["citations_json"], []), _loads(row["meta_json"], {})
        gone: set[int] = set()
        citations = _forget_in(citations, name, chunk_ids, placeholder, keep_name, gone)
        meta = _forget_in(meta, name, chunk_ids, placeholder, keep_name, gone)
        content = _without_sentences_citing(row["content"], gone, placeholder) if gone else row["content"]
        if not keep_name:
            content = _without_name(content, name, placeholder, row["conversation_id"] in citing)
        new = (content, json.dumps(citations, ensure_ascii=False), json.dumps(meta, ensure_ascii=False, default=str))
        if new != (row["content"], row["citations_json"], row["meta_json"]):
            conn.execute("UPDATE messages SET content = ?, citations_json = ?, meta_json = ? WHERE id = ?",
                         (*new, row["id"]))
            changed += 1
    if not keep_name:
        for conv in conn.execute("SELECT id, title FROM conversations").fetchall():
            title = _without_name(conv["title"], name, placeholder, conv["id"] in citing)
            if title != conv["title"]:
                conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conv["id"]))
    return changed


def _forget_in(value: Any, name: str, chunk_ids: set[str], placeholder: str, keep_name: bool, gone: set[int]) -> Any:
    """``value`` (stored JSON) with the document's passages and matched sentences blanked; ``gone`` collects
    the citation numbers whose passage was blanked."""
    if isinstance(value, list):
        return [_forget_in(v, name, chunk_ids, placeholder, keep_name, gone) for v in value]
    if isinstance(value, str):
        return value if keep_name else _without_name(value, name, placeholder)
    if not isinstance(value, dict):
        return value
    passage = "text" in value and (value.get("chunk_id") in chunk_ids or (not keep_name and value.get("file") == name))
    matched = "sentence" in value and value.get("n") in gone  # citations are walked before meta's "matched"
    out = {}
    for key, item in value.items():
        if (passage and key == "text") or (matched and key == "sentence"):
            out[key] = placeholder[:1].upper() + placeholder[1:] + "."
        else:
            out[key] = _forget_in(item, name, chunk_ids, placeholder, keep_name, gone)
    if passage and isinstance(value.get("n"), int):
        gone.add(value["n"])
    return out


def _without_sentences_citing(text: str, numbers: set[int], placeholder: str) -> str:
    """Each sentence of an answer that cites one of ``numbers`` ("... [2].") becomes "(placeholder)"."""
    def cites(sentence: str) -> bool:
        return any(int(n) in numbers for m in _MARKS.findall(sentence) for n in re.findall(r"\d+", m))

    return "".join(f"({placeholder})" + s[len(s.rstrip()):] if cites(s) else s for s in _SENTENCE.findall(text))


def _without_name(text: str, name: str, placeholder: str, also_stem: bool = False) -> str:
    """``text`` with the file name (any case) replaced; also its name without the ending ("Price list") where
    the conversation drew on the document (elsewhere those may be the owner's own everyday words)."""
    if not name or not text:
        return text
    out = re.sub(re.escape(name), placeholder, text, flags=re.IGNORECASE)
    stem = name.rsplit(".", 1)[0]
    if also_stem and len(stem) >= 4:
        out = re.sub(r"\b" + re.escape(stem) + r"\b", placeholder, out, flags=re.IGNORECASE)
    return out
