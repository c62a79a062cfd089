"""Errors are translated only where meant, logged at the one boundary, and kept off the owner's screen.

The CLI runs as a real process on real damaged and password-protected PDFs (made here): its stderr
shows no library's traceback unless ``--debug`` asks for the details.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter
from streamlit.testing.v1 import AppTest

from core.documents.messages import MSG_PDF_DAMAGED, MSG_PDF_PASSWORD
from core.embeddings import MiniLMEmbedder
from core.errors import OllamaError
from core.ingest import add_files
from core.library import Library
from core.llm import OllamaService
from tests.builders import LOREM_TOPICS, make_pdf
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin


def one_page_pdf(path: Path) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="The shop opens at nine on weekdays.")
    pdf.output(str(path))
    return path.read_bytes()


@pytest.fixture
def bad_pdfs(tmp_path) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    whole = one_page_pdf(tmp_path / "whole.pdf")
    (folder / "broken.pdf").write_bytes(whole[: len(whole) // 2])  # cut off half way, as a failed download is
    writer = PdfWriter(clone_from=str(tmp_path / "whole.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    writer.write(str(folder / "locked.pdf"))
    return folder


def ingest(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", "ingest", str(folder), *extra], cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if k != "GROUNDWORK_DEBUG"},
                          capture_output=True, text=True, timeout=300)


def test_cli_ingest_of_bad_pdfs_shows_verdicts_not_tracebacks(bad_pdfs):
    proc = ingest(bad_pdfs)
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2, proc.stdout
    assert lines[0].split()[:2] == ["failed", "broken.pdf:"] and lines[0].endswith(MSG_PDF_DAMAGED)
    assert lines[1].split()[:2] == ["failed", "locked.pdf:"] and lines[1].endswith(MSG_PDF_PASSWORD)


def test_cli_debug_shows_the_library_traceback(bad_pdfs):
    proc = ingest(bad_pdfs, "--debug")
    assert "Traceback" in proc.stderr and "PdfiumError" in proc.stderr, proc.stderr
    assert proc.stdout.strip().splitlines()[1].endswith(MSG_PDF_PASSWORD)


# -- only the errors meant to be translated become OllamaErrors


@pytest.fixture
def llm():
    with OllamaStandin(models={"llama3.2:3b": 2_019_393_189}) as server:
        service = OllamaService(server.host, timeout=10)
        yield service
        service.close()


def test_a_bug_in_the_call_is_not_dressed_as_an_ollama_error(llm):
    """Options that aren't a mapping are Groundwork's own mistake: the TypeError keeps its type."""
    with pytest.raises(TypeError) as caught:
        llm.chat("llama3.2:3b", [{"role": "user", "content": "Hello?"}], options=5)  # type: ignore[arg-type]
    assert not isinstance(caught.value, OllamaError)


def test_a_transport_failure_still_is_one(llm):
    dead = OllamaService("http://127.0.0.1:9", timeout=2)
    with pytest.raises(OllamaError):
        dead.chat("llama3.2:3b", [{"role": "user", "content": "Hello?"}])
    dead.close()


# -- the app logs what it shows, with the details


@pytest.fixture(autouse=False)
def _fresh_cache(fresh_streamlit_cache):
    yield


def test_the_app_logs_what_went_wrong_with_the_details(data_dir, caplog, _fresh_cache):
    """A data folder that is a plain file: the sidebar and the page say one sentence; the log has why."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("not a folder")
    caplog.set_level(logging.WARNING, logger="groundwork")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/documents.py")
    at.run()
    assert len(at.error) == 1
    records = [r for r in caplog.records if r.name == "groundwork"]
    assert any("sidebar" in r.getMessage() and r.exc_info for r in records), records
    assert any("Documents" in r.getMessage() and r.exc_info for r in records), records


def test_a_broken_settings_file_is_logged_not_swallowed(data_dir, caplog, _fresh_cache):
    """The web guard falls back to this computer's own names, the sidebar drops its privacy line: both
    say why in the log (before, each was a bare ``except Exception``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.json").write_text('{"top_k": "many"}')  # a value that can't be a number
    caplog.set_level(logging.WARNING, logger="groundwork")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.error and "top_k" in at.error[0].value  # the page says what to fix
    messages = {r.getMessage(): r for r in caplog.records if r.name == "groundwork"}
    guard = messages.get("The settings couldn't be read, so only this computer's own names are let in")
    assert guard is not None and guard.exc_info, list(messages)
    sidebar = messages.get("The sidebar couldn't read the settings for its privacy line")
    assert sidebar is not None and sidebar.exc_info, list(messages)


# -- a failed add whose clean-up also fails says so in the log, and the first failure still wins


class StoreThenCleanUpFail(Library):
    """Fails half-way through storing vectors, and then the vector store refuses the clean-up too."""

    def _put_vectors(self, doc_id, chunks, vectors, progress):
        super()._put_vectors(doc_id, chunks[:2], vectors[:2], progress)
        raise RuntimeError("simulated crash while storing")

    def _delete_vectors(self, doc_id):
        raise OSError("simulated: the vector store is gone")


def test_a_clean_up_that_fails_is_logged_and_recover_finishes_it(settings, caplog):
    lib = StoreThenCleanUpFail(settings, MiniLMEmbedder())
    caplog.set_level(logging.WARNING, logger="core.library.library")
    report = add_files(lib, [("Big.pdf", make_pdf([" ".join(LOREM_TOPICS) * 3] * 6))])[0]
    assert report.status == "failed"  # the first failure is what the owner hears about
    leftovers = [r for r in caplog.records if "left some behind" in r.getMessage()]
    assert leftovers and all(r.exc_info and isinstance(r.exc_info[1], OSError) for r in leftovers)
    healthy = Library(settings, MiniLMEmbedder())
    healthy.recover()
    assert healthy.documents() == [] and healthy.vector_count() == 0
