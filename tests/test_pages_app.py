"""app.py through Streamlit's AppTest: the sidebar every page shares (library size, model status dot)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core import runtime
from core.ingest import add_files
from core.library import Library
from core.samples import sample_files
from core.settings import load_settings, save_setting
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def sidebar_text() -> str:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    return "\n".join(str(m.value) for m in at.sidebar.markdown)


def test_empty_library_and_ollama_down():
    text = sidebar_text()
    assert "empty" in text and "Documents page" in text
    assert "🔴" in text and "isn't running" in text


def test_library_size_is_counted():
    lib = Library(load_settings())
    path = sample_files()[0]
    add_files(lib, [(path.name, path.read_bytes())])
    pages = lib.stats().pages
    assert f"1 document, {pages:,} pages" in sidebar_text()


def test_green_only_when_the_chosen_model_is_downloaded(monkeypatch):
    with OllamaStandin(models={"llama3.2:3b": 2_019_393_189}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        save_setting(load_settings(), "model", "llama3.2:3b")
        text = sidebar_text()
        assert "🟢" in text and "llama3.2" in text

        save_setting(load_settings(), "model", "qwen2.5:7b")
        runtime.ollama_status.clear()  # what Setup's "Check again" does; otherwise cached for a few seconds
        text = sidebar_text()
        assert "🟡" in text and "qwen2.5" in text and "isn't downloaded" in text and "🟢" not in text
