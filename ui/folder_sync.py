"""Documents page: "Keep in step with a folder" and "What changed".

The checks themselves run in the app's background loop (``core.sync.background``, one per server):
"Check now" wakes it, and a small fragment shows what it is doing and refreshes the page when a
check finishes. Folder paths and file names are untrusted text: Markdown gets them through
``literal_markdown``; the change log is a table (no Markdown at all).
"""
from __future__ import annotations

import time

from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from core.errors import AppError
from core.labels import plural
from core.render import literal_markdown as md
from core.sync import folders as kept
from core.sync.changelog import changes
from core.sync.messages import REACH_HINT, when_label

WHAT = {"added": "Added", "replaced": "Replaced", "renamed": "Renamed", "removed": "Removed", "skipped": "Skipped",
        "failed": "Not added", "unreachable": "Folder not reached", "reached": "Folder reached again",
        "waiting": "Asks before removing", "kept": "Kept", "only_owner": "Only me",
        "for_everyone": "For everyone"}
NO_PICKER = ("Type or paste the folder's path. A browser can't look through the folders of the computer "
             "Groundwork runs on, so there is no folder picker here.")


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


NOTICE_SECONDS = 20  # a notice outlives the page's own refresh when the check it started finishes


def _notify(kind: str, text: str) -> None:
    """Say what an action did, above the folders, until the next action or for ``NOTICE_SECONDS``."""
    st.session_state.sync_notice = (kind, text, time.monotonic())


def _add_folder(lib, loop) -> None:
    raw = st.session_state.get("sync_new_folder", "")
    try:
        folder = kept.add(lib.db, raw, lib.settings.data_dir)
    except AppError as exc:
        _notify("error", exc.user_message)
        return
    st.session_state.sync_new_folder = ""
    _notify("success", f"Now keeping {folder.path} in step; its files are being brought in (see below).")
    st.session_state.sync_asked_at = loop.status().passes
    loop.request()


def _check_now(loop) -> None:
    st.session_state.sync_asked_at = loop.status().passes
    loop.request()


@st.fragment(run_every=2.0)
def _progress(loop) -> None:
    status = loop.status()
    asked = st.session_state.get("sync_asked_at")
    if asked is not None and status.passes > asked and not status.running:
        st.session_state.sync_asked_at = None
        st.rerun(scope="app")  # the lists below come from the check that just finished
    if status.running:
        st.caption(f"⏳ {md(status.message or 'Checking your folders…')}")
    elif asked is not None:
        st.caption("⏳ " + md(status.message or "The check starts in a moment…"))
    elif status.last_finished:
        st.caption(f"Last checked at {when_label(status.last_finished)}.")
    if status.error:
        st.warning(status.error)


def _folder_card(lib, loop, folder: kept.KeptFolder) -> None:
    with st.container(border=True):
        st.markdown(f"📁 **{md(folder.path)}** · {plural(folder.documents, 'document')}")
        if folder.unreachable_since:
            st.error(md((folder.last_error or f"Couldn't reach {folder.path}; nothing was changed.") + REACH_HINT),
                     icon=":material/cloud_off:")
        elif folder.last_error:
            st.warning(md(folder.last_error))
        elif folder.last_pass_at:
            st.caption(f"In step at {when_label(folder.last_pass_at)}.")
        else:
            st.caption("Not checked yet.")
        if folder.pending:
            from core.sync.messages import waiting_for_you

            st.warning(md(waiting_for_you(len(folder.pending))), icon=":material/help:")
            with st.expander(f"Which {plural(len(folder.pending), 'document')}"):
                st.markdown("\n".join(f"- {md(p)}" for p in folder.pending))
            with st.container(horizontal=True):
                if st.button("Keep them in my library", type="primary", key=f"sync_keep_{folder.id}"):
                    from core.sync.passes import keep_pending

                    n = keep_pending(lib, folder.id)
                    _notify("success", f"{plural(n, 'document')} kept in your library.")
                    st.rerun()
                if st.button("Remove them", key=f"sync_remove_{folder.id}", icon=":material/delete:"):
                    from core.sync.passes import remove_pending

                    report = remove_pending(lib, folder.id)
                    _notify("success", report.message)
                    st.rerun()
        if st.button("Stop keeping in step", key=f"sync_stop_{folder.id}",
                     help="Its documents stay in your library; they are just no longer updated from the folder."):
            kept.remove(lib.db, folder.path)
            _notify("success", f"No longer keeping {folder.path} in step; its documents "
                                                       "stay in your library.")
            st.rerun()


def folder_section(lib, loop) -> None:
    """Kept folders, adding one, and "Check now"."""
    st.subheader("Keep in step with a folder")
    minutes = lib.settings.sync_interval_minutes
    every = f"every {minutes:g} minutes" if minutes > 0 else "when you click Check now"
    st.caption(f"Groundwork adds new files from these folders (sub-folders included), replaces changed ones "
               f"and removes deleted ones: when it starts, {every}, and when you click Check now. Your files are "
               "only read, never changed, and files you added by hand are never touched.")
    notice = st.session_state.get("sync_notice")
    if notice and time.monotonic() - notice[2] < NOTICE_SECONDS:
        getattr(st, notice[0])(md(notice[1]))
    else:
        st.session_state.pop("sync_notice", None)
    for folder in kept.folders(lib.db):
        _folder_card(lib, loop, folder)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Folder to keep in step with", key="sync_new_folder",
                      placeholder=f"For example {Path.home() / 'Documents' / 'Paperwork'}")
        st.button("Keep in step", key="sync_add", on_click=_add_folder, args=(lib, loop))
    st.caption(NO_PICKER)
    if kept.folders(lib.db):
        st.button("Check now", key="sync_check_now", on_click=_check_now, args=(loop,),
                  icon=":material/sync:")
        _progress(loop)


def what_changed(lib) -> None:
    """The change log, newest first, with a box to look for one file.

    A static table (every sentence wrapped, never cut off), the latest entries first; "Show more" adds more.
    """
    st.subheader("What changed")
    found = changes(lib.db.conn(), limit=2000)
    if not found:
        st.caption("Nothing has changed in your library yet.")
        return
    look = st.text_input("Look for a file", key="changes_filter", placeholder="For example: price list",
                         help="Is the new price list in yet? Type a word of its name.")
    if look.strip():
        words = look.lower().split()
        found = [c for c in found if all(w in (c.file + " " + c.previous).lower() for w in words)]
    if not found:
        st.caption("No change mentions that file.")
        return
    shown = st.session_state.get("changes_shown", 10)
    rows = [{"When": _local(c.at), "File": c.file,
             "What happened": WHAT.get(c.action, c.action.capitalize()) + (f": {c.detail}" if c.detail else ""),
             "By": "you" if c.by_kind == "person" and not c.user else (c.user or f"folder check ({Path(c.by).name})")}
            for c in found[:shown]]
    # st.table renders Markdown in its cells: every cell is escaped, so a file name can't become a link or image
    st.table(pd.DataFrame([{k: md(v) for k, v in row.items()} for row in rows]), hide_index=True)
    if len(found) > shown and st.button(f"Show more ({len(found) - shown} older)", key="changes_more"):
        st.session_state.changes_shown = shown + 50
        st.rerun()
