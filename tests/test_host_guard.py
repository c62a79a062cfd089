"""The web server answers only this computer's names: DNS rebinding can't drive the app.

A real ``streamlit run app.py`` on a free loopback port. A rebinding page's browser sends its own
site's name as ``Host`` (here ``attacker.example:PORT``) with a matching ``Origin``: every route and the
websocket must refuse it, while ``localhost``, ``127.0.0.1`` and ``[::1]`` keep working. Names the
owner adds in the ``allowed_hosts`` setting are answered too. The rules themselves
(``core/webguard.py``) are tested without a server at the end.
"""
from __future__ import annotations

import json
import socket

import pytest

from core.webguard import host_allowed, host_name, media_file_id, normalise_names
from tests.browser import streamlit_app
from tests.webclient import Session, raw_http, websocket_upgrade

ATTACKER = "attacker.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostguard") / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"allowed_hosts": ["office-pc"]}))
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data), "OLLAMA_HOST": "http://127.0.0.1:9"}) as url:
        yield url, int(url.rsplit(":", 1)[1])


@pytest.mark.slow
def test_from_the_first_second_a_websocket_from_another_name_is_refused(server):
    """Before any script has run (config.toml's server.allowedHosts): no session can start."""
    url, port = server
    assert websocket_upgrade(url, f"{ATTACKER}:{port}", f"http://{ATTACKER}:{port}") == 403
    assert websocket_upgrade(url, f"localhost.{ATTACKER}:{port}", f"http://localhost.{ATTACKER}:{port}") == 403
    assert websocket_upgrade(url, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101


@pytest.mark.slow
def test_every_route_refuses_another_name_once_the_app_has_run(server):
    url, port = server
    with Session(url) as session:  # the owner's browser: app.py runs, and with it the guard
        urls = session.download_urls()
        assert session.session_id
    attacker = f"{ATTACKER}:{port}"
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/documents", "/static/../index.html",
                 "/media/0123456789abcdef.bin", f"/_stcore/upload_file/{session.session_id}/x"):
        reply = raw_http(url, path, host=attacker, headers={"Origin": f"http://{attacker}"})
        assert reply.status == 403, (path, reply.status)
        assert b"<html" not in reply.body.lower()
    reply = raw_http(url, "/_stcore/upload_file/x/y", host=attacker, method="PUT",
                     headers={"Origin": f"http://{attacker}", "Content-Length": "0"})
    assert reply.status == 403
    assert websocket_upgrade(url, attacker, f"http://{attacker}") == 403
    assert urls == {}  # the chat page of an empty library offers nothing to download


@pytest.mark.slow
def test_this_computer_and_the_names_the_owner_added_still_work(server):
    url, port = server
    with Session(url):
        pass
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost", f"LocalHost.:{port}",
                 f"office-pc:{port}"):
        assert raw_http(url, "/_stcore/health", host=host).status == 200, host
        assert raw_http(url, "/", host=host).status == 200, host
    assert websocket_upgrade(url, f"localhost:{port}", f"http://localhost:{port}") == 101
    assert websocket_upgrade(url, f"office-pc:{port}", f"http://office-pc:{port}") == 101
    # a request without any Host (HTTP/1.0 style) is not this computer either
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /_stcore/health HTTP/1.0\r\n\r\n")
        assert sock.recv(100).split(b"\r\n")[0].split()[1] == b"403"


def test_host_rules():
    extra = normalise_names(["Office-PC", " 192.168.1.20:8501 ", "", "[fe80::1]"])
    assert extra == ("office-pc", "192.168.1.20", "fe80::1")
    for ok in ("localhost", "localhost:8501", "127.0.0.1:1", "127.0.0.2", "[::1]:8501", "LOCALHOST.",
               "office-pc:80", "192.168.1.20"):
        assert host_allowed(ok, extra), ok
    for bad in (None, "", "attacker.example", "attacker.example:8501", "localhost.attacker.example",
                "127.0.0.1.nip.io", "0.0.0.0", "localhost:99999", "localhost:abc", "user@localhost",
                "localhost/x", "[::2]", "192.168.1.21", "office-pc.attacker.example"):
        assert not host_allowed(bad, extra), bad
    assert host_name("[::1]:8501") == "::1"
    assert media_file_id("/media/ab12.bin") == "ab12"
    assert media_file_id("/base/media/ab12.png", "/base/") == "ab12"
    assert media_file_id("/_stcore/health") is None and media_file_id("/media/a/b.bin") is None


def test_only_the_owners_own_clicks_change_settings():
    """The rebinding fix keeps other pages out; inside the app no page content, model output or document
    can change a setting either: settings are saved only by Setup's and Answer style's widgets, nothing
    reads the address bar (query parameters), and no page runs scripts from content."""
    from tests.conftest import ROOT

    sources = {str(p.relative_to(ROOT)): p.read_text("utf-8") for folder in ("core", "pages", "ui")
               for p in (ROOT / folder).rglob("*.py")}
    sources["app.py"] = (ROOT / "app.py").read_text("utf-8")
    savers = {name for name, text in sources.items() if "save_setting(" in text}
    assert savers <= {"core/settings.py", "pages/setup.py", "pages/style.py", "core/sharing/switch.py"}, savers
    # sharing is switched only by Setup's switch (ui/sharing.py) and the command line
    switchers = {name for name, text in sources.items() if "turn_on(" in text or "turn_off(" in text}
    assert switchers <= {"core/sharing/switch.py", "ui/sharing.py", "core/cli/share_cmds.py"}, switchers
    for needle in ("query_params", "components.v1", "components.html"):
        assert not [name for name, text in sources.items() if needle in text], needle
    # one fixed script of ours scrolls the source dialog to its first mark; it is built from a selector made
    # of letters, digits, '-' and '_' only (never from document text or model output), and nowhere else
    scripts = {name: text.count("unsafe_allow_javascript") for name, text in sources.items()
               if "unsafe_allow_javascript" in text}
    assert scripts == {"ui/source_view.py": 1}, scripts
    view = sources["ui/source_view.py"]
    assert 'anchor = "".join(ch for ch in key if ch.isalnum() or ch in "-_")' in view


def test_the_allowed_hosts_setting_reads_a_list_or_a_comma_separated_line(data_dir):
    from core.errors import UsageError
    from core.settings import load_settings

    data_dir.mkdir(parents=True)
    for written, read in ((["office-pc", " 192.168.1.20 "], ("office-pc", "192.168.1.20")),
                          ("office-pc, shop-laptop", ("office-pc", "shop-laptop")), ([], ())):
        (data_dir / "settings.json").write_text(json.dumps({"allowed_hosts": written}))
        assert load_settings().allowed_hosts == read
    (data_dir / "settings.json").write_text(json.dumps({"allowed_hosts": 5}))
    with pytest.raises(UsageError):
        load_settings()
    (data_dir / "settings.json").unlink()
    assert load_settings().allowed_hosts == ()  # default: this computer's own names only
