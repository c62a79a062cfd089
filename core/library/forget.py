"""After a removal or a replacement, nothing of the old text or name stays anywhere in the data folder.

Deleting a document's rows is not enough while the app runs: SQLite keeps the old pages in its
log (``groundwork.db-wal``) until a checkpoint, the keyword index keeps a deleted row's stemmed
words in ``chunks_fts_data`` until its segments are merged, Chroma keeps written vectors in its own
queue until its index is saved, and other records name the file. ``forget`` goes through them all,
holding the library's write lock:

- conversations: the document's passages, the answer sentences citing them and (after a removal)
  its name become "removed on <date>"; the conversations stay (``core.history.forget_document``);
- the last self-test result drops the document's entry and questions (``core.selftest``);
- batch records (``ingest_jobs``) drop the name;
- the keyword index is merged (FTS5 ``optimize``), so deleted tokens leave it;
- the log is checkpointed and truncated, so the old pages leave the disk. ``secure_delete`` (on for
  every connection, ``core.db``) has already zeroed the deleted content in the pages written back.

Chroma's queue is emptied by the vector store itself, which saves its index after every write
(``core.library.vectors``).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gone:
    """A document version that left the library: its name, its passages' ids, and whether the name stays."""

    name: str
    chunk_ids: frozenset[str]
    replaced: bool = False  # a new version under the same name: the name is still in the library


def removed_on(moment: datetime | None = None) -> str:
    """'removed on 7 December 2026': what stands where a removed document's text or name was."""
    moment = moment or datetime.now()
    return f"removed on {moment.day} {moment.strftime('%B %Y')}"


def removed_date(text: str) -> str | None:
    """The ISO date in a placeholder written by ``removed_on`` ('removed on 7 December 2026' ->
    '2026-12-07'); None for any other text (a stored name that is still a real file name)."""
    import re

    m = re.fullmatch(r"removed on (\d{1,2} [A-Za-z]+ \d{4})", (text or "").strip())
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def chunk_ids(conn, doc_id: int) -> frozenset[str]:
    return frozenset(r[0] for r in conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,)))


def forget(library, gone: list[Gone]) -> None:
    """Wipe every trace of ``gone`` from the data folder (the caller holds the write lock)."""
    from core.history import forget_document as forget_in_history
    from core.selftest import forget_document as forget_in_selftest

    if not gone:
        return
    placeholder = removed_on()
    with library.db.transaction() as tx:
        for doc in gone:
            still_there = frozenset(r[0] for r in tx.execute(
                "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.name = ?", (doc.name,)))
            forget_in_history(tx, doc.name, set(doc.chunk_ids - still_there), placeholder, keep_name=doc.replaced)
            if not doc.replaced:
                _forget_in_jobs(tx, doc.name)
        tx.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
    for doc in gone:
        try:
            forget_in_selftest(library.settings.data_dir, doc.name)
        except OSError:
            log.warning("couldn't update the self-test result", exc_info=True)
    checkpoint(library.db.conn())


def _forget_in_jobs(tx, name: str) -> None:
    for job_id, files_json in tx.execute("SELECT id, files_json FROM ingest_jobs").fetchall():
        try:
            names = json.loads(files_json)
        except ValueError:
            names = []
        if isinstance(names, list) and name in names:
            tx.execute("UPDATE ingest_jobs SET files_json = ? WHERE id = ?",
                       (json.dumps([n for n in names if n != name], ensure_ascii=False), job_id))


def checkpoint(conn) -> bool:
    """Copy the log into the database file and empty it, so old page versions leave the disk.

    Waits (the connection's busy timeout) for readers still on an older snapshot; True when done."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        log.warning("the database log could not be emptied yet; it will be at the next removal or close")
    return not busy
