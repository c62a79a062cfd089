"""Imported past question/reply pairs, kept in the database next to the chat's approved answers.

``PastExamples(db_path)``: ``add`` (repeats of a stored pair are counted, not stored twice), ``count``,
``examples`` (the shape ``History.approved_examples`` gives, so the training-data export takes both), and
``clear``. Nothing here leaves the computer.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Union

from core.db import Database


class PastExamples:
    def __init__(self, db_path: Union[str, Path]):
        self.db = Database(db_path)

    def add(self, pairs: list[tuple[str, str]], source: str) -> tuple[int, int]:
        """Store ``pairs``; returns (added, already there)."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db.transaction() as tx:
            before = tx.execute("SELECT COUNT(*) FROM past_examples").fetchone()[0]
            tx.executemany("INSERT OR IGNORE INTO past_examples(question, answer, source, imported_at) "
                           "VALUES (?,?,?,?)", [(q, a, source, now) for q, a in pairs])
            after = tx.execute("SELECT COUNT(*) FROM past_examples").fetchone()[0]
        return after - before, len(pairs) - (after - before)

    def count(self) -> int:
        return int(self.db.conn().execute("SELECT COUNT(*) FROM past_examples").fetchone()[0])

    def sources(self) -> list[tuple[str, int]]:
        rows = self.db.conn().execute("SELECT source, COUNT(*) FROM past_examples GROUP BY source ORDER BY MIN(id)")
        return [(r[0], int(r[1])) for r in rows]

    def examples(self) -> list[dict]:
        rows = self.db.conn().execute("SELECT question, answer FROM past_examples ORDER BY id").fetchall()
        return [{"question": r[0], "answer": r[1], "citations": [], "kind": "reply"} for r in rows]

    def clear(self) -> int:
        with self.db.transaction() as tx:
            return tx.execute("DELETE FROM past_examples").rowcount
