"""Reading the library: documents, pages, passages, counts, and the search index interface.

Readers never take the write lock: SQLite's WAL mode shows them the last committed state,
and only ready documents (the view ``ready_documents``, ``core.db``) are ever listed or searched.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from core.access import OWNER_HERE, Access
from core.db import Database, name_hash
from core.errors import NotFoundError
from core.library.visibility import not_readable, readable_doc_ids, readable_documents
from core.library.vectors import VectorStore
from core.settings import Settings
from core.types import Chunk, LibraryStats


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
    only_owner: bool = False  # marked "Only me": only the owner sees it

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "type": self.type,
            "pages": self.pages,
            "chunks": self.chunks,
            "status": self.status,
            "added_at": self.added_at,
            "warnings": list(self.warnings),
            "only_owner": self.only_owner,
        }


def _info(row: sqlite3.Row) -> DocumentInfo:
    triage = json.loads(row["triage_json"] or "{}")
    return DocumentInfo(id=row["id"], file=row["name"], type=row["kind"], pages=row["pages"], words=row["words"],
                        chunks=row["chunks"], status=row["status"], added_at=row["added_at"],
                        warnings=list(triage.get("warnings", [])), sha256=row["sha256"], versions=row["versions"],
                        triage=triage, only_owner=bool(row["only_owner"]))


def chunk_from_row(r: sqlite3.Row) -> Chunk:
    return Chunk(r["id"], r["text"], r["name"], r["page"], r["page_end"], r["section"], r["ordinal"],
                 r["row_start"], r["row_end"])


def _missing(name: str) -> NotFoundError:
    return NotFoundError(f"There is no document called '{name}' in your library; check the name on the Documents page.")


class LibraryReads:
    """The read half of ``Library`` (mixed in); needs ``self.db``, ``self.settings``, ``self.vectors``.

    Every read goes through ``self._ready``: the documents ``self.access`` may read
    (``core.library.visibility``). ``Library`` is the owner's (``OWNER_HERE``: every ready document);
    a ``LibraryView`` for a staff member leaves out the documents marked "Only me".
    """

    db: Database
    settings: Settings
    vectors: VectorStore
    access: Access = OWNER_HERE

    @property
    def _ready(self) -> str:
        return readable_documents(self.access)

    def _missing(self, name: str) -> NotFoundError:
        return _missing(name) if self.access.sees_owner_only else not_readable(name)

    def documents(self) -> list[DocumentInfo]:
        rows = self.db.conn().execute(
            f"SELECT * FROM {self._ready} ORDER BY lower(name)").fetchall()
        return [_info(r) for r in rows]

    def document(self, name: str) -> DocumentInfo:
        row = self.db.conn().execute(
            f"SELECT * FROM {self._ready} WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise self._missing(name)
        return _info(row)

    def by_hash(self, sha256: str) -> Optional[str]:
        """The name of the ready document with exactly this content (its SHA-256), or None."""
        row = self.db.conn().execute(f"SELECT name FROM {self._ready} WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else row[0]

    def has_name(self, name: str) -> bool:
        """Whether a ready document is called ``name``."""
        return self.db.conn().execute(f"SELECT 1 FROM {self._ready} WHERE name = ?", (name,)).fetchone() is not None

    def original_path(self, name: str) -> Path:
        info = self.document(name)
        return self.settings.files_dir / f"{info.sha256}.{info.type}"

    def segments(self, name: str) -> list[dict]:
        info = self.document(name)
        rows = self.db.conn().execute(
            "SELECT page, section, text, row_start, row_end FROM segments WHERE doc_id = ? ORDER BY ordinal",
            (info.id,)).fetchall()
        return [dict(r) for r in rows]

    def page_text(self, name: str, page: int) -> str:
        """All text Groundwork read on one page of a document."""
        return "\n\n".join(s["text"] for s in self.segments(name) if s["page"] == page)

    def section_text(self, name: str, section: Optional[str]) -> str:
        return "\n\n".join(s["text"] for s in self.segments(name) if s["section"] == section)

    def chunk_count(self) -> int:
        return self.db.conn().execute(
            f"SELECT count(*) FROM chunks c JOIN {self._ready} d ON d.id = c.doc_id"
        ).fetchone()[0]

    def stats(self) -> LibraryStats:
        db = self.db.conn()
        row = db.execute(
            "SELECT count(*) AS documents, coalesce(sum(pages),0) AS pages, coalesce(sum(chunks),0) AS chunks, "
            f"coalesce(sum(words),0) AS words FROM {self._ready}").fetchone()
        replacements = db.execute("SELECT count(*) FROM events WHERE kind = 'replaced'").fetchone()[0]
        month_ago = datetime.fromtimestamp(time.time() - 30 * 86400, timezone.utc).isoformat(timespec="seconds")
        recent = db.execute("SELECT count(*) FROM events WHERE kind = 'replaced' AND at >= ?",
                            (month_ago,)).fetchone()[0]
        scanned = sum(len(json.loads(t or "{}").get("ocr_pages") or []) for (t,) in db.execute(
            f"SELECT triage_json FROM {self._ready}"))
        return LibraryStats(documents=row["documents"], pages=row["pages"], chunks=row["chunks"], words=row["words"],
                            replacements=replacements, replacements_30d=recent, scanned_pages=scanned)

    def removed_on(self, name: str) -> Optional[str]:
        """When a document of this name was last removed (UTC ISO time); None if it never was, or is back."""
        db = self.db.conn()
        if self.has_name(name):
            return None
        row = db.execute("SELECT max(at) FROM events WHERE kind = 'removed' AND name_hash = ?",
                         (name_hash(name),)).fetchone()
        return row[0] if row and row[0] else None

    # -- the search index interface (core.types.SearchIndex) --------------------------------

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, tuple[Chunk, str]]:
        """Ready chunks by id, with their document name."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, tuple[Chunk, str]] = {}
        db = self.db.conn()
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows = db.execute(
                f"SELECT c.*, d.name FROM chunks c JOIN {self._ready} d ON d.id = c.doc_id "
                f"WHERE c.id IN ({','.join('?' * len(part))})", part).fetchall()
            for r in rows:
                out[r["id"]] = (chunk_from_row(r), r["name"])
        return out

    def keyword_query(self, match: str, limit: int, files: Optional[list[str]] = None) -> list[str]:
        """Chunk ids for an FTS5 MATCH expression, best BM25 first.

        Ranked inside the FTS index first and joined afterwards (measured in
        benchmarks/search.py: joining before ranking cost ~3x at 20k chunks).
        """
        everything = self.access.sees_owner_only and not files
        if not everything:  # restricted (chosen documents, or what this person may read): rank only those passages
            chosen = f" AND d.name IN ({','.join('?' * len(files))})" if files else ""
            rank_sql = (
                f"SELECT f.rowid FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid JOIN {self._ready} d "
                f"ON d.id = c.doc_id WHERE chunks_fts MATCH ?{chosen} "
                "ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0) LIMIT ?")
            rank_params: list = [match, *(files or []), limit * 2]
        else:
            rank_sql = ("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? "
                        "ORDER BY bm25(chunks_fts, 2.0, 1.5, 1.0) LIMIT ?")
            rank_params = [match, limit * 2]
        db = self.db.conn()
        try:
            rowids = [r[0] for r in db.execute(rank_sql, rank_params).fetchall()]
        except sqlite3.OperationalError:
            return []
        if not rowids:
            return []
        found = {r[0]: r[1] for r in db.execute(
            f"SELECT c.rowid, c.id FROM chunks c JOIN {self._ready} d ON d.id = c.doc_id "
            f"WHERE c.rowid IN ({','.join('?' * len(rowids))})", rowids).fetchall()}
        return [found[r] for r in rowids if r in found][:limit]

    def vector_query(self, embedding: list[float], limit: int,
                     files: Optional[list[str]] = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the nearest vectors, best first."""
        where = None
        if files or not self.access.sees_owner_only:
            # Chroma takes its nearest neighbours among these documents only (filtered before the top k)
            ids = readable_doc_ids(self.db.conn(), self.access, list(files) if files else None)
            if not ids:
                return []
            where = {"doc_id": ids[0]} if len(ids) == 1 else {"doc_id": {"$in": ids}}

        def query(collection):
            total = collection.count()
            if total == 0:
                return []
            res = collection.query(query_embeddings=[embedding], n_results=min(limit, total), where=where,
                                   include=["distances"])
            return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

        return self.vectors.read(self.db.generation, query)

    def similarities(self, embedding: list[float], ids: list[str]) -> dict[str, float]:
        """Cosine similarity of ``embedding`` to the stored vectors of ``ids`` (vectors are normalised)."""
        if not self.access.sees_owner_only:
            ids = list(self.chunks_by_id(ids))  # only passages this person may read
        if not ids:
            return {}
        import numpy as np

        res = self.vectors.read(self.db.generation, lambda c: c.get(ids=list(ids), include=["embeddings"]))
        if not len(res["ids"]):
            return {}
        sims = np.asarray(res["embeddings"], dtype=np.float32) @ np.asarray(embedding, dtype=np.float32)
        return {cid: float(v) for cid, v in zip(res["ids"], sims)}
