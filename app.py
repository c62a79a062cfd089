"""Groundwork: ask your company's documents, privately, on this computer.

Navigation, the sidebar status and the one error boundary; every page lives in pages/
(each page's first call, ``runtime.page_setup()``, makes a page address opened as the
first visit still go through this file).
"""
from core.privacy import keep_local

keep_local()  # before anything loads a library that could phone home

import logging
import os
from pathlib import Path

import streamlit as st

from core import runtime
from core.errors import AppError
from core.privacy import privacy_line
from core.render import literal_markdown
from ui import roles, style, webguard

log = logging.getLogger("groundwork")


def allowed_hosts() -> tuple[str, ...]:
    try:
        return runtime.get_settings().allowed_hosts
    except Exception:  # a broken settings file: this computer's own names only; the page explains it
        log.warning("The settings couldn't be read, so only this computer's own names are let in", exc_info=True)
        return ()


# First, on every run: the server answers only this computer's names (and any the owner added), and
# this session's browser alone may fetch its files (ui/webguard.py says where the check sits and why).
webguard.protect(allowed_hosts())

st.set_page_config(page_title="Groundwork", page_icon="📚", layout="wide")
if not os.environ.get("GROUNDWORK_DEBUG"):  # whatever a config file or variable says, owners see no traceback
    st.set_option("client.showErrorDetails", "none")

UNEXPECTED = "Something unexpected went wrong on this page; reload it, and if it happens again, restart Groundwork."

HERE = Path(__file__).parent
PAGES = [
    ("pages/chat.py", "Ask your documents", "💬", True),
    ("pages/documents.py", "Documents", "📄", False),
    ("pages/find.py", "Find in my documents", "🔎", False),
    ("pages/selftest.py", "Check my library", "✅", False),
    ("pages/advisor.py", "Fine-tuning advisor", "🧭", False),
    ("pages/style.py", "Answer style", "✍️", False),
    ("pages/setup.py", "Setup", "⚙️", False),
]


# Who is asking (issue 20): with sharing off, the owner on this computer; with sharing on, whoever this
# browser's sign-in cookie belongs to (looked up on every run: a session ended elsewhere ends here too).
access = roles.who()
if access is None:
    roles.signed_out_navigation()  # one sentence and the way to sign in; nothing else runs


def navigation_pages(access) -> list:
    """Staff see Ask and Find; the owner's pages stay reachable by their address only so that opening
    one says "Only the owner can do this." (ui/roles.py) instead of a page that doesn't exist."""
    return [st.Page(str(HERE / path), title=title, icon=icon, default=default,
                    visibility="visible" if roles.may_open(path, access) else "hidden")
            for path, title, icon, default in PAGES if (HERE / path).exists()]


nav = st.navigation(navigation_pages(access))

style.inject()


def says_ollama_is_down(title: str, documents: int) -> bool:
    """Pages that say it themselves, where it matters: Setup (how to start it), and the chat before
    it answers (its answers then say it); the sidebar says it only elsewhere, so it is said once."""
    return title == "Setup" or (title == "Ask your documents" and documents > 0)


def library_status() -> None:
    """The library line, as the library and its batch are now."""
    try:
        stats = runtime.get_library().stats()
        adding = runtime.get_jobs().busy()
        runtime.get_folder_sync()  # started once per server: a pass now, then every few minutes
        if stats.documents:
            st.markdown(
                f"**Library:** {stats.documents} document{'s' if stats.documents != 1 else ''}, "
                f"{stats.pages:,} pages" + (" — adding more…" if adding else "")
            )
        elif adding:
            st.markdown("**Library:** your first files are being added…")
        else:
            st.markdown("**Library:** empty — add files on the Documents page." if access.is_owner
                        else "**Library:** empty — the owner hasn't added documents yet.")
    except Exception:  # the page itself explains library problems; the details go to the log
        log.warning("The sidebar couldn't read the library", exc_info=True)
        st.markdown("**Library:** not available right now.")


@st.fragment(run_every=2.0)
def library_status_while_adding() -> None:
    """While a batch is being added the line looks again every 2 s on its own (a page that stays open
    never reruns the sidebar), so "adding more…" goes as soon as the batch ends, on every page."""
    library_status()


with st.sidebar:
    st.markdown("### 📚 Groundwork")
    roles.sidebar_person(access)
    try:  # true for the Ollama address in force: another computer's address says where questions go
        in_force = runtime.get_settings()
        st.caption(privacy_line(in_force.ollama_host, in_force.embedder))
    except Exception:  # a broken settings file: the page explains it; no promise is made meanwhile
        log.warning("The sidebar couldn't read the settings for its privacy line", exc_info=True)
    documents = 0
    try:
        documents = runtime.get_library().stats().documents
        busy = runtime.get_jobs().busy()
    except Exception:  # the page itself explains library problems; the details go to the log
        log.warning("The sidebar couldn't tell whether files are being added", exc_info=True)
        busy = False
    if busy:
        library_status_while_adding()
    else:
        library_status()
    try:
        settings = runtime.get_settings()
        status = runtime.ollama_status(settings.ollama_host)
        if not status["running"]:
            if not says_ollama_is_down(nav.title, documents):
                st.markdown(f"🔴 **Model:** Ollama isn't running — {roles.where_to_fix(access)}.")
        elif runtime.model_downloaded(status, settings.model) is False:
            st.markdown(f"🟡 **Model:** {literal_markdown(settings.model)} isn't downloaded yet — "
                        f"{roles.where_to_fix(access)}.")
        else:
            st.markdown(f"🟢 **Model:** {literal_markdown(settings.model)}")
    except Exception:  # the page itself explains settings and Ollama problems; the details go to the log
        log.warning("The sidebar couldn't show the model's status", exc_info=True)

try:
    if not roles.may_open(next((p for p, t, *_ in PAGES if t == nav.title), ""), access):
        roles.refuse()  # an owner page opened by its address: one sentence, never the page
    nav.run()
except AppError as exc:  # the one error boundary: pages handle only what they can recover from
    log.warning("Shown on the %s page: %s", nav.title, exc.user_message, exc_info=True)
    st.error(exc.user_message)
except Exception:  # anything else: the details go to the log, the owner gets one calm sentence
    log.exception("Unexpected error on the %s page", nav.title)
    st.error(UNEXPECTED)
