"""The only core file that knows Streamlit: process-wide resources, built once.

Per-user state (a conversation, answers in progress) lives in
``st.session_state`` in the pages, never here.
"""
from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from core.errors import AppError
from core.settings import Settings, load_settings


def page_setup() -> None:
    """Call first on every page: make a page address opened as the first visit go through app.py.

    Streamlit runs a top-level ``pages/`` folder as its old automatic menu when the first
    visit after a server start is a page address (``/documents``): ``app.py`` never runs, so
    there is no navigation and no sidebar. ``st.navigation`` clears the flag that causes it,
    but only once it runs. Clearing it here and rerunning sends this visit through ``app.py``,
    which lands on the page that was asked for (same address, same page hash).

    ``uses_pages_directory`` is Streamlit's private flag: tests/test_private_internals.py guards it
    (and shows why Streamlit's own pages/ mode isn't used instead: see docs/ARCHITECTURE.md).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def get_settings() -> Settings:
    """Settings are re-read on every run (cheap), so a remembered choice applies at once."""
    return load_settings()


@st.cache_resource(show_spinner="Opening your library…")
def _library(data_dir: str, embedder: str, chroma_url: str):
    import threading

    from core.library import Library

    library = Library(load_settings(data_dir=data_dir, embedder=embedder, chroma_url=chroma_url))
    load = getattr(library.embedder, "load", None)
    if load is not None:
        # Load the search model now, in the background (the first time on a computer it is also
        # prepared, a few seconds), so the first search or upload doesn't wait for it.
        threading.Thread(target=_quietly, args=(load,), name="groundwork-model-warmup", daemon=True).start()
    return library


def _quietly(fn) -> None:
    try:
        fn()
    except Exception:  # a damaged model is reported, calmly, by the first search or upload that needs it
        logging.getLogger(__name__).warning("Loading the embedding model ahead of time failed", exc_info=True)


def get_library():
    s = get_settings()
    return _library(str(s.data_dir), s.embedder, s.chroma_url)


@st.cache_resource(show_spinner=False)  # no "Running _jobs(...)" on screen
def _jobs(data_dir: str, embedder: str, chroma_url: str):
    from core.ingest.jobs import JobBoard

    return JobBoard(_library(data_dir, embedder, chroma_url))


def get_jobs():
    """The background batches of files being added to this library (they go on when a page is left)."""
    s = get_settings()
    return _jobs(str(s.data_dir), s.embedder, s.chroma_url)


def _stop_sync(loop) -> None:
    loop.stop(timeout=2.0)  # a cleared cache (tests, a changed data folder) doesn't leave a loop running


@st.cache_resource(show_spinner=False, on_release=_stop_sync)
def _folder_sync(data_dir: str, embedder: str, chroma_url: str):
    from core.sync.background import SyncLoop

    return SyncLoop(_library(data_dir, embedder, chroma_url)).start()


def get_folder_sync():
    """The app's folder checks (one per server): at start, every few minutes, and on "Check now"."""
    s = get_settings()
    return _folder_sync(str(s.data_dir), s.embedder, s.chroma_url)


NOT_SIGNED_IN = "Sign in to use Groundwork."


def _stop_sharing(keeper) -> None:
    keeper.stop(timeout=5.0)  # a cleared cache (tests, a changed data folder) closes the office listener


@st.cache_resource(show_spinner=False, on_release=_stop_sharing)
def _sharing(data_dir: str, target_port: int, _on_hosts):
    from core.sharing.keeper import SharingKeeper

    return SharingKeeper(Path(data_dir), target_port, _on_hosts).start()


def get_sharing(on_hosts):
    """The office-network listener's keeper (one per server, started at the app's first run): it follows
    the ``sharing`` setting, passing connections to this server's own port (``server.port``); ``on_hosts``
    gets the office names the web guard must answer while it serves."""
    return _sharing(str(get_settings().data_dir), int(st.get_option("server.port")), on_hosts)


def library_or_stop():
    """The library as the person on this page may read it (``Library.for_access``: everything for the
    owner; for staff, without the documents marked "Only me"), or one calm sentence and a stopped page
    when it can't be opened or nobody is signed in. Every page reads the library through this."""
    try:
        library = get_library()
    except AppError as exc:
        st.error(exc.user_message)
        st.stop()
    access = current_access()
    if access is None:
        st.info(NOT_SIGNED_IN)
        st.stop()
    return library.for_access(access)


def visible_stats():
    """The library's counts as the person on this page may see them (the sidebar's line; staff's leave out
    the documents marked "Only me"); None for nobody signed in (nothing is said about the library)."""
    access = current_access()
    return None if access is None else get_library().for_access(access).stats()


@st.cache_resource(show_spinner=False)
def _llm(host: str, timeout: float):
    from core.llm import OllamaService

    return OllamaService(host, timeout)


def get_llm():
    s = get_settings()
    return _llm(s.ollama_host, s.ollama_timeout_s)


@st.cache_resource(show_spinner=False)
def _model_queue(host: str):
    from core.model_queue import ModelQueue

    return ModelQueue()


def get_model_queue():
    """The one queue for the model at ``settings.ollama_host``, shared by every browser session of this server:
    the model answers one question at a time, taken in turn between the people asking (core/model_queue.py)."""
    return _model_queue(get_settings().ollama_host)


@st.cache_resource(show_spinner=False)
def _history(db_path: str):
    from core.history import History

    return History(db_path)


def get_history():
    return _history(str(get_settings().db_path))


@st.cache_data(ttl=5, show_spinner=False)
def ollama_status(host: str) -> dict:
    """Cached for a few seconds so the sidebar dot doesn't call Ollama on every click."""
    from core.llm import OllamaService, full_model_name

    service = OllamaService(host, 2.0)
    try:
        status = service.status()
        models = None  # unknown
        if status.running:
            try:
                models = [full_model_name(m.name) for m in service.models()]
            except AppError:
                pass
    finally:
        service.close()
    return {"running": status.running, "message": status.message, "version": status.version, "models": models}


def model_downloaded(status: dict, model: str) -> bool | None:
    """Is ``model`` among the downloaded models in an ``ollama_status`` reply? None when that isn't known."""
    from core.llm import full_model_name

    if not status.get("running") or status.get("models") is None:
        return None
    return full_model_name(model) in status["models"]


def current_access():
    """Who this browser session is (``core.access``): the owner on this computer while sharing is off;
    with sharing on, the person its sign-in cookie belongs to, or None (not signed in, or the session
    ended: signed out, password changed, account disabled). Looked up on every run."""
    from core.access import OWNER_HERE, SESSION_COOKIE, access_for_token

    if not get_settings().sharing:
        return OWNER_HERE
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser request behind this run (a test harness): nobody is signed in
        token = None
    if not isinstance(token, str):  # AppTest's stand-in for a browser hands back no text here
        token = None
    return access_for_token(get_library().db.conn(), token)
