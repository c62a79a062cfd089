"""Sharing with staff, piece by piece with real parts: the certificate (``cryptography``), the encrypted
listener (real TLS over loopback, to a real local HTTP server), the keeper that follows the setting, and
``python -m core share on|off``. The whole app behind the listener: tests/test_sharing_server.py."""
from __future__ import annotations

import io
import json
import socket
import ssl
import stat
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.sharing.certificate import CERT_FILE, KEY_FILE, computer_names, ensure_certificate, read_certificate
from core.sharing.keeper import SharingKeeper
from core.sharing.relay import Relay
from tests.browser import free_port
from tests.cli import core
from tests.sharing_helpers import OFFICE, add_owner, trusting
from tests.webclient import raw_http



class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        body = f"hello {self.path} host={self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A plain HTTP server on 127.0.0.1 standing in for Streamlit's."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


# -- the certificate -------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_certificate_is_made_once_private_and_covers_the_office_names(data_dir):
    from cryptography import x509

    made = ensure_certificate(data_dir, ("office-pc", "office-pc.local"), ("192.168.1.20",))
    folder = data_dir / "certificate"
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    cert = x509.load_pem_x509_certificate((folder / CERT_FILE).read_bytes())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert alt.get_values_for_type(x509.DNSName) == ["office-pc", "office-pc.local", "localhost"]
    assert [str(ip) for ip in alt.get_values_for_type(x509.IPAddress)] == ["192.168.1.20", "127.0.0.1"]
    assert made.covers(["office-pc"], ["192.168.1.20"])

    key_before, cert_before = (folder / KEY_FILE).read_bytes(), (folder / CERT_FILE).read_bytes()
    again = ensure_certificate(data_dir, ("office-pc",), ("192.168.1.20",))  # nothing new: reused
    assert (folder / KEY_FILE).read_bytes() == key_before and (folder / CERT_FILE).read_bytes() == cert_before
    assert again == read_certificate(folder)

    moved = ensure_certificate(data_dir, ("office-pc",), ("192.168.1.77",))  # the router gave a new address
    assert (folder / KEY_FILE).read_bytes() != key_before
    assert "192.168.1.77" in moved.addresses
    assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600


def test_a_damaged_certificate_is_made_again(data_dir):
    ensure_certificate(data_dir, ("office-pc",), ())
    (data_dir / "certificate" / CERT_FILE).write_text("not a certificate")
    assert read_certificate(data_dir / "certificate") is None
    assert ensure_certificate(data_dir, ("office-pc",), ()).names[0] == "office-pc"


def test_finding_this_computers_names_sends_nothing(monkeypatch):
    """The route look-up "connects" a UDP socket only: no TCP connection, and no byte sent anywhere."""
    from core.sharing import certificate

    sent = []
    real_socket = socket.socket

    class Watching(real_socket):
        def send(self, *a, **k):
            sent.append(a)
            return super().send(*a, **k)

        def sendto(self, *a, **k):
            sent.append(a)
            return super().sendto(*a, **k)

        def sendall(self, *a, **k):
            sent.append(a)
            return super().sendall(*a, **k)

    monkeypatch.setattr(socket, "socket", Watching)
    names, addresses = certificate.office_names(fresh=True)
    assert sent == []
    assert all(not a.startswith("127.") for a in addresses)
    assert names == certificate.computer_names()


# -- the listener -----------------------------------------------------------------------------


def relay_for(data_dir, target_port: int) -> Relay:
    cert = ensure_certificate(data_dir, ("office-pc",), ())
    return Relay(cert.cert_path, cert.key_path, target_port, free_port(), OFFICE).start()


def test_a_tls_client_reaches_the_local_server_through_the_listener(data_dir, local_server):
    relay = relay_for(data_dir, local_server)
    try:
        url = f"https://{OFFICE}:{relay.port}"
        reply = raw_http(url, "/page?x=1", host=f"office-pc:{relay.port}", tls=trusting(data_dir),
                         server_hostname="office-pc")
        assert reply.status == 200
        assert reply.body == f"hello /page?x=1 host=office-pc:{relay.port}".encode()  # the Host as typed
        with pytest.raises(ssl.SSLError):  # it speaks TLS only: plain HTTP gets nothing from the server
            raw_http(url, "/", tls=ssl.create_default_context(), server_hostname="office-pc")
    finally:
        relay.stop()


def test_stopping_refuses_new_connections_and_cuts_open_ones(data_dir, local_server):
    relay = relay_for(data_dir, local_server)
    url = f"https://{OFFICE}:{relay.port}"
    sock = trusting(data_dir).wrap_socket(socket.create_connection((OFFICE, relay.port), timeout=30),
                                          server_hostname="office-pc")
    sock.sendall(b"GET /one HTTP/1.1\r\nHost: office-pc\r\n\r\n")  # keep-alive: the connection stays open
    seen = b""
    while b"hello /one" not in seen:
        chunk = sock.recv(4096)
        assert chunk, seen
        seen += chunk
    relay.stop()
    try:
        assert sock.recv(4096) == b""  # cut by the listener (not by the local server, which keeps it)
    except (ConnectionError, ssl.SSLError):
        pass
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        raw_http(url, "/", tls=trusting(data_dir), server_hostname="office-pc")
    assert not relay.running


def test_a_taken_port_is_said_not_hidden(data_dir, local_server):
    with socket.socket() as holder:
        holder.bind((OFFICE, 0))
        holder.listen(1)
        cert = ensure_certificate(data_dir, ("office-pc",), ())
        with pytest.raises(OSError):
            Relay(cert.cert_path, cert.key_path, local_server, holder.getsockname()[1], OFFICE).start()


# -- the keeper: follows the setting while the app runs ---------------------------------------


def test_the_keeper_opens_and_closes_the_listener_as_the_setting_says(settings, local_server):
    from core.settings import save_setting
    from core.sharing.switch import turn_off, turn_on

    port = free_port()
    settings = save_setting(save_setting(settings, "sharing_port", port), "sharing_address", OFFICE)
    hosts: list[tuple[str, ...]] = []
    keeper = SharingKeeper(settings.data_dir, local_server, hosts.append, poll_s=3600).start()  # no polling: apply()
    try:
        assert not keeper.status().serving and hosts == []
        add_owner(settings)
        turn_on(settings)
        keeper.apply()
        assert keeper.status().serving and keeper.status().port == port
        assert set(hosts[-1]) >= set(computer_names())
        reply = raw_http(f"https://{OFFICE}:{port}", "/", tls=trusting(settings.data_dir), server_hostname="localhost")
        assert reply.status == 200
        turn_off(settings)
        keeper.apply()
        assert not keeper.status().serving and hosts[-1] == ()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((OFFICE, port), timeout=5).close()
        turn_on(settings)  # on again at once: the same port is had again
        keeper.apply()
        assert keeper.status().serving
        assert raw_http(f"https://{OFFICE}:{port}", "/", tls=trusting(settings.data_dir),
                        server_hostname="localhost").status == 200
    finally:
        keeper.stop()
    assert not keeper.status().serving


def test_the_keeper_says_when_the_port_is_taken(settings, local_server):
    from core.settings import save_setting

    with socket.socket() as holder:
        holder.bind((OFFICE, 0))
        holder.listen(1)
        for name, value in (("sharing_port", holder.getsockname()[1]), ("sharing_address", OFFICE), ("sharing", True)):
            settings = save_setting(settings, name, value)
        keeper = SharingKeeper(settings.data_dir, local_server, lambda names: None, poll_s=3600).start()
        try:
            status = keeper.status()
            assert not status.serving
            assert f"port {holder.getsockname()[1]}" in status.error and "sharing_port" in status.error
        finally:
            keeper.stop()


# -- python -m core share on|off -------------------------------------------------------------


def test_share_on_is_refused_without_an_owner_account_and_accepted_with_one(settings):
    from core.settings import load_settings

    refused = core("share", "on", "--json")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip().startswith("Create the owner account first")
    assert refused.stderr.strip().endswith("then turn sharing on.") and refused.stderr.count("\n") == 1
    assert load_settings().sharing is False
    assert not (settings.data_dir / "certificate").exists()

    add_owner(settings, disabled=True)  # a disabled owner doesn't count
    assert core("share", "on").returncode == 1
    add_owner(settings, name="Bea")
    done = core("share", "on", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["sharing"] is True and payload["port"] == 8443
    assert all(a.startswith("https://") and a.endswith(":8443") for a in payload["addresses"])
    assert load_settings().sharing is True
    assert (settings.data_dir / "certificate" / KEY_FILE).exists()  # made once, now
    assert payload["certificate"] == str(settings.data_dir / "certificate" / CERT_FILE)

    off = core("share", "off")
    assert off.returncode == 0 and "Sharing is off" in off.stdout
    assert load_settings().sharing is False
    assert core("share", "sideways").returncode == 2


def test_the_qr_code_is_a_png_that_a_reader_decodes_to_the_address():
    import cv2  # OpenCV's QR reader (it comes with the text-recognition dependency), as a phone's camera reads it
    import numpy as np
    from PIL import Image

    from core.sharing.switch import qr_png

    png = qr_png("https://192.168.1.20:8443")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 200
    pixels = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert cv2.QRCodeDetector().detectAndDecode(pixels)[0] == "https://192.168.1.20:8443"
