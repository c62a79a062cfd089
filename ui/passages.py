"""A passage on screen: its place, its text (folded to its first lines) with the searched words marked,
and a button that opens the page it came from as printed (``ui.source_view``).

Used by the chat (sources of an answer) and by Find. Document text is untrusted: it is shown through
``highlight_html`` (escaped, only ``<mark>`` added) and ``literal_markdown``.
"""
from __future__ import annotations

import streamlit as st

from core.render import highlight_html, literal_markdown as md
from core.types import Passage
from ui.source_view import is_word, open_dialog, source_dialog

FOLD_CHARS = 280  # about three lines of a card: the rest is behind "Show more"
FOLD_SLACK = 120  # a passage only this much longer is shown whole


def place_of(p: Passage) -> str:
    return p.place.label()


def open_label(p: Passage) -> str:
    if p.page is not None and not is_word(p):
        return f"Open {place_of(p)}"
    return "Open this section" if p.section else "Open the document"


def fold_point(text: str) -> int:
    """Where a long passage is folded: at a word break near ``FOLD_CHARS`` (0: shown whole)."""
    if len(text) <= FOLD_CHARS + FOLD_SLACK:
        return 0
    cut = text.rfind(" ", 0, FOLD_CHARS)
    return cut if cut > FOLD_CHARS // 2 else FOLD_CHARS


def folded_html(text: str, words: list[str]) -> str:
    """The passage's first lines, then the rest inside a "Show more" fold (no rerun needed to open it)."""
    text = text or ""
    cut = fold_point(text)
    if not cut:
        return f"<div class='gw-passage'>{highlight_html(text, words)}</div>"
    head, rest = highlight_html(text[:cut], words), highlight_html(text[cut:], words)
    return (f"<div class='gw-passage gw-fold'>{head}<span class='gw-ellipsis'>…</span>"
            f"<details><summary><span class='gw-more'>Show more</span><span class='gw-less'>Show less</span>"
            f"</summary>{rest}</details></div>")


def passage_card(lib, p: Passage, words: list[str], key: str, number=None, anchor: str = "",
                 claim: str = "", label: str = "") -> None:
    """One passage in a bordered card, with a button that opens its page; ``claim`` is what the answer
    says on this passage's authority (its marks on the page), "" outside an answer."""
    with st.container(border=True):
        head = f"**[{number}]** " if number is not None else ""
        head += f"{md(p.file)} · {md(place_of(p))}"  # escaped: no HTML, link or image survives
        label = label or p.strength  # "close match" / "possible match" / "weak match" (no written answer)
        if label:
            head += f" · _{md(label)}_"
        if anchor:
            head = f"<span id='{anchor}'></span>" + head
        st.markdown(head, unsafe_allow_html=True)
        st.markdown(folded_html(p.text or "", words), unsafe_allow_html=True)
        st.button(open_label(p), key=key, icon=":material/description:", on_click=open_dialog, args=(f"{key}_view",))
        source_dialog(lib, p, claim=claim, words=words, key=f"{key}_view")
