"""Turning sharing on and off (Setup's switch and ``python -m core share on|off`` do the same), and what
Setup shows while it is on: the address to type on another computer and its QR code."""
from __future__ import annotations

import io
from dataclasses import dataclass

from core.errors import UsageError
from core.settings import Settings, save_setting

NO_OWNER = ("Create the owner account first (python -m core users add NAME --role owner --password-stdin), "
            "then turn sharing on.")
NO_OWNER_HERE = "Create your owner account first, in the People section of this page, then turn this on."
FIRST_VISIT = ("The first time, the browser warns that the connection isn't private, because this computer "
               "made its own certificate: choose Advanced, then continue to the address (or install the "
               "certificate on that computer to stop the warning).")


def owner_exists(settings: Settings) -> bool:
    """Is there an enabled owner account (a row in ``people``)? Only then may sharing be turned on."""
    if not settings.db_path.exists():
        return False
    from core.db import Database

    row = Database(settings.db_path).conn().execute(
        "SELECT 1 FROM people WHERE role = 'owner' AND disabled = 0 LIMIT 1").fetchone()
    return row is not None


@dataclass(frozen=True)
class Sharing:
    on: bool
    port: int
    addresses: tuple[str, ...]  # what to type on another computer, best first
    names: tuple[str, ...]  # the office names the web guard answers while sharing is on

    certificate: str = ""  # the certificate file staff computers may install to trust the address

    def as_dict(self) -> dict:
        return {"sharing": self.on, "port": self.port, "addresses": list(self.addresses),
                "certificate": self.certificate}


def office_hosts() -> tuple[str, ...]:
    """This computer's names and office-network addresses (what the guard allows while sharing is on),
    looked up afresh (the listener is opening)."""
    from core.sharing.certificate import office_names

    names, addresses = office_names(fresh=True)
    return tuple(addresses) + tuple(names)


def describe(settings: Settings) -> Sharing:
    """Sharing as the settings say: on or off, and the addresses staff type (an IP address first: it works
    on every computer and phone; the computer's name where the office network knows it)."""
    from core.sharing.certificate import CERT_FILE, FOLDER, office_names

    names, addresses = office_names()
    port = settings.sharing_port
    hosts = list(addresses) + [n for n in names if not n.endswith(".local")]
    urls = tuple(address_url(h, port) for h in hosts)
    cert = settings.data_dir / FOLDER / CERT_FILE
    return Sharing(on=settings.sharing, port=port, addresses=urls, names=tuple(addresses) + tuple(names),
                   certificate=str(cert) if cert.is_file() else "")


def address_url(host: str, port: int) -> str:
    return f"https://{host}" + ("" if port == 443 else f":{port}")


def turn_on(settings: Settings, refusal: str = NO_OWNER) -> Settings:
    """Remember sharing as on (an open app starts serving the office network within a second or two);
    the certificate is made now if it isn't there yet. Refused (``refusal``) without an owner account."""
    if not owner_exists(settings):
        raise UsageError(refusal)
    from core.sharing.certificate import ensure_certificate

    ensure_certificate(settings.data_dir)
    return save_setting(settings, "sharing", True)


def turn_off(settings: Settings) -> Settings:
    """Remember sharing as off (an open app stops serving the office network within a second or two)."""
    return save_setting(settings, "sharing", False)


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes, made in memory (the ``qrcode`` package, with Pillow)."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=3)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
