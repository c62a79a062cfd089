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
