"""The library: real Chroma and SQLite in tmp_path, real files, the real embedding model."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from core.embeddings import MiniLMEmbedder
from core.errors import NotFoundError
from core.ingest import add_files
from core.library import Library
from core.search import search
from tests.builders import LOREM_TOPICS, make_docx, make_pdf
from tests.conftest import ROOT


class CountingEmbedder(MiniLMEmbedder):
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def embed(self, texts, progress=None):
        self.calls += len(texts)
        return super().embed(texts, progress)


class FailingEmbedder(MiniLMEmbedder):
    """The real model, failing half-way through a document's passages."""

    def embed(self, texts, progress=None):
        if len(texts) > 1:
            super().embed(texts[: len(texts) // 2], progress)
            raise RuntimeError("simulated crash while embedding")
        return super().embed(texts, progress)


class FailingStore(Library):
    """Fails after writing some of a document's vectors (a crash half-way through storing it)."""

    def _put_vectors(self, doc_id, chunks, vectors, progress):
        super()._put_vectors(doc_id, chunks[:5], vectors[:5], progress)
        raise RuntimeError("simulated crash while storing")


@pytest.fixture
def lib(settings):
    return Library(settings, CountingEmbedder())


def long_pdf(n_pages: int, tag: str = "") -> bytes:
    return make_pdf([f"Page {i + 1} {tag}. " + " ".join(LOREM_TOPICS) * 3 for i in range(n_pages)])


def test_add_lists_document_and_keeps_original(lib, settings):
    report = add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS))])[0]
    assert report.status == "added", report.message
    assert report.pages == 5 and report.chunks >= 5
    [doc] = lib.documents()
    assert (doc.file, doc.type, doc.pages, doc.status) == ("Handbook.pdf", "pdf", 5, "ready")
    stored = lib.original_path("Handbook.pdf")
    assert stored.parent == settings.files_dir and stored.read_bytes()[:5] == b"%PDF-"
    assert lib.vector_count() == lib.chunk_count() == doc.chunks
    assert "eye protection" in lib.page_text("Handbook.pdf", 4)


def test_identical_content_is_not_embedded_again(lib):
    data = make_pdf(LOREM_TOPICS)
    add_files(lib, [("Handbook.pdf", data)])
    calls = lib.embedder.calls
    again = add_files(lib, [("Handbook.pdf", data)])[0]
    assert again.status == "unchanged" and "already in your library" in again.message
    other_name = add_files(lib, [("Copy of handbook.pdf", data)])[0]
    assert other_name.status == "unchanged" and "Handbook.pdf" in other_name.message
    assert lib.embedder.calls == calls
    assert len(lib.documents()) == 1


def test_lookups_by_content_and_name_see_ready_documents_only(lib):
    import hashlib

    data = make_pdf(["Opening hours are 9 to 6 on weekdays."])
    sha = hashlib.sha256(data).hexdigest()
    add_files(lib, [("Hours.pdf", data)])
    assert lib.by_hash(sha) == "Hours.pdf" and lib.has_name("Hours.pdf")
    assert lib.by_hash("0" * 64) is None and not lib.has_name("Other.pdf")
    with lib.db.transaction() as tx:  # as if it were still being stored
        tx.execute("UPDATE documents SET status = 'indexing' WHERE name = 'Hours.pdf'")
    assert lib.by_hash(sha) is None and not lib.has_name("Hours.pdf")
    assert lib.documents() == [] and lib.chunk_count() == 0 and lib.stats().documents == 0
    assert lib.removed_on("Hours.pdf") is None  # never removed, and not there either


def test_same_name_new_content_replaces_old_version(lib, settings):
    add_files(lib, [("Prices.pdf", make_pdf(["The Trail 500 costs 1299 dollars."]))])
    old_path = lib.original_path("Prices.pdf")
    report = add_files(lib, [("Prices.pdf", make_pdf(["The Trail 500 now costs 1399 dollars from March."]))])[0]
    assert report.status == "replaced" and "replaced" in report.message
    [doc] = lib.documents()
    assert doc.versions == 2
    assert not old_path.exists()
    texts = [r.text for r in search(lib, "Trail 500 price", k=5)]
    assert any("1399" in t for t in texts) and not any("1299" in t for t in texts)
    assert lib.vector_count() == lib.chunk_count()
    assert lib.stats().replacements == 1


def test_remove_deletes_chunks_keywords_vectors_and_original(lib, settings):
    add_files(lib, [("Keep.pdf", make_pdf(["Bicycle helmets are required on all group rides."]))])
    add_files(lib, [("Drop.pdf", make_pdf(["The warehouse alarm code changes every quarter."]))])
    path = lib.original_path("Drop.pdf")
    lib.remove("Drop.pdf")
    assert [d.file for d in lib.documents()] == ["Keep.pdf"]
    assert not path.exists()
    assert lib.vector_count() == lib.chunk_count()
    assert all(r.file == "Keep.pdf" for r in search(lib, "warehouse alarm code", k=5))
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'warehouse'").fetchone()[0] == 0
    with pytest.raises(NotFoundError) as err:
        lib.remove("Drop.pdf")
    assert "no document called" in err.value.user_message


@pytest.mark.parametrize("make", [lambda s: Library(s, FailingEmbedder()), lambda s: FailingStore(s, MiniLMEmbedder())],
                         ids=["while embedding", "while storing"])
def test_failure_mid_ingest_rolls_back(settings, make):
    lib = make(settings)
    report = add_files(lib, [("Big.pdf", long_pdf(40))])[0]
    assert report.status == "failed"
    assert report.error == "Groundwork couldn't finish adding this file, so nothing was saved; try adding it again."
    assert lib.documents() == []
    assert lib.vector_count() == 0
    assert list(settings.files_dir.iterdir()) == []
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from core.embeddings import MiniLMEmbedder
    from core.ingest import add_files
    from core.library import Library
    from core.settings import load_settings
    from tests.test_library import long_pdf

    class SlowStore(Library):
        # stops half-way through writing the vectors: the moment a crash could leave debris
        def _put_vectors(self, doc_id, chunks, vectors, progress):
            super()._put_vectors(doc_id, chunks[:5], vectors[:5], progress)
            print("STORING", flush=True)
            time.sleep(60)

    lib = SlowStore(load_settings(), MiniLMEmbedder())
    add_files(lib, [("Killed.pdf", long_pdf(40))])
    """
)


def test_kill_mid_ingest_is_cleaned_up_on_next_start(settings):
    lib = Library(settings, MiniLMEmbedder())
    add_files(lib, [("Survivor.pdf", make_pdf(["Opening hours are 9 to 6 on weekdays."]))])
    before = lib.vector_count()
    del lib
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, env=os.environ.copy())
    line = proc.stdout.readline().decode()
    assert "STORING" in line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT count(*) FROM documents WHERE status='indexing'").fetchone()[0] == 1
    lib = Library(settings, MiniLMEmbedder())  # the next start recovers
    assert [d.file for d in lib.documents()] == ["Survivor.pdf"]
    assert lib.vector_count() == before == lib.chunk_count()
    assert len(list(settings.files_dir.iterdir())) == 1
    with sqlite3.connect(settings.db_path) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_two_tabs_ingesting_at_once(settings):
    lib = Library(settings, MiniLMEmbedder())
    errors = []

    def tab(prefix):
        try:
            for i in range(3):
                add_files(lib, [(f"{prefix}-{i}.pdf", make_pdf([f"{prefix} document {i}. " + LOREM_TOPICS[i]]))])
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=tab, args=(p,)) for p in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert len(lib.documents()) == 6
    assert lib.vector_count() == lib.chunk_count()


def test_second_process_sees_consistent_library(settings):
    """The CLI and the app share one data folder; both write under the same lock."""
    lib = Library(settings, MiniLMEmbedder())
    folder = settings.data_dir.parent / "incoming"
    folder.mkdir()
    (folder / "cli.pdf").write_bytes(make_pdf(["Added from the command line: the bike wash costs 12 dollars."]))
    proc = subprocess.Popen([sys.executable, "-m", "core", "ingest", str(folder), "--json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    add_files(lib, [("app.pdf", make_pdf(["Added from the app: saddle fitting takes 30 minutes."]))])
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    lib2 = Library(settings, MiniLMEmbedder())
    assert {d.file for d in lib2.documents()} == {"cli.pdf", "app.pdf"}
    assert lib2.vector_count() == lib2.chunk_count()


def test_batch_verdicts_each_file(lib):
    good = make_pdf(["Saddle fitting takes 30 minutes."])
    items = [
        ("good.pdf", good),
        ("empty.pdf", b""),
        ("notes.docx", b"<html><body>not a word file</body></html>"),
        ("good again.pdf", good),
        ("../../escape.docx", make_docx([("Hours", "We open at nine.")])),
    ]
    reports = add_files(lib, items)
    statuses = [(r.file, r.status) for r in reports]
    assert statuses[0] == ("good.pdf", "added")
    assert statuses[1][1] == "failed" and reports[1].error
    assert statuses[2][1] == "failed" and reports[2].error
    assert statuses[3][1] == "unchanged" and "only once" in reports[3].message
    assert statuses[4] == ("escape.docx", "added")
    for r in reports:
        assert "Traceback" not in (r.message or "") and "Error" not in (r.error or "")
    assert {d.file for d in lib.documents()} == {"good.pdf", "escape.docx"}
    # nothing was written outside the data folder
    assert all(p.parent == lib.settings.files_dir for p in lib.settings.files_dir.iterdir())


def test_docx_sections_are_kept(lib):
    data = make_docx([("Opening hours", "Weekdays nine to six."), ("Closing procedure", "Set the alarm and lock both doors.")])
    add_files(lib, [("Ops.docx", data)])
    [r] = search(lib, "how do I lock up at night", k=1)
    assert r.file == "Ops.docx" and r.page is None and r.section == "Closing procedure"
    assert "alarm" in lib.section_text("Ops.docx", "Closing procedure")


class RenamedMiniLM(MiniLMEmbedder):
    """The same model under another name: stands for switching the embedding model."""

    name = "minilm-switched"


def test_switching_embedding_model_reindexes_from_stored_documents(settings):
    lib = Library(settings, MiniLMEmbedder())
    add_files(lib, [("A.pdf", make_pdf(LOREM_TOPICS))])
    switched = Library(settings, RenamedMiniLM())
    assert switched.collection_name() != lib.collection_name()
    assert switched.needs_rebuild() and switched.vector_count() == 0
    assert switched.rebuild_index() == 1
    assert not switched.needs_rebuild()
    assert switched.vector_count() == switched.chunk_count()
    assert search(switched, "rental deposit refund", k=1)[0].page == 5


@pytest.mark.slow
def test_chroma_server_mode(tmp_path, monkeypatch):
    """With GROUNDWORK_CHROMA_URL set, vectors live in a real `chroma run` server."""
    import socket
    import urllib.request

    from core.settings import load_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # chromadb's own ``chroma`` command, run by this interpreter (no activated environment or PATH needed)
    chroma = [sys.executable, "-c", "from chromadb.cli.cli import app; app()"]
    server = subprocess.Popen([*chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start")
        monkeypatch.setenv("GROUNDWORK_CHROMA_URL", f"http://127.0.0.1:{port}")
        settings = load_settings()
        lib = Library(settings, MiniLMEmbedder())
        add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
        assert not settings.chroma_dir.exists()  # nothing stored locally
        assert search(lib, "eye protection in the workshop", k=1)[0].page == 4
        import chromadb

        remote = chromadb.HttpClient(host="127.0.0.1", port=port)
        assert remote.get_collection(lib.collection_name()).count() == lib.chunk_count()
    finally:
        server.terminate()
        server.wait(20)


def test_a_removed_document_leaves_no_trace_of_its_name(settings):
    """Neither the vector store nor the database keeps a removed file's name or text anywhere on disk."""
    lib = Library(settings, MiniLMEmbedder())
    add_files(lib, [("Salaries-Zebedee.pdf", make_pdf(["Quixotic payroll figures for Zebedee's team."]))])
    lib.remove("Salaries-Zebedee.pdf")
    del lib
    import gc

    gc.collect()
    leftovers = []
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if b"Salaries-Zebedee" in data or b"Quixotic payroll" in data:
                leftovers.append(path.relative_to(settings.data_dir))
    assert leftovers == []
