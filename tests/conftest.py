"""Shared fixtures: every test gets its own data folder and no network."""
from __future__ import annotations

from core.privacy import keep_local

keep_local()  # before any test imports a library that could phone home

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.offline import loopback_only

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """One model cache for the whole run, never the user's own: the CLI tests' child processes and, with
    ``-n`` (pytest-xdist), the worker processes inherit the one the main process made."""
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("GROUNDWORK_CACHE_DIR"):
        return
    os.environ["GROUNDWORK_CACHE_DIR"] = tempfile.mkdtemp(prefix="groundwork-test-cache-")
    config._groundwork_cache = os.environ["GROUNDWORK_CACHE_DIR"]


@pytest.fixture(autouse=True, scope="session")
def _streamlit_components_scanned_once():
    scan_streamlit_components_once()


def scan_streamlit_components_once() -> None:
    """Every ``AppTest`` run scans all installed packages for Streamlit components (0.8 s each: most of a
    short page test's time); the packages don't change during a run, so the first scan is kept.
    ``streamlit.components.v2.manifest_scanner.scan_component_manifests`` is Streamlit's own (read at call
    time by ``BidiComponentManager.discover_and_register_components``);
    ``tests/test_streamlit_internals.py`` fails if it moves."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    if not isinstance(scan, functools._lru_cache_wrapper):
        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=None)(scan)


def pytest_unconfigure(config):
    made = getattr(config, "_groundwork_cache", None)
    if made:  # only the process that made it removes it
        os.environ.pop("GROUNDWORK_CACHE_DIR", None)
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any connection that would leave this computer."""
    loopback_only(monkeypatch.setattr)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Point the app at a fresh data folder; no test touches a real user folder."""
    path = tmp_path / "data"
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(path))
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # nothing listens: "Ollama down"
    monkeypatch.delenv("GROUNDWORK_CHROMA_URL", raising=False)
    monkeypatch.delenv("GROUNDWORK_MODEL", raising=False)
    return path


@pytest.fixture
def llm(ollama):
    """The real Ollama client over HTTP to the test module's own ``ollama`` stand-in (its models differ)."""
    from core.llm import OllamaService

    service = OllamaService(ollama.host, timeout=10)
    yield service
    service.close()


@pytest.fixture
def settings(data_dir):
    from core.settings import load_settings

    return load_settings()


@pytest.fixture
def fresh_streamlit_cache():
    """Page tests: no cached library, client or status leaks from one test into the next."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory) -> Path:
    """The sample documents ingested once per run, through the real pipeline; tests get copies.

    With ``-n`` (pytest-xdist) the workers share one: the first to ask ingests them (text recognition
    included) while the other waits for it, instead of each doing the same work on the same 2 cores.
    """
    from filelock import FileLock

    from core.ingest import add_files
    from core.library import Library
    from core.samples import sample_files
    from core.settings import load_settings

    def ingest(path: Path) -> Path:
        add_files(Library(load_settings(environ={}, data_dir=path)),
                  [(p.name, p.read_bytes()) for p in sample_files()])
        return path

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return ingest(tmp_path_factory.mktemp("samples") / "data")
    run = tmp_path_factory.getbasetemp().parent  # this run's folder, the same for every worker
    with FileLock(str(run / "samples.lock")):
        ready = run / "samples" / "ready"
        if not ready.exists():
            shutil.rmtree(run / "samples", ignore_errors=True)  # a worker that died half-way
            ingest(run / "samples" / "data")
            ready.touch()
    return run / "samples" / "data"


@pytest.fixture(scope="session")
def read_once(tmp_path_factory):
    """``read_once(name)``: a fixture file read once per run with default settings, by the real readers.

    Text recognition takes seconds a page, so the scans and photos that several test files look at
    (what was read, and what the library then finds) go through it once. Don't change what it returns.
    With ``-n`` (pytest-xdist) the workers share what was read, through files in the run's folder.
    """
    import pickle

    from filelock import FileLock

    from core.documents import read_document
    from core.settings import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("read-once"))
    cache: dict = {}
    shared = tmp_path_factory.getbasetemp().parent / "read-once" if os.environ.get("PYTEST_XDIST_WORKER") else None

    def read_shared(name: str):
        assert shared is not None
        shared.mkdir(exist_ok=True)
        kept = shared / f"{name}.pickle"
        with FileLock(str(shared / f"{name}.lock")):
            if not kept.exists():
                kept.write_bytes(pickle.dumps(read_document(name, (FIXTURES / name).read_bytes(), settings)))
            return pickle.loads(kept.read_bytes())  # written by this run's own workers

    def read(name: str):
        if name not in cache:
            cache[name] = read_shared(name) if shared else read_document(name, (FIXTURES / name).read_bytes(),
                                                                         settings)
        return cache[name]

    return read


@pytest.fixture
def library(samples_dir, data_dir) -> Path:
    """This test's data folder holds its own copy of the sample library."""
    shutil.copytree(samples_dir, data_dir)
    return data_dir
