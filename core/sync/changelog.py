"""The change log ("What changed"): every change to the library, when, and who or what made it.

One row per change in the ``changes`` table: the time, the file, what happened (added, replaced,
renamed, removed, skipped, failed, and a kept folder that couldn't be reached or asks first), one
plain sentence of detail, and who did it: a folder's pass or a person. Until several people sign in,
a person is "you"; ``user_name`` is kept for then.

Why not the older ``events`` table: it deliberately keeps a hash instead of a removed document's name
(it feeds statistics and "removed on 3 March"); the owner asked to read this log by name ("is the new
price list in yet?"), and it holds more than the library's own writes (skips, failures, folders).

Names and privacy: a document a person removes leaves no trace of its name anywhere (the library's
promise), so its entries here are rewritten to "a document you removed" (``forget``). A document a
folder's pass removes (its file was deleted from the folder) keeps its name in the log: the owner
reads that entry to see what left with the file.

Who is acting travels in a context variable: ``Library`` writes an entry inside the same transaction
as every add, replace and remove (so an upload on the Documents page or a command-line ingest is
logged as "you"), and a folder's pass runs its writes ``with acting(folder_actor(...))``.
"""
from __future__ import annotations

import contextlib
import contextvars
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator, Optional


@dataclass(frozen=True)
class Actor:
    kind: str  # "person" | "folder"
    name: str  # "you", or the folder's path
    user: str = ""  # which person, once there is team access
    folder_id: Optional[int] = None


YOU = Actor("person", "you")
_ACTOR: contextvars.ContextVar[Actor] = contextvars.ContextVar("groundwork_actor", default=YOU)
_DETAIL: contextvars.ContextVar[str] = contextvars.ContextVar("groundwork_change_detail", default="")


def folder_actor(folder_id: int, path: str) -> Actor:
    return Actor("folder", path, "", folder_id)


@contextlib.contextmanager
def acting(actor: Actor, detail: str = "") -> Iterator[None]:
    """Library writes inside the block are logged as ``actor``'s, with ``detail`` as their sentence."""
    a, d = _ACTOR.set(actor), _DETAIL.set(detail)
    try:
        yield
    finally:
        _DETAIL.reset(d)
        _ACTOR.reset(a)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(conn: sqlite3.Connection, action: str, file: str, detail: Optional[str] = None, previous: str = "",
           actor: Optional[Actor] = None) -> None:
    """Add one entry (inside the caller's transaction, when there is one)."""
    actor = actor or _ACTOR.get()
    if action == "removed" and actor.kind == "person":
        forget(conn, file)
        file, detail = FORGOTTEN, FORGOTTEN_DETAIL
    conn.execute(
        "INSERT INTO changes(at, file, action, detail, previous, by_kind, by_name, user_name, folder_id) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        (now(), file, action, _DETAIL.get() if detail is None else detail, previous, actor.kind, actor.name,
         actor.user, actor.folder_id))


@dataclass(frozen=True)
class Change:
    at: str  # UTC ISO
    file: str
    action: str
    detail: str
    previous: str
    by_kind: str
    by: str
    user: str

    def as_dict(self) -> dict:
        return {"at": self.at, "file": self.file, "action": self.action, "detail": self.detail,
                "previous": self.previous, "by": self.by, "by_kind": self.by_kind, "user": self.user}

    def who(self) -> str:
        """'you', or 'folder pass: /home/ann/Paperwork'."""
        if self.by_kind == "folder":
            return f"folder check: {self.by}"
        return self.user or self.by


def changes(conn: sqlite3.Connection, since: Optional[str] = None, limit: int = 500) -> list[Change]:
    """Newest first; ``since`` is a UTC ISO time."""
    sql = "SELECT * FROM changes"
    params: list = []
    if since:
        sql += " WHERE at >= ?"
        params.append(since)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [Change(r["at"], r["file"], r["action"], r["detail"], r["previous"], r["by_kind"], r["by_name"],
                   r["user_name"]) for r in conn.execute(sql, params)]


FORGOTTEN = "a document you removed"
FORGOTTEN_DETAIL = "Removed by you; Groundwork keeps no trace of a removed document's name."


def forget(conn: sqlite3.Connection, name: str) -> None:
    """A person removed ``name``: the log keeps that something was removed, not the name (nor its earlier
    names), as the rest of the library keeps no trace of it. Inside the removal's transaction."""
    names: set[str] = set()
    todo = [name]
    while todo and len(names) < 100:
        n = todo.pop()
        if n in names:
            continue
        names.add(n)
        todo += [r[0] for r in conn.execute(
            "SELECT previous FROM changes WHERE action = 'renamed' AND file = ? AND previous != ''", (n,))]
    for n in names:
        conn.execute("UPDATE changes SET file = ? WHERE file = ?", (FORGOTTEN, n))
        conn.execute("UPDATE changes SET previous = ? WHERE previous = ?", (FORGOTTEN, n))
        conn.execute("UPDATE changes SET detail = replace(detail, ?, ?) WHERE instr(detail, ?) > 0", (n, FORGOTTEN, n))


def renamed_to(conn: sqlite3.Connection, name: str) -> Optional[str]:
    """The name a renamed (or moved) document has now, following several renames; None if never renamed."""
    current, seen = name, {name}
    for _ in range(50):
        row = conn.execute("SELECT file FROM changes WHERE action = 'renamed' AND previous = ? "
                           "ORDER BY id DESC LIMIT 1", (current,)).fetchone()
        if row is None or row[0] in seen:
            break
        current = row[0]
        seen.add(current)
    return current if current != name else None
