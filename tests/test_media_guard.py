"""Originals are served only to the live session that shows them.

A real ``streamlit run app.py`` with two documents. The Documents page's "Download original" button is
a ``/media/...`` URL: it works for that browser session, and gives 404 without the session's key,
with another session's key, from another account on this computer, after the document is removed,
and after the browser closed.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from tests.browser import streamlit_app
from tests.builders import LOREM_TOPICS, make_pdf
from tests.conftest import ROOT
from tests.webclient import Session, raw_http

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mediaguard")
    incoming = root / "incoming"
    incoming.mkdir()
    (incoming / "Handbook.pdf").write_bytes(make_pdf(LOREM_TOPICS))
    (incoming / "Prices.pdf").write_bytes(make_pdf(["Price list: a loaf of rye bread costs 4 euros."]))
    env = {"GROUNDWORK_DATA_DIR": str(root / "data"), "OLLAMA_HOST": "http://127.0.0.1:9"}
    core(env, "ingest", str(incoming))
    with streamlit_app(env) as url:
        yield url, env, incoming


def core(env: dict, *args: str) -> None:
    import os

    proc = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def original_url(session: Session) -> str:
    urls = session.download_urls("documents")
    assert list(urls) == ["Download original"], urls
    return urls["Download original"]


def without_key(url: str) -> str:
    return url.split("?", 1)[0]


def test_a_download_works_for_its_session_and_nobody_else(server):
    url, _, incoming = server
    with Session(url) as owner, Session(url) as other:
        link = original_url(owner)
        reply = raw_http(url, link)
        assert reply.status == 200
        assert reply.body == (incoming / "Handbook.pdf").read_bytes()  # the first document, as uploaded
        assert raw_http(url, without_key(link)).status == 404  # the id alone (a hash of the content)
        other.run()  # another live session (on the chat page): its key doesn't open this file
        other_key = original_url(other).split("?", 1)[1]
        other.run()  # ... and once its own page no longer shows the file, not even the same file
        assert raw_http(url, f"{without_key(link)}?{other_key}").status == 404
        assert raw_http(url, f"{without_key(link)}?gw=guessed").status == 404
        assert raw_http(url, link, method="OPTIONS").status == 404


def test_another_account_on_this_computer_gets_nothing(server):
    url, _, _ = server
    if not shutil.which("runuser") or not shutil.which("curl"):
        pytest.skip("this system has no runuser or curl to act as a second local account")
    probe = subprocess.run(["runuser", "-u", "nobody", "--", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this test can't switch to the 'nobody' account here (it needs root)")
    with Session(url) as owner:
        link = original_url(owner)
        assert raw_http(url, link).status == 200
        for target in (without_key(link), without_key(link) + "?gw=x"):
            out = subprocess.run(["runuser", "-u", "nobody", "--", "curl", "-s", "-o", "/dev/null", "-w",
                                  "%{http_code}", url + target], capture_output=True, text=True, timeout=60)
            assert out.stdout == "404", (out.stdout, out.stderr)


def test_a_removed_document_and_a_closed_browser_stop_the_link(server):
    url, env, _ = server
    owner = Session(url)
    first = original_url(owner)
    assert raw_http(url, first).status == 200
    core(env, "remove", "Handbook.pdf")
    second = original_url(owner)  # the page runs again: the removed document's button is gone
    assert without_key(second) != without_key(first)
    assert raw_http(url, first).status == 404
    assert raw_http(url, second).status == 200
    owner.close()  # the browser tab closes
    for _ in range(50):  # the server notices the closed connection within moments
        if raw_http(url, second).status == 404:
            break
        time.sleep(0.1)
    assert raw_http(url, second).status == 404


@pytest.mark.browser
def test_the_owner_downloads_an_original_in_the_browser(server, tmp_path):
    from tests.browser import browser_page, wait_idle

    url, _, incoming = server
    with browser_page() as page:
        page.goto(url + "/documents")
        page.get_by_role("heading", name="Your documents").wait_for()
        wait_idle(page)
        button = page.get_by_role("button", name="Download original")
        with page.expect_download() as info:
            button.click()
        saved = tmp_path / "original.pdf"
        info.value.save_as(saved)
        # the module's first test removed nothing; the third removes Handbook.pdf, so either may be first
        assert saved.read_bytes() in {(incoming / n).read_bytes() for n in ("Handbook.pdf", "Prices.pdf")}
        assert "gw=" in info.value.url
