"""DNS rebinding in a real browser: a page on another site, whose name now points at this computer,
can't run a search or change a setting.

Chromium resolves ``attacker.example`` to 127.0.0.1 (``--host-resolver-rules``), as a rebinding attack
makes it do. The attacker's own page (served to the browser as ``http://attacker.example:PORT/evil``)
then talks to the app's port as a same-origin page: it tries the health check, the app's page, an
upload and the websocket that every search and every setting change needs.
"""
from __future__ import annotations

import contextlib

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# This Chromium blocks a public page's requests to loopback by itself (Local Network Access); other
# browsers and older ones don't, so the test turns that off: the server must refuse on its own.
NO_LOCAL_NETWORK_CHECKS = ("LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,"
                           "PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults")
EVIL_PAGE = "<html><body><h1>Win a prize</h1></body></html>"
PROBE = """async () => {
  const out = {};
  for (const [name, path, method] of [["health", "/_stcore/health", "GET"], ["index", "/", "GET"],
                                      ["upload", "/_stcore/upload_file/s/f", "PUT"]]) {
    try { out[name] = (await fetch(path, {method})).status; } catch (e) { out[name] = "failed"; }
  }
  out.websocket = await new Promise(done => {
    const ws = new WebSocket(`ws://${location.host}/_stcore/stream`, ["streamlit"]);
    ws.onopen = () => { ws.close(); done("open"); };
    ws.onerror = () => done("refused");
  });
  return out;
}"""


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS + ["--host-resolver-rules=MAP attacker.example 127.0.0.1",
                                                           f"--disable-features={NO_LOCAL_NETWORK_CHECKS}"])
        try:
            yield browser
        finally:
            browser.close()


def attacker_page(browser, port: int):
    page = browser.new_context().new_page()
    page.set_default_timeout(60_000)
    evil = f"http://attacker.example:{port}/evil"
    page.route(evil, lambda route: route.fulfill(status=200, content_type="text/html", body=EVIL_PAGE))
    page.goto(evil)
    return page


def test_a_rebinding_page_cannot_search_or_change_settings(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    settings_file = data_dir / "settings.json"
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url, \
            chromium() as browser:
        port = int(url.rsplit(":", 1)[1])
        # Before the owner has even opened the app: no session can start from the attacker's page.
        early = attacker_page(browser, port).evaluate(PROBE)
        assert early["websocket"] == "refused"
        assert early["health"] == 200  # the request did reach the server (the browser blocks nothing here)

        owner = browser.new_context().new_page()
        owner.goto(url + "/find")
        owner.get_by_role("heading", name="Find in my documents").wait_for()
        wait_idle(owner)  # the owner, on this computer's own address, has the app

        evil = attacker_page(browser, port)
        assert evil.evaluate(PROBE) == {"health": 403, "index": 403, "upload": 403, "websocket": "refused"}
        for address in ("/", "/find", "/setup"):
            reply = evil.goto(f"http://attacker.example:{port}{address}")
            assert reply.status == 403
            assert "not Groundwork's" in evil.inner_text("body")
            assert evil.get_by_role("heading").count() == 0  # no app drawn: nothing to type a search into
        assert not settings_file.exists()  # nothing was saved by anyone
