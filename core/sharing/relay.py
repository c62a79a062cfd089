"""The office network's encrypted door: a TLS listener that passes each connection to the local server.

Why a pass-through and not Streamlit on the office network: the Streamlit server keeps listening on
127.0.0.1 only (sharing off means exactly what it meant before: nothing but this computer can reach it),
and it can only open its listeners when it starts, while sharing is switched on and off while it runs.
The relay (asyncio with Python's ``ssl``, in a background thread) accepts a TLS connection on
``bind:port``, opens a plain TCP connection to ``127.0.0.1:target_port`` and copies bytes both ways,
unchanged: HTTP, the websocket, uploads. The browser's ``Host`` header reaches the server as typed, so
the web guard (core/webguard.py) still refuses every name that isn't this computer's.

``stop()`` closes the listener and cuts every open connection through it at once (both sides).
"""
from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from pathlib import Path
from typing import Optional

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
MAX_CONNECTIONS = 256  # ten people's browsers hold a few each; beyond this a new one is turned away


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert_path), str(key_path))
    return context


class Relay:
    """``Relay(cert, key, target_port, port, bind).start()`` ... ``.stop()``; one background thread."""

    def __init__(self, cert_path: Path, key_path: Path, target_port: int, port: int, bind: str = "0.0.0.0",
                 target_host: str = "127.0.0.1"):
        self.context = server_context(cert_path, key_path)
        self.target = (target_host, int(target_port))
        self.bind, self.port = bind, int(port)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._server: Optional[asyncio.AbstractServer] = None
        self._thread: Optional[threading.Thread] = None
        self._transports: set = set()
        self._ready = threading.Event()
        self._error: Optional[BaseException] = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._server is not None

    @property
    def connections(self) -> int:
        return len(self._transports) // 2

    def start(self, timeout: float = 10.0) -> "Relay":
        """Listen now; raises ``OSError`` when the port can't be had (another program holds it)."""
        self._thread = threading.Thread(target=self._run, name="groundwork-office-relay", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        if self._error is not None:
            self._thread.join(timeout)
            raise self._error
        if self._server is None:
            raise OSError("the office-network listener did not start")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listener and every open connection through it, now."""
        loop = self._loop
        if loop is not None and self._thread is not None and self._thread.is_alive():
            try:
                loop.call_soon_threadsafe(self._shutdown)
            except RuntimeError:  # the loop already closed
                pass
            self._thread.join(timeout)
        self._server = None

    # -- inside the relay's thread

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            self._server = loop.run_until_complete(asyncio.start_server(
                self._connection, self.bind, self.port, ssl=self.context, ssl_handshake_timeout=15))
            # (asyncio's default reuses the address on POSIX only, so switching off and on again can have the
            # port back at once; on Windows that option would let another program share the port)
            if self.port == 0:
                self.port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # the port is taken, or the address isn't this computer's
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:  # anything still running (it shouldn't: every socket was cut) is cancelled
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=2))
            loop.close()

    def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for transport in list(self._transports):
            transport.abort()  # no goodbye: the connection is cut at once
        self._transports.clear()
        assert self._loop is not None
        self._loop.create_task(self._finish())

    async def _finish(self) -> None:
        """Let each connection's task see its cut socket and end, then stop the loop."""
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:
            await asyncio.wait(others, timeout=2)
        asyncio.get_running_loop().stop()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._pass_through(reader, writer)
        except asyncio.CancelledError:  # the relay is stopping: the connection is already cut
            writer.transport.abort()

    async def _pass_through(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._transports) // 2 >= MAX_CONNECTIONS:
            writer.transport.abort()
            return
        self._transports.add(writer.transport)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:  # the local server is gone (Groundwork is stopping)
            self._transports.discard(writer.transport)
            writer.transport.abort()
            return
        self._transports.add(up_writer.transport)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                self._transports.discard(w.transport)
                w.close()  # (what is still buffered goes out first)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await source.read(CHUNK)
                if not data:
                    break
                sink.write(data)
                await sink.drain()
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            sink.close()  # one side ended: end the other after what is buffered
