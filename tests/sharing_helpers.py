"""What the sharing tests share: an owner account in the database, and a TLS client that trusts the
certificate Groundwork made (so each test also checks the certificate covers the name it connects by)."""
from __future__ import annotations

import socket
import ssl
from pathlib import Path

OFFICE = "127.0.0.2"  # this computer's office-network address, as far as the tests go (loopback only)


def add_owner(settings, name: str = "Ann", disabled: bool = False) -> None:
    """An owner account as the ``people`` table holds it (the password itself is the accounts' business)."""
    from core.db import Database

    Database(settings.db_path).conn().execute(
        "INSERT INTO people (name, role, password_hash, disabled, created_at, password_changed_at) "
        "VALUES (?, 'owner', 'not-a-password-hash', ?, '2026-12-07T09:00:00', '2026-12-07T09:00:00')",
        (name, int(disabled)))


def trusting(data_dir: Path) -> ssl.SSLContext:
    """A client that trusts only the office certificate in ``data_dir`` and checks the name it was made for."""
    context = ssl.create_default_context(cafile=str(Path(data_dir) / "certificate" / "office.crt"))
    context.check_hostname = True
    return context


def listening(port: int, address: str = OFFICE) -> bool:
    """Does anything accept connections on the office address now?"""
    try:
        socket.create_connection((address, port), timeout=5).close()
        return True
    except ConnectionRefusedError:
        return False


def _listening_sockets() -> dict[str, str]:
    """Every listening TCP socket on this computer: its inode -> 'address:port' (Linux's /proc/net)."""
    import ipaddress

    found = {}
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            hex_address, hex_port = fields[1].split(":")
            raw = bytes.fromhex(hex_address)
            if size == 4:
                address = str(ipaddress.IPv4Address(raw[::-1]))
            else:  # four little-endian 32-bit words
                address = "[" + str(ipaddress.IPv6Address(b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))) + "]"
            found[fields[9]] = f"{address}:{int(hex_port, 16)}"
    return found


def listening_addresses_of_the_process_on(port: int) -> set[str]:
    """Every TCP address the process that listens on 127.0.0.1:``port`` listens on (read from /proc)."""
    import os

    sockets = _listening_sockets()
    wanted = {inode for inode, where in sockets.items() if where == f"127.0.0.1:{port}"}
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:  # gone, or not ours to look at
            continue
        inodes = {link[8:-1] for link in links if link.startswith("socket:[")}
        if inodes & wanted:
            return {sockets[i] for i in inodes if i in sockets}
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")
