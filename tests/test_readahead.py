"""Reading the next file in a worker process while the current one is embedded (core.ingest.readahead)."""
from __future__ import annotations

import contextlib
import os
import signal

from core.documents import read_document
from core.ingest import add_files
from core.ingest.readahead import ReadAhead
from core.library import Library
from tests.builders import LOREM_TOPICS, make_docx, make_pdf


class TestReadAhead:
    def test_a_file_read_in_the_worker_equals_one_read_here(self, settings):
        data = make_pdf(LOREM_TOPICS)
        with ReadAhead(settings) as ahead:
            ahead.start(0, "Handbook.pdf", data)
            workers = list(ahead._pool._processes)
            doc = ahead.reader(0)("Handbook.pdf", data)
        assert workers and os.getpid() not in workers  # really another process
        assert doc == read_document("Handbook.pdf", data, settings)

    def test_a_bad_file_keeps_its_plain_reason(self, settings):
        with ReadAhead(settings) as ahead:
            ahead.start(0, "empty.pdf", b"")
            try:
                ahead.reader(0)("empty.pdf", b"")
            except Exception as exc:  # the AppError crosses the process boundary intact
                assert "empty" in exc.user_message
            else:
                raise AssertionError("an empty file must be refused")

    def test_a_worker_that_dies_means_reading_here(self, settings):
        data = make_docx([("Hours", "We open at nine.")])
        with ReadAhead(settings) as ahead:
            ahead.start(0, "warm.docx", data)
            ahead.reader(0)("warm.docx", data)
            for pid in list(ahead._pool._processes):
                with contextlib.suppress(ProcessLookupError):  # already gone (seen once in CI): dead either way
                    os.kill(pid, signal.SIGKILL)
            ahead.start(1, "Ops.docx", data)
            # the pool may notice the death at once (start reads nothing ahead: reader None, and the caller
            # reads the file itself, as ingest does) or only when asked for the result (read here then)
            reader = ahead.reader(1)
            doc = reader("Ops.docx", data) if reader else read_document("Ops.docx", data, settings, None)
        assert doc.segments and doc.segments[0].section == "Hours"

    def test_not_started_means_nothing_to_wait_for(self, settings):
        with ReadAhead(settings, enabled=False) as ahead:
            ahead.start(0, "a.pdf", make_pdf(["x"]))
            assert ahead.reader(0) is None and ahead._pool is None


def test_a_folder_added_with_reading_ahead_gives_each_file_its_verdict(settings):
    lib = Library(settings)
    items = [("a.pdf", make_pdf(["Saddle fitting takes 30 minutes."])), ("empty.pdf", b""),
             ("b.docx", make_docx([("Hours", "We open at nine on weekdays.")])),
             ("a copy.pdf", make_pdf(["Saddle fitting takes 30 minutes."]))]
    reports = add_files(lib, items)
    assert [(r.file, r.status) for r in reports] == [
        ("a.pdf", "added"), ("empty.pdf", "failed"), ("b.docx", "added"), ("a copy.pdf", "unchanged")]
    assert {d.file for d in lib.documents()} == {"a.pdf", "b.docx"}


def test_a_worker_is_started_for_three_files_and_not_for_two(settings, monkeypatch):
    """Starting the worker costs seconds, which two files can't win back: they are read here."""
    import core.ingest.pipeline as pipeline

    started = []
    real = ReadAhead._workers

    def counting(self):
        pool = real(self)
        if pool is not None and pool not in started:
            started.append(pool)
        return pool

    monkeypatch.setattr(ReadAhead, "_workers", counting)
    files = [(f"{n}.docx", make_docx([("Hours", f"We open at {n} on weekdays.")])) for n in ("six", "seven", "eight")]
    lib = Library(settings)
    assert [r.status for r in add_files(lib, files[:2])] == ["added", "added"]
    assert started == []  # two files: no worker
    assert pipeline.READ_AHEAD_MIN_FILES == 3
    lib.remove("six.docx")
    lib.remove("seven.docx")
    assert [r.status for r in add_files(lib, files)] == ["added", "added", "added"]
    assert len(started) == 1  # three: one worker reads ahead
