"""The Setup page through Streamlit's AppTest, against a stand-in Ollama over real HTTP."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.llm import RECOMMENDED_MODEL
from core.settings import load_settings
from tests.apptest import app_test
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin, PullScript


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


@pytest.fixture
def ollama(monkeypatch):
    with OllamaStandin(models={"llama3.2:3b": 2_019_393_189, "qwen2.5:3b": 1_929_912_432}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        yield standin


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "setup.py"), default_timeout=60)


def icons(at: AppTest) -> set:
    return {e.icon for e in list(at.error) + list(at.success)}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def test_ollama_down_shows_how_to_install():
    at = page().run()
    assert not at.exception
    out = texts(at)
    assert "🔴" in icons(at) and "http://127.0.0.1:9" in out
    assert "ollama.com" in out and "Check again" in out
    assert "the steps below show how" in out
    # pressing "Check again" while it is still down changes nothing, calmly
    at.button(key="setup_recheck").click().run()
    assert not at.exception
    assert "🔴" in icons(at)
    assert not at.selectbox and not at.dataframe


def test_check_again_finds_ollama_once_it_runs(monkeypatch):
    at = page().run()
    assert "🔴" in icons(at)
    with OllamaStandin() as standin:
        # the address stays the same for this session in real life; here the new run reads it again
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        import streamlit as st

        st.cache_resource.clear()
        at.button(key="setup_recheck").click().run()
        assert not at.exception
        assert "🟢" in icons(at)


def test_running_lists_models_with_sizes(ollama):
    at = page().run()
    assert not at.exception
    out = texts(at)
    assert "🟢" in icons(at) and ollama.host in out and "0.6.3" in out
    frame = at.dataframe[0].value
    assert list(frame["Model"]) == ["llama3.2:3b", "qwen2.5:3b"]
    assert list(frame["Size"]) == ["2.0 GB", "1.9 GB"]
    assert at.selectbox(key="setup_model").value == "llama3.2:3b"
    assert "✅ llama3.2:3b is downloaded." in out


def test_choosing_a_model_is_remembered(ollama):
    at = page().run()
    at.selectbox(key="setup_model").select("qwen2.5:3b").run()
    assert not at.exception
    assert "will answer with 'qwen2.5:3b'" in texts(at)
    assert load_settings().model == "qwen2.5:3b"
    # a new visit starts from the remembered choice
    again = page().run()
    assert again.selectbox(key="setup_model").value == "qwen2.5:3b"


def test_download_recommended_model_runs_to_completion(monkeypatch):
    with OllamaStandin(models={}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        standin.enqueue_pull(PullScript(steps=5))
        at = page().run()
        assert "No models are downloaded yet" in texts(at)
        at.button(key="setup_download").click().run()
        assert not at.exception
        out = texts(at)
        assert f"'{RECOMMENDED_MODEL}' is downloaded" in out
        assert RECOMMENDED_MODEL in standin.installed
        assert list(at.dataframe[0].value["Model"]) == [RECOMMENDED_MODEL]
        assert f"✅ {RECOMMENDED_MODEL} is downloaded." in out
        assert standin.bodies("/api/pull")[-1]["model"] == RECOMMENDED_MODEL
        assert load_settings().model == RECOMMENDED_MODEL


def test_download_that_fails_halfway_is_calm(monkeypatch):
    with OllamaStandin(models={}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        standin.enqueue_pull(PullScript(steps=6, fail_at=3))
        at = page().run()
        at.button(key="setup_download").click().run()
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert "The download stopped" in errors and "try again" in errors
        assert "Traceback" not in texts(at)
        assert RECOMMENDED_MODEL not in standin.installed
        # the button is there to try again
        assert at.button(key="setup_download")


def test_download_connection_dropped_is_calm(monkeypatch):
    with OllamaStandin(models={}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        standin.enqueue_pull(PullScript(steps=6, break_at=2))
        at = page().run()
        at.button(key="setup_download").click().run()
        assert not at.exception
        assert "connection to Ollama dropped" in " ".join(e.value for e in at.error)


def test_test_question_shows_the_reply(ollama):
    ollama.enqueue_chat(["Hello! ", "I'm ready ", "to help."])
    at = page().run()
    at.button(key="setup_test").click().run()
    assert not at.exception
    out = texts(at)
    assert "Hello! I'm ready to help." in out
    assert "llama3.2:3b answered in" in out
    assert ollama.bodies("/api/chat")[-1]["model"] == "llama3.2:3b"


def test_test_question_error_is_one_calm_sentence(ollama, monkeypatch):
    from tests.ollama_standin import error

    ollama.enqueue_chat(error(500, "model requires more system memory (5.6 GiB) than is available (3.1 GiB)"))
    at = app_test(monkeypatch).switch_page("pages/setup.py").run()  # app.py's boundary shows the failure
    at.button(key="setup_test").click().run()
    assert not at.exception
    assert "doesn't have enough free memory" in " ".join(e.value for e in at.error)


def test_chosen_model_not_downloaded_is_explained(monkeypatch, settings):
    from core.settings import save_setting

    save_setting(settings, "model", "llama3.1:8b")
    with OllamaStandin(models={"qwen2.5:3b": 1_929_912_432}) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        at = page().run()
        assert not at.exception
        assert "'llama3.1:8b', isn't downloaded" in texts(at)
        assert at.selectbox(key="setup_model").value is None
        at.selectbox(key="setup_model").select("qwen2.5:3b").run()
        assert load_settings().model == "qwen2.5:3b"


# -- the Ollama address, the search index and where settings are kept (issue 14) ---------------


def test_ollama_address_is_saved_normalised_and_checked(monkeypatch):
    monkeypatch.delenv("OLLAMA_HOST")  # nothing set on this computer: the saved address is the one used
    with OllamaStandin() as standin:
        at = page().run()
        assert "🔴" in icons(at)
        at.text_input(key="setup_host").input(standin.host.removeprefix("http://"))  # typed without http://
        at.button(key="setup_host_save").click().run()
        assert not at.exception
        assert load_settings().ollama_host == standin.host
        assert "🟢" in icons(at)
        assert f"Saved, and Ollama answers at `{standin.host}`." in texts(at)
        assert str(load_settings().data_dir / "settings.json") in texts(at).replace("\\", "")


def test_a_mistyped_address_is_refused_calmly(monkeypatch):
    monkeypatch.delenv("OLLAMA_HOST")
    at = page().run()
    at.text_input(key="setup_host").input("my computer:11434").run()
    at.button(key="setup_host_save").click().run()
    assert not at.exception
    assert "That doesn't look like an address" in " ".join(e.value for e in at.error)
    assert "ollama_host" not in read_saved()


def read_saved() -> dict:
    from core.settings import read_settings_file

    return read_settings_file(load_settings().data_dir)


def test_an_environment_variable_that_wins_is_explained_in_one_sentence(settings):
    from core.settings import save_setting

    save_setting(settings, "ollama_host", "http://192.168.1.20:11434")  # conftest sets OLLAMA_HOST too
    at = page().run()
    overriding = [w.value for w in at.warning if "OLLAMA_HOST" in w.value]
    assert len(overriding) == 1
    assert "http://127.0.0.1:9" in overriding[0] and "overrides the address saved here" in overriding[0]
    assert overriding[0].count(". ") == 0  # one sentence
    kept = at.table[0].value
    assert "OLLAMA_HOST" in kept.loc["Ollama address", "Kept in"].replace("\\", "")


def test_where_each_setting_is_kept_is_shown(ollama):
    at = page().run()
    kept = at.table[0].value
    assert kept.loc["Answer model", "Kept in"] == "Groundwork's default"
    at.selectbox(key="setup_model").select("qwen2.5:3b").run()
    assert at.table[0].value.loc["Answer model", "Kept in"] == "the settings file"
    assert "GROUNDWORK_DATA_DIR" in kept.loc["Data folder (documents, search index, conversations)",
                                             "Kept in"].replace("\\", "")
    assert "settings.json" in texts(at)


def switched_search_model_library(settings) -> None:
    """Documents indexed by another search model: the built-in model's index is empty."""
    from core.ingest import add_files
    from core.library import Library
    from tests.builders import LOREM_TOPICS, make_pdf
    from tests.test_library import RenamedMiniLM

    add_files(Library(settings, RenamedMiniLM()), [("A.pdf", make_pdf(LOREM_TOPICS)),
                                                   ("B.pdf", make_pdf(LOREM_TOPICS[::-1]))])


def test_rebuild_the_search_index_when_it_is_needed(settings):
    from core import runtime
    from core.search import search

    switched_search_model_library(settings)
    at = page().run()
    assert not at.exception
    assert "Your search index needs rebuilding" in " ".join(w.value for w in at.warning)
    button = at.button(key="setup_rebuild")
    assert button.proto.type == "primary" and not any("Search index" in e.label for e in at.expander)
    button.click().run()
    assert "Rebuild the search index of your 2 documents now?" in texts(at)
    assert runtime.get_library().needs_rebuild()  # nothing happens before the confirmation
    at.button(key="setup_rebuild_yes").click().run()
    assert not at.exception
    assert "The search index is rebuilt: 2 documents can be searched again." in texts(at)
    lib = runtime.get_library()
    assert not lib.needs_rebuild() and lib.vector_count() == lib.chunk_count()
    assert search(lib, "rental deposit refund", k=1)[0].page == 5
    assert "Your search index needs rebuilding" not in " ".join(w.value for w in at.warning)


def test_the_rebuild_is_tucked_away_when_not_needed(settings):
    from core.ingest import add_files
    from core.library import Library
    from tests.builders import LOREM_TOPICS, make_pdf

    add_files(Library(settings), [("A.pdf", make_pdf(LOREM_TOPICS))])
    at = page().run()
    assert any("Search index" in e.label for e in at.expander)
    assert at.button(key="setup_rebuild").proto.type == "secondary"
    assert not any("needs rebuilding" in w.value for w in at.warning)
    at.button(key="setup_rebuild").click().run()
    at.button(key="setup_rebuild_no").click().run()  # Cancel: nothing rebuilt, the question gone
    assert not at.exception and "Rebuild the search index of" not in texts(at)
