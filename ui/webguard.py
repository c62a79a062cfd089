"""The web guard in the running Streamlit server (the rules are in ``core/webguard.py``).

Where the check sits, and why there: Streamlit 1.67 has one option for this, ``server.allowedHosts``,
and it covers only the websocket. ``.streamlit/config.toml`` sets it to this computer's names, so from
the server's first second no page on another name can open a session (no session: no search, no
setting, no script run). The other routes (pages, health, media, uploads, static files) have no
option, so ``install()`` wraps Starlette's request entry point (``Starlette.__call__``, looked up on
every request) with the guard. It runs from the top of ``app.py``, i.e. at the first script run,
which needs a session, which needs an allowed websocket. Before that moment the server holds no
media, no uploads and no session, and serves only its public page bundle and health check; from that
moment every HTTP request and websocket goes through the guard. Each run also checks its own
``Host`` (``check_this_run``), in case a session ever started some other way.

Media: every URL Streamlit builds during a session's run carries that session's key (``get_url`` is
wrapped); a file is served for a live session whose last full run showed it, or, while that session's
next run is under way, whose previous run did (a download button's click starts a run, which first
forgets the session's files, at the moment the browser asks for the file). A download whose bytes are
made on click (``st.download_button(data=callable)``) is not tied to a session by Streamlit and would be
refused: Groundwork hands download buttons their bytes.

A real ``streamlit run`` server proves each part: ``tests/test_host_guard.py``,
``tests/test_media_guard.py``, ``tests/test_browser_rebinding.py``.
"""
from __future__ import annotations

import hmac
import threading
from typing import Optional

import streamlit as st

from core.webguard import LOOPBACK_NAMES, Policy, guarded_call, host_allowed, new_session_key, normalise_names, with_key


class StreamlitPolicy(Policy):
    """Names from settings, and the media rule from Streamlit's own record of which session shows
    which file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._extra: tuple[str, ...] = ()
        self._keys: dict[str, str] = {}  # session id -> the key its media URLs carry
        # session id -> the files its previous run showed, kept only while its next run is under way: a
        # download button's click starts a run (which first forgets the session's files) at the same
        # moment the browser asks for the file
        self._previous: dict[str, set[str]] = {}
        self._gates: dict[str, object] = {}  # database path -> its sign-in gate

    # -- names

    def extra_hosts(self) -> tuple[str, ...]:
        return self._extra

    def set_extra_hosts(self, names) -> None:
        self._extra = normalise_names(names)

    # -- signing in (sharing on)

    def sign_in_gate(self):
        """The gate for the data folder in force while sharing is on (settings are read on every request,
        so switching sharing on or off applies at once); None while it is off."""
        from core.accounts.web import sharing_state

        sharing, db_path = sharing_state()
        if not sharing:
            return None
        key = str(db_path)
        with self._lock:
            gate = self._gates.get(key)
        if gate is None:
            from core.accounts.signin import SignIn
            from core.accounts.web import Gate
            from core.db import Database

            gate = Gate(SignIn(Database(db_path)), self.base_path)
            with self._lock:
                gate = self._gates.setdefault(key, gate)
        return gate

    # -- sessions and media

    def key_for(self, session_id: str) -> str:
        """The session's media key (made on first use); ended sessions' keys are forgotten."""
        from streamlit import runtime

        with self._lock:
            if runtime.exists():
                live = runtime.get_instance()
                for sid in [s for s in self._keys if s != session_id and not live.is_active_session(s)]:
                    del self._keys[sid]
            if session_id not in self._keys:
                self._keys[session_id] = new_session_key()
            return self._keys[session_id]

    def run_started(self, session_id: str, previous: set[str]) -> None:
        with self._lock:
            self._previous[session_id] = previous

    def run_ended(self, session_id: str) -> None:
        with self._lock:
            self._previous.pop(session_id, None)

    def media_allowed(self, file_id: str, key: Optional[str]) -> bool:
        from streamlit import runtime

        if not key or not runtime.exists():
            return False
        with self._lock:
            owner = next((sid for sid, k in self._keys.items() if hmac.compare_digest(k, key)), None)
            during_run = file_id in self._previous.get(owner or "", ())
        if owner is None:
            return False
        live = runtime.get_instance()
        return live.is_active_session(owner) and (during_run or owner in _sessions_showing(live.media_file_mgr, file_id))


def _files_shown(manager, session_id: str) -> list[str]:
    refs = getattr(manager, "_files_by_session_and_coord", None) or {}
    for _ in range(5):
        try:
            return list((refs.get(session_id) or {}).values())
        except RuntimeError:
            continue
    return []


def _sessions_showing(manager, file_id: str) -> list[str]:
    """The sessions whose last run put ``file_id`` on screen (Streamlit drops a session's references at
    the start of each full run and when the session ends)."""
    refs = getattr(manager, "_files_by_session_and_coord", None)
    if refs is None:  # Streamlit changed its bookkeeping: serve nothing rather than everything
        return []
    for _ in range(5):
        try:
            return [sid for sid, coords in list(refs.items()) if file_id in list(coords.values())]
        except RuntimeError:  # changed while we looked (another thread's run): look again
            continue
    return []


POLICY = StreamlitPolicy()
_install_lock = threading.Lock()


def install(extra_hosts=()) -> None:
    """Put the guard in front of every request the server gets (once per process), and use ``extra_hosts``."""
    from starlette.applications import Starlette
    from streamlit import config

    POLICY.set_extra_hosts(extra_hosts)
    POLICY.base_path = str(config.get_option("server.baseUrlPath") or "")
    wanted = list(LOOPBACK_NAMES) + list(POLICY.extra_hosts())
    if list(config.get_option("server.allowedHosts") or []) != wanted:
        config.set_option("server.allowedHosts", wanted)  # Streamlit's own websocket check agrees
    with _install_lock:
        if getattr(Starlette.__call__, "groundwork_guard", False):
            return
        _key_media_urls()
        original = Starlette.__call__

        async def __call__(self, scope, receive, send):  # noqa: N807 — the method it replaces
            await guarded_call(original, self, scope, receive, send, POLICY)

        __call__.groundwork_guard = True  # type: ignore[attr-defined]
        Starlette.__call__ = __call__  # type: ignore[method-assign]


def _key_media_urls() -> None:
    """Every media URL made during a session's run carries that session's key."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    original = MemoryMediaFileStorage.get_url

    def get_url(self, file_id: str) -> str:
        url = original(self, file_id)
        ctx = get_script_run_ctx(suppress_warning=True)
        return with_key(url, POLICY.key_for(ctx.session_id)) if ctx is not None else url

    MemoryMediaFileStorage.get_url = get_url  # type: ignore[method-assign]

    from streamlit.runtime.media_file_manager import MediaFileManager

    clear, collect = MediaFileManager.clear_session_refs, MediaFileManager.remove_orphaned_files

    def clear_session_refs(self, session_id: Optional[str] = None) -> None:
        ctx = get_script_run_ctx(suppress_warning=True)
        run_start = session_id is None and ctx is not None  # (a session id is given when the session ends)
        sid = session_id or (ctx.session_id if ctx is not None else "")
        shown = set(_files_shown(self, sid)) if run_start else set()
        clear(self, session_id)
        if run_start:
            POLICY.run_started(sid, shown)
        else:
            POLICY.run_ended(sid)

    def remove_orphaned_files(self) -> None:  # the end of a run
        collect(self)
        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is not None:
            POLICY.run_ended(ctx.session_id)

    MediaFileManager.clear_session_refs = clear_session_refs  # type: ignore[method-assign]
    MediaFileManager.remove_orphaned_files = remove_orphaned_files  # type: ignore[method-assign]


def check_this_run(extra_hosts=()) -> None:
    """Stop this run when its browser reached the app by a name it doesn't answer to."""
    headers = st.context.headers
    if headers and not host_allowed(headers.get("host"), normalise_names(extra_hosts)):
        st.stop()  # (headers are empty only in AppTest, which has no connection at all)


def protect(extra_hosts=()) -> None:
    """Call first thing on every run of app.py."""
    install(extra_hosts)
    check_this_run(extra_hosts)
