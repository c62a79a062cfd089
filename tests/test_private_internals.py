"""Every place Groundwork leans on a pinned library's private internals, each guarded by name.

An upgrade that renames or reshapes one of these fails here, with the name in the test, rather
than somewhere far away:

- Streamlit ``PagesManager.uses_pages_directory`` (``core.runtime.page_setup``): a page address
  opened as the first visit runs Streamlit's old automatic menu until the flag is cleared.
- Chroma ``SharedSystemClient._identifier_to_system`` / ``_identifier_to_refcount`` and a client's
  ``_identifier`` (``core.library.vectors._forget_cached_system``): reopening a folder another
  process wrote to.
- ollama ``Client._request_raw`` (``core.llm.OllamaService.status``): the plain GET of /api/version.
"""
from __future__ import annotations

import ast

import httpx
import ollama
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from core.llm import OllamaService
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin

# -- Streamlit: PagesManager.uses_pages_directory ----------------------------------------------


def test_streamlit_sets_uses_pages_directory_for_a_top_level_pages_folder(monkeypatch):
    """The flag the patch clears still exists, and a ``pages/`` folder beside app.py still sets it."""
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    PagesManager(str(ROOT / "app.py"), setup_watcher=False)
    assert PagesManager.uses_pages_directory is True


@pytest.fixture
def _fresh_cache(fresh_streamlit_cache):
    yield


def test_a_page_opened_first_goes_through_app_py(_fresh_cache):
    """AppTest starts each run as a first visit (it sets the flag again on every run): without
    ``page_setup`` the page would run alone under the old automatic menu, with no sidebar from app.py."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/documents.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert PagesManager.uses_pages_directory is False  # cleared, and app.py's st.navigation ran
    assert any("Library:" in str(m.value) for m in at.sidebar.markdown)  # app.py's sidebar
    assert "Your documents" in at.title[0].value  # and the page asked for


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_every_page_calls_page_setup_before_drawing_anything(page):
    """``runtime.page_setup()`` comes before anything on the page touches Streamlit (imports and constants may)."""
    body = ast.parse((ROOT / "pages" / page).read_text(encoding="utf-8")).body
    calls = [i for i, node in enumerate(body) if ast.unparse(node) == "runtime.page_setup()"]
    assert calls, "the page never calls runtime.page_setup()"
    for node in body[: calls[0]]:
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        assert isinstance(node, (ast.Import, ast.ImportFrom)) or "st" not in used, ast.unparse(node)


# -- Chroma: the per-folder system cache -------------------------------------------------------


def test_chroma_system_cache_is_still_where_vectors_forgets_it(settings):
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    from core.library.vectors import _forget_cached_system

    settings.chroma_dir.mkdir(parents=True)
    first = chromadb.PersistentClient(path=str(settings.chroma_dir))
    identifier = first._identifier
    cached = SharedSystemClient._identifier_to_system[identifier]
    assert identifier in SharedSystemClient._identifier_to_refcount
    _forget_cached_system(first)
    assert identifier not in SharedSystemClient._identifier_to_system
    second = chromadb.PersistentClient(path=str(settings.chroma_dir))
    assert SharedSystemClient._identifier_to_system[second._identifier] is not cached  # loaded from disk again
    _forget_cached_system(second)


# -- ollama: Client._request_raw -----------------------------------------------------------------


def test_ollama_client_request_raw_still_exists():
    assert callable(getattr(ollama.Client, "_request_raw", None))
    with OllamaStandin(models={"llama3.2:3b": 2_019_393_189}) as server:
        service = OllamaService(server.host, timeout=10)
        try:
            reply = service._quick._request_raw("GET", "/api/version")
            assert isinstance(reply, httpx.Response) and reply.json().get("version")
            assert service.status().running
        finally:
            service.close()
