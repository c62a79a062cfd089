"""One pass: bring the library in line with a kept folder, safely.

    reach     can the folder be opened at all? If not: nothing is removed, the owner is told since when
    scan      size and modification time of every file (core.sync.scan): no file is read
    compare   with what the last pass saw (``folder_files``): same size and time -> unchanged, not read
    hash      only files that are new or whose size or time changed; a file changed in the last seconds,
              or whose size or time changes while it is hashed, is still being copied: next pass
    rename    a new path with the content of a path that's gone: the document is renamed (no re-reading,
              no re-embedding; its passages and history stay)
    store     new and changed files, one at a time (memory stays bounded), through the ingest pipeline
    remove    documents whose files are gone; a pass that would remove more than a large share of the
              folder's documents (or all of them) waits for the owner's yes

Two passes never run at once: a pass holds ``<data folder>/.sync-lock`` from start to end (the app's
background pass and a command-line ``sync`` take turns), and every write inside it still goes through
the library's own write lock, held for seconds per document, so uploads and other commands go on.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from core.errors import AppError
from core.library.locks import WriteLock
from core.sync import folders as kept, messages as say
from core.sync.changelog import acting, folder_actor, now, record
from core.sync.scan import Scan, Seen, scan, stat_again

log = logging.getLogger(__name__)
BUFFER = 1 << 20


@dataclass
class FolderReport:
    folder: str
    reached: bool
    message: str = ""
    changes: list[dict] = field(default_factory=list)
    waiting_for_you: list[str] = field(default_factory=list)
    unchanged: int = 0
    documents: int = 0
    waiting: int = 0  # files still being copied (or open elsewhere): the next pass comes soon

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def extensions() -> frozenset[str]:
    from core.documents import EXPLAINED_EXTENSIONS, READABLE_EXTENSIONS

    return frozenset(READABLE_EXTENSIONS + EXPLAINED_EXTENSIONS)


def pass_lock(library) -> WriteLock:
    return WriteLock(library.settings.data_dir / ".sync-lock")


def sync_all(library, paths: Optional[list[str]] = None, *, confirm_removals: bool = False, blocking: bool = True,
             progress: Callable[[str], None] = lambda m: None) -> Optional[list[FolderReport]]:
    """One pass over the kept folders (or those in ``paths``, which must be kept); None when another pass is
    running and ``blocking`` is False."""
    lock = pass_lock(library)
    guard = lock.hold() if blocking else lock.try_hold()
    with guard as held:
        if held is False:
            return None
        chosen = kept.folders(library.db)
        if paths is not None:
            wanted = {kept.normalise(p) for p in paths}
            chosen = [f for f in chosen if f.path in wanted]
        return [_guarded(library, f, confirm_removals, progress) for f in chosen]


def _guarded(library, folder: kept.KeptFolder, confirm_removals: bool, progress) -> FolderReport:
    """One folder's pass; something unexpected is recorded on that folder and the other folders go on."""
    try:
        return sync_folder(library, folder, confirm_removals=confirm_removals, progress=progress)
    except Exception:
        log.exception("checking %s failed", folder.path)
        try:
            kept.set_state(library.db, folder.id, last_pass_at=now(), last_error=say.UNEXPECTED)
        except Exception:
            log.exception("couldn't record the failed check of %s", folder.path)
        return FolderReport(folder.path, reached=False, message=say.UNEXPECTED,
                            waiting_for_you=list(folder.pending))


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(BUFFER), b""):
            digest.update(block)
    return digest.hexdigest()


class _Pass:
    """The state of one pass over one folder."""

    def __init__(self, library, folder: kept.KeptFolder, confirm_removals: bool, progress):
        self.lib, self.folder, self.confirm, self.progress = library, folder, confirm_removals, progress
        self.db = library.db
        self.root = Path(folder.path)
        self.actor = folder_actor(folder.id, folder.path)
        self.settings = library.settings
        conn = self.db.conn()
        self.known = {r["rel_path"]: dict(r) for r in conn.execute(
            "SELECT * FROM folder_files WHERE folder_id = ?", (folder.id,))}
        rows = conn.execute("SELECT id, name, sha256 FROM documents WHERE status = 'ready'").fetchall()
        self.ready = {r[0]: r[1] for r in rows}
        self.shas = {r[2] for r in rows}
        self.waiting = 0
        self.start_id = conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]

    # -- small writes -------------------------------------------------------------------------

    def note(self, action: str, file: str, detail: str, previous: str = "") -> None:
        with self.db.transaction() as tx:
            record(tx, action, file, detail, previous, self.actor)

    def keep_row(self, rel: str, size: int, mtime_ns: int, sha: str, doc_id: Optional[int], state: str,
                 note: str = "") -> None:
        with self.db.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO folder_files(folder_id, rel_path, size, mtime_ns, sha256, doc_id, "
                       "state, note) VALUES (?,?,?,?,?,?,?,?)",
                       (self.folder.id, rel, size, mtime_ns, sha, doc_id, state, note))
        self.known[rel] = {"rel_path": rel, "size": size, "mtime_ns": mtime_ns, "sha256": sha, "doc_id": doc_id,
                           "state": state, "note": note}

    def drop_row(self, rel: str) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM folder_files WHERE folder_id = ? AND rel_path = ?", (self.folder.id, rel))
        self.known.pop(rel, None)

    def not_now(self, seen: Seen, state: str, why: str, sha: str = "") -> None:
        """Skip or postpone a file, saying so once (not on every pass while nothing changes)."""
        self.waiting += state == "waiting"
        row = self.known.get(seen.rel_path)
        if row is None or row["note"] != why:
            self.note("skipped", self.display_name(seen.rel_path), why)
        doc_id = self.owned_doc(seen.rel_path)
        keep_sha = row["sha256"] if row else sha
        if doc_id is not None and row is not None:  # the earlier version's document stays in the library meanwhile
            with self.db.transaction() as tx:
                tx.execute("UPDATE folder_files SET state = 'waiting', note = ? WHERE folder_id = ? AND rel_path = ?",
                           (why, self.folder.id, seen.rel_path))
            row.update(state="waiting", note=why)
            return
        self.keep_row(seen.rel_path, seen.size, seen.mtime_ns, keep_sha, None, state, why)

    def owned_doc(self, rel: str) -> Optional[int]:
        row = self.known.get(rel)
        if row and row["doc_id"] in self.ready:
            return row["doc_id"]
        return None

    def display_name(self, rel: str) -> str:
        doc = self.owned_doc(rel)
        return self.ready[doc] if doc is not None else rel

    def free_name(self, rel: str) -> str:
        """The library name for a file: its path inside the folder ('Contracts/Lease.pdf'); the folder's own
        name in front when another document has that name; then a number."""
        from core.documents import safe_name
        from core.documents.names import split_extension

        parts = [safe_name(p) for p in rel.split("/")]
        base = "/".join(parts)
        taken = {n.lower() for n in self.ready.values()}
        for name in (base, f"{safe_name(self.folder.label)}/{base}"):
            if name.lower() not in taken:
                return name
        stem, ext = split_extension(f"{safe_name(self.folder.label)}/{base}")
        n = 2
        while f"{stem} ({n}){ext}".lower() in taken:
            n += 1
        return f"{stem} ({n}){ext}"

    def refresh_ready(self) -> None:
        rows = self.db.conn().execute("SELECT id, name, sha256 FROM documents WHERE status = 'ready'").fetchall()
        self.ready = {r[0]: r[1] for r in rows}
        self.shas = {r[2] for r in rows}

    # -- the pass ---------------------------------------------------------------------------

    def run(self) -> FolderReport:
        started = now()
        report = FolderReport(self.folder.path, reached=False)
        try:
            if not self.root.is_dir():
                raise NotADirectoryError(self.folder.path)
            self.progress(f"Looking through {self.folder.path}")
            found = scan(self.root, extensions())
        except OSError:
            return self.unreachable(started, report)
        report.reached = True
        if self.folder.unreachable_since:
            self.note("reached", self.folder.path, say.REACHED_AGAIN.format(folder=self.folder.path))
        candidates, report.unchanged = self.compare(found)
        fresh = self.hash_changed(candidates)
        to_store = self.renames(found, fresh)
        for i, rel in enumerate(to_store):
            self.progress(f"Adding {rel} ({i + 1} of {len(to_store)})")
            self.store(rel, *fresh[rel])
        self.removals(found, report)
        problem = say.SUBFOLDER_UNREADABLE.format(n=", ".join(found.unreadable[:3])) if found.unreadable else ""
        kept.set_state(self.db, self.folder.id, last_pass_at=started, last_reached_at=started,
                       unreachable_since=None, last_error=problem)
        return self.finish(report, problem)

    def finish(self, report: FolderReport, message: str) -> FolderReport:
        rows = self.db.conn().execute(
            "SELECT file, action, detail, previous FROM changes WHERE id > ? AND folder_id = ? ORDER BY id",
            (self.start_id, self.folder.id)).fetchall()
        report.changes = [dict(r) for r in rows]
        report.documents = kept.get(self.db, self.folder.id).documents
        report.waiting = self.waiting
        changed = [c for c in report.changes if c["action"] in ("added", "replaced", "renamed", "removed")]
        report.message = message or (f"{len(changed)} change{'s' if len(changed) != 1 else ''} from "
                                     f"{self.folder.path}." if changed else f"{self.folder.path} is in step.")
        if report.waiting_for_you:
            report.message = say.waiting_for_you(len(report.waiting_for_you))
        return report

    def unreachable(self, started: str, report: FolderReport) -> FolderReport:
        since = self.folder.unreachable_since or started
        sentence = say.couldnt_reach(self.folder.path, since)
        if not self.folder.unreachable_since:
            self.note("unreachable", self.folder.path, sentence + say.REACH_HINT)
        kept.set_state(self.db, self.folder.id, last_pass_at=started, unreachable_since=since,
                       last_error=sentence)
        report = self.finish(report, sentence)
        report.waiting_for_you = list(self.folder.pending)
        return report

    def compare(self, found: Scan) -> tuple[list[Seen], int]:
        """Files to look at more closely, and how many are unchanged (stat only)."""
        candidates, unchanged = [], 0
        for rel, seen in found.files.items():
            row = self.known.get(rel)
            if row is not None and row["size"] == seen.size and row["mtime_ns"] == seen.mtime_ns:
                state = row["state"]
                if (state == "in" and row["doc_id"] in self.ready) or state in ("skipped", "failed") or (
                        state == "same" and row["sha256"] in self.shas):
                    unchanged += 1
                    continue
                if state == "in":  # its document was removed or replaced by a person: leave it to them
                    self.keep_row(rel, seen.size, seen.mtime_ns, row["sha256"], None, "skipped", say.LEFT_OUT)
                    self.note("skipped", rel, say.LEFT_OUT)
                    unchanged += 1
                    continue
            candidates.append(seen)
        return candidates, unchanged

    def hash_changed(self, candidates: list[Seen]) -> dict[str, tuple[Seen, str]]:
        """Content hashes of files that are complete and on this computer; the others wait or are skipped."""
        fresh: dict[str, tuple[Seen, str]] = {}
        settle_ns = int(self.settings.sync_settle_seconds * 1e9)
        limit = self.settings.max_file_mb * 1024 * 1024
        for seen in candidates:
            if time.time_ns() - seen.mtime_ns < settle_ns:  # first: a file being created is empty for a moment
                self.not_now(seen, "waiting", say.STILL_COPYING)
                continue
            if seen.placeholder:
                self.not_now(seen, "skipped", say.ONLINE_ONLY if seen.placeholder == "online-only" else say.EMPTY)
                continue
            if seen.size > limit:
                self.not_now(seen, "skipped", say.TOO_BIG.format(mb=self.settings.max_file_mb))
                continue
            try:
                sha = _hash(self.root / seen.rel_path)
            except OSError:
                self.not_now(seen, "waiting", say.LOCKED)
                continue
            if stat_again(self.root, seen.rel_path) != (seen.size, seen.mtime_ns):
                self.not_now(seen, "waiting", say.STILL_COPYING)
                continue
            row = self.known.get(seen.rel_path)
            if row and row["sha256"] == sha and row["state"] in ("in", "waiting") and self.owned_doc(seen.rel_path):
                self.keep_row(seen.rel_path, seen.size, seen.mtime_ns, sha, row["doc_id"], "in")  # saved, same bytes
                continue
            fresh[seen.rel_path] = (seen, sha)
        return fresh

    def renames(self, found: Scan, fresh: dict[str, tuple[Seen, str]]) -> list[str]:
        """Rename documents whose file moved; returns the files still to store."""
        gone: dict[str, list[dict]] = {}
        for rel, row in self.known.items():
            if rel not in found.files and not found.under_unreadable(rel) and row["doc_id"] in self.ready:
                gone.setdefault(row["sha256"], []).append(row)
        to_store = []
        for rel, (seen, sha) in sorted(fresh.items()):
            if self.owned_doc(rel) is None and gone.get(sha):
                old = gone[sha].pop(0)
                old_name = self.ready[old["doc_id"]]
                self.drop_row(old["rel_path"])
                new_name = self.free_name(rel)
                with acting(self.actor, say.RENAMED.format(old=old_name)):
                    self.lib.rename(old_name, new_name)
                self.ready[old["doc_id"]] = new_name
                self.keep_row(rel, seen.size, seen.mtime_ns, sha, old["doc_id"], "in")
                continue
            to_store.append(rel)
        return to_store

    def store(self, rel: str, seen: Seen, sha: str) -> None:
        from core.documents import read_document
        from core.ingest.pipeline import add_checked
        from core.ingest.reports import NO_TEXT, READ_FAILED, FileCheck

        path = self.root / rel
        try:
            data = path.read_bytes()
        except OSError:
            return self.not_now(seen, "waiting", say.LOCKED)
        if hashlib.sha256(data).hexdigest() != sha:
            return self.not_now(seen, "waiting", say.STILL_COPYING)
        self.refresh_ready()
        own = self.owned_doc(rel)
        if sha in self.shas:
            other = self.db.conn().execute("SELECT name FROM documents WHERE status = 'ready' AND sha256 = ?",
                                           (sha,)).fetchone()
            self.not_now(seen, "same", say.SAME_AS.format(other=other[0] if other else "another document"), sha)
            return
        name = self.ready[own] if own is not None else self.free_name(rel)
        try:
            doc = read_document(path.name, data, self.settings)
        except AppError as exc:
            return self.failed(rel, seen, sha, name, exc.user_message)
        except Exception:
            log.exception("reading %s failed", rel)
            return self.failed(rel, seen, sha, name, READ_FAILED)
        if doc.triage.words == 0:
            return self.failed(rel, seen, sha, name, NO_TEXT)
        doc = dataclasses.replace(doc, name=name)
        detail = say.ADDED.format(facts=_facts(doc))
        if own is not None:
            old = self.db.conn().execute("SELECT page, section, ordinal, text, row_start, row_end FROM segments "
                                         "WHERE doc_id = ? ORDER BY ordinal", (own,)).fetchall()
            detail = say.replaced_detail(_by_place(old), _by_place(
                [{"page": s.page, "section": s.section, "ordinal": i, "text": s.text,
                  "row_start": (s.rows or (None, None))[0], "row_end": (s.rows or (None, None))[1]}
                 for i, s in enumerate(doc.segments)]))
        check = FileCheck(name=name, size=len(data), data=data, sha256=sha, doc=doc,
                          action="replace" if own is not None else "add")
        with acting(self.actor, detail):
            result = add_checked(check, self.lib)
        if result.status in ("added", "replaced"):
            row = self.db.conn().execute("SELECT id FROM documents WHERE status = 'ready' AND name = ?",
                                         (name,)).fetchone()
            self.keep_row(rel, seen.size, seen.mtime_ns, sha, row[0] if row else None, "in")
        elif result.status == "unchanged":
            self.not_now(seen, "same", result.message or say.SAME_AS.format(other="another document"), sha)
        else:
            self.failed(rel, seen, sha, name, result.error or READ_FAILED)
        self.refresh_ready()

    def failed(self, rel: str, seen: Seen, sha: str, name: str, why: str) -> None:
        """Not added (an earlier version, if any, stays); not tried again until the file changes."""
        self.note("failed", name, why)
        self.keep_row(rel, seen.size, seen.mtime_ns, sha, self.owned_doc(rel), "failed", why)

    def removals(self, found: Scan, report: FolderReport) -> None:
        self.refresh_ready()
        owned = {rel: row for rel, row in self.known.items() if row["doc_id"] in self.ready}
        gone = sorted(rel for rel in owned if rel not in found.files and not found.under_unreadable(rel))
        for rel in list(self.known):  # files that were never in the library: just forget them
            if rel not in found.files and not found.under_unreadable(rel) and rel not in owned:
                self.drop_row(rel)
        if not gone:
            if self.folder.pending:
                kept.set_state(self.db, self.folder.id, pending=[], pending_since=None)
            return
        s = self.settings
        many = len(gone) > s.sync_removal_min and len(gone) > s.sync_removal_share * len(owned)
        everything = not found.files and len(gone) == len(owned)
        if (many or everything) and not self.confirm:
            if sorted(self.folder.pending) != gone:
                self.note("waiting", self.folder.path, say.waiting_for_you(len(gone)))
                kept.set_state(self.db, self.folder.id, pending=gone, pending_since=now())
            report.waiting_for_you = gone
            return
        sentence = say.REMOVED_CONFIRMED if (many or everything) else say.REMOVED
        for rel in gone:
            name = self.ready[owned[rel]["doc_id"]]
            with acting(self.actor, sentence):
                self.lib.remove_many([name])
            self.drop_row(rel)
        kept.set_state(self.db, self.folder.id, pending=[], pending_since=None)


def _facts(doc) -> str:
    from core.ingest.reports import describe

    return describe(doc.triage)


def _by_place(rows) -> dict:
    """A version's text by page (or by part, for files without page numbers)."""
    out: dict = {}
    for r in rows:
        if r["page"] is not None:
            key = r["page"]
        elif r["row_start"] is not None:  # a spreadsheet's block of rows: (sheet, first row, last row)
            key = (r["section"] or "", r["row_start"], r["row_end"])
        else:
            key = f"{r['section']}#{r['ordinal']}"
        out[key] = out.get(key, "") + r["text"]
    return out


def sync_folder(library, folder: kept.KeptFolder, *, confirm_removals: bool = False,
                progress: Callable[[str], None] = lambda m: None) -> FolderReport:
    """One pass over one kept folder (the caller holds the pass lock)."""
    return _Pass(library, folder, confirm_removals, progress).run()


def keep_pending(library, folder_id: int) -> int:
    """The owner's "keep them": documents waiting for removal stay, no longer kept in step. Returns how many."""
    with pass_lock(library).hold():
        folder = kept.get(library.db, folder_id)
        actor = folder_actor(folder.id, folder.path)
        conn = library.db.conn()
        for rel in folder.pending:
            row = conn.execute("SELECT d.name FROM folder_files f JOIN documents d ON d.id = f.doc_id "
                               "WHERE f.folder_id = ? AND f.rel_path = ?", (folder.id, rel)).fetchone()
            with library.db.transaction() as tx:
                tx.execute("DELETE FROM folder_files WHERE folder_id = ? AND rel_path = ?", (folder.id, rel))
                if row:
                    record(tx, "kept", row[0], say.KEPT, actor=actor)
        kept.set_state(library.db, folder.id, pending=[], pending_since=None)
        return len(folder.pending)


def remove_pending(library, folder_id: int) -> FolderReport:
    """The owner's "remove them": a pass allowed to remove; files that came back meanwhile stay."""
    with pass_lock(library).hold():
        return sync_folder(library, kept.get(library.db, folder_id), confirm_removals=True)
