"""Talking to a real ``streamlit run`` server the way a browser (or an attacker) does, without a browser.

- ``raw_http``: one HTTP/1.1 request over a plain socket, with any ``Host`` we like (a rebinding page's
  browser sends its own site's name there); returns the status code, headers and body.
- ``websocket_upgrade``: the websocket handshake alone, with any ``Host`` and ``Origin``; returns the
  status line's code (101 = a session could start).
- ``sign_in`` / ``session_cookie``: the sign-in form (sharing on) and the cookie it sets.
- ``Session``: a real Streamlit session over the websocket (the same protobuf messages the page's
  JavaScript sends): run a page, read what it drew (download buttons' media URLs), close.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    set_cookies: list[str] = field(default_factory=list)


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def raw_http(url: str, path: str, host: str | None = None, headers: dict[str, str] | None = None,
             method: str = "GET", body: bytes = b"") -> HttpReply:
    address = _address(url)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host or f'{address[0]}:{address[1]}'}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    reply = HttpReply(int(status_line.split()[1]))
    for line in header_lines:
        name, _, value = line.partition(":")
        reply.headers[name.strip().lower()] = value.strip()
        if name.strip().lower() == "set-cookie":
            reply.set_cookies.append(value.strip())
    if reply.headers.get("transfer-encoding") == "chunked":
        out, rest = b"", body
        while rest:
            size_text, _, rest = rest.partition(b"\r\n")
            size = int(size_text.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        body = out
    reply.body = body
    return reply


def websocket_upgrade(url: str, host: str, origin: str, cookie: str = "", path: str = "/_stcore/stream") -> int:
    """The status code the server answers a websocket handshake with (101 switches; 403 refuses)."""
    address = _address(url)
    request = (f"GET {path} HTTP/1.1\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") +
               f"Host: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: streamlit\r\n\r\n")
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(request.encode("latin-1"))
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b"\r\n", 1)[0].split()[1])


def sign_in(url: str, name: str, password: str, host: str = "", origin: str = "") -> HttpReply:
    """Send the sign-in form (sharing on) as the sign-in page does: same origin unless ``origin`` says otherwise."""
    from urllib.parse import urlencode

    address = _address(url)
    host = host or f"{address[0]}:{address[1]}"
    return raw_http(url, "/_gw/signin", host=host, method="POST",
                    body=urlencode({"name": name, "password": password}).encode(),
                    headers={"Origin": origin or f"http://{host}", "Content-Type": "application/x-www-form-urlencoded"})


def session_cookie(reply: HttpReply) -> str:
    """The sign-in cookie a reply set, as a Cookie header ("groundwork_session=...")."""
    (cookie,) = [c for c in reply.set_cookies if c.startswith("groundwork_session=")]
    return cookie.split(";", 1)[0]


def browser_cookie(url: str) -> str:
    """What a browser holds after loading the app's page: the cookies the server set, as a Cookie header."""
    reply = raw_http(url, "/")
    assert reply.status == 200, reply.status
    return "; ".join(c.split(";", 1)[0] for c in reply.set_cookies)


class Session:
    """One Streamlit session over a real websocket, as the page's JavaScript opens it."""

    def __init__(self, url: str, cookie: str = ""):
        from websockets.sync.client import connect

        host, port = _address(url)
        headers = {"Cookie": cookie} if cookie else {}
        self.ws = connect(f"ws://{host}:{port}/_stcore/stream", origin=f"http://{host}:{port}",
                          subprotocols=["streamlit"], additional_headers=headers, max_size=None,
                          open_timeout=30)
        self.session_id = ""

    def run(self, page: str = "", timeout: float = 120) -> list:
        """Run the app's script for ``page`` (its address, e.g. "documents"); the messages it sent."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_name = page
        self.ws.send(back.SerializeToString())
        messages = []
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(self.ws.recv(timeout=timeout))
            messages.append(msg)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return messages  # (a page opened first reruns through app.py: wait for that run)

    def texts(self, page: str = "") -> list[str]:
        """The words the page drew: markdown, notices, titles, captions and button labels."""
        found = []
        for msg in self.run(page):
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                kind = element.WhichOneof("type")
                if kind in ("markdown", "alert", "heading"):
                    found.append(getattr(element, kind).body)
                elif kind == "button":
                    found.append(element.button.label)
        return found

    def download_urls(self, page: str = "") -> dict[str, str]:
        """Each download button the page drew: its label -> its media URL."""
        found = {}
        for msg in self.run(page):
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "download_button":
                    found[element.download_button.label] = element.download_button.url
        return found

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
