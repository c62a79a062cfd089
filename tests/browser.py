"""Real-browser helpers: `streamlit run` on a free loopback port, driven by Debian's Chromium."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
REFRESH_ENV = "GROUNDWORK_REFRESH_SCREENSHOTS"  # set by ``python -m tests.refresh_screenshots``


def screenshots_dir() -> Path:
    """Where ``shot`` writes: the README's folder only when refreshing it, else a folder outside the repository.

    A normal test run must leave the git tree unchanged, so its screenshots go to a temporary folder
    (kept for the run, to look at when a browser test fails).
    """
    if os.environ.get(REFRESH_ENV) == "1":
        return README_SCREENSHOTS
    return Path(os.environ.get("GROUNDWORK_TEST_SCREENSHOTS") or Path(tempfile.gettempdir()) / "groundwork-screenshots")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(env_overrides: dict[str, str]) -> Iterator[str]:
    """Start the real app; yield its URL once /_stcore/health answers."""
    port = free_port()
    env = os.environ.copy()
    env.update(env_overrides)
    log = open(Path(env_overrides.get("GROUNDWORK_DATA_DIR", "/tmp")).parent / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log.name}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not become healthy in 90 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextlib.contextmanager
def browser_page(width: int = 1280, height: int = 900):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    """Wait until Streamlit has finished the current run (no 'Running...' status widget)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )


def shot(page, name: str) -> Path:
    folder = screenshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


CHAT_BOX = "[data-testid='stChatInput'] textarea"


def ask(page, question: str) -> None:
    """Type a question in the chat box and send it, as a person does."""
    box = page.locator(CHAT_BOX)
    box.wait_for()
    box.fill(question)
    box.press("Enter")


def sign_in(page, url: str, name: str, password: str, screenshot: str = "") -> None:
    """With sharing on: open ``url``, be sent to the sign-in page, sign in as ``name`` and wait for the app."""
    page.goto(url + "/")
    page.wait_for_url("**/_gw/signin*")  # sent to the sign-in page before anything of the app
    if screenshot:
        shot(page, screenshot)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")
    page.get_by_text(f"Signed in as {name}").wait_for()
    wait_idle(page)
