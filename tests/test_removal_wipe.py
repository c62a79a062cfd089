"""Removal means gone: after a removal or a replacement, with other processes still holding the library
open (like the running app), no file under the data folder holds the old text, its stemmed words or its name."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.embeddings.minilm import MiniLMEmbedder
from core.history import History
from core.ingest import add_files
from core.library import Library
from core.search import search
from core.types import AnswerResult
from tests.builders import make_pdf

ROOT = Path(__file__).resolve().parent.parent
NAME = "Zebedee-Farthingale-Ledger.pdf"
# the words, their Snowball/porter stems (what the keyword index keeps) and the name
TRACES = (b"Farthingale", b"farthingal", b"quixotic", b"quixot", b"Zebedee")

HOLDER = textwrap.dedent("""
    import sys
    from core.embeddings.minilm import MiniLMEmbedder
    from core.history import History
    from core.library import Library
    from core.search import search
    from core.settings import load_settings
    settings = load_settings()
    lib = Library(settings, MiniLMEmbedder())
    history = History(settings.db_path)
    search(lib, "bread and flour", k=3)
    [history.messages(c["id"]) for c in history.conversations()]
    print("ready", flush=True)
    sys.stdin.readline()  # holding its connections open, as the app does, until told to go on
    results = search(lib, "bread and flour", k=3)
    print(len(lib.documents()), len(results), flush=True)
""")


def _traces(data_dir: Path, words=TRACES) -> dict[str, dict[str, int]]:
    """Every file under the data folder holding one of ``words`` (any case), with counts."""
    found = {}
    for path in data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = {w.decode(): len(re.findall(re.escape(w), data, re.IGNORECASE)) for w in words}
            hits = {w: n for w, n in hits.items() if n}
            if hits:
                found[str(path.relative_to(data_dir))] = hits
    return found


def _holder(env):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def _finish(proc) -> str:
    out, err = proc.communicate("go\n", timeout=120)
    assert proc.returncode == 0, err
    return out


def _converse(settings, lib, question: str, query: str) -> int:
    """A stored conversation whose answer cites the best passage for ``query``."""
    history = History(settings.db_path)
    conv = history.new_conversation()
    history.add_message(conv, "user", question)
    best = search(lib, query, k=3)
    cited = [r.passage(1) for r in best[:1]]
    answer = f"{best[0].text.split('.')[0]} [1]. Ask again any time."
    history.add_answer(conv, question, AnswerResult(answer=answer, found=True, citations=cited,
                                                    consulted=[r.passage(2) for r in best[1:2]]))
    return conv


@pytest.mark.slow
def test_a_removed_document_leaves_nothing_in_the_data_folder_while_the_app_runs(settings, data_dir):
    from core.ingest.jobs import IngestJob
    from core.selftest import load_details, run, save

    lib = Library(settings, MiniLMEmbedder())
    add_files(lib, [("Keep.pdf", make_pdf(["Ordinary words about bread and flour for the bakery. " * 30])),
                    (NAME, make_pdf(["Quixotic Farthingale payroll figures for the bakery team. " * 20,
                                     "The quixotically farthingaled ledger closes in March. " * 10]))])
    conv = _converse(settings, lib, f"Summarise {NAME} for me", "Farthingale payroll figures")
    IngestJob(lib, [], ["Keep.pdf", NAME]).start().wait(30)
    save(run(lib), data_dir)
    assert any(a["file"] == NAME for a in load_details(data_dir)["asked"])
    assert _traces(data_dir)  # the test can see the traces it looks for

    holder = _holder(dict(os.environ))
    try:
        removed = subprocess.run([sys.executable, "-m", "core", "remove", NAME], cwd=ROOT, capture_output=True,
                                 text=True, timeout=300)
        assert removed.returncode == 0, removed.stderr
        assert _traces(data_dir) == {}
    finally:
        out = _finish(holder)
    assert out.split() == ["1", "1"]  # the app's process goes on reading the library as it is now

    history = History(settings.db_path)
    kept = history.messages(conv)  # the conversation is kept, the document's part of it says when it went
    assert len(kept) == 2 and "removed on" in kept[0].content and "removed on" in kept[1].content
    assert kept[1].content.endswith("Ask again any time.")
    assert "removed on" in kept[1].result.citations[0].file.lower()
    assert "removed on" in history.conversation(conv)["title"]
    assert all(a["file"] != NAME for a in load_details(data_dir)["asked"])


@pytest.mark.slow
def test_a_replaced_document_leaves_nothing_of_its_old_version(settings, data_dir):
    lib = Library(settings, MiniLMEmbedder())
    add_files(lib, [("Price-List.pdf", make_pdf(["Quixotic Farthingale prices for the bakery. " * 30]))])
    conv = _converse(settings, lib, "What are the prices?", "Farthingale prices")
    holder = _holder(dict(os.environ))
    try:
        report = add_files(lib, [("Price-List.pdf", make_pdf(["Plain bread prices for the bakery in spring. " * 30]))])
        assert report[0].status == "replaced"
        assert _traces(data_dir, TRACES[:4]) == {}
    finally:
        _finish(holder)
    kept = History(settings.db_path).messages(conv)
    assert kept[1].result.citations[0].file == "Price-List.pdf"  # the name is still in the library
    assert kept[1].result.citations[0].text.startswith("Removed on")
    assert search(lib, "bread prices spring", k=1)[0].file == "Price-List.pdf"


def test_an_older_vector_store_saves_after_every_write_once_opened(settings):
    """A collection made before this release (Chroma's default of saving after 1,000 writes) is switched."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    lib = Library(settings, MiniLMEmbedder())
    name = lib.collection_name()
    client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    client.delete_collection(name)
    client.create_collection(name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
    from core.library.vectors import VectorStore

    store = VectorStore(settings, name)
    assert store.collection(1).configuration["hnsw"]["sync_threshold"] == 1
    assert json.loads(json.dumps(store.collection(1).configuration))["hnsw"]["space"] == "cosine"


def test_only_the_removed_document_leaves_the_conversations(settings):
    """Another conversation, and the owner's everyday words that happen to match a file name, are untouched."""
    from core.history import forget_document
    from core.types import Passage

    history = History(settings.db_path)
    cited = history.new_conversation()
    history.add_message(cited, "user", "What do my notes say about rye?")
    history.add_answer(cited, "What do my notes say about rye?", AnswerResult(
        answer="Rye is proofed overnight [1]. Spelt sells out [2].", found=True,
        citations=[Passage(1, "Notes.pdf", 2, text="Rye is proofed overnight.", chunk_id="c-rye"),
                   Passage(2, "Sales.pdf", 1, text="Spelt sells out by noon.", chunk_id="c-spelt")]))
    other = history.new_conversation()
    history.add_message(other, "user", "Where are my notes on spelt?")
    with history.db.transaction() as tx:
        forget_document(tx, "Notes.pdf", {"c-rye"}, "removed on 7 December 2026")
    answer = history.messages(cited)[1]
    assert answer.content == "(removed on 7 December 2026) Spelt sells out [2]."
    assert [c.file for c in answer.result.citations] == ["removed on 7 December 2026", "Sales.pdf"]
    assert [c.text for c in answer.result.citations] == ["Removed on 7 December 2026.", "Spelt sells out by noon."]
    assert history.messages(other)[0].content == "Where are my notes on spelt?"
    assert history.conversation(other)["title"] == "Where are my notes on spelt?"
