"""A real ``streamlit run app.py`` with the office listener: it opens with the app's first run, follows
``python -m core share on|off`` while the app is open, lets the owner sign in and passes HTTP and the
websocket through for this computer's office names, and still refuses every other name (DNS rebinding
stays closed).

The office address is 127.0.0.2 (another computer, as far as the test goes: only loopback is used).
"""
from __future__ import annotations

import json
import socket
import ssl
import time

import pytest

from core.accounts import People
from core.db import Database
from core.settings import load_settings
from core.sharing.certificate import computer_names
from tests.browser import free_port, streamlit_app
from tests.cli import core
from tests.sharing_helpers import OFFICE, listening, listening_addresses_of_the_process_on, trusting
from tests.webclient import Session, raw_http, session_cookie, sign_in, websocket_upgrade

pytestmark = pytest.mark.slow
ATTACKER = "attacker.example"
OWNER, OWNER_PASSWORD = "Ann", "ann-owner-password-1"


def wait_for(condition, what: str, seconds: float = 60.0):
    """Wait for something the app does on its own (its keeper looks at the setting every second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"still waiting for {what}")



@pytest.fixture
def app(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (data_dir / "settings.json").write_text(json.dumps({"sharing_port": port, "sharing_address": OFFICE}))
    env = {"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}
    with streamlit_app(env) as url:
        yield url, port


def test_the_listener_follows_core_share_while_the_app_is_open_and_refuses_other_names(app, data_dir):
    url, port = app
    office = f"https://{OFFICE}:{port}"
    name = computer_names()[0]  # this computer's name, as the office would type it
    with Session(url) as here:  # Groundwork opened on this computer: its first run starts the keeper
        here.run()
    assert not listening(port)  # sharing is off: nothing on the office address
    assert raw_http(url, "/", host=f"{name}:{port}").status == 403  # and the office name isn't answered

    assert core("share", "on").returncode == 1  # no owner account yet: refused, nothing opens
    People(Database(load_settings().db_path)).add(OWNER, "owner", OWNER_PASSWORD)
    assert core("share", "on").returncode == 0
    wait_for(lambda: listening(port), "the office listener to open")
    tls = trusting(data_dir)
    signed = sign_in(office, OWNER, OWNER_PASSWORD, host=f"{name}:{port}", tls=tls, server_hostname=name)
    assert signed.status == 303  # signed in through the office address
    cookie = session_cookie(signed)
    assert "secure" in {a.strip().lower() for a in signed.set_cookies[0].split(";")}  # an office name: Secure

    def through(path: str, host: str) -> int:
        return raw_http(office, path, host=host, tls=tls, server_hostname=name, headers={"Cookie": cookie}).status

    page = raw_http(office, "/", host=f"{name}:{port}", tls=tls, server_hostname=name, headers={"Cookie": cookie})
    assert page.status == 200 and b"<html" in page.body.lower()  # the app's page, through the office address
    assert through("/_stcore/health", f"{OFFICE}:{port}") == 200
    assert websocket_upgrade(office, f"{name}:{port}", f"https://{name}:{port}", cookie, tls=tls,
                             server_hostname=name) == 101
    for path in ("/", "/_stcore/health", "/setup"):  # DNS rebinding through the office address: still refused
        assert through(path, f"{ATTACKER}:{port}") == 403, path
    assert websocket_upgrade(office, f"{ATTACKER}:{port}", f"https://{ATTACKER}:{port}", cookie, tls=tls,
                             server_hostname=name) == 403

    # the only new listening socket is the office listener
    app_port = int(url.rsplit(":", 1)[1])
    assert listening_addresses_of_the_process_on(app_port) == {f"127.0.0.1:{app_port}", f"{OFFICE}:{port}"}

    # an open connection (a staff browser's websocket) is cut when sharing goes off
    held = tls.wrap_socket(socket.create_connection((OFFICE, port), timeout=30), server_hostname=name)
    held.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {name}:{port}\r\nOrigin: https://{name}:{port}\r\n"
                  f"Cookie: {cookie}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
    assert held.recv(100).startswith(b"HTTP/1.1 101")
    assert core("share", "off").returncode == 0
    wait_for(lambda: not listening(port), "the office listener to close")
    held.settimeout(30)
    try:
        while held.recv(65536):  # whatever the server had already sent, then the end
            pass
    except (ConnectionError, ssl.SSLError):
        pass
    held.close()
    assert raw_http(url, "/", host=f"{name}:{port}").status == 403  # the office names are no longer answered
    assert raw_http(url, "/_stcore/health").status == 200  # this computer keeps its app
