"""Documents only the owner sees ("Only me"), and what one person may read (issue 20).

One rule, in one place: ``readable_documents(access)`` is the SQL table of ready documents a person
may read. Every read of the library goes through it (``LibraryReads`` puts it where it used to say
``ready_documents``): listing and counting documents, their pages and sections, passages by id, the
keyword search (SQL) and the vector search (Chroma is given the readable documents' ids as a ``where``
on ``doc_id``, so its nearest neighbours are taken among them: staff lose no recall), the viewer and the
download (``document``/``original_path``), exports and the example question.

The flag is read from SQLite at query time, never copied into Chroma's metadata: marking a document
"Only me" (or taking the mark off) takes effect for the very next search, in every process.

``Library`` itself is the owner's whole library (the owner by construction: the owner's pages with sharing
off, the command line without ``--as``, ingest and folder sync). ``Library.for_access(access)`` gives what
one person may read: the library itself for the owner, a read-only ``LibraryView`` for staff.
"""
from __future__ import annotations

import sqlite3
from typing import Optional

from core.access import Access
from core.errors import NotFoundError

EVERYONE_READS = "(SELECT * FROM ready_documents WHERE only_owner = 0)"


def readable_documents(access: Access) -> str:
    """The SQL table (a view's name or a parenthesised query) of the ready documents ``access`` may read."""
    return "ready_documents" if access.sees_owner_only else EVERYONE_READS


def readable_doc_ids(conn: sqlite3.Connection, access: Access, names: Optional[list[str]] = None) -> list[int]:
    """The ids of the ready documents ``access`` may read (only those called ``names``, when given)."""
    sql = f"SELECT id FROM {readable_documents(access)}"
    params: list = []
    if names is not None:
        sql += f" WHERE name IN ({','.join('?' * len(names))})"
        params = list(names)
    return [r[0] for r in conn.execute(sql, params)]


def only_owner(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the ready document ``name`` is marked "Only me"."""
    row = conn.execute("SELECT only_owner FROM ready_documents WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no document called '{name}' in your library; check the name on the "
                            "Documents page.")
    return bool(row[0])


def not_readable(name: str) -> NotFoundError:
    """What a person who may not read ``name`` is told: the same whether it exists or not (nothing leaks)."""
    return NotFoundError(f"There is no document called '{name}' among the documents you can see; "
                         "ask the owner if you need it.")


ONLY_ME_ON = "Marked “Only me”: only the owner sees it."
ONLY_ME_OFF = "“Only me” taken off: everyone signed in can find it."
