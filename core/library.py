"""The document library: originals on disk, vectors in Chroma, the rest in SQLite.

Layout inside the data folder (DESIGN section 3)::

    files/<sha256>.<ext>   the original uploads
    chroma/                Chroma's embedded store (unless a Chroma server is set)
    groundwork.db          SQLite: documents, segments, chunks + FTS5 keyword index

How a document goes in atomically
---------------------------------
Chroma and SQLite cannot share a transaction, so the order of steps makes a
crash at any point harmless:

1. the original is written to ``files/`` (temp file + rename);
2. a ``documents`` row is committed with status ``indexing``;
3. its vectors are written to Chroma, tagged with that row's id;
4. one SQLite transaction stores segments, chunks and keywords, retires the
   previous version (if any) into ``pending_deletes`` and flips the status to
   ``ready``. Only ``ready`` documents are ever searched or listed;
5. the previous version's vectors and original are deleted.

On open, :meth:`Library.recover` removes whatever an interrupted step 2-3 left
behind and finishes any step 5 still pending. Writers hold a lock (a thread
lock plus an OS file lock on ``.lock``), so two browser tabs, or the app and
the CLI, can ingest at the same time without corrupting anything.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional
from urllib.parse import urlparse

from core.errors import AppError, BadFileError, LibraryError, NotFoundError
from core.settings import Settings
from core.types import Chunk, LibraryStats, ParsedDocument, Progress, Triage, no_progress

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    status      TEXT NOT NULL,            -- 'indexing' | 'ready'
    pages       INTEGER NOT NULL DEFAULT 0,
    words       INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    triage_json TEXT NOT NULL DEFAULT '{}',
    versions    INTEGER NOT NULL DEFAULT 1,
    added_at    TEXT NOT NULL,
    embedder    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_name ON documents(name, status);
CREATE TABLE IF NOT EXISTS segments (
    doc_id  INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    page    INTEGER,
    section TEXT,
    text    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_doc ON segments(doc_id, page);
CREATE TABLE IF NOT EXISTS chunks (
    rowid    INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    doc_id   INTEGER NOT NULL,
    ordinal  INTEGER NOT NULL,
    page     INTEGER,
    page_end INTEGER,
    section  TEXT,
    text     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, section, text, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS pending_deletes (
    doc_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    kind   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,              -- 'added' | 'replaced' | 'removed'
    name   TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def title_of(name: str) -> str:
    """A document's title as people would say it: 'Price_List_2026.docx' -> 'Price List 2026'."""
    stem = name.rsplit(".", 1)[0]
    return re.sub(r"[_\-]+", " ", stem).strip() or name


def embed_text(name: str, chunk: Chunk) -> str:
    """What is embedded for a chunk: its document title and section first (measured: +recall)."""
    head = title_of(name)
    if chunk.section and chunk.section not in chunk.text[:200]:
        head += f" - {chunk.section}"
    return f"{head}\n{chunk.text}"


@dataclass
class IngestReport:
    file: str
    status: str  # added | replaced | unchanged | failed
    pages: int = 0
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error: Optional[str] = None
    triage: Optional[Triage] = None
    message: str = ""  # one sentence for the person

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "pages": self.pages,
            "chunks": self.chunks,
            "warnings": list(self.warnings),
            "error": self.error,
        }


@dataclass
class DocumentInfo:
    id: int
    file: str
    type: str
    pages: int
    words: int
    chunks: int
    status: str
    added_at: str
    warnings: list[str]
    sha256: str
    versions: int
    triage: dict

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "type": self.type,
            "pages": self.pages,
            "chunks": self.chunks,
            "status": self.status,
            "added_at": self.added_at,
            "warnings": list(self.warnings),
        }


class _FileLock:
    """A process-wide + cross-process write lock on one file."""

    _thread_locks: dict[str, threading.RLock] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path):
        self.path = path
        with self._guard:
            self.rlock = self._thread_locks.setdefault(str(path), threading.RLock())
        self._depth = 0
        self._fh = None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        with self.rlock:
            if self._depth == 0:
                self._fh = open(self.path, "a+")
                fcntl.flock(self._fh, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._fh, fcntl.LOCK_UN)
                    self._fh.close()
                    self._fh = None


def _chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else "http://" + settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise LibraryError(
                f"Groundwork couldn't reach the shared document store at {settings.chroma_url}. "
                "Check that it is running, or remove GROUNDWORK_CHROMA_URL to use the local store."
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class Library:
    """All documents a person has added, and everything needed to search them."""

    def __init__(self, settings: Settings, embedder=None):
        self.settings = settings
        if embedder is None:
            from core.embeddings import make_embedder

            embedder = make_embedder(settings)
        self.embedder = embedder
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.files_dir.mkdir(parents=True, exist_ok=True)
        self._lock = _FileLock(settings.data_dir / ".lock")
        self._local = threading.local()
        with self._lock.hold():
            with self._db() as db:
                db.executescript(SCHEMA)
        self._client = _chroma_client(settings)
        self.collection = self._client.get_or_create_collection(
            self.collection_name(), embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self.recover()

    # -- plumbing ---------------------------------------------------------

    def collection_name(self) -> str:
        """Chroma collection for this embedding model (switching models re-indexes)."""
        name = re.sub(r"[^a-zA-Z0-9._-]", "-", f"gw-{self.embedder.name}")[:63]
        return name if len(name) >= 3 else name + "---"

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.settings.db_path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        yield conn

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

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
        self.collection.delete(where={"doc_id": doc_id})

    def _delete_original_if_unused(self, db: sqlite3.Connection, sha: str, kind: str) -> None:
        used = db.execute("SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1", (sha,)).fetchone()
        if not used:
            with contextlib.suppress(FileNotFoundError):
                self._original(sha, kind).unlink()

    def recover(self) -> int:
        """Clean up after an interrupted ingest or removal; returns documents cleaned."""
        cleaned = 0
        with self._lock.hold():
            with self._db() as db:
                stale = db.execute("SELECT id, sha256, kind FROM documents WHERE status != 'ready'").fetchall()
                pending = db.execute("SELECT doc_id, sha256, kind FROM pending_deletes").fetchall()
            for row in list(stale) + list(pending):
                doc_id = row[0]
                self._delete_vectors(doc_id)
                with self._tx() as db:
                    db.execute("DELETE FROM documents WHERE id = ? AND status != 'ready'", (doc_id,))
                    db.execute("DELETE FROM pending_deletes WHERE doc_id = ?", (doc_id,))
                    self._delete_original_if_unused(db, row[1], row[2])
                cleaned += 1
            for leftover in self.settings.files_dir.glob(".upload-*"):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        if cleaned:
            log.info("recovered %d interrupted documents", cleaned)
        return cleaned

    # -- reading ----------------------------------------------------------

    def _row_to_info(self, row: sqlite3.Row) -> DocumentInfo:
        triage = json.loads(row["triage_json"] or "{}")
        return DocumentInfo(
            id=row["id"],
            file=row["name"],
            type=row["kind"],
            pages=row["pages"],
            words=row["words"],
            chunks=row["chunks"],
            status=row["status"],
            added_at=row["added_at"],
            warnings=list(triage.get("warnings", [])),
            sha256=row["sha256"],
            versions=row["versions"],
            triage=triage,
        )

    def documents(self) -> list[DocumentInfo]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM documents WHERE status = 'ready' ORDER BY lower(name)").fetchall()
        return [self._row_to_info(r) for r in rows]

    def document(self, name: str) -> DocumentInfo:
        with self._db() as db:
            row = db.execute("SELECT * FROM documents WHERE status = 'ready' AND name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no document called '{name}' in your library; check the name on the Documents page.")
        return self._row_to_info(row)

    def original_path(self, name: str) -> Path:
        info = self.document(name)
        return self._original(info.sha256, info.type)

    def segments(self, name: str) -> list[dict]:
        info = self.document(name)
        with self._db() as db:
            rows = db.execute(
                "SELECT page, section, text FROM segments WHERE doc_id = ? ORDER BY ordinal", (info.id,)
            ).fetchall()
        return [dict(r) for r in rows]

    def page_text(self, name: str, page: int) -> str:
        """All text Groundwork read on one page of a document."""
        parts = [s["text"] for s in self.segments(name) if s["page"] == page]
        return "\n\n".join(parts)

    def section_text(self, name: str, section: Optional[str]) -> str:
        parts = [s["text"] for s in self.segments(name) if s["section"] == section]
        return "\n\n".join(parts)

    def chunk_count(self) -> int:
        with self._db() as db:
            return db.execute(
                "SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.status = 'ready'"
            ).fetchone()[0]

    def stats(self) -> LibraryStats:
        with self._db() as db:
            row = db.execute(
                "SELECT count(*) AS documents, coalesce(sum(pages),0) AS pages, coalesce(sum(chunks),0) AS chunks, "
                "coalesce(sum(words),0) AS words FROM documents WHERE status = 'ready'"
            ).fetchone()
            replacements = db.execute("SELECT count(*) FROM events WHERE kind = 'replaced'").fetchone()[0]
            recent = db.execute(
                "SELECT count(*) FROM events WHERE kind = 'replaced' AND at >= ?",
                (datetime.fromtimestamp(time.time() - 30 * 86400, timezone.utc).isoformat(timespec="seconds"),),
            ).fetchone()[0]
        return LibraryStats(documents=row["documents"], pages=row["pages"], chunks=row["chunks"], words=row["words"],
                            replacements=replacements, replacements_30d=recent)

    def removed_on(self, name: str) -> Optional[str]:
        """When a document of this name was last removed (UTC ISO time), or None if it never was or is back."""
        with self._db() as db:
            if db.execute("SELECT 1 FROM documents WHERE status = 'ready' AND name = ?", (name,)).fetchone():
                return None
            row = db.execute("SELECT max(at) FROM events WHERE kind = 'removed' AND name = ?", (name,)).fetchone()
        return row[0] if row and row[0] else None

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, tuple[Chunk, str]]:
        """Ready chunks by id, with their document name."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        out: dict[str, tuple[Chunk, str]] = {}
        with self._db() as db:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ",".join("?" * len(part))
                rows = db.execute(
                    f"SELECT c.*, d.name FROM chunks c JOIN documents d ON d.id = c.doc_id "
                    f"WHERE d.status = 'ready' AND c.id IN ({marks})",
                    part,
                ).fetchall()
                for r in rows:
                    chunk = Chunk(r["id"], r["text"], r["name"], r["page"], r["page_end"], r["section"], r["ordinal"])
                    out[r["id"]] = (chunk, r["name"])
        return out

    def keyword_query(self, match: str, limit: int, files: Optional[list[str]] = None) -> list[str]:
        """Chunk ids for an FTS5 MATCH expression, best BM25 first.

        Ranked inside the FTS index first and joined afterwards (measured in
        benchmarks/search.py: joining before ranking cost ~3x at 20k chunks).
        """
        if files:  # restricted: rank only the chosen documents' passages
            rank_sql = (
                "SELECT f.rowid FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid JOIN documents d ON d.id = c.doc_id "
                f"WHERE chunks_fts MATCH ? AND d.name IN ({','.join('?' * len(files))}) "
                "ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0) LIMIT ?"
            )
            rank_params: list = [match, *files, limit * 2]
        else:
            rank_sql = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0) LIMIT ?"
            rank_params = [match, limit * 2]
        with self._db() as db:
            try:
                rowids = [r[0] for r in db.execute(rank_sql, rank_params).fetchall()]
            except sqlite3.OperationalError:
                return []
            if not rowids:
                return []
            sql = (f"SELECT c.rowid, c.id FROM chunks c JOIN documents d ON d.id = c.doc_id "
                   f"WHERE d.status = 'ready' AND c.rowid IN ({','.join('?' * len(rowids))})")
            found = {r[0]: r[1] for r in db.execute(sql, rowids).fetchall()}
        return [found[r] for r in rowids if r in found][:limit]

    def vector_query(self, embedding: list[float], limit: int, files: Optional[list[str]] = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the nearest vectors, best first."""
        total = self.collection.count()
        if total == 0:
            return []
        where = None
        if files:
            where = {"file": files[0]} if len(files) == 1 else {"file": {"$in": list(files)}}
        res = self.collection.query(
            query_embeddings=[embedding], n_results=min(limit, total), where=where, include=["distances"]
        )
        ids = res["ids"][0]
        dists = res["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists)]

    def similarities(self, embedding: list[float], ids: list[str]) -> dict[str, float]:
        """Cosine similarity of ``embedding`` to the stored vectors of ``ids`` (vectors are normalised)."""
        if not ids:
            return {}
        import numpy as np

        res = self.collection.get(ids=list(ids), include=["embeddings"])
        if not len(res["ids"]):
            return {}
        sims = np.asarray(res["embeddings"], dtype=np.float32) @ np.asarray(embedding, dtype=np.float32)
        return {cid: float(v) for cid, v in zip(res["ids"], sims)}

    # -- writing ----------------------------------------------------------

    def ingest_many(self, items: list[tuple[str, bytes]], progress: Progress = no_progress) -> list[IngestReport]:
        """Ingest a batch; every file gets its own verdict and one bad file never stops the rest."""
        reports: list[IngestReport] = []
        seen: dict[str, str] = {}
        n = len(items)
        for i, (name, data) in enumerate(items):
            def sub(fraction: float, message: str, i=i) -> None:
                progress((i + max(0.0, min(1.0, fraction))) / max(n, 1), message)

            import hashlib

            sha = hashlib.sha256(data).hexdigest()
            if sha in seen:
                from core.documents import safe_name

                reports.append(
                    IngestReport(
                        file=safe_name(name),
                        status="unchanged",
                        message=f"This is the same file as {seen[sha]} earlier in this batch, so it was added only once.",
                    )
                )
                continue
            report = self.ingest(name, data, sub)
            if report.status != "failed":
                seen[sha] = report.file
            reports.append(report)
        progress(1.0, "Done")
        return reports

    def ingest(self, name: str, data: bytes, progress: Progress = no_progress) -> IngestReport:
        """Read, chunk, embed and store one file; never raises for a bad file."""
        from core.documents import read_document, safe_name

        display = safe_name(name)
        try:
            progress(0.0, f"Reading {display}")
            doc = read_document(name, data, self.settings, lambda f, m: progress(0.5 * f, m))
        except AppError as exc:
            return IngestReport(file=display, status="failed", error=exc.user_message, message=exc.user_message)
        except Exception as exc:  # a parser bug must not stop the batch
            log.exception("unexpected error reading %s", display)
            msg = "Groundwork couldn't read this file. Try saving it again as PDF or Word (.docx) and upload it again."
            return IngestReport(file=display, status="failed", error=msg, message=msg)
        return self.ingest_parsed(doc, data, progress)

    def ingest_parsed(self, doc: ParsedDocument, data: bytes, progress: Progress = no_progress) -> IngestReport:
        """Store a document already read by ``read_document`` (the page checks files first)."""
        try:
            return self._store(doc, data, progress)
        except AppError as exc:
            msg = exc.user_message
        except Exception:  # rolled back in _store; the batch goes on
            log.exception("indexing %s failed", doc.name)
            msg = "Groundwork couldn't finish indexing this file, so nothing was saved; try adding it again."
        return IngestReport(file=doc.name, status="failed", error=msg, message=msg,
                            triage=doc.triage, warnings=list(doc.triage.warnings))

    def _store(self, doc: ParsedDocument, data: bytes, progress: Progress) -> IngestReport:
        from core.chunking import chunk_document

        triage = doc.triage
        base = IngestReport(file=doc.name, status="failed", pages=triage.pages, triage=triage, warnings=list(triage.warnings))
        with self._lock.hold():
            with self._db() as db:
                same = db.execute(
                    "SELECT name, chunks FROM documents WHERE status = 'ready' AND sha256 = ?", (doc.sha256,)
                ).fetchone()
                old = db.execute(
                    "SELECT id, sha256, kind, versions FROM documents WHERE status = 'ready' AND name = ?", (doc.name,)
                ).fetchone()
            if same is not None:
                base.status = "unchanged"
                base.chunks = same["chunks"]
                where = "" if same["name"] == doc.name else f" as {same['name']}"
                base.message = f"This file is already in your library{where}, so nothing was changed."
                progress(1.0, "Already in your library")
                return base

            chunks = chunk_document(doc, self.settings.chunk_size, self.settings.chunk_overlap)
            if not chunks:
                base.error = base.message = (
                    "No text could be found in this file (it may be scanned images), so it can't be searched; "
                    "Groundwork can't read scanned pages yet."
                )
                return base

            self._write_original(doc.sha256, doc.kind, data)
            with self._tx() as db:
                cur = db.execute(
                    "INSERT INTO documents(name, kind, sha256, status, pages, words, chunks, triage_json, versions, added_at, embedder) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.name, doc.kind, doc.sha256, "indexing", triage.pages, triage.words, len(chunks),
                     json.dumps(asdict(triage)), (old["versions"] + 1) if old else 1, _now(), self.embedder.name),
                )
                doc_id = cur.lastrowid
            try:
                self._embed_and_store(doc_id, doc.name, chunks, progress)
                progress(0.98, "Saving")
                with self._tx() as db:
                    db.executemany(
                        "INSERT INTO segments(doc_id, ordinal, page, section, text) VALUES (?,?,?,?,?)",
                        [(doc_id, i, s.page, s.section, s.text) for i, s in enumerate(doc.segments)],
                    )
                    title = title_of(doc.name)
                    for c in chunks:
                        rowid = db.execute(
                            "INSERT INTO chunks(id, doc_id, ordinal, page, page_end, section, text) VALUES (?,?,?,?,?,?,?)",
                            (c.id, doc_id, c.ordinal, c.page, c.page_end, c.section, c.text),
                        ).lastrowid
                        db.execute(
                            "INSERT INTO chunks_fts(rowid, title, section, text) VALUES (?,?,?,?)",
                            (rowid, title, c.section or "", c.text),
                        )
                    if old is not None:
                        self._retire(db, old["id"], old["sha256"], old["kind"])
                        db.execute("INSERT INTO events(at, kind, name) VALUES (?,?,?)", (_now(), "replaced", doc.name))
                    else:
                        db.execute("INSERT INTO events(at, kind, name) VALUES (?,?,?)", (_now(), "added", doc.name))
                    db.execute("UPDATE documents SET status = 'ready' WHERE id = ?", (doc_id,))
            except BaseException:
                # undo this attempt; recover() would do the same after a crash
                with contextlib.suppress(Exception):
                    self._delete_vectors(doc_id)
                with contextlib.suppress(Exception):
                    with self._tx() as db:
                        db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
                        self._delete_original_if_unused(db, doc.sha256, doc.kind)
                raise
            if old is not None:
                self._finish_pending(old["id"])
        base.chunks = len(chunks)
        if old is not None:
            base.status = "replaced"
            base.message = f"The earlier version of {doc.name} was replaced with this one."
        else:
            base.status = "added"
            base.message = f"Added: {self._describe(triage, len(chunks))}."
        progress(1.0, "Done")
        return base

    @staticmethod
    def _describe(triage: Triage, chunks: int) -> str:
        bits = []
        if triage.pages:
            bits.append(f"{triage.pages} page{'s' if triage.pages != 1 else ''}")
        bits.append(f"{triage.words:,} words")
        if triage.tables:
            bits.append(f"{triage.tables} table{'s' if triage.tables != 1 else ''}")
        bits.append(f"{chunks} passages")
        return ", ".join(bits)

    def _embed_and_store(self, doc_id: int, name: str, chunks: list[Chunk], progress: Progress) -> None:
        texts = [embed_text(name, c) for c in chunks]
        total = len(texts)
        batch = 64
        for start in range(0, total, batch):
            part = chunks[start : start + batch]

            def sub(fraction: float, message: str, start=start, size=len(part)) -> None:
                done = start + fraction * size
                progress(0.5 + 0.48 * done / total, f"Indexing passage {int(done)} of {total}")

            sub(0.0, "")
            vectors = self.embedder.embed(texts[start : start + batch], progress=sub)
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors,
                metadatas=[
                    {"doc_id": doc_id, "file": name, "page": c.page if c.page is not None else -1}
                    for c in part
                ],
            )

    def _retire(self, db: sqlite3.Connection, doc_id: int, sha: str, kind: str) -> None:
        """Inside a transaction: drop a document's rows; its vectors go in _finish_pending."""
        db.execute(
            "DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)", (doc_id,)
        )
        db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM segments WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        db.execute("INSERT OR REPLACE INTO pending_deletes(doc_id, sha256, kind) VALUES (?,?,?)", (doc_id, sha, kind))

    def _finish_pending(self, doc_id: int) -> None:
        self._delete_vectors(doc_id)
        with self._tx() as db:
            row = db.execute("SELECT sha256, kind FROM pending_deletes WHERE doc_id = ?", (doc_id,)).fetchone()
            db.execute("DELETE FROM pending_deletes WHERE doc_id = ?", (doc_id,))
            if row:
                self._delete_original_if_unused(db, row[0], row[1])

    def remove(self, name: str) -> None:
        """Remove a document with its passages, keywords, vectors and original."""
        with self._lock.hold():
            info = self.document(name)
            with self._tx() as db:
                self._retire(db, info.id, info.sha256, info.type)
                db.execute("INSERT INTO events(at, kind, name) VALUES (?,?,?)", (_now(), "removed", name))
            self._finish_pending(info.id)

    def needs_reindex(self) -> bool:
        """True when documents exist that this embedding model has not indexed."""
        with self._db() as db:
            row = db.execute(
                "SELECT count(*) FROM documents WHERE status = 'ready' AND embedder != ?", (self.embedder.name,)
            ).fetchone()
        return row[0] > 0

    def reindex(self, progress: Progress = no_progress) -> int:
        """Re-embed every document from its stored original (after switching embedding model)."""
        docs = [d for d in self.documents()]
        with self._lock.hold():
            for i, info in enumerate(docs):
                progress(i / max(len(docs), 1), f"Re-indexing {info.file}")
                self._delete_vectors(info.id)
                with self._db() as db:
                    rows = db.execute(
                        "SELECT id, ordinal, page, page_end, section, text FROM chunks WHERE doc_id = ? ORDER BY ordinal",
                        (info.id,),
                    ).fetchall()
                chunks = [Chunk(r["id"], r["text"], info.file, r["page"], r["page_end"], r["section"], r["ordinal"]) for r in rows]
                self._embed_and_store(info.id, info.file, chunks, lambda f, m: None)
                with self._tx() as db:
                    db.execute("UPDATE documents SET embedder = ? WHERE id = ?", (self.embedder.name, info.id))
        progress(1.0, "Done")
        return len(docs)
