"""A passage on screen: its place, its text with the searched words marked, and the page it came from.

Used by the chat (sources of an answer) and by Find. Document text is untrusted: it is shown
through ``highlight_html`` (escaped, only ``<mark>`` added) and ``literal_markdown``.
"""
from __future__ import annotations

import streamlit as st

from core.errors import AppError
from core.render import highlight_html, literal_markdown as md, place_label
from core.types import Passage


def place_of(p: Passage) -> str:
    return place_label(p.page, p.page_end, p.section)


def open_label(p: Passage) -> str:
    if p.page is not None:
        return f"Open {place_of(p)}"
    return "Open this section" if p.section else "Open the document"


def show_source(lib, p: Passage, words: list[str]) -> None:
    """The full page (or Word section) a passage came from, and the original file."""
    title = f"{md(p.file)} — {md(place_of(p))}"  # a dialog title is Markdown too

    @st.dialog(title, width="large")
    def dialog() -> None:
        name = p.file or ""
        try:
            if p.page is not None:
                first = int(p.page)
                last = int(p.page_end or first)
                parts = [(page, lib.page_text(name, page)) for page in range(first, max(first, last) + 1)]
            else:
                parts = [(None, lib.section_text(name, p.section))]
            path = lib.original_path(name)
        except AppError as exc:
            st.warning(exc.user_message)
            return
        for page, text in parts:
            if len(parts) > 1:
                st.markdown(f"**Page {page}**")
            if not text.strip():
                st.caption("Groundwork found no text here — it may be a scanned image. "
                           "Download the original to see it.")
                continue
            st.html(f"<div class='gw-page'>{highlight_html(text, words)}</div>")
        st.caption("The words of your question are highlighted. This is the text Groundwork read; "
                   "the original file shows the page exactly as printed.")
        if path.exists():
            st.download_button(f"Download {md(name)}", path.read_bytes(), file_name=name,
                               key=f"dl_{p.chunk_id or name}", on_click="ignore",
                               icon=":material/download:")

    dialog()


def passage_card(lib, p: Passage, words: list[str], key: str, number=None, anchor: str = "") -> None:
    """One passage in a bordered card, with a button that opens its page."""
    with st.container(border=True):
        head = f"**[{number}]** " if number is not None else ""
        head += f"{md(p.file)} · {md(place_of(p))}"  # escaped: no HTML, link or image survives
        if anchor:
            head = f"<span id='{anchor}'></span>" + head
        st.markdown(head, unsafe_allow_html=True)
        st.markdown(f"<div class='gw-passage'>{highlight_html(p.text or '', words)}</div>",
                    unsafe_allow_html=True)
        if st.button(open_label(p), key=key, icon=":material/description:"):
            show_source(lib, p, words)
