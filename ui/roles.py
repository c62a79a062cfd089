"""Who may see which page (issue 20), in one place for app.py and every owner page.

- With sharing off, on this computer: the owner, no sign-in (``runtime.current_access()`` is
  ``OWNER_HERE``); nothing here shows.
- With sharing on: nobody signed in sees only a sentence and the way to the sign-in page; staff see "Ask
  your documents" and "Find in my documents" in the menu; the owner's pages opened by their address show
  "Only the owner can do this." and stop before drawing anything (``owner_only()``, the first call of each
  owner page after ``page_setup``; app.py checks it too before running a page).
"""
from __future__ import annotations

import logging

import streamlit as st

from core import runtime

ONLY_OWNER = "Only the owner can do this; ask your questions on the “Ask your documents” page."
NOT_SIGNED_IN = "You're not signed in (or your sign-in has ended); reload this page to sign in."
SIGNED_OUT = "You're signed out on every computer; reload this page to sign in again."
EMPTY_FOR_STAFF = "There are no documents to ask yet; the owner adds them on their computer."
STAFF_PAGES = ("pages/chat.py", "pages/find.py")  # everything else is the owner's

log = logging.getLogger("groundwork")


def who():
    """The ``Access`` of this run's person, or None (not signed in, or it can't be told). A settings file
    with a mistake in it: with sharing off the owner gets the pages, which explain the mistake; with sharing
    on (or maybe on) nobody is let in meanwhile."""
    from core.access import OWNER_HERE
    from core.accounts.web import sharing_state

    try:
        return runtime.current_access()
    except Exception:
        log.warning("Couldn't tell who is signed in", exc_info=True)
        try:
            return None if sharing_state()[0] else OWNER_HERE
        except Exception:
            return None


def not_signed_in() -> None:
    """The whole page for a browser with no live session (the web guard normally sends it to the sign-in
    page before the app opens; this is what a session that was open when it ended sees). Reloading is the
    way in: the guard then sends the browser to the sign-in page (a link drawn by Streamlit would open it
    in a new tab)."""
    st.title("📚 Groundwork")
    st.info(SIGNED_OUT if st.session_state.get("gw_signed_out") else NOT_SIGNED_IN)


def signed_out_navigation() -> None:
    """No navigation to anything but the sentence above (a page address is no way around it)."""
    st.navigation([st.Page(not_signed_in, title="Sign in", url_path="signin", default=True)],
                  position="hidden").run()
    st.stop()


def may_open(path: str, access) -> bool:
    return access is not None and (access.is_owner or path in STAFF_PAGES)


def is_owner() -> bool:
    access = who()
    return access is not None and access.is_owner


def staff_stop_here(sentence: str) -> None:
    """For anyone but the owner: ``sentence`` and the end of the page (where the rest is the owner's to do)."""
    if not is_owner():
        st.info(sentence)
        st.stop()


def where_to_fix(access) -> str:
    """Where a problem with the model is put right: Setup for the owner; staff can only tell the owner."""
    return "see Setup" if access is not None and access.is_owner else "tell the owner"


def refuse() -> None:
    st.warning(ONLY_OWNER, icon="🔒")
    st.stop()


def owner_only() -> None:
    """First call of every owner page: anyone but the owner sees one sentence, never the page."""
    access = who()
    if access is None:
        not_signed_in()
        st.stop()
    if not access.is_owner:
        refuse()


def sidebar_person(access) -> None:
    """Who is signed in, and a way out (shown only while sharing is on: then everyone signs in)."""
    if access is None or not access.name:
        return
    role = "owner" if access.is_owner else "staff"
    st.markdown(f"👤 Signed in as **{_plain(access.name)}** ({role})")
    if st.button("Sign out", key="gw_sign_out", help="Signs you out on every computer you're signed in on."):
        sign_out()
        st.session_state.gw_signed_out = True
        st.rerun()


def sign_out() -> None:
    """End every session of the person this browser is signed in as."""
    from core.access import SESSION_COOKIE
    from core.accounts import SignIn

    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:
        token = None
    SignIn(runtime.get_library().db).sign_out(token)


def _plain(text: str) -> str:
    from core.render import literal_markdown

    return literal_markdown(text)
