"""The one way files enter the library: check, read, split, embed, store.

    check   each file read once (core.documents), and a decision: add, replace, skip or fail;
            one decision per name and per content in a batch
    split   into passages that keep their page (core.chunking)
    embed   the passages' vectors, without holding the library's write lock
    store   atomically (core.library.Library.store), under the write lock, for seconds only

The Documents page checks a batch first (to show what was found) and then adds it; the
command line does both in one go, one file at a time, so memory stays bounded whatever the
folder's size. Every file gets its own verdict; one bad file never stops the others.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from core.chunking import chunk_document
from core.errors import AppError
from core.ingest.readahead import ReadAhead
from core.ingest.reports import (ALREADY_THERE, ALREADY_THERE_AS, NO_TEXT, OPEN_FAILED, READ_FAILED, REPLACED,
                                 SAME_IN_BATCH, SAME_NAME_IN_BATCH, STORE_FAILED, FileCheck, IngestReport, describe)
from core.library import Library, embed_text
from core.types import Progress, no_progress

log = logging.getLogger(__name__)


def _read(check: FileCheck, library: Library, progress: Progress, read: Optional[Callable] = None) -> None:
    """Read the file into ``check.doc`` (``read`` may have started already in a worker process);
    a file that can't be read gets its plain reason."""
    from core.documents import read_document

    try:
        if read is not None:
            progress(0.0, f"Reading {check.name}")
            check.doc = read(check.name, check.data)
        else:
            check.doc = read_document(check.name, check.data, library.settings, progress)
    except AppError as exc:
        check.action, check.problem = "fail", exc.user_message
        return
    except Exception:  # a parser bug must not stop the batch
        log.exception("unexpected error reading %s", check.name)
        check.action, check.problem = "fail", READ_FAILED
        return
    check.name = check.doc.name
    check.notes.extend(check.doc.triage.warnings)
    if check.doc.triage.words == 0:
        check.action, check.problem = "fail", NO_TEXT


def check_file(name: str, data: bytes, library: Library, progress: Progress = no_progress,
               known: Optional[dict[str, str]] = None, read: Optional[Callable] = None) -> FileCheck:
    """Read one file and decide what adding it would do; never raises for a bad file.

    ``known`` maps content hashes already seen in this batch to their names (updated here);
    ``read(name, data)``, when given, delivers the file already being read elsewhere.
    """
    from core.documents import safe_name

    known = {} if known is None else known
    check = FileCheck(name=safe_name(name), size=len(data), data=data, sha256=hashlib.sha256(data).hexdigest())
    if check.sha256 in known:
        check.action = "skip"
        check.notes.append(SAME_IN_BATCH.format(other=known[check.sha256]))
        return check
    existing = library.by_hash(check.sha256)
    if existing is not None:
        check.action = "skip"
        check.notes.append(ALREADY_THERE if existing == check.name else ALREADY_THERE_AS.format(other=existing))
        known[check.sha256] = check.name
        return check
    _read(check, library, progress, read)
    if check.action != "fail":
        known[check.sha256] = check.name
        check.action = "replace" if library.has_name(check.name) else "add"
    return check


def check_batch(items: list[tuple[str, bytes]], library: Library, progress: Progress = no_progress) -> list[FileCheck]:
    """Read every file of a batch and decide, once per name, what adding it would do."""
    known: dict[str, str] = {}
    checks: list[FileCheck] = []
    n = max(len(items), 1)
    for i, (name, data) in enumerate(items):
        def sub(fraction: float, message: str, i=i, name=name) -> None:
            progress((i + max(0.0, min(1.0, fraction))) / n, f"{name}: {message}")

        checks.append(check_file(name, data, library, sub, known))
    _one_decision_per_name(checks)
    progress(1.0, "Checked")
    return checks


def _one_decision_per_name(checks: list[FileCheck]) -> None:
    """Two different files with one name in a batch: the last one is added, the others are skipped."""
    last: dict[str, FileCheck] = {}
    for check in checks:
        if check.ok:
            last[check.name] = check
    for check in checks:
        if check.ok and last[check.name] is not check:
            check.action, check.notes = "skip", [SAME_NAME_IN_BATCH.format(name=check.name)]


def add_checked(check: FileCheck, library: Library, progress: Progress = no_progress,
                only_owner: bool = False) -> IngestReport:
    """Split, embed and store one checked file; never raises for a bad file.

    ``only_owner``: the document is marked "Only me" (``core.library.visibility``) from its first moment;
    a file already in the library (unchanged) gets the mark too.
    """
    if not check.ok:
        if only_owner and check.action == "skip":  # already in the library: it gets the mark
            existing = library.by_hash(check.sha256)
            if existing is not None:
                library.set_only_owner(existing, True)
        progress(1.0, "Skipped")
        return IngestReport.from_check(check)
    doc = check.doc
    assert doc is not None  # a check that is ok read the file
    report = IngestReport(file=doc.name, status="failed", pages=doc.triage.pages, triage=doc.triage,
                          warnings=list(doc.triage.warnings))
    try:
        chunks = chunk_document(doc, library.settings.chunk_size, library.settings.chunk_overlap,
                                max_passages=library.settings.max_passages)
        if not chunks:
            report.error = report.message = NO_TEXT
            return report
        progress(0.0, f"Preparing passage 0 of {len(chunks)} for searching")
        vectors = library.embedder.embed([embed_text(doc.name, c) for c in chunks],
                                         progress=lambda f, m: progress(0.95 * f, m))
        stored = library.store(doc, chunks, vectors, check.data, lambda f, m: progress(0.95 + 0.05 * f, m),
                               only_owner=only_owner)
        if only_owner and stored.status == "unchanged":
            library.set_only_owner(stored.same_as or doc.name, True)
    except AppError as exc:
        report.error = report.message = exc.user_message
        return report
    except Exception:  # rolled back by Library.store; the batch goes on
        log.exception("adding %s failed", doc.name)
        report.error = report.message = STORE_FAILED
        return report
    report.status, report.chunks = stored.status, stored.chunks
    if stored.status == "unchanged":
        report.message = ALREADY_THERE if stored.same_as == doc.name else ALREADY_THERE_AS.format(other=stored.same_as)
    elif stored.status == "replaced":
        report.message = REPLACED.format(name=doc.name)
    else:
        report.message = f"Added: {describe(doc.triage, stored.chunks)}."
    progress(1.0, "Done")
    return report


def _bytes(data: Union[bytes, Path]) -> bytes:
    return data if isinstance(data, (bytes, bytearray)) else Path(data).read_bytes()


def _sha256(data: Union[bytes, Path]) -> str:
    if isinstance(data, (bytes, bytearray)):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with open(data, "rb") as fh:  # in pieces: the file is not held in memory to be hashed
        for piece in iter(lambda: fh.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


# A worker process takes time to start (a fresh Python importing the readers) and only reads files
# after the first: for two files it can't finish before this process would have read the second one
# itself. Two small files, measured: 0.05 s here against 0.8 s with the worker on a quiet machine, and
# seconds on a loaded one (``tests/test_readahead.py`` checks which batches start one).
READ_AHEAD_MIN_FILES = 3


def _worth_reading_ahead(library: Library, data: Union[bytes, Path]) -> bool:
    try:
        return not _stored(library, data)
    except OSError:  # unreadable: its turn will say so
        return False


def _stored(library: Library, data: Union[bytes, Path]) -> bool:
    return library.by_hash(_sha256(data)) is not None


def add_files(library: Library, items: Iterable[tuple[str, Union[bytes, Path]]], progress: Progress = no_progress,
              total: Optional[int] = None, only_owner: bool = False) -> list[IngestReport]:
    """Check and add files one at a time (the command line, the sample documents, tests).

    While one file is embedded, the next is read in a worker process (``core.ingest.readahead``) when
    the batch holds at least ``READ_AHEAD_MIN_FILES`` files: starting that process costs more time
    than reading one small file, which only a batch of several files wins back. Files already in the
    library are never read. ``items`` may be a generator (a folder read lazily); ``total`` then sizes
    the progress bar. An item's data may be a path: the file is then read when its turn comes (by the
    worker, when read ahead), so one file at a time is in memory.
    """
    if total is None:
        items = list(items)
        total = len(items)
    n = max(total, 1)
    known: dict[str, str] = {}
    reports: list[IngestReport] = []
    upcoming = iter(items)
    current = next(upcoming, None)
    with ReadAhead(library.settings, enabled=total >= READ_AHEAD_MIN_FILES) as ahead:
        i = 0
        while current is not None:
            following = next(upcoming, None)

            def sub(fraction: float, message: str, i=i) -> None:
                progress((i + max(0.0, min(1.0, fraction))) / n, message)

            try:
                name, data = current[0], _bytes(current[1])
            except OSError:  # gone, or not ours to read, since the batch was listed
                ahead.reader(i)  # forget what the worker made of it
                reports.append(IngestReport(file=current[0], status="failed", error=OPEN_FAILED, message=OPEN_FAILED))
                current, i = following, i + 1
                continue
            check = check_file(name, data, library, lambda f, m: sub(0.3 * f, m), known, ahead.reader(i))
            if following is not None and _worth_reading_ahead(library, following[1]):
                ahead.start(i + 1, *following)  # read the next file while this one is embedded
            reports.append(add_checked(check, library, lambda f, m: sub(0.3 + 0.7 * f, m), only_owner))
            current, i = following, i + 1
    progress(1.0, "Done")
    return reports
