"""Signing in on a real ``streamlit run app.py`` server with sharing on, over real HTTP and websockets.

Accounts are made with the real code (argon2id, SQLite) in the server's data folder; the server is
reached the way a browser does (``tests/webclient.py``). Covered: nothing of the app without a session
(pages are sent to the sign-in page, other requests get 401, the websocket 403), signing in sets an
HttpOnly SameSite=Strict cookie, a cross-site form is refused, a tampered or expired cookie is refused and
forgotten, signing out and a password change end sessions in every other client, even one already open.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from core.accounts import People
from core.db import Database
from tests.browser import streamlit_app
from tests import webclient
from tests.webclient import Session, raw_http, websocket_upgrade

STAFF, STAFF_PASSWORD = "Tom", "tom-staff-password-1"
OWNER, OWNER_PASSWORD = "Maria", "maria-owner-password-1"
PAGE = {"Accept": "text/html,application/xhtml+xml", "Sec-Fetch-Dest": "document"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("signin") / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"sharing": True, "allowed_hosts": ["office-pc"]}))
    people = People(Database(data / "groundwork.db"))
    people.add(OWNER, "owner", OWNER_PASSWORD)
    people.add(STAFF, "staff", STAFF_PASSWORD)
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        # The guard is put in front of the server by the first run of app.py; the first browser to connect
        # (before any sign-in) gets only the way to the sign-in page
        with Session(url) as first:
            said = first.texts()
        assert "You're not signed in (or your sign-in has ended); reload this page to sign in." in said
        assert not [t for t in said if "Library" in t or "Model" in t]
        yield url, int(url.rsplit(":", 1)[1]), data


def sign_in(url: str, port: int, name: str, password: str, host: str = "", origin: str = ""):
    return webclient.sign_in(url, name, password, host=host, origin=origin)


cookie_of = webclient.session_cookie


def signed_in(url: str, port: int, cookie: str) -> bool:
    return websocket_upgrade(url, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}", cookie) == 101


@pytest.mark.slow
def test_nothing_of_the_app_without_signing_in(server):
    url, port, _ = server
    page = raw_http(url, "/", headers=PAGE)
    assert page.status == 303 and page.headers["location"] == "/_gw/signin"
    assert raw_http(url, "/documents", headers=PAGE).status == 303
    for path in ("/_stcore/health", "/_stcore/host-config", "/static/js/x.js", "/media/0123.bin", "/"):
        reply = raw_http(url, path)  # not a page load (no Accept: text/html): no redirect, no content
        assert reply.status == 401 and reply.body == b"Sign in to Groundwork first.\n", path
    assert websocket_upgrade(url, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 403
    assert raw_http(url, "/_gw/signout", method="POST", headers={"Origin": f"http://127.0.0.1:{port}"}).status == 303
    assert websocket_upgrade(url, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}", path="/_gw/signin") == 403
    form = raw_http(url, "/_gw/signin", headers=PAGE)
    assert form.status == 200 and b'<form method="post" action="/_gw/signin">' in form.body
    csp = form.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert b"<script" not in form.body and b"http" not in form.body.lower().replace(b"http-equiv", b"")


@pytest.mark.slow
def test_signing_in_sets_an_httponly_strict_cookie_that_opens_the_app(server):
    url, port, _ = server
    wrong = sign_in(url, port, STAFF, "not-the-password")
    assert wrong.status == 401 and not wrong.set_cookies
    assert b"That name and password don&#x27;t match; check them and try again." in wrong.body
    reply = sign_in(url, port, STAFF, STAFF_PASSWORD)
    assert reply.status == 303 and reply.headers["location"] == "/"
    (set_cookie,) = reply.set_cookies
    attributes = {a.strip().split("=")[0].lower() for a in set_cookie.split(";")[1:]}
    assert attributes == {"httponly", "max-age", "path", "samesite"}  # no Secure: this computer, plain http
    assert "Max-Age=36000" in set_cookie and "SameSite=strict" in set_cookie and "Path=/" in set_cookie
    cookie = cookie_of(reply)
    assert raw_http(url, "/", headers={**PAGE, "Cookie": cookie}).status == 200
    assert raw_http(url, "/_stcore/health", headers={"Cookie": cookie}).status == 200
    with Session(url, cookie) as session:
        said = session.texts()
    assert "👤 Signed in as **Tom** (staff)" in said and "Sign out" in said
    with Session(url, cookie) as session:  # an owner page by its address
        said = session.texts("setup")
    assert "Only the owner can do this; ask your questions on the “Ask your documents” page." in said
    assert not [t for t in said if "Setup" in t or "Ollama" in t]


@pytest.mark.slow
def test_a_form_from_another_site_is_refused(server):
    url, port, _ = server
    for origin in (f"http://attacker.example:{port}", "null"):
        reply = sign_in(url, port, STAFF, STAFF_PASSWORD, origin=origin)
        assert reply.status == 403 and not reply.set_cookies, origin
    no_origin = raw_http(url, "/_gw/signin", method="POST", body=b"name=Tom&password=" + STAFF_PASSWORD.encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert no_origin.status == 403 and not no_origin.set_cookies


@pytest.mark.slow
def test_on_the_office_network_the_cookie_is_secure(server):
    """Reached by an office name (through the encrypted listener, which passes the Host on): Secure."""
    url, port, _ = server
    reply = sign_in(url, port, STAFF, STAFF_PASSWORD, host="office-pc:8443", origin="https://office-pc:8443")
    assert reply.status == 303
    assert "secure" in {a.strip().lower() for a in reply.set_cookies[0].split(";")}


@pytest.mark.slow
def test_a_tampered_or_expired_cookie_is_refused_and_forgotten(server):
    url, port, data = server
    cookie = cookie_of(sign_in(url, port, STAFF, STAFF_PASSWORD))
    assert signed_in(url, port, cookie)
    value = cookie.split("=", 1)[1]
    tampered = "groundwork_session=" + value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    assert not signed_in(url, port, tampered)
    reply = raw_http(url, "/", headers={**PAGE, "Cookie": tampered})
    assert reply.status == 303 and reply.headers["location"] == "/_gw/signin?ended=1"
    assert reply.set_cookies[0].startswith('groundwork_session=""') and "Max-Age=0" in reply.set_cookies[0]
    with sqlite3.connect(data / "groundwork.db") as conn:  # the working day is over
        conn.execute("UPDATE login_sessions SET expires_at = created_at - 1")
    assert not signed_in(url, port, cookie)
    assert raw_http(url, "/_stcore/health", headers={"Cookie": cookie}).status == 401
    assert b"Your sign-in has ended" in raw_http(url, "/_gw/signin?ended=1", headers=PAGE).body
    crowded = raw_http(url, "/_gw/signin", method="POST", body="&".join(f"f{i}=1" for i in range(50)).encode(),
                       headers={"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"})
    assert crowded.status == 401 and not crowded.set_cookies  # not our form: refused like a wrong password


@pytest.mark.slow
def test_signing_out_ends_the_session_in_every_client(server):
    url, port, _ = server
    laptop = cookie_of(sign_in(url, port, STAFF, STAFF_PASSWORD))
    phone = cookie_of(sign_in(url, port, STAFF, STAFF_PASSWORD))
    owner = cookie_of(sign_in(url, port, OWNER, OWNER_PASSWORD))
    cross = raw_http(url, "/_gw/signout", method="POST", headers={"Cookie": laptop, "Origin": "http://attacker.example"})
    assert cross.status == 404 and signed_in(url, port, laptop)
    reply = raw_http(url, "/_gw/signout", method="POST", headers={"Cookie": laptop, "Origin": f"http://127.0.0.1:{port}"})
    assert reply.status == 303 and reply.headers["location"] == "/_gw/signin?out=1"
    assert "Max-Age=0" in reply.set_cookies[0]
    assert not signed_in(url, port, laptop) and not signed_in(url, port, phone)
    assert signed_in(url, port, owner)  # somebody else stays signed in
    assert b"You&#x27;re signed out." in raw_http(url, "/_gw/signin?out=1", headers=PAGE).body


@pytest.mark.slow
def test_a_password_change_ends_the_old_session_even_in_an_open_window(server):
    url, port, data = server
    first = cookie_of(sign_in(url, port, STAFF, STAFF_PASSWORD))
    second = cookie_of(sign_in(url, port, STAFF, STAFF_PASSWORD))
    with Session(url, first) as window:
        assert "👤 Signed in as **Tom** (staff)" in window.texts()
        People(Database(data / "groundwork.db")).set_password(STAFF, "tom-new-password-2")
        said = window.texts()  # the next click in the window that was open
    assert "You're not signed in (or your sign-in has ended); reload this page to sign in." in said
    assert not [t for t in said if "Signed in as" in t]
    assert not signed_in(url, port, first) and not signed_in(url, port, second)
    assert sign_in(url, port, STAFF, STAFF_PASSWORD).status == 401
    assert signed_in(url, port, cookie_of(sign_in(url, port, STAFF, "tom-new-password-2")))
    People(Database(data / "groundwork.db")).set_password(STAFF, STAFF_PASSWORD)


@pytest.mark.slow
def test_wrong_passwords_slow_down_then_pause_the_name_and_the_owner_unlocks_it(server):
    """Over HTTP, and the same for a name with no account: nothing tells whether a name exists."""
    url, port, data = server
    people = People(Database(data / "groundwork.db"))
    people.add("Ann", "staff", "ann-staff-password-1")
    for name in ("Ann", "Nobody"):
        replies = [sign_in(url, port, name, "wrong-password") for _ in range(3)]
        assert [r.status for r in replies] == [401, 401, 429], name
        assert b"please wait 2 seconds, then try again." in replies[2].body
        waiting = sign_in(url, port, name, "ann-staff-password-1")  # the right one, during the wait
        assert waiting.status == 429 and not waiting.set_cookies
    with sqlite3.connect(data / "groundwork.db") as conn:  # (the 4th to 9th tries, with their waits, as done)
        conn.execute("UPDATE people SET failed_logins = 9, locked_until = NULL WHERE name = 'Ann'")
    paused = sign_in(url, port, "Ann", "wrong-password")
    assert paused.status == 429
    assert b"Too many wrong passwords for this name, so signing in with it is paused for 15 minutes" in paused.body
    assert sign_in(url, port, "Ann", "ann-staff-password-1").status == 429
    assert people.get("Ann").locked
    from tests.cli import core

    assert core("users", "unlock", "Ann", "--data-dir", str(data), "--json").json()["person"]["locked"] is False
    assert signed_in(url, port, cookie_of(sign_in(url, port, "Ann", "ann-staff-password-1")))
