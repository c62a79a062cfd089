"""The office network's certificate: made on this computer, once, with ``cryptography``.

Staff browsers reach Groundwork over TLS (``https://``), so passwords and answers never cross the office
network in clear. Nobody outside signs the certificate (that would need a public name and a certificate
authority on the internet); it is self-signed, so a browser warns on its first visit until it is trusted.
The key never leaves the data folder and is readable by its owner only (0600).

What it covers: this computer's name (as typed, in lower case, and ``NAME.local`` for networks that
resolve names by multicast DNS), its office-network IPv4 addresses, and ``localhost``/``127.0.0.1``.
Finding them sends nothing anywhere (``office_names``). It is made again only when this computer has a
name or address it doesn't cover (a new address from the router): the browser then warns once more.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

FOLDER = "certificate"  # in the data folder (core.privacy keeps it private)
CERT_FILE = "office.crt"
KEY_FILE = "office.key"
VALID_DAYS = 825  # the longest a browser accepts for a server certificate it is told to trust
ALWAYS = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    names: tuple[str, ...]  # DNS names it covers
    addresses: tuple[str, ...]  # IP addresses it covers

    def covers(self, names, addresses) -> bool:
        return set(names) <= set(self.names) and set(addresses) <= set(self.addresses)


def _ipv4(text: str) -> str | None:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if ip.version != 4 or ip.is_loopback or ip.is_unspecified or ip.is_multicast:
        return None
    return str(ip)


def office_addresses() -> tuple[str, ...]:
    """This computer's IPv4 addresses on the office network, without sending anything anywhere.

    Two local look-ups: the address the system would send from towards the office network (first: the one
    Setup shows), and the addresses this computer gives its own name (hosts file, the system's own
    resolver). The former "connects" a UDP socket, which only asks the system for a route: UDP has no
    handshake, so no packet is sent.
    """
    found: list[str] = []
    try:  # first: the address on the network the computer's traffic goes out on (the office's, usually)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 9))  # a route look-up only: nothing is sent
            found.append(probe.getsockname()[0])
    except OSError:  # no network at all (or, in tests, the guard that blocks leaving the computer)
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    out: list[str] = []
    for raw in found:
        ip = _ipv4(raw)
        if ip and ip not in out:
            out.append(ip)
    return tuple(out)


def computer_names() -> tuple[str, ...]:
    """This computer's own name, as the office types it: 'Office-PC' -> ('office-pc', 'office-pc.local')."""
    name = socket.gethostname().strip().rstrip(".").lower()
    if not name or _ipv4(name) or name == "localhost":
        return ()
    short = name.split(".")[0]
    out = [name] if name == short else [name, short]
    out.append(f"{short}.local")
    return tuple(dict.fromkeys(out))


_found: tuple[float, tuple[tuple[str, ...], tuple[str, ...]]] | None = None
FOUND_TTL_S = 30.0  # Setup draws the address on every run; a computer whose own name resolves slowly waits once


def office_names(fresh: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, addresses) this computer can be reached by from the office (looked up again after 30 s)."""
    global _found
    now = time.monotonic()
    if fresh or _found is None or now - _found[0] > FOUND_TTL_S:
        _found = (now, (computer_names(), office_addresses()))
    return _found[1]


def read_certificate(folder: Path) -> Certificate | None:
    """The certificate already made in ``folder`` (the data folder's ``certificate/``), if it is whole."""
    from cryptography import x509

    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if not key_path.is_file():
            return None
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return None
    if cert.not_valid_after_utc < _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(days=30):
        return None  # (almost) expired: make a new one
    names = tuple(alt.get_values_for_type(x509.DNSName))
    addresses = tuple(str(ip) for ip in alt.get_values_for_type(x509.IPAddress))
    return Certificate(cert_path, key_path, names, addresses)


def make_certificate(folder: Path, names, addresses) -> Certificate:
    """A new key (EC P-256) and a self-signed certificate covering ``names`` and ``addresses`` (plus
    localhost); the key file is written 0600 from its first byte."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    names = tuple(dict.fromkeys([n for n in names if n] + ["localhost"]))
    addresses = tuple(dict.fromkeys([a for a in addresses if a] + ["127.0.0.1"]))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Groundwork on {names[0]}"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Groundwork (made on this computer)")])
    now = _dt.datetime.now(_dt.timezone.utc)
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(minutes=5))
            .not_valid_after(now + _dt.timedelta(days=VALID_DAYS))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    if os.name != "nt":
        os.chmod(folder, 0o700)
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    key_bytes = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    _write_private(key_path, key_bytes)
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, names, addresses)


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a new 0600 file, replaced atomically (never readable by others)."""
    tmp = path.with_name(f".{path.name}.new")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def ensure_certificate(data_dir: Path, names=None, addresses=None) -> Certificate:
    """The certificate in the data folder: the one made before while it covers this computer's names and
    addresses (and isn't about to expire), else a new one."""
    if names is None or addresses is None:
        found_names, found_addresses = office_names()
        names = found_names if names is None else names
        addresses = found_addresses if addresses is None else addresses
    folder = Path(data_dir) / FOLDER
    current = read_certificate(folder)
    if current is not None and current.covers(names, addresses):
        return current
    return make_certificate(folder, names, addresses)
