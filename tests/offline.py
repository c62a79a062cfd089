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
