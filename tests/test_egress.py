"""Questions go to the Ollama address in force and nowhere else: never through a proxy.

``NO_PROXY`` keeps loopback names away from proxies, but an Ollama on another computer would go
through any ``HTTP(S)_PROXY``/``ALL_PROXY`` set on this one. Here the "other computer" is 127.0.0.2
(loopback, but not a name ``NO_PROXY`` lists, so it is treated like a remote address), the proxy is a
real recording socket, and the Ollama stand-in answers over real HTTP. The question must reach the
stand-in, and the proxy must see nothing: in the app's client, in the embedder, and in ``core ask``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from core.embeddings.ollama import OllamaEmbedder
from core.errors import OllamaError
from core.llm import OllamaService
from tests.builders import LOREM_TOPICS, make_pdf
from tests.conftest import ROOT
from tests.offline import ConnectionRecorder
from tests.ollama_standin import OllamaStandin, _Handler, _Server

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
QUESTION = "What is the secret recipe for the sourdough starter?"


class ElsewhereStandin(OllamaStandin):
    """The stand-in on 127.0.0.2: an address no proxy exclusion covers."""

    def start(self) -> "ElsewhereStandin":
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.2", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def host(self) -> str:
        return f"http://127.0.0.2:{self.port}"


@pytest.fixture
def proxy(monkeypatch):
    with ConnectionRecorder() as recorder:
        for var in PROXY_VARS:
            monkeypatch.setenv(var, recorder.address)
        yield recorder


def test_the_answer_client_never_uses_a_proxy(proxy):
    with ElsewhereStandin() as ollama:
        service = OllamaService(ollama.host, timeout=30)
        try:
            assert service.status().running
            assert service.chat("llama3.2:3b", [{"role": "user", "content": QUESTION}])
        finally:
            service.close()
        assert QUESTION in json.dumps(ollama.bodies("/api/chat"))
    assert proxy.seen() == []


def test_the_ollama_embedder_never_uses_a_proxy(proxy):
    with ElsewhereStandin(models={"nomic-embed-text:latest": 274_302_450}) as ollama:
        vectors = OllamaEmbedder(ollama.host, "nomic-embed-text", timeout=30).embed([QUESTION])
        assert len(vectors) == 1
        assert ollama.bodies("/api/embed")
    assert proxy.seen() == []


def test_a_redirect_from_the_ollama_address_is_not_followed(proxy):
    """A reply pointing elsewhere would carry the question on to another address: it isn't followed."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    with ConnectionRecorder() as elsewhere:
        class Redirect(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — the method name http.server calls
                self.send_response(307)
                self.send_header("Location", elsewhere.address + self.path)
                self.end_headers()

            do_POST = do_GET  # noqa: N815 — the method name http.server calls

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            service = OllamaService(f"http://127.0.0.1:{server.server_address[1]}", timeout=10)
            status = service.status()
            assert not status.running and "doesn't look like Ollama" in status.message
            with pytest.raises(OllamaError):  # the redirect is refused, not followed
                service.chat("llama3.2:3b", [{"role": "user", "content": QUESTION}])
            service.close()
        finally:
            server.shutdown()
            server.server_close()
        assert elsewhere.seen() == []
    assert proxy.seen() == []


@pytest.mark.slow
def test_core_ask_with_ollama_elsewhere_sends_nothing_to_a_proxy(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "Bakery.pdf").write_bytes(make_pdf(LOREM_TOPICS + ["The sourdough starter is fed rye flour."]))
    with ConnectionRecorder() as recorder, ElsewhereStandin() as ollama:
        env = {k: v for k, v in os.environ.items() if k.upper() != "NO_PROXY"}
        env.update({var: recorder.address for var in PROXY_VARS})
        env.update({"GROUNDWORK_DATA_DIR": str(tmp_path / "data"), "OLLAMA_HOST": ollama.host})

        def core(*args: str) -> subprocess.CompletedProcess:
            proc = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            return proc

        core("ingest", str(incoming))
        reply = json.loads(core("ask", "What is the sourdough starter fed?", "--json").stdout)
        assert reply["mode"] == "llm"
        chats = ollama.bodies("/api/chat")
        assert chats and "sourdough starter is fed rye flour" in json.dumps(chats)
        assert recorder.seen() == []
