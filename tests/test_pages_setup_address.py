"""Setup's Ollama address: leaving the computer is the owner's informed choice, a refusal saves nothing,
and a wrong address says so and offers the way back (AppTest, real HTTP to a stand-in)."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import load_settings, read_settings_file, save_setting
from tests.apptest import app_test
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin

ELSEWHERE = "http://192.168.1.20:11434"  # never reached: the test network guard refuses it (Ollama "down")
WARNING = "Questions and the passages they draw on will be sent to 192.168.1.20."


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


@pytest.fixture
def no_variable(monkeypatch):
    monkeypatch.delenv("OLLAMA_HOST")  # the saved address is the one used


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "setup.py"), default_timeout=60)


def everything(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def saved() -> dict:
    return read_settings_file(load_settings().data_dir)


def type_address(at: AppTest, text: str) -> AppTest:
    at.text_input(key="setup_host").input(text)
    return at.button(key="setup_host_save").click().run()


def test_an_address_on_another_computer_is_saved_only_after_the_owner_says_yes(no_variable):
    at = type_address(page().run(), "192.168.1.20")
    assert not at.exception
    assert any(w.value.startswith(WARNING) for w in at.warning)
    assert "ollama_host" not in saved()  # asked, not saved
    assert "Saved" not in everything(at)
    at.button(key="setup_host_confirm").click().run()
    assert not at.exception
    assert saved()["ollama_host"] == ELSEWHERE
    text = everything(at)
    assert "Nothing you ask is sent anywhere else" not in text
    assert "your questions and the passages they draw on are sent there" in text and "192.168.1.20" in text


def test_cancel_keeps_questions_on_this_computer(no_variable):
    at = type_address(page().run(), "http://192.168.1.20:11434")
    at.button(key="setup_host_cancel").click().run()
    assert not at.exception
    assert "ollama_host" not in saved()
    assert at.text_input(key="setup_host").value == load_settings().ollama_host
    assert not any(WARNING in w.value for w in at.warning)
    assert "Nothing you ask is sent anywhere else" in everything(at)


def test_an_address_on_this_computer_needs_no_question(no_variable):
    with OllamaStandin() as standin:
        at = type_address(page().run(), standin.host.replace("127.0.0.1", "localhost"))
        assert not at.exception
        assert saved()["ollama_host"] == standin.host.replace("127.0.0.1", "localhost")
        assert not any(WARNING in w.value for w in at.warning)


def test_every_privacy_sentence_changes_while_questions_go_elsewhere(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", ELSEWHERE)
    at = app_test(monkeypatch)
    assert not at.exception
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "Private" not in sidebar and "questions stay on this computer" not in sidebar
    assert "your questions and the passages they draw on are sent to 192.168.1.20" in sidebar
    at.switch_page("pages/setup.py").run()
    assert "Nothing you ask is sent anywhere else" not in everything(at)
    assert "sent there, and nowhere else" in everything(at)
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")
    at.switch_page("pages/chat.py").run()
    assert "Private: your files and questions stay on this computer." in [c.value for c in at.sidebar.caption]


def test_a_refused_address_says_only_the_refusal(no_variable):
    save_setting(load_settings(), "ollama_host", "http://127.0.0.1:9")  # an address saved earlier
    at = type_address(page().run(), "bakery office pc")
    assert not at.exception
    assert [e.value for e in at.error if "address" in e.value][0].startswith("That doesn't look like an address")
    assert "Saved in" not in everything(at) and "Saved," not in everything(at)
    assert saved()["ollama_host"] == "http://127.0.0.1:9"  # unchanged


@pytest.fixture
def not_ollama():
    """Something answers on this address, but not like Ollama (a router's page, say)."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the method name http.server calls
            body = b"<html><body>Router login</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_wrong_address_says_check_it_and_offers_the_way_back(no_variable, not_ollama):
    with OllamaStandin() as standin:
        save_setting(load_settings(), "ollama_host", standin.host)
        at = page().run()
        assert "🟢" in {s.icon for s in at.success}  # Ollama answered here: remembered as the way back
        at = type_address(at, not_ollama)
        assert not at.exception
        assert saved()["ollama_host"] == not_ollama
        text = everything(at)
        assert "isn't Ollama; check the address" in text
        assert "install Ollama" not in text and "ollama.com" not in text
        back = at.button(key="setup_host_back")
        assert standin.host in back.label
        back.click().run()
        assert not at.exception
        assert saved()["ollama_host"] == standin.host
        assert "🟢" in {s.icon for s in at.success}


def test_when_no_address_has_worked_yet_the_way_back_is_this_computer(no_variable, not_ollama):
    at = type_address(page().run(), not_ollama)
    assert not at.exception
    back = at.button(key="setup_host_back")
    assert back.label == "Go back to Ollama on this computer"
    back.click().run()
    assert saved()["ollama_host"] == "http://127.0.0.1:11434"
