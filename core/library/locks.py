"""The write lock: one writer at a time, across threads and across processes, on every system.

A thread lock orders the threads of this process (browser sessions); an OS file lock on
``<data folder>/.lock`` (the ``filelock`` library: ``fcntl`` on Linux and macOS, ``msvcrt``
on Windows) orders processes (the app and a command-line ingest). Held re-entrantly, so a
writer's steps can nest.
"""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

_thread_locks: dict[str, threading.RLock] = {}
_guard = threading.Lock()


class WriteLock:
    def __init__(self, path: Path):
        self.path = Path(path)
        with _guard:
            self._rlock = _thread_locks.setdefault(str(self.path), threading.RLock())
        self._file = FileLock(str(self.path), thread_local=False)
        self._depth = 0

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for the lock, then hold it for the block."""
        with self._rlock:
            if self._depth == 0:
                self._file.acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._file.release()

    @contextlib.contextmanager
    def try_hold(self) -> Iterator[bool]:
        """Hold the lock for the block if nobody else has it; yields whether it is held (never waits)."""
        if not self._rlock.acquire(blocking=False):
            yield False
            return
        try:
            if self._depth == 0:
                try:
                    self._file.acquire(timeout=0)
                except Timeout:
                    yield False
                    return
            self._depth += 1
            try:
                yield True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._file.release()
        finally:
            self._rlock.release()
