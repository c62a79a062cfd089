"""The vector store (Chroma), kept consistent when several processes share one library.

Chroma's embedded store keeps its search index in the memory of each process that opens it,
so a process that opened it before another process wrote sees a stale index; and a stale
process that then *writes* saves an index without the other process's vectors, leaving them
unreadable ("Error finding id", measured here). So:

- every write to the library raises a generation number in SQLite (``core.db``);
- before each use, a handle compares that number with the one it opened at and, when another
  process has written since, reopens Chroma (about 0.1 s at 6,000 passages);
- writers use the store only while holding the write lock, after that check, so no process
  ever writes from a stale index;
- the allocator scrubs fresh memory while Chroma works (``core.privacy.scrubbed_allocations``), so the
  reserved slots of an index it saves can't carry text freed earlier in this process;
- a Chroma error during a read (a passage removed by another process mid-search) reopens the
  store and retries once; a second failure is reported in one plain sentence, never a traceback.

One handle per store folder per process, shared by every ``Library`` opened on it. An old
index is dropped, not stopped, so a search still running on it in another thread finishes.
A Chroma server (``GROUNDWORK_CHROMA_URL``) serves all processes itself: no reopening then.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import urlparse

from core.errors import LibraryError
from core.privacy import scrubbed_allocations
from core.settings import Settings

log = logging.getLogger(__name__)

SEARCH_FAILED = "Groundwork couldn't search your documents just now; try again in a moment."
STORE_FAILED = "Groundwork couldn't open its search index; close other Groundwork windows and try again."
SERVER_UNREACHABLE = ("Groundwork couldn't reach the shared document store at {url}. Check that it is running, "
                      "or remove GROUNDWORK_CHROMA_URL to use the local store.")

# Chroma keeps every write (vectors included) in a queue inside chroma.sqlite3 until it saves its index,
# by default after 1,000 of them, so a removed document's vectors stayed there. Saving after every write
# empties the queue at once (measured: a removal leaves only its own delete record).
HNSW = {"space": "cosine", "sync_threshold": 1}

# waits between attempts to open a local store another process is saving (None: the last attempt)
OPEN_RETRY_WAITS: tuple[float | None, ...] = (0.2, 0.5, 1.0, 2.0, 2.5, None)


def _files_state(folder: Path) -> tuple:
    """Each file's name, size and modification time under ``folder``: what a process saving it changes."""
    state: list[tuple] = []
    for path in sorted(folder.rglob("*")):
        try:
            st = path.stat()
        except OSError:  # removed while listed: a change in itself
            state.append((str(path), None))
            continue
        if path.is_file():
            state.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(state)


_handles: dict[str, "VectorStore"] = {}
_handles_guard = threading.Lock()


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url if "://" in settings.chroma_url else "http://" + settings.chroma_url)
        try:
            return chromadb.HttpClient(host=url.hostname or "localhost",
                                       port=url.port or (443 if url.scheme == "https" else 8000),
                                       ssl=url.scheme == "https", settings=chroma_settings)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise LibraryError(SERVER_UNREACHABLE.format(url=settings.chroma_url)) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _forget_cached_system(client) -> None:
    """Make the next ``PersistentClient`` on this folder load it from disk again (Chroma caches one per folder).

    Chroma's private ``SharedSystemClient._identifier_to_system``/``_identifier_to_refcount`` and a client's
    ``_identifier``: guarded by tests/test_private_internals.py."""
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = getattr(client, "_identifier", None)
    if identifier is not None:
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)


def _sync_threshold(collection) -> int | None:
    try:
        return (collection.configuration or {}).get("hnsw", {}).get("sync_threshold")
    except Exception:  # an older layout of the configuration: leave it
        return None


class VectorStore:
    """One Chroma collection, reopened when another process has written since it was opened."""

    def __init__(self, settings: Settings, collection_name: str):
        self._settings = settings
        self._name = collection_name
        self._remote = bool(settings.chroma_url)
        self._lock = threading.RLock()
        self._client: Any = None  # a chromadb client, opened on first use
        self._collection: Any = None
        self.generation = -1  # the library generation this handle's index reflects

    @classmethod
    def shared(cls, settings: Settings, collection_name: str) -> "VectorStore":
        key = f"{settings.chroma_url or settings.chroma_dir}|{collection_name}"
        with _handles_guard:
            handle = _handles.get(key)
            if handle is None:
                handle = _handles[key] = cls(settings, collection_name)
            return handle

    def _open(self) -> None:
        """Open the store; a local store being saved by another process at this moment can fail to load
        (its index files are rewritten after every write), so a failed open waits and tries again while
        the store's files are changing (about 6 s at most). When a second try fails and no file changed
        in between, nobody is saving it: the store is damaged, and that is said at once."""
        before = None
        for wait in OPEN_RETRY_WAITS:
            try:
                self._open_once()
                return
            except LibraryError as exc:
                now = None if self._remote else _files_state(self._settings.chroma_dir)
                if self._remote or wait is None or (before is not None and now == before):
                    log.error("opening the vector store failed", exc_info=exc.__cause__)
                    raise
                before = now
                log.warning("opening the vector store failed (%s); trying again in %.1f s", exc.__cause__, wait)
                time.sleep(wait)

    def _open_once(self) -> None:
        if self._client is not None and not self._remote:
            _forget_cached_system(self._client)
        try:
            self._client = _client(self._settings)
            self._collection = self._client.get_or_create_collection(
                self._name, embedding_function=None, configuration={"hnsw": HNSW})
            if not self._remote and _sync_threshold(self._collection) != HNSW["sync_threshold"]:
                # a collection made by an earlier release: the setting takes effect when it is next opened
                self._collection.modify(configuration={"hnsw": {"sync_threshold": HNSW["sync_threshold"]}})
                _forget_cached_system(self._client)
                self._client = _client(self._settings)
                self._collection = self._client.get_collection(self._name, embedding_function=None)
        except LibraryError:
            raise
        except Exception as exc:
            raise LibraryError(STORE_FAILED) from exc

    def collection(self, generation: int):
        """The collection, reopened first when the library's ``generation`` moved on since it was opened."""
        with self._lock, scrubbed_allocations():
            if self._collection is None or (generation != self.generation and not self._remote):
                self._open()
                self.generation = generation
            return self._collection

    def wrote(self, generation: int) -> None:
        """After this process wrote (holding the write lock): its own index is current at ``generation``."""
        with self._lock:
            self.generation = generation

    def read(self, generation: Callable[[], int], action: Callable[[Any], Any]) -> Any:
        """Run ``action(collection)``; on a Chroma error reopen and retry once, then one plain sentence."""
        try:
            with scrubbed_allocations():
                return action(self.collection(generation()))
        except LibraryError:
            raise
        except Exception:
            log.warning("vector store read failed; reopening", exc_info=True)
        with self._lock:
            self._collection = None  # force a reopen
        try:
            with scrubbed_allocations():
                return action(self.collection(generation()))
        except LibraryError:
            raise
        except Exception as exc:
            log.exception("vector store read failed twice")
            raise LibraryError(SEARCH_FAILED) from exc

    def count(self, generation: Callable[[], int]) -> int:
        return self.read(generation, lambda c: c.count())

    def write(self, generation: int, action: Callable[[Any], Optional[Any]]) -> Any:
        """Run a write (the caller holds the write lock and has checked ``generation``)."""
        with scrubbed_allocations():
            return action(self.collection(generation))
