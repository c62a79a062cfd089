"""The app's folder checks: at start, every few minutes, soon after a change is reported, and on "Check now".

One ``SyncLoop`` per app (``core.runtime`` builds it once per server), in a daemon thread.

Polling is what always works: every ``sync_interval_minutes`` a pass runs whatever happened. File
events (the ``watchdog`` library) only make a pass come sooner on a local disk: they are known not to
arrive from network shares (SMB/NFS) and their watcher can stop after a share outage, so nothing
depends on them. A burst of events (a folder being copied in) gives one pass, a few seconds after the
last event.

The loop never dies silently: whatever a pass raises is caught, written into each folder's state
(the Documents page shows it) and the log, and the loop goes on. A pass from the command line holds
the same pass lock; the loop then waits its turn (it tries again a few seconds later).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from core.sync import folders as kept
from core.sync.changelog import now
from core.sync.messages import UNEXPECTED

log = logging.getLogger(__name__)
RETRY_BUSY_S = 5.0
DEBOUNCE_S = 2.0


@dataclass
class LoopStatus:
    running: bool = False  # a pass is going on now
    message: str = ""  # what it is doing
    last_started: Optional[str] = None
    last_finished: Optional[str] = None
    passes: int = 0
    reports: list = field(default_factory=list)  # FolderReport of the last pass
    error: str = ""


class SyncLoop:
    def __init__(self, library, interval_s: Optional[float] = None, watch: Optional[bool] = None):
        self.library = library
        s = library.settings
        minutes = s.sync_interval_minutes if interval_s is None else interval_s / 60.0
        self.interval_s = minutes * 60.0 if minutes > 0 else None
        self.watch = s.sync_watch if watch is None else watch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._status = LoopStatus()
        self._thread: Optional[threading.Thread] = None
        self._observer: Optional[Any] = None
        self._watched: tuple[str, ...] = ()
        self._event_at = 0.0

    # -- control ----------------------------------------------------------------------------

    def start(self) -> "SyncLoop":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="groundwork-folder-sync", daemon=True)
            self._thread.start()
        return self

    def request(self) -> None:
        """Check now (the pass starts within a moment, or right after the one running)."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._stop_watching()

    def status(self) -> LoopStatus:
        with self._lock:
            return LoopStatus(**vars(self._status))

    def wait_for_pass(self, after: int, timeout: float) -> bool:
        """Block until more than ``after`` passes finished (tests, benchmarks); True when one did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status().passes > after:
                return True
            time.sleep(0.05)
        return False

    def _set(self, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(self._status, k, v)

    # -- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        delay: Optional[float] = 0.0  # a pass at start: files deleted while the app was closed go now
        self._keep_watching()  # before the first pass, so nothing landing during it is missed
        while not self._stop.is_set():
            if delay is None or delay > 0:
                self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            if self._event_at and time.monotonic() - self._event_at < DEBOUNCE_S:
                delay = DEBOUNCE_S  # more changes are coming in: wait for a quiet moment
                continue
            self._event_at = 0.0
            delay = self.interval_s
            busy = self._one_pass()
            if busy:
                delay = RETRY_BUSY_S
            elif any(r.waiting for r in self.status().reports):  # a file still being copied: look again soon
                soon = self.library.settings.sync_settle_seconds + 1.0
                delay = soon if delay is None else min(delay, soon)
            self._keep_watching()

    def _one_pass(self) -> bool:
        """Run one pass; True when another pass (the command line) held the lock. Never raises."""
        from core.sync.messages import OTHER_PASS
        from core.sync.passes import sync_all

        self._set(running=True, message="Checking your folders…", last_started=now(), error="")
        try:
            reports = sync_all(self.library, blocking=False, progress=lambda m: self._set(message=m))
            if reports is None:
                self._set(running=False, message=OTHER_PASS)
                return True
            with self._lock:
                self._status.reports = reports
        except Exception:  # never die silently: record it, where the owner will see it, and go on
            log.exception("a folder check failed")
            self._record_failure()
        finally:
            with self._lock:
                if self._status.message != OTHER_PASS:
                    self._status.running = False
                    self._status.message = ""
                    self._status.last_finished = now()
                    self._status.passes += 1
        return False

    def _record_failure(self) -> None:
        self._set(error=UNEXPECTED)
        try:
            for folder in kept.folders(self.library.db):
                if folder.last_pass_at is None or folder.last_pass_at < (self._status.last_started or ""):
                    kept.set_state(self.library.db, folder.id, last_pass_at=now(), last_error=UNEXPECTED)
        except Exception:
            log.exception("couldn't record the failed check")

    # -- file events (a hint only; polling is what always works) --------------------------------

    def _keep_watching(self) -> None:
        if not self.watch:
            return
        try:
            paths = tuple(f.path for f in kept.folders(self.library.db) if f.unreachable_since is None)
            if paths == self._watched and self._observer is not None and self._observer.is_alive():
                return
            self._stop_watching()
            if not paths:
                return
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer

            loop = self

            class Poke(FileSystemEventHandler):
                def on_any_event(self, event):
                    if event.event_type in ("opened", "closed_no_write"):
                        return
                    loop._event_at = time.monotonic()
                    loop._wake.set()

            observer = Observer()
            observer.daemon = True
            for path in paths:
                try:
                    observer.schedule(Poke(), path, recursive=True)
                except OSError:  # gone, or too many folders to watch: polling covers it
                    continue
            observer.start()
            self._observer, self._watched = observer, paths
        except Exception:
            log.info("file events unavailable; polling only", exc_info=True)
            self._observer, self._watched = None, ()

    def _stop_watching(self) -> None:
        observer, self._observer, self._watched = self._observer, None, ()
        if observer is not None:
            try:
                observer.stop()
                observer.join(5)
            except Exception:
                pass
