"""Who the app's web server answers: the names it may be reached by, and who may fetch a file.

Two dangers this closes (issue 17):

- **DNS rebinding.** A web page on some site can make its own name point at 127.0.0.1 and then talk
  to the app as if it were the owner's browser: run searches, change settings. The browser sends that
  site's name in the ``Host`` header, so the server answers only requests whose ``Host`` is this
  computer (``localhost``, ``127.0.0.1``, ``[::1]``, any port) or a name the owner added
  (the ``allowed_hosts`` setting, for sharing with staff later). Everything else gets a 403: pages,
  health checks, media, uploads, static files and the websocket, before any session starts.
- **Files served to whoever asks.** Streamlit serves a download button's bytes (an original file) at
  ``/media/<id>`` to anyone who can reach the port, and the id is a hash of the file's content. Every
  media URL a session is given now carries that session's own random key (``?gw=...``), which only
  its browser receives (over its websocket). A media URL is served only with the key of a live
  session whose last run showed that file. A closed browser, a removed document (its button is gone
  after the next run), or another account on this computer using curl get a 404.
  (A key in the URL rather than a cookie: the first page load after a start happens before
  ``app.py`` has run, so a cookie could not be set in time for the first session.)

- **Signing in** (issue 20). With sharing on, every request but the sign-in page itself needs the cookie
  of a live session (``core/accounts/web.py``): pages are sent to the sign-in page, other requests get 401,
  the websocket is refused. With sharing off nothing changes.

This module is the part with no Streamlit in it: parsing and the ASGI wrapper. ``ui/webguard.py``
installs it in the running server and supplies the media rule from Streamlit's own bookkeeping.
"""
from __future__ import annotations

import ipaddress
import posixpath
import secrets
from typing import Awaitable, Callable, Iterable, Optional
from urllib.parse import parse_qs, urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
KEY_PARAM = "gw"  # the session key on a media URL
REFUSED = b"This address is not Groundwork's; open Groundwork at http://localhost instead.\n"

Scope = dict
Send = Callable[[dict], Awaitable[None]]


def host_name(header: Optional[str]) -> Optional[str]:
    """The name in a ``Host`` header ('LocalHost:8501' -> 'localhost', '[::1]:80' -> '::1'); None when
    the header is missing or isn't a plain host[:port]."""
    if not header or any(c in header for c in "/?#@\\ \t"):
        return None
    try:
        parts = urlsplit("//" + header)
        _ = parts.port  # a port that isn't a number in range raises here
    except ValueError:
        return None
    name = (parts.hostname or "").rstrip(".").lower()
    return name or None


def normalise_names(names: Iterable[str]) -> tuple[str, ...]:
    """Extra names from settings, tidied: lower case, no port, no brackets, no empties."""
    out = []
    for raw in names:
        text = str(raw).strip()
        name = host_name(text) if text else None
        if name and name not in out:
            out.append(name)
    return tuple(out)


def host_allowed(header: Optional[str], extra: Iterable[str] = ()) -> bool:
    """Is ``header`` (a request's Host) this computer, or one of the ``extra`` names?"""
    name = host_name(header)
    if name is None:
        return False
    if name in LOOPBACK_NAMES or name in extra:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback  # 127.0.0.2 is this computer too
    except ValueError:
        return False


def header(scope: Scope, name: bytes) -> Optional[str]:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def session_key(scope: Scope) -> Optional[str]:
    """The session key a media request carries (``?gw=...``), if any."""
    query = (scope.get("query_string") or b"").decode("latin-1")
    values = parse_qs(query).get(KEY_PARAM) or []
    return values[0] if len(values) == 1 and values[0] else None


def with_key(url: str, key: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{KEY_PARAM}={key}"


def media_file_id(path: str, base: str = "") -> Optional[str]:
    """'/media/ab12.pdf' -> 'ab12' (the id Streamlit stores a file under); None for other paths."""
    prefix = "/" + "/".join(p for p in (base.strip("/"), "media") if p) + "/"
    if not path.startswith(prefix):
        return None
    name = path[len(prefix):]
    return posixpath.splitext(name)[0] if name and "/" not in name else None


def new_session_key() -> str:
    return secrets.token_urlsafe(32)


async def _plain(send: Send, status: int, body: bytes, extra_headers: list | None = None) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")] + (extra_headers or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Policy:
    """What the guard asks: overridden by the Streamlit side (``ui/webguard.py``)."""

    base_path: str = ""

    def extra_hosts(self) -> tuple[str, ...]:
        return ()

    def media_allowed(self, file_id: str, key: Optional[str]) -> bool:
        return False

    def sign_in_gate(self):
        """With sharing on, the sign-in gate (``core.accounts.web.Gate``) every request passes; None otherwise."""
        return None


async def guarded_call(app_call: Callable[..., Awaitable[None]], app, scope: Scope, receive, send: Send,
                       policy: Policy) -> None:
    """Run one ASGI request through the guard, then (if it passes) through ``app_call(app, ...)``."""
    kind = scope.get("type")
    if kind not in ("http", "websocket"):
        return await app_call(app, scope, receive, send)  # lifespan
    if not host_allowed(header(scope, b"host"), policy.extra_hosts()):
        if kind == "websocket":
            # Closing before accepting makes the server answer the upgrade with 403: no session starts.
            await send({"type": "websocket.close", "code": 1008})
        else:
            await _plain(send, 403, REFUSED)
        return
    gate = policy.sign_in_gate()
    if gate is not None and await gate(scope, receive, send):  # sharing on: signed in, or answered here
        return
    file_id = media_file_id(scope.get("path") or "", policy.base_path)
    if file_id is not None and (scope.get("method") == "OPTIONS"
                                or not policy.media_allowed(file_id, session_key(scope))):
        await _plain(send, 404, b"Not found.\n")
        return
    return await app_call(app, scope, receive, send)
