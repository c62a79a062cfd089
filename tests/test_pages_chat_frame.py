"""The chat page's frame through AppTest: the empty first screen, the Ollama-down sentence said once,
the delete confirmation, and app.py's one error boundary for calls that have no handler of their own.

(The answers themselves are tests/test_pages_chat.py's.)
"""
from __future__ import annotations


import pytest
from streamlit.testing.v1 import AppTest

from core.samples import sample_files
from tests.apptest import app_test
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def chat() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "chat.py"), default_timeout=120)


def everything(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def test_empty_library_offers_documents_and_the_samples_as_buttons(monkeypatch):
    at = app_test(monkeypatch)
    assert "Your library is empty" in everything(at)
    assert at.button(key="chat_go_documents").label == "Add your documents"
    at.button(key="chat_go_documents").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["📄 Your documents"]


def test_try_the_samples_from_the_chat_and_see_where_they_are(monkeypatch):
    from core import runtime

    at = app_test(monkeypatch)
    at.button(key="chat_load_samples").click().run()
    assert not at.exception
    job = runtime.get_jobs().current()
    assert job is not None and job.view().total == len(sample_files())
    if job.view().running:  # on a fast computer it may be done already
        assert "Your documents are being added" in everything(at)
        assert at.button(key="chat_watch_progress").label == "Watch the progress on the Documents page"
        assert "your first files are being added" in " ".join(m.value for m in at.sidebar.markdown)
    job.wait(300)
    at.run()
    assert {d.file for d in runtime.get_library().documents()} == {p.name for p in sample_files()}
    assert at.chat_input(key="chat_input")  # the chat is open


def test_ollama_down_is_said_once_on_the_chat_screen(library, monkeypatch):
    at = app_test(monkeypatch)  # conftest: OLLAMA_HOST is a dead port; the library holds the samples
    assert everything(at).count("Ollama isn't running") == 1  # the chat says it; the sidebar doesn't repeat it
    at.chat_input(key="chat_input").set_value("Can a customer return a bike after 45 days?").run()
    assert not at.exception
    assert everything(at).count("Ollama isn't running") == 1  # now the answer says it, and only the answer
    at.switch_page("pages/find.py").run()
    assert everything(at).count("Ollama isn't running") == 1  # elsewhere, the sidebar says it
    at.switch_page("pages/setup.py").run()
    assert "see Setup" not in everything(at)


def test_deleting_a_conversation_has_cancel_as_the_default_and_closing_the_question_keeps_it_closed(library):
    from core.history import History
    from core.settings import load_settings

    history = History(load_settings().db_path)
    conv = history.new_conversation()
    history.add_message(conv, "user", "Hello")
    at = chat().run()
    at.button(key="chat_delete").click().run()
    assert any("will be deleted" in m.value for m in at.markdown)
    at.run()  # closed in the browser, which tells the server nothing: any other run leaves it closed
    assert not any("will be deleted" in m.value for m in at.markdown)
    at.button(key="chat_delete").click().run()
    assert at.button(key="chat_delete_cancel").proto.type == "primary"
    assert at.button(key="chat_delete_confirm").proto.type == "secondary"
    at.button(key="chat_delete_cancel").click().run()
    assert [c["id"] for c in history.conversations()] == [conv]


def test_a_failing_search_ends_in_the_boundary_s_one_calm_sentence(library, monkeypatch):
    """Find has no handler of its own: a search model that can't be reached reaches app.py's boundary."""
    monkeypatch.setenv("GROUNDWORK_EMBEDDER", "ollama:nomic-embed-text")  # with Ollama down (conftest)
    at = app_test(monkeypatch)
    at.switch_page("pages/find.py").run()
    at.text_input(key="find_query").input("return a bike after 45 days")
    at.button(key="find_go").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("Ollama isn't running, so the Ollama search model can't be used.")
    assert "Traceback" not in everything(at)
