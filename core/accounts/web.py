"""The sign-in and sign-out pages, served by the web guard itself (``core/webguard.py``), not by Streamlit.

Why here: Streamlit can't set an HttpOnly cookie, and with sharing on nothing of the app (not even its
page bundle or websocket) may be reached before signing in. The page is one small self-contained HTML
document (no script, no outside file; a strict Content-Security-Policy allows only its own inline style).

- ``GET /_gw/signin``: the form. ``POST /_gw/signin``: same-origin only (``Origin`` must be the address
  the browser asked for); a right name and password set ``groundwork_session`` (HttpOnly, SameSite=Strict,
  Path=/, lasting ``SESSION_HOURS``; ``Secure`` unless the browser reached a loopback name, i.e. this
  computer over plain http: the office network only reaches Groundwork over the encrypted listener, which
  passes the browser's own ``Host`` through) and redirect to ``/``.
- ``POST /_gw/signout``: same-origin only; ends every session of the person signed in and clears the cookie.
- Anything else without a live session: a page load is redirected to the sign-in page (clearing a dead
  cookie); other requests get 401; a websocket is closed before it opens (the server answers 403).

Cookies are written with Starlette's ``Response.set_cookie`` (the server Streamlit runs on) and read with
its ``cookie_parser``; password checks and database work run in a worker thread, never in the event loop.
"""
from __future__ import annotations

import html
import secrets
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
from starlette.requests import cookie_parser
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from core.access import SESSION_COOKIE
from core.accounts.signin import SESSION_HOURS, SignIn

SIGNIN, SIGNOUT = "_gw/signin", "_gw/signout"
MAX_FORM = 8192
SIGN_IN_FIRST = b"Sign in to Groundwork first.\n"
SIGNED_OUT = "You're signed out. Sign in again to go on."
ENDED = "Your sign-in has ended; sign in again to go on."
CROSS_SITE = "This sign-in form must be sent from Groundwork's own page; open the address again and sign in."


def sharing_state():
    """(is sharing on, the database path) as the settings say now. A settings file with a value that can't
    be read still says whether sharing is on: any "sharing" value other than false (or none) counts as on,
    so a mistake in another setting never lets anyone past signing in (pages then explain the mistake)."""
    import os
    from pathlib import Path

    from core.errors import AppError
    from core.settings import default_data_dir, load_settings, read_settings_file

    try:
        settings = load_settings()
        return settings.sharing, settings.db_path
    except AppError:
        root = Path(os.environ.get("GROUNDWORK_DATA_DIR") or default_data_dir()).expanduser().resolve()
        return read_settings_file(root).get("sharing") not in (None, False), root / "groundwork.db"


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def cookie_token(scope: dict) -> Optional[str]:
    raw = _header(scope, b"cookie")
    return cookie_parser(raw).get(SESSION_COOKIE) if raw else None


def same_origin(scope: dict) -> bool:
    """Did this form come from a page at the address the browser asked for (``Origin`` host == ``Host``)?
    (The sign-in page's Referrer-Policy is ``same-origin``: with ``no-referrer`` Chromium sends
    ``Origin: null`` on the form, which this refuses.)"""
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    if not origin or not host or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def secure_cookie(scope: dict) -> bool:
    """``Secure`` unless the browser reached this computer by a loopback name over plain http."""
    from core.webguard import host_allowed, host_name

    name = host_name(_header(scope, b"host"))
    return not (name is not None and host_allowed(name) and scope.get("scheme", "http") in ("http", "ws"))


def wants_page(scope: dict) -> bool:
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    dest = _header(scope, b"sec-fetch-dest")
    return dest in ("document", "") and ("text/html" in _header(scope, b"accept") or dest == "document")


async def _form(receive) -> dict[str, str]:
    body, more = b"", True
    while more and len(body) <= MAX_FORM:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if len(body) > MAX_FORM:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    except ValueError:  # more fields than the form has: not our form
        return {}
    return {k: v[0] for k, v in fields.items() if len(v) == 1}


class Gate:
    """Signing in for one database: ``await gate(scope, receive, send)`` answers and returns True, or
    returns False to let the request through (it carries a live session)."""

    def __init__(self, signin: SignIn, base_path: str = ""):
        self.signin = signin
        self.base = "/" + "/".join(p for p in base_path.strip("/").split("/") if p)
        self.base = "" if self.base == "/" else self.base

    def url(self, route: str = "") -> str:
        return f"{self.base}/{route}"

    async def __call__(self, scope: dict, receive, send) -> bool:
        path = scope.get("path") or ""
        if scope.get("type") == "websocket" and path in (self.url(SIGNIN), self.url(SIGNOUT)):
            await send({"type": "websocket.close", "code": 1008})
            return True
        if path == self.url(SIGNIN):
            await self._signin(scope, receive, send)
            return True
        if path == self.url(SIGNOUT):
            await self._signout(scope, receive, send)
            return True
        token = cookie_token(scope)
        if token and await anyio.to_thread.run_sync(self.signin.access, token) is not None:
            return False
        if scope.get("type") == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accepting: the server answers 403
            return True
        if wants_page(scope):  # (with a cookie that is no session any more, the page says the sign-in ended)
            response: Response = RedirectResponse(self.url(SIGNIN) + ("?ended=1" if token else ""), status_code=303)
        else:
            response = PlainTextResponse(SIGN_IN_FIRST, status_code=401)
        if token:  # a cookie that is no session any more (ended, expired, tampered): the browser forgets it
            self._clear(response, scope)
        response.headers["cache-control"] = "no-store"
        await response(scope, receive, send)
        return True

    async def _signin(self, scope, receive, send) -> None:
        method = scope.get("method")
        if scope.get("type") != "http" or method not in ("GET", "HEAD", "POST"):
            await PlainTextResponse(b"Not found.\n", status_code=404)(scope, receive, send)
            return
        if method != "POST":
            query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
            said = SIGNED_OUT if "out" in query else ENDED if "ended" in query else ""
            await self.page(said)(scope, receive, send)
            return
        if not same_origin(scope):
            await self.page(CROSS_SITE, status=403)(scope, receive, send)
            return
        form = await _form(receive)
        result = await anyio.to_thread.run_sync(self.signin.sign_in, form.get("name", ""), form.get("password", ""))
        if not result.ok:
            status = 429 if result.wait > 0 else 401
            await self.page(result.message, name=form.get("name", ""), status=status)(scope, receive, send)
            return
        response = RedirectResponse(self.url(), status_code=303)
        response.set_cookie(SESSION_COOKIE, result.token, max_age=SESSION_HOURS * 3600, path="/",
                            secure=secure_cookie(scope), httponly=True, samesite="strict")
        response.headers["cache-control"] = "no-store"
        await response(scope, receive, send)

    async def _signout(self, scope, receive, send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "POST" or not same_origin(scope):
            await PlainTextResponse(b"Not found.\n", status_code=404)(scope, receive, send)
            return
        await anyio.to_thread.run_sync(self.signin.sign_out, cookie_token(scope))
        response = RedirectResponse(self.url(SIGNIN) + "?out=1", status_code=303)
        self._clear(response, scope)
        await response(scope, receive, send)

    def _clear(self, response: Response, scope: dict) -> None:
        response.set_cookie(SESSION_COOKIE, "", max_age=0, path="/", secure=secure_cookie(scope), httponly=True,
                            samesite="strict")

    def page(self, message: str = "", name: str = "", status: int = 200) -> HTMLResponse:
        nonce = secrets.token_urlsafe(16)
        note = f'<p class="note" role="alert">{html.escape(message)}</p>' if message else ""
        body = PAGE.format(nonce=nonce, note=note, action=html.escape(self.url(SIGNIN)),
                           name=html.escape(name[:80], quote=True))
        return HTMLResponse(body, status_code=status, headers={
            "content-security-policy": (f"default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; "
                                        "frame-ancestors 'none'; base-uri 'none'"),
            "x-frame-options": "DENY", "cache-control": "no-store", "referrer-policy": "same-origin",
            "x-content-type-options": "nosniff"})


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Groundwork</title>
<style nonce="{nonce}">
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f6f7f6; color: #1f2a24;
       margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }}
main {{ background: #fff; border: 1px solid #dde3df; border-radius: 12px; padding: 32px 28px; width: 100%;
        max-width: 400px; box-sizing: border-box; margin: 16px; box-shadow: 0 2px 10px rgba(0,0,0,.05); }}
h1 {{ font-size: 1.5rem; margin: 0 0 6px; }}
p.lead {{ margin: 0 0 22px; color: #4b5a52; }}
label {{ display: block; font-weight: 600; margin: 14px 0 6px; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1rem; padding: 9px 10px; border: 1px solid #b9c4be;
         border-radius: 8px; }}
button {{ margin-top: 22px; width: 100%; font-size: 1rem; padding: 10px; border: 0; border-radius: 8px;
          background: #2f6f4f; color: #fff; font-weight: 600; cursor: pointer; }}
p.note {{ background: #fff6e0; border: 1px solid #f0d48a; border-radius: 8px; padding: 10px 12px; margin: 0 0 8px; }}
p.help {{ color: #5f6d66; font-size: .9rem; margin: 18px 0 0; }}
</style></head>
<body><main>
<h1>📚 Groundwork</h1>
<p class="lead">Sign in to ask your company's documents.</p>
{note}
<form method="post" action="{action}">
<label for="name">Your name</label>
<input id="name" name="name" autocomplete="username" value="{name}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="help">Forgot your password? Ask the owner to set a new one.</p>
</main></body></html>
"""
