"""The document library: originals on disk, vectors in Chroma, the rest in SQLite.

Layout inside the data folder::

    files/<sha256>.<ext>   the original uploads
    chroma/                Chroma's embedded store (unless a Chroma server is set)
    groundwork.db          SQLite (core.db): documents, segments, chunks + FTS5 keyword index, ...

This class only stores and reads; reading, splitting and embedding files is the ingest
pipeline's job (``core.ingest``), which hands ``store`` a finished document.

How a document goes in atomically
---------------------------------
Chroma and SQLite cannot share a transaction, so the order of steps makes a crash at any
point harmless. Holding the write lock:

1. the original is written to ``files/`` (temp file + rename);
2. a ``documents`` row is committed with status ``indexing``;
3. its vectors are written to Chroma, tagged with that row's id;
4. one SQLite transaction stores segments, chunks and keywords, retires the previous
   version (if any) into ``pending_deletes``, flips the status to ``ready`` and raises the
   library's generation. Only ``ready`` documents are ever searched or listed;
5. the previous version's vectors and original are deleted.

The lock is held only for these steps (seconds), never while a file is read or embedded,
so other processes keep reading and writing. ``recover`` removes what an interrupted step
2-3 left and finishes any step 5 still pending; it runs on open when no writer is busy (a
writer's ``indexing`` row is its work in progress, not debris).
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from core.access import Access
from core.db import READY, Database, name_hash
from core.library.forget import Gone, chunk_ids, forget
from core.library.locks import WriteLock
from core.sync import changelog
from core.library.reads import LibraryReads, chunk_from_row
from core.library.visibility import ONLY_ME_OFF, ONLY_ME_ON
from core.library.vectors import VectorStore
from core.privacy import keep_files_private, make_data_folder_private
from core.settings import Settings
from core.text.normalize import fts_row, index_text, title_of
from core.types import Chunk, ParsedDocument, Progress, no_progress

log = logging.getLogger(__name__)

VECTOR_BATCH = 256  # vectors per Chroma upsert


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Stored:
    """What storing a document did: ``added``, ``replaced`` or ``unchanged`` (already there)."""

    status: str
    chunks: int
    same_as: Optional[str] = None  # unchanged: the name it is already stored under


class Library(LibraryReads):
    """All documents a person has added, and everything needed to search them."""

    def __init__(self, settings: Settings, embedder=None):
        self.settings = settings
        if embedder is None:
            from core.embeddings import make_embedder

            embedder = make_embedder(settings)
        self.embedder = embedder
        settings.files_dir.mkdir(parents=True, exist_ok=True)
        keep_files_private()
        self.db = Database(settings.db_path)
        self._lock = WriteLock(settings.data_dir / ".lock")
        self.vectors = VectorStore.shared(settings, self.collection_name())
        self.vectors.collection(self.db.generation())
        with self._lock.try_hold() as free:
            if free:  # a busy writer's 'indexing' rows are its work in progress; tidy up another time
                self.recover()
        make_data_folder_private(settings.data_dir)  # its owner's alone, also for an older library

    def collection_name(self) -> str:
        """Chroma collection for this embedding model (switching models re-indexes)."""
        name = re.sub(r"[^a-zA-Z0-9._-]", "-", f"gw-{self.embedder.name}")[:63]
        return name if len(name) >= 3 else name + "---"

    # -- plumbing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self):
        """Hold the write lock with a vector store that reflects every other process's writes."""
        with self._lock.hold():
            self.vectors.collection(self.db.generation())
            yield

    def _commit(self):
        """A write transaction that raises the generation (readers elsewhere will reopen)."""
        tx = self.db.transaction()
        return _GenerationBump(tx, self)

    def _original(self, sha: str, kind: str) -> Path:
        return self.settings.files_dir / f"{sha}.{kind}"

    def _write_original(self, sha: str, kind: str, data: bytes) -> Path:
        target = self._original(sha, kind)
        if target.exists() and target.stat().st_size == len(data):
            return target
        fd, tmp = tempfile.mkstemp(dir=self.settings.files_dir, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return target

    def _delete_vectors(self, doc_id: int) -> None:
        self.vectors.write(self.db.generation(), lambda c: c.delete(where={"doc_id": doc_id}))

    def _delete_original_if_unused(self, db, sha: str, kind: str) -> None:
        if not db.execute("SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1", (sha,)).fetchone():
            with contextlib.suppress(FileNotFoundError):
                self._original(sha, kind).unlink()

    def _event(self, db, kind: str, name: str) -> None:
        db.execute("INSERT INTO events(at, kind, name, name_hash) VALUES (?,?,?,?)", (_now(), kind, "", name_hash(name)))
        changelog.record(db, kind, name)  # "What changed": by whoever is acting (a person, or a folder's pass)

    def recover(self) -> int:
        """Clean up after an interrupted ingest or removal; returns documents cleaned."""
        cleaned = 0
        with self._writing():
            db = self.db.conn()
            stale = db.execute("SELECT id, sha256, kind FROM documents WHERE status != ?", (READY,)).fetchall()
            pending = db.execute("SELECT doc_id, sha256, kind FROM pending_deletes").fetchall()
            for doc_id, sha, kind in [tuple(r) for r in stale] + [tuple(r) for r in pending]:
                self._delete_vectors(doc_id)
                with self._commit() as tx:
                    tx.execute("DELETE FROM documents WHERE id = ? AND status != ?", (doc_id, READY))
                    tx.execute("DELETE FROM pending_deletes WHERE doc_id = ?", (doc_id,))
                    self._delete_original_if_unused(tx, sha, kind)
                cleaned += 1
            for leftover in self.settings.files_dir.glob(".upload-*"):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        if cleaned:
            log.info("recovered %d interrupted documents", cleaned)
        return cleaned

    # -- writing ----------------------------------------------------------------------------

    def store(self, doc: ParsedDocument, chunks: list[Chunk], vectors: list[list[float]], data: bytes,
              progress: Progress = no_progress, only_owner: bool = False) -> Stored:
        """Store a read, split and embedded document atomically (steps 1-5 above).

        ``only_owner``: mark it "Only me" (``core.library.visibility``) from its first moment. A new
        version of a document marked "Only me" stays marked (a folder's pass replacing the payroll file
        must not show it to everyone).
        """
        with self._writing():
            db = self.db.conn()
            same = db.execute("SELECT name, chunks FROM ready_documents WHERE sha256 = ?",
                              (doc.sha256,)).fetchone()
            if same is not None:  # added meanwhile (another window, another process)
                return Stored("unchanged", same["chunks"], same["name"])
            old = db.execute("SELECT id, sha256, kind, versions, only_owner FROM ready_documents WHERE name = ?",
                             (doc.name,)).fetchone()
            old_ids = chunk_ids(db, old["id"]) if old is not None else frozenset()
            self._write_original(doc.sha256, doc.kind, data)
            with self.db.transaction() as tx:  # work in progress: no reader needs to know yet
                doc_id = tx.execute(
                    "INSERT INTO documents(name, kind, sha256, status, pages, words, chunks, triage_json, versions, "
                    "added_at, embedder, only_owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.name, doc.kind, doc.sha256, "indexing", doc.triage.pages, doc.triage.words, len(chunks),
                     _triage_json(doc), (old["versions"] + 1) if old else 1, _now(), self.embedder.name,
                     int(bool(only_owner) or bool(old is not None and old["only_owner"]))),
                ).lastrowid
            try:
                self._put_vectors(doc_id, chunks, vectors, progress)
                progress(0.99, "Saving")
                with self._commit() as tx:
                    self._put_rows(tx, doc_id, doc, chunks)
                    if old is not None:
                        self._retire(tx, old["id"], old["sha256"], old["kind"])
                    self._event(tx, "replaced" if old is not None else "added", doc.name)
                    tx.execute("UPDATE documents SET status = ? WHERE id = ?", (READY, doc_id))
            except BaseException:
                self._undo(doc_id, doc)
                raise
            if old is not None:
                self._finish_pending(old["id"])
                self._forget([Gone(doc.name, old_ids, replaced=True)])
        return Stored("replaced" if old is not None else "added", len(chunks))

    def _put_vectors(self, doc_id: int, chunks: list[Chunk], vectors: list[list[float]],
                     progress: Progress) -> None:
        for start in range(0, len(chunks), VECTOR_BATCH):
            part = chunks[start:start + VECTOR_BATCH]
            progress(start / max(len(chunks), 1), "Saving")

            def upsert(c, part: list[Chunk] = part, start: int = start) -> None:
                c.upsert(
                    ids=[ch.id for ch in part], embeddings=vectors[start:start + len(part)],
                    # the document's id, not its name: Chroma keeps copies of metadata after a removal
                    metadatas=[{"doc_id": doc_id, "page": ch.page if ch.page is not None else -1} for ch in part])

            self.vectors.write(self.db.generation(), upsert)

    @staticmethod
    def _put_rows(tx, doc_id: int, doc: ParsedDocument, chunks: list[Chunk]) -> None:
        tx.executemany(
            "INSERT INTO segments(doc_id, ordinal, page, section, text, row_start, row_end) VALUES (?,?,?,?,?,?,?)",
            [(doc_id, i, s.page, s.section, s.text, *(_rows(s))) for i, s in enumerate(doc.segments)])
        title = title_of(doc.name)
        for c in chunks:
            rowid = tx.execute(
                "INSERT INTO chunks(id, doc_id, ordinal, page, page_end, section, text, row_start, row_end) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (c.id, doc_id, c.ordinal, c.page, c.page_end, c.section, c.text, c.row_start, c.row_end)).lastrowid
            tx.execute("INSERT INTO chunks_fts(rowid, title, section, text) VALUES (?,?,?,?)",
                       fts_row(rowid, title, c.section, c.text))

    def _undo(self, doc_id: int, doc: ParsedDocument) -> None:
        """Take back a failed attempt; ``recover`` would do the same after a crash."""
        # The first failure is already on its way to the caller; one here must not replace it.
        # What is left undone stays marked unfinished, and ``recover`` finishes it on the next start.
        try:
            self._delete_vectors(doc_id)
        except Exception:
            # keep the unfinished row: it is how ``recover`` finds these vectors
            log.warning("taking back the vectors of a failed add left some behind", exc_info=True)
            return
        try:
            with self._commit() as tx:
                tx.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
                self._delete_original_if_unused(tx, doc.sha256, doc.kind)
        except Exception:
            log.warning("taking back the rows of a failed add left some behind", exc_info=True)

    def _retire(self, tx, doc_id: int, sha: str, kind: str) -> None:
        """Inside a transaction: drop a document's rows; its vectors go in _finish_pending."""
        tx.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)", (doc_id,))
        tx.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        tx.execute("DELETE FROM segments WHERE doc_id = ?", (doc_id,))
        tx.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        tx.execute("INSERT OR REPLACE INTO pending_deletes(doc_id, sha256, kind) VALUES (?,?,?)", (doc_id, sha, kind))

    def _finish_pending(self, doc_id: int) -> None:
        self._delete_vectors(doc_id)
        with self._commit() as tx:
            row = tx.execute("SELECT sha256, kind FROM pending_deletes WHERE doc_id = ?", (doc_id,)).fetchone()
            tx.execute("DELETE FROM pending_deletes WHERE doc_id = ?", (doc_id,))
            if row:
                self._delete_original_if_unused(tx, row[0], row[1])

    def remove(self, name: str) -> None:
        """Remove a document with its passages, keywords, vectors and original."""
        self.remove_many([name])

    def remove_many(self, names: list[str]) -> int:
        """Remove several documents (each atomically); returns how many were removed."""
        with self._writing():
            infos = [self.document(name) for name in names]  # a wrong name stops before anything is removed
            gone = []
            for info in infos:
                gone.append(Gone(info.file, chunk_ids(self.db.conn(), info.id)))
                with self._commit() as tx:
                    self._retire(tx, info.id, info.sha256, info.type)
                    self._event(tx, "removed", info.file)
                self._finish_pending(info.id)
            self._forget(gone)
        return len(infos)

    def rename(self, old_name: str, new_name: str) -> None:
        """Give a document a new name, keeping its passages, vectors and history (nothing is read or embedded).

        For a file renamed or moved in a kept folder. Old answers still open it: their citations name the
        passage (its id doesn't depend on the name), and the change log remembers the old name.
        """
        with self._writing():
            info = self.document(old_name)
            db = self.db.conn()
            if db.execute("SELECT 1 FROM documents WHERE status = 'ready' AND name = ? AND id != ?",
                          (new_name, info.id)).fetchone():
                from core.errors import UsageError

                raise UsageError(f"There is already a document called '{new_name}' in your library.")
            with self._commit() as tx:
                tx.execute("UPDATE documents SET name = ? WHERE id = ?", (new_name, info.id))
                tx.execute("UPDATE chunks_fts SET title = ? WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)",
                           (index_text(title_of(new_name)), info.id))
                changelog.record(tx, "renamed", new_name, previous=old_name)

    def for_access(self, access: Access):
        """What ``access`` may read: this library for the owner, a read-only ``LibraryView`` for staff.

        ``Library`` itself is the owner's by construction (sharing off on this computer, the command line
        without ``--as``, ingest, folder sync); pages and ``--as`` commands read through this.
        """
        if access.sees_owner_only:
            return self
        from core.library.view import LibraryView

        return LibraryView(self, access)

    def set_only_owner(self, name: str, on: bool) -> bool:
        """Mark a document "Only me" (``on``) or take the mark off; True when it changed.

        Takes effect for the next search in every process (retrieval reads the flag at query time);
        the change log records it.
        """
        with self._lock.hold():
            info = self.document(name)  # a clear sentence for a wrong name
            with self.db.transaction() as tx:
                changed = tx.execute("UPDATE documents SET only_owner = ? WHERE id = ? AND only_owner != ?",
                                     (int(on), info.id, int(on))).rowcount
                if changed:
                    changelog.record(tx, "only_owner" if on else "for_everyone", info.file,
                                     ONLY_ME_ON if on else ONLY_ME_OFF)
        return bool(changed)

    def _forget(self, gone: list[Gone]) -> None:
        """Wipe what a removal or replacement left elsewhere in the data folder (``core.library.forget``)."""
        try:
            forget(self, gone)
        except Exception:  # the document is already out of the library; the next removal tries again
            log.exception("wiping the traces of a removed document failed")

    def vector_count(self) -> int:
        """Vectors in the search index (equal to ``chunk_count()`` when the index is whole)."""
        return self.vectors.count(self.db.generation)

    def needs_rebuild(self) -> bool:
        """True when the search index lacks passages the library holds (a new search model, a damaged index)."""
        return self.vector_count() < self.chunk_count()

    def rebuild_index(self, progress: Progress = no_progress) -> int:
        """Embed every stored passage again into a fresh search index (the passages themselves are kept).

        For a damaged search index, or after switching the search model. Returns the documents indexed.
        """
        docs = self.documents()
        with self._writing():
            for i, info in enumerate(docs):
                progress(i / max(len(docs), 1), f"Indexing {info.file} again")
                rows = self.db.conn().execute(
                    "SELECT c.*, ? AS name FROM chunks c WHERE doc_id = ? ORDER BY ordinal", (info.file, info.id)
                ).fetchall()
                chunks = [chunk_from_row(r) for r in rows]
                self._delete_vectors(info.id)
                vectors = self.embedder.embed([embed_text(info.file, c) for c in chunks])
                self._put_vectors(info.id, chunks, vectors, no_progress)
                with self._commit() as tx:
                    tx.execute("UPDATE documents SET embedder = ? WHERE id = ?", (self.embedder.name, info.id))
        progress(1.0, "Done")
        return len(docs)


class _GenerationBump:
    """``with library._commit() as tx:`` -- a transaction that also raises the library generation."""

    def __init__(self, tx, library: Library):
        self._tx, self._library = tx, library

    def __enter__(self):
        self._conn = self._tx.__enter__()
        return self._conn

    def __exit__(self, kind, value, tb):
        if kind is None:
            Database.bump_generation(self._conn)
        result = self._tx.__exit__(kind, value, tb)
        if kind is None:
            self._library.vectors.wrote(self._library.db.generation())
        return result


def embed_text(name: str, chunk: Chunk) -> str:
    """What is embedded for a chunk: its document title and section first (measured: +recall)."""
    head = title_of(name)
    if chunk.section and chunk.section not in chunk.text[:200]:
        head += f" - {chunk.section}"
    return f"{head}\n{chunk.text}"


def _rows(segment) -> tuple[Optional[int], Optional[int]]:
    rows = getattr(segment, "rows", None)
    return (rows[0], rows[1]) if rows else (None, None)


def _triage_json(doc: ParsedDocument) -> str:
    import json

    return json.dumps(asdict(doc.triage))
