"""Keeps the office-network listener in step with the ``sharing`` setting, while the app runs.

One ``SharingKeeper`` per app server (``core.runtime.get_sharing`` builds it at the app's first run),
in a daemon thread that reads the settings every second (a few microseconds' work): Setup's switch
(which also wakes it at once) and ``python -m core share on|off`` from a terminal both take effect
within a second or two, without a restart. On: the web guard is told this computer's office names
first (``on_hosts``), then the relay starts. Off: the relay stops (every open connection cut), then
the names go.

The limit, said plainly on Setup and in the README: the keeper starts with the app's first run, i.e.
once Groundwork has been opened in a browser on this computer after it was started. Streamlit runs no
app code before a browser asks for a page (``streamlit run`` has no start-up hook).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from core.sharing.relay import Relay

log = logging.getLogger(__name__)
RETRY_S = 10.0  # after the port couldn't be had, try again this often
PORT_TAKEN = ("Another program on this computer already uses port {port}, so staff can't connect yet; close "
              "that program, or choose another port in the settings file's sharing_port.")
UNEXPECTED = "The office-network connection couldn't start; turn sharing off and on again, or restart Groundwork."


@dataclass(frozen=True)
class KeeperStatus:
    serving: bool  # the listener is open now
    port: int  # where it listens (0 while it doesn't)
    error: str  # one sentence when sharing is on but the listener couldn't start
    connections: int = 0


class SharingKeeper:
    def __init__(self, data_dir: Path, target_port: int, on_hosts: Callable[[tuple[str, ...]], None],
                 poll_s: float = 1.0):
        self.data_dir = Path(data_dir)
        self.target_port = int(target_port)
        self.on_hosts = on_hosts
        self.poll_s = poll_s
        self._relay: Optional[Relay] = None
        self._error = ""
        self._failed_at = 0.0
        self._failed_for: tuple = ()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "SharingKeeper":
        if self._thread is None:
            self.apply()  # at once, in the caller's thread: the first run already sees the result
            self._thread = threading.Thread(target=self._run, name="groundwork-sharing", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            self._close()

    def status(self) -> KeeperStatus:
        with self._lock:
            relay = self._relay
            serving = relay is not None and relay.running
            return KeeperStatus(serving=serving, port=relay.port if serving and relay else 0, error=self._error,
                                connections=relay.connections if serving and relay else 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.apply()
            except Exception:  # never die silently: said on Setup, the details in the log
                log.exception("The sharing keeper failed")
                with self._lock:
                    self._error = UNEXPECTED

    def apply(self) -> None:
        """Open or close the listener as the setting says now."""
        from core.settings import load_settings

        try:
            settings = load_settings(data_dir=self.data_dir)
        except Exception:  # a settings file being rewritten or broken: keep things as they are
            return
        with self._lock:
            if not settings.sharing:
                self._close()
                self._error = ""
                return
            wanted = (settings.sharing_port, settings.sharing_address)
            relay = self._relay
            if relay is not None and relay.running and (relay.port, relay.bind) == wanted:
                return
            self._close()
            if self._failed_for == wanted and time.monotonic() - self._failed_at < RETRY_S:
                return
            self._open(settings)

    def _open(self, settings) -> None:
        from core.sharing.certificate import ensure_certificate
        from core.sharing.switch import office_hosts

        bound = () if settings.sharing_address in ("", "0.0.0.0") else (settings.sharing_address,)
        self.on_hosts(office_hosts() + bound)  # the guard answers the office names before the first one arrives
        cert = ensure_certificate(settings.data_dir)
        try:
            self._relay = Relay(cert.cert_path, cert.key_path, self.target_port, settings.sharing_port,
                                settings.sharing_address).start()
            self._error, self._failed_for = "", ()
            log.info("Serving the office network on %s:%s", settings.sharing_address, settings.sharing_port)
        except OSError:
            log.warning("The office-network listener couldn't open port %s", settings.sharing_port, exc_info=True)
            self._relay = None
            self._error = PORT_TAKEN.format(port=settings.sharing_port)
            self._failed_at, self._failed_for = time.monotonic(), (settings.sharing_port, settings.sharing_address)
            self.on_hosts(())

    def _close(self) -> None:
        """Close the listener, then forget the office names (only when it was open: another keeper in the
        process, e.g. a test's, is never overruled by one that has nothing to close)."""
        if self._relay is not None:
            self._relay.stop()
            self._relay = None
            self.on_hosts(())
            log.info("Stopped serving the office network")
