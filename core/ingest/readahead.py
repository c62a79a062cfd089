"""Reading the next file in a worker process while the current one is embedded.

Embedding keeps every core busy with the model; reading a PDF with pypdf is pure Python on one
core. Reading file *n + 1* in another process while file *n* is embedded takes the reading off
the critical path. One file is read ahead at most, so memory stays bounded whatever the folder's
size. The worker is started with ``spawn`` (never ``fork``: this process runs threads), once per
batch, and only for a batch of at least ``READ_AHEAD_MIN_FILES`` (``core.ingest.pipeline``) files: for
fewer, starting it costs more than it saves. If the worker can't start or dies, the
file is simply read here instead.

The worker never outlives this process: a killed parent (``kill -9``, a closed terminal, SIGTERM)
leaves no worker behind to finish reading a scan and then wait forever. On Linux the kernel kills
it when the parent goes (``PR_SET_PDEATHSIG``); everywhere, a watch thread in the worker checks
once a second that its parent is still there (its process id, and multiprocessing's parent sentinel,
which also works on Windows), and ends the worker when not.
A file given by its path is read by the worker itself, so its bytes never cross the pipe.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Optional

from core.settings import Settings
from core.types import ParsedDocument

log = logging.getLogger(__name__)


PARENT_CHECK_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with_parent(parent: int) -> None:
    """In the worker, first thing: end when the process that started it ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent went before the line above took effect
        os._exit(1)

    import multiprocessing

    handle = multiprocessing.parent_process()  # its sentinel fires when the parent ends (Windows too)

    def watch() -> None:
        while True:
            threading.Event().wait(PARENT_CHECK_SECONDS)
            if os.getppid() != parent or (handle is not None and not handle.is_alive()):
                os._exit(1)

    threading.Thread(target=watch, name="groundwork-parent-watch", daemon=True).start()


def _logging_like_parent() -> tuple[bool, int]:
    """What the worker's logging should do: stay quiet, as the CLI is without ``--debug`` (only
    NullHandlers on the root logger), or print records at the parent's level."""
    root = logging.getLogger()
    quiet = bool(root.handlers) and all(isinstance(h, logging.NullHandler) for h in root.handlers)
    return quiet, root.level


def _start_worker(parent: int, quiet: bool, level: int) -> None:
    """In the worker: end with the parent (``_end_with_parent``), and log like it. A spawned process
    starts with no logging set up, and Python's last-resort handler would print every warning, with
    its traceback, on the owner's screen."""
    _end_with_parent(parent)
    root = logging.getLogger()
    if quiet:
        root.addHandler(logging.NullHandler())
    else:
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _read_in_worker(name: str, data, settings: Settings) -> ParsedDocument:
    """Read one file; ``data`` is its bytes or its path (then the worker opens it itself)."""
    from core.documents import read_document

    if not isinstance(data, (bytes, bytearray)):
        with open(data, "rb") as fh:
            data = fh.read()
    return read_document(name, data, settings, None)


class ReadAhead:
    """``start(key, name, data)`` begins reading in the worker; ``reader(key)`` gives what ``check_file`` calls."""

    def __init__(self, settings: Settings, enabled: bool = True):
        self._settings = settings
        self._enabled = enabled
        self._pool: Optional[ProcessPoolExecutor] = None
        self._futures: dict[int, Future] = {}

    def __enter__(self) -> "ReadAhead":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        # After a normal batch nothing is left to read, and waiting lets the worker exit cleanly: a
        # pool left to shut down at interpreter exit could print "Bad file descriptor" there. After
        # an error (Ctrl-C), don't wait for a read nobody needs.
        if self._pool is not None:
            self._pool.shutdown(wait=exc_type is None, cancel_futures=True)

    def _workers(self) -> Optional[ProcessPoolExecutor]:
        if self._enabled and self._pool is None:
            import multiprocessing

            try:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start_worker,
                                                 initargs=(os.getpid(), *_logging_like_parent()))
            except (OSError, ValueError):  # no processes here: read in this one
                log.warning("reading ahead is unavailable", exc_info=True)
                self._enabled = False
        return self._pool

    def start(self, key: int, name: str, data) -> None:
        """Begin reading ``data`` (bytes, or a path the worker opens itself) as ``name``."""
        pool = self._workers()
        if pool is None:
            return
        try:
            self._futures[key] = pool.submit(_read_in_worker, name, data, self._settings)
        except (BrokenProcessPool, RuntimeError):
            self._enabled = False

    def reader(self, key: int) -> Optional[Callable[[str, bytes], ParsedDocument]]:
        """A reader for the file started under ``key`` (None when it wasn't started ahead)."""
        future = self._futures.pop(key, None)
        if future is None:
            return None

        def read(name: str, data: bytes) -> ParsedDocument:
            try:
                return future.result()
            except BrokenProcessPool:  # the worker died (memory?): read it here instead
                log.warning("the reading worker stopped; reading %s here", name)
                self._enabled = False
                from core.documents import read_document

                return read_document(name, data, self._settings, None)

        return read
