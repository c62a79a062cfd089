"""Nothing may leave this computer: a guard that fails any connection that isn't to loopback.

Shared by the test suite (``conftest``, undone after each test through ``monkeypatch``) and the
benchmarks (installed for the whole process).
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any, Callable


def is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_only(set_attribute: Callable[[Any, str, Any], Any] = setattr, who: str = "tests") -> None:
    """Make every non-loopback TCP/UDP connect raise ``OSError``; ``set_attribute`` installs the patch."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address):
            raise OSError(f"network blocked in {who}: {address!r}")

    def connect(sock, address):
        guard(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        guard(sock, address)
        return real_connect_ex(sock, address)

    set_attribute(socket.socket, "connect", connect)
    set_attribute(socket.socket, "connect_ex", connect_ex)


class ConnectionRecorder:
    """A TCP listener on loopback that records every connection made to it (and its first bytes).

    Point every proxy variable at it: a library that tries to reach the internet through the
    configured proxy shows up here as ``CONNECT host:443`` or ``GET http://host/...``.
    """

    def __init__(self) -> None:
        import threading

        self.connections: list[bytes] = []
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="connection-recorder", daemon=True)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    first = conn.recv(4096)
                except OSError:
                    first = b""
            with self._lock:
                self.connections.append(first or b"(connected, sent nothing)")

    def __enter__(self) -> "ConnectionRecorder":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def seen(self) -> list[bytes]:
        with self._lock:
            return list(self.connections)
