"""Adding a batch of files in the background, so leaving the page never stops it half-way.

The Documents page starts a job and shows its progress; the job goes on in its own thread
while the owner asks questions elsewhere, and the page shows where it is when they come
back. Each batch is also recorded in the database (``ingest_jobs``) when it starts and when
it ends: a batch cut short by closing Groundwork is reported on the next start ("stopped
after 1 of 7"), with the names of the files still to add, instead of vanishing silently.

No Streamlit here: ``core.runtime`` keeps one ``JobBoard`` per library for the app.
"""
from __future__ import annotations

import functools
import json
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Callable, Optional

from core.ingest.pipeline import add_checked, check_file
from core.ingest.reports import FileCheck, IngestReport

log = logging.getLogger(__name__)

Step = Callable[[Callable[[float, str], None]], IngestReport]  # one file's work, given its progress callback


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FileProgress:
    name: str
    fraction: float = 0.0
    message: str = "Waiting"
    report: Optional[IngestReport] = None


@dataclass(frozen=True)
class JobView:
    """A consistent snapshot of a job for the screen."""

    id: int
    files: tuple[FileProgress, ...]
    running: bool
    current: int  # index of the file being added (== len(files) when done)
    stopped: bool = False  # asked to stop: the files after the one being added were left out

    @property
    def total(self) -> int:
        return len(self.files)

    @property
    def fraction(self) -> float:
        if not self.files:
            return 1.0
        done = sum(1.0 if f.report is not None else f.fraction for f in self.files)
        return min(1.0, done / len(self.files))

    @property
    def reports(self) -> list[IngestReport]:
        return [f.report for f in self.files if f.report is not None]


@dataclass(frozen=True)
class InterruptedBatch:
    """A batch that was still being added when Groundwork stopped."""

    id: int
    started_at: str
    done: int
    total: int
    remaining: list[str] = field(default_factory=list)


class IngestJob:
    """One batch, added file by file in a background thread."""

    def __init__(self, library, work: list[Step],
                 names: list[str]):
        self.library = library
        self._work = work
        self._lock = threading.Lock()
        self._files = [FileProgress(n) for n in names]
        self._current = 0
        self._running = True
        self._stop = threading.Event()
        with library.db.transaction() as tx:
            self.id = tx.execute("INSERT INTO ingest_jobs(started_at, total, files_json) VALUES (?,?,?)",
                                 (_now(), len(names), json.dumps(names))).lastrowid
        self._thread = threading.Thread(target=self._run, name=f"groundwork-ingest-{self.id}", daemon=True)

    def start(self) -> "IngestJob":
        self._thread.start()
        return self

    def view(self) -> JobView:
        with self._lock:
            return JobView(self.id, tuple(self._files), self._running, self._current, self._stop.is_set())

    def stop(self) -> None:
        """Leave out the files not started yet; the file being added is finished whole (never half a document)."""
        self._stop.set()

    def wait(self, timeout: Optional[float] = None) -> JobView:
        self._thread.join(timeout)
        return self.view()

    def _update(self, i: int, **changes) -> None:
        with self._lock:
            self._files[i] = replace(self._files[i], **changes)

    def _run(self) -> None:
        try:
            for i, step in enumerate(self._work):
                if self._stop.is_set():
                    break
                with self._lock:
                    self._current = i
                self._update(i, message="Starting")
                def progress(f: float, m: str, i: int = i) -> None:
                    self._update(i, fraction=max(0.0, min(1.0, f)), message=m)

                report = step(progress)
                self._update(i, fraction=1.0, message=report.status, report=report)
                with self.library.db.transaction() as tx:
                    tx.execute("UPDATE ingest_jobs SET done = ? WHERE id = ?", (i + 1, self.id))
        except Exception:  # the pipeline reports bad files itself; this is a bug, kept out of sight
            log.exception("ingest job %s stopped", self.id)
        finally:
            with self._lock:
                self._current = len(self._files)
                self._running = False
            with self.library.db.transaction() as tx:
                tx.execute("UPDATE ingest_jobs SET finished_at = ? WHERE id = ?", (_now(), self.id))


class JobBoard:
    """The jobs of one library in this process: at most one batch at a time, and the last one's results."""

    def __init__(self, library):
        self.library = library
        self._lock = threading.Lock()
        self._job: Optional[IngestJob] = None

    def current(self) -> Optional[IngestJob]:
        with self._lock:
            return self._job

    def busy(self) -> bool:
        job = self.current()
        return job is not None and job.view().running

    def _start(self, job_factory) -> IngestJob:
        with self._lock:
            if self._job is not None and self._job.view().running:
                return self._job  # one batch at a time; a second click shows the running one
            self._job = job_factory().start()
            return self._job

    def add_checked(self, checks: list[FileCheck], only_owner: bool = False) -> IngestJob:
        """Add files the page has already checked (``only_owner``: marked "Only me" from the start)."""
        lib = self.library
        work: list[Step] = [functools.partial(add_checked, c, lib, only_owner=only_owner) for c in checks]
        return self._start(lambda: IngestJob(lib, work, [c.name for c in checks]))

    def add_files(self, items: list[tuple[str, bytes]]) -> IngestJob:
        """Check and add files in one go (the sample documents)."""
        lib, known = self.library, dict[str, str]()

        def step(name, data, progress):
            check = check_file(name, data, lib, lambda f, m: progress(0.3 * f, m), known)
            return add_checked(check, lib, lambda f, m: progress(0.3 + 0.7 * f, m))

        work: list[Step] = [functools.partial(step, n, d) for n, d in items]
        return self._start(lambda: IngestJob(lib, work, [n for n, _ in items]))

    def stop(self, timeout: float = 180.0) -> Optional[JobView]:
        """Stop the running batch after the file being added, and wait for that (the removal of
        what it added must come after it). Returns the stopped batch, or None if none was running."""
        job = self.current()
        if job is None or not job.view().running:
            return None
        job.stop()
        return job.wait(timeout)

    def dismiss(self) -> None:
        """Forget the finished batch's results (the page's Dismiss button)."""
        with self._lock:
            if self._job is not None and not self._job.view().running:
                self._job = None

    def interrupted(self) -> Optional[InterruptedBatch]:
        """The last batch cut short by closing Groundwork, if the owner hasn't been told yet."""
        job = self.current()
        running = {job.id} if job is not None and job.view().running else set()
        row = self.library.db.conn().execute(
            "SELECT * FROM ingest_jobs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
        if row is None or row["id"] in running:
            return None
        names = json.loads(row["files_json"] or "[]")
        return InterruptedBatch(row["id"], row["started_at"], row["done"], row["total"], names[row["done"]:])

    def acknowledge(self, batch_id: int) -> None:
        with self.library.db.transaction() as tx:
            tx.execute("UPDATE ingest_jobs SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                       (_now(), batch_id))
