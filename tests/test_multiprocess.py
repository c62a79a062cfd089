"""One library, several processes: the app and command-line ingests at the same time.

Real processes: ``python -m core`` in subprocesses against one data folder, and the app's
Find page (Streamlit's AppTest) in this process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from core.ingest import add_files
from core.library import Library
from core.search import search
from core.settings import load_settings
from tests.builders import LOREM_TOPICS, make_pdf
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

WORDS = ["aardvark", "bassoon", "cuttlefish", "dulcimer", "echidna", "flugelhorn", "gazelle", "harpsichord",
         "ibex", "jackal", "kestrel", "lemur", "marmoset", "narwhal", "ocelot", "pangolin"]


def cli(data_dir, *args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args, "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def start_cli(data_dir, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "core", *args, "--data-dir", str(data_dir)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def document(word: str, pages: int = 6) -> bytes:
    """A PDF whose every page mentions its own unique word."""
    return make_pdf([f"The {word} clause, part {i}. " + LOREM_TOPICS[i % len(LOREM_TOPICS)] * 3 for i in range(pages)])


def long_document(pages: int) -> bytes:
    return make_pdf([f"Page {i} of the long manual. " + " ".join(LOREM_TOPICS) * 2 for i in range(pages)])


def test_two_overlapping_ingests_leave_every_document_findable(data_dir, tmp_path):
    # Each process saves its search index to disk while the other works (the vector store saves after
    # every write, core.library.vectors): the first release lost a document's vectors here.
    left, right = tmp_path / "left", tmp_path / "right"
    left.mkdir(), right.mkdir()
    for i, word in enumerate(WORDS):
        for folder in ([left] if i < 6 else [right] if i >= 10 else [left, right]):  # 4 files in both
            (folder / f"{word}.pdf").write_bytes(document(word, pages=15))
    procs = [start_cli(data_dir, "ingest", str(folder), "--json") for folder in (left, right)]
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    listed = json.loads(cli(data_dir, "library", "--json").stdout)["documents"]
    assert sorted(d["file"] for d in listed) == sorted(f"{w}.pdf" for w in WORDS)
    lib = Library(load_settings(data_dir=data_dir))
    for word in WORDS:  # searched here: the processes under test are the two ingests above
        [hit] = search(lib, word, k=1, files=[f"{word}.pdf"])
        assert hit.file == f"{word}.pdf" and word in hit.text
    assert lib.vector_count() == lib.chunk_count()
    ids = [r[0] for r in lib.db.conn().execute("SELECT id FROM chunks")]
    for start in range(0, len(ids), 50):  # every stored vector is readable
        got = lib.vectors.read(lib.db.generation, lambda c, part=ids[start:start + 50]: c.get(ids=part))
        assert len(got["ids"]) == len(ids[start:start + 50])


def test_find_page_keeps_working_during_a_command_line_ingest(data_dir, tmp_path, fresh_streamlit_cache):
    add_files(Library(load_settings()), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    folder = tmp_path / "incoming"
    folder.mkdir()
    for word in WORDS[:8]:
        (folder / f"{word}.pdf").write_bytes(document(word, pages=12))
    proc = start_cli(data_dir, "ingest", str(folder))
    at = AppTest.from_file(str(ROOT / "pages" / "find.py"), default_timeout=120).run()
    searches = 0
    try:
        while proc.poll() is None and searches < 40:
            at.text_input(key="find_query").input(f"rental deposit refund {searches}")
            at.button(key="find_go").click().run()
            assert not at.exception, at.exception
            shown = "\n".join(str(m.value) for m in at.markdown)
            assert "Handbook" in shown and "Traceback" not in shown
            assert not at.error, [e.value for e in at.error]
            searches += 1
    finally:
        out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    assert searches >= 3, "the ingest finished before the page could search during it"
    # and the app's long-lived library sees the new documents without a restart
    at.text_input(key="find_query").input(WORDS[3])
    at.button(key="find_go").click().run()
    assert f"{WORDS[3]}.pdf".replace("_", "\\_") in "\n".join(str(m.value) for m in at.markdown)


PAUSED_WRITER = """
import sys, time
from pathlib import Path
from core.embeddings import MiniLMEmbedder
from core.ingest import add_files
from core.library import Library
from core.settings import load_settings
from tests.test_multiprocess import long_document

class PausedStore(Library):
    # a real ingest, paused while it holds the write lock half-way through storing its vectors
    def _put_vectors(self, doc_id, chunks, vectors, progress):
        super()._put_vectors(doc_id, chunks[:5], vectors[:5], progress)
        print("HOLDING THE LOCK", flush=True)
        release = Path(sys.argv[1])
        while not release.exists():
            time.sleep(0.1)
        super()._put_vectors(doc_id, chunks[5:], vectors[5:], progress)

add_files(PausedStore(load_settings(), MiniLMEmbedder()), [("Manual.pdf", long_document(20))])
"""


def test_reading_never_waits_for_a_writer(data_dir, tmp_path):
    add_files(Library(load_settings()), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    release = tmp_path / "release"
    writer = subprocess.Popen([sys.executable, "-c", PAUSED_WRITER, str(release)], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    try:
        assert "HOLDING THE LOCK" in writer.stdout.readline()
        # the first release opened the library by taking the write lock: these waited for the whole ingest
        listed = cli(data_dir, "library", "--json", timeout=300)
        assert listed.returncode == 0, listed.stderr
        assert [d["file"] for d in json.loads(listed.stdout)["documents"]] == ["Handbook.pdf"]  # not half of Manual
        found = cli(data_dir, "search", "rental deposit", "--json", timeout=300)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["results"][0]["file"] == "Handbook.pdf"
        assert writer.poll() is None  # both answered while the writer held the lock
    finally:
        release.touch()
        out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    assert {d.file for d in Library(load_settings()).documents()} == {"Handbook.pdf", "Manual.pdf"}


def test_vector_store_reopens_after_another_process_writes(data_dir):
    lib = Library(load_settings())  # long-lived, like the app's
    add_files(lib, [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    search(lib, "warranty", k=1)
    opened_at = lib.vectors.generation
    incoming = data_dir.parent / "one"
    incoming.mkdir()
    (incoming / "pangolin.pdf").write_bytes(document("pangolin"))
    assert cli(data_dir, "ingest", str(incoming)).returncode == 0
    [hit] = search(lib, "pangolin clause", k=1)
    assert hit.file == "pangolin.pdf"
    assert lib.vectors.generation > opened_at
    assert cli(data_dir, "remove", "pangolin.pdf").returncode == 0
    assert all(r.file != "pangolin.pdf" for r in search(lib, "pangolin clause", k=5))
    assert os.path.exists(data_dir / "groundwork.db")


def _failing_opens(monkeypatch, store, changing: bool) -> list[float]:
    """Make every open of ``store`` fail, as a half-saved or a damaged store does; the waits taken."""
    import core.library.vectors as vectors
    from core.errors import LibraryError

    waits: list[float] = []
    marker = store._settings.chroma_dir / "index_metadata.pickle"

    def fail_once(self):
        if changing:  # another process saving the store: its files change between tries
            marker.write_bytes(os.urandom(16 + len(waits)))
        raise LibraryError("half-saved") from ValueError("truncated index")

    monkeypatch.setattr(vectors.VectorStore, "_open_once", fail_once)
    monkeypatch.setattr(vectors.time, "sleep", waits.append)
    return waits


def test_a_damaged_store_is_said_at_once_and_one_being_saved_is_waited_for(settings, monkeypatch):
    """A failed open is tried again only while the store's files change (another process saving it);
    when nothing changed between two tries the store is damaged, and waiting longer can't help."""
    import core.library.vectors as vectors
    from core.errors import LibraryError

    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    store = vectors.VectorStore(settings, "passages")
    waits = _failing_opens(monkeypatch, store, changing=False)
    with pytest.raises(LibraryError):
        store._open()
    assert waits == [vectors.OPEN_RETRY_WAITS[0]]  # one short wait, then said

    store = vectors.VectorStore(settings, "passages")
    waits = _failing_opens(monkeypatch, store, changing=True)
    with pytest.raises(LibraryError):
        store._open()
    assert waits == [w for w in vectors.OPEN_RETRY_WAITS if w is not None]  # every wait, while it changed
