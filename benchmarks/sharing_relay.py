"""The office address's cost: what the encrypted pass-through adds to a request, and how fast the switch acts.

A plain HTTP server on 127.0.0.1 stands in for Streamlit's. Baseline in the same run: the same requests
sent straight to it (what a browser on this computer does). Through the relay (``core.sharing.relay``,
on 127.0.0.2): TLS with the certificate Groundwork makes, kept-alive connections as a browser keeps them.

- ``small``: 400 requests of a 2 KB reply, one after another on one connection: latency p50/p95 (ms).
- ``parallel``: 10 clients at once (ten people), 100 requests each: total seconds.
- ``large``: 20 replies of 1 MB (an original downloaded, a page picture): MB/s.
- ``certificate_ms``: making the key and certificate the first time; ``reuse_ms``: finding it again.
- ``switch_on_s`` / ``switch_off_s``: from ``turn_on``/``turn_off`` (as ``core share`` does) to the listener
  being open / closed, with the keeper's one-second look at the setting (the app's own keeper).

Prints one JSON object on stdout. Loopback only.
Run: ``python benchmarks/sharing_relay.py``
"""
from __future__ import annotations

import http.client
import socket
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first

OFFICE = "127.0.0.2"
SMALL, LARGE = b"x" * 2048, b"y" * (1 << 20)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()  # headers and body leave at once, as Streamlit's server sends them (no Nagle wait)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):  # noqa: N802
        body = LARGE if self.path == "/large" else SMALL
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def connection(port: int, tls: ssl.SSLContext | None):
    if tls is None:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    return http.client.HTTPSConnection(OFFICE, port, timeout=60, context=tls)


def fetch(conn, path: str) -> int:
    conn.request("GET", path, headers={"Host": "office-pc"})
    reply = conn.getresponse()
    return len(reply.read())


def measure(port: int, tls: ssl.SSLContext | None) -> dict:
    conn = connection(port, tls)
    fetch(conn, "/")  # the handshake is not part of a request's time
    times = []
    for _ in range(400):
        started = time.perf_counter()
        fetch(conn, "/")
        times.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    size = sum(fetch(conn, "/large") for _ in range(20))
    mb_s = size / (1 << 20) / (time.perf_counter() - started)
    conn.close()

    def person() -> None:
        c = connection(port, tls)
        for _ in range(100):
            fetch(c, "/")
        c.close()

    started = time.perf_counter()
    people = [threading.Thread(target=person) for _ in range(10)]
    for t in people:
        t.start()
    for t in people:
        t.join()
    return {"small_p50_ms": round(common.percentile(times, 50), 3), "small_p95_ms": round(common.percentile(times, 95), 3),
            "parallel_s": round(time.perf_counter() - started, 3), "large_mb_s": round(mb_s, 1)}


def wait(condition, limit: float = 30.0) -> float:
    started = time.perf_counter()
    while not condition() and time.perf_counter() - started < limit:
        time.sleep(0.01)
    return round(time.perf_counter() - started, 3)


def open_now(port: int) -> bool:
    try:
        socket.create_connection((OFFICE, port), timeout=2).close()
        return True
    except OSError:
        return False


def main() -> None:
    common.block_network()
    from core.settings import load_settings, save_setting
    from core.sharing.certificate import ensure_certificate
    from core.sharing.keeper import SharingKeeper
    from core.sharing.relay import Relay
    from core.sharing.switch import turn_off, turn_on
    from tests.browser import free_port
    from tests.sharing_helpers import add_owner, trusting

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    target = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="groundwork-bench-sharing-") as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        cert = ensure_certificate(data, ("office-pc",), (OFFICE,))
        certificate_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        ensure_certificate(data, ("office-pc",), (OFFICE,))
        reuse_ms = (time.perf_counter() - started) * 1000

        common.log("direct (baseline)…")
        direct = measure(target, None)
        relay = Relay(cert.cert_path, cert.key_path, target, free_port(), OFFICE).start()
        common.log("through the office listener…")
        relayed = measure(relay.port, trusting(data))
        relay.stop()

        settings = load_settings(environ={}, data_dir=data)
        port = free_port()
        settings = save_setting(save_setting(settings, "sharing_port", port), "sharing_address", OFFICE)
        add_owner(settings)
        keeper = SharingKeeper(data, target, lambda names: None).start()
        turn_on(settings)
        switch_on = wait(lambda: open_now(port))
        turn_off(settings)
        switch_off = wait(lambda: not open_now(port))
        keeper.stop()
    server.shutdown()
    common.emit({"direct": direct, "office_listener": relayed,
                 "added_ms_p50": round(relayed["small_p50_ms"] - direct["small_p50_ms"], 3),
                 "certificate_ms": round(certificate_ms, 1), "reuse_ms": round(reuse_ms, 2),
                 "switch_on_s": switch_on, "switch_off_s": switch_off})


if __name__ == "__main__":
    main()
