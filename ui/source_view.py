"""The source behind a passage, as the owner's own file shows it, in a dialog.

A PDF: the cited page rendered as printed, the lines that back up the claim marked, with previous/next
page, zoom and the original to download. A Word file: the cited section as formatted text (Word files
have no printed pages), marked the same way. A document removed since the answer was written says so,
with the date. The logic is in ``core.viewer``; this module only lays it out.

Document text is untrusted: the page is an image we rendered, Word sections come from
``core.viewer.docx_section`` (escaped), passages through ``highlight_html`` and the claim (model
output) through ``safe_markdown``.
"""
from __future__ import annotations

import base64
from typing import Optional

import streamlit as st

from core.errors import AppError
from core.place import Place
from core.render import highlight_html, literal_markdown as md, safe_markdown
from core.types import Passage
from core.viewer import DocumentRemoved, marks_for, open_source
from core.viewer.docx_section import section_view
from core.viewer.pdf_page import SCREEN_SCALE, PdfPages
from core.viewer.photo import SCREEN_WIDTH as PHOTO_WIDTH, Photo, first_mark_fraction, is_photo
from ui import dialogs

ZOOMS = ("75%", "100%", "150%", "200%")
CLAIM_CHARS = 160

NOT_LOCATED = ("Groundwork couldn't find the quoted lines on this printed page (the file stores its text in an "
               "unusual way), so the page is shown without highlights and the text it read is below.")
REPLACED = ("This document has been replaced with a newer version since this answer was written, and the "
            "quoted lines aren't on this page any more; the text the answer used is below.")
ELSEWHERE = "Nothing is highlighted on this page; the quoted lines are on page {page}."
OUTSIDE = "This page is not part of the cited passage."
PHOTO_NOT_LOCATED = ("Groundwork couldn't find the quoted lines on this picture, so it is shown without "
                     "highlights and the text it read is below.")
WORD_PAGES = ("Word files have no printed pages, so this is the section as written in the file, with the "
              "lines that back up the answer highlighted.")
WORD_NOT_LOCATED = ("Groundwork couldn't find the quoted lines in this section of the file, so it is shown "
                    "without highlights and the text it read is below.")


@st.cache_data(max_entries=12, show_spinner=False)  # a 200% page is a few MB
def _page_png(path: str, page: int, targets: tuple[str, ...], scale: float) -> tuple[bytes, bool, Optional[float]]:
    """The page as PNG, whether anything was marked, and how far down the first mark is (originals never
    change in place: their file name is their content's hash)."""
    with PdfPages(path) as pdf:
        shot = pdf.render(page, targets, scale)
        return shot.png(), shot.marks.found, first_mark_fraction(shot.marks)


@st.cache_data(max_entries=12, show_spinner=False)
def _photo_png(path: str, targets: tuple[str, ...], width: int) -> tuple[bytes, bool, Optional[float]]:
    shot = Photo(path).render(targets, width)
    return shot.png(), shot.marks.found, first_mark_fraction(shot.marks)


def _sheet(png: bytes, alt: str, found: bool, zoom: float, top: Optional[float], key: str) -> None:
    """The page as an image, opened scrolled so its first mark is in sight (a long page's marks can be
    far below the top). The scrolling is our own fixed script: it carries no document text."""
    anchor = "".join(ch for ch in key if ch.isalnum() or ch in "-_")
    mark = (f"<span data-gw-anchor='{anchor}' style='position:absolute;left:0;top:{top * 100:.2f}%;"
            "width:1px;height:1px'></span>") if found and top is not None else ""
    st.html(f"<div class='gw-sheet'><div style='position:relative'>"
            f"<img src='data:image/png;base64,{base64.b64encode(png).decode()}' alt='{highlight_html(alt, [])}' "
            f"data-marked='{str(found).lower()}' style='width:{round(zoom * 100)}%'>{mark}</div></div>")
    if mark:
        _scroll_to(f"[data-gw-anchor='{anchor}']")


def _scroll_to(selector: str) -> None:
    """Scroll the dialog (and the page's own scroll box) so the element ``selector`` is in the middle."""
    st.html("<script>(function(){var n=60;function go(){var a=document.querySelector(" + repr(selector).replace("<", "")
            + ");var img=a&&a.parentElement.querySelector('img');if(a&&(!img||(img.complete&&img.naturalHeight)))"
            "{a.scrollIntoView({block:'center'});return;}if(n-->0){setTimeout(go,100);}}go();})();</script>",
            unsafe_allow_javascript=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _first_marked(path: str, pages: tuple[int, ...], targets: tuple[str, ...]) -> Optional[int]:
    with PdfPages(path) as pdf:
        return pdf.first_marked(pages, targets)


def _claim_line(claim: str) -> None:
    if claim.strip():
        text = claim if len(claim) <= CLAIM_CHARS else claim[:CLAIM_CHARS].rsplit(" ", 1)[0] + "…"
        st.caption("Highlighted: the lines that back up “" + safe_markdown(text) + "”")
    else:
        st.caption("Highlighted: the passage Groundwork found.")


def _read_text(p: Passage) -> None:
    st.html(f"<div class='gw-passage'>{highlight_html(p.text or '', [])}</div>")


def _download(source, key: str) -> None:
    if source.path.exists():
        st.download_button(f"Download {md(source.file)}", source.path.read_bytes(), file_name=source.file,
                           key=f"{key}_dl", on_click="ignore", icon=":material/download:")


def _pager(key: str, count: int) -> None:
    """Previous / page n of N / next, and zoom, on one row."""
    state = f"{key}_page"

    def step(delta: int) -> None:
        st.session_state[state] = min(count, max(1, st.session_state[state] + delta))
        dialogs.ask(OPEN, key)

    number = st.session_state[state]
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button("Previous page", key=f"{key}_prev", on_click=step, args=(-1,), disabled=number <= 1,
                  icon=":material/chevron_left:")
        st.markdown(f"Page **{number}** of {count}", width="content")
        st.button("Next page", key=f"{key}_next", on_click=step, args=(1,), disabled=number >= count,
                  icon=":material/chevron_right:")
        st.segmented_control("Zoom", ZOOMS, default="100%", key=f"{key}_zoom", label_visibility="collapsed",
                             on_change=dialogs.ask, args=(OPEN, key))


def _pdf(source, p: Passage, claim: str, key: str) -> None:
    first = int(p.page or 1)
    cited = list(range(first, max(first, int(p.page_end or first)) + 1))
    targets = tuple(marks_for(claim, p.text or ""))
    state = f"{key}_page"
    if state not in st.session_state:  # opening: the first cited page whose lines can be marked
        st.session_state[state] = _first_marked(str(source.path), tuple(cited), targets) or first
    count = max(1, source.pages)
    st.session_state[state] = min(max(1, st.session_state[state]), count)
    _claim_line(claim)
    _pager(key, count)
    number = st.session_state[state]
    zoom = int((st.session_state.get(f"{key}_zoom") or "100%").rstrip("%")) / 100
    png, found, top = _page_png(str(source.path), number, targets if number in cited else (), SCREEN_SCALE * zoom)
    elsewhere = None if found or number not in cited else _first_marked(str(source.path), tuple(cited), targets)
    if number not in cited:
        st.caption(OUTSIDE)
    elif elsewhere:
        st.caption(ELSEWHERE.format(page=elsewhere))
    elif not found:
        st.info(REPLACED if not source.current else NOT_LOCATED, icon=":material/info:")
    alt = f"Page {number} of {source.file}" + (", with the supporting lines highlighted" if found else "")
    _sheet(png, alt, found, zoom, top, key)
    if number in cited and not found and not elsewhere:
        _read_text(p)
    _download(source, key)


def _photo(source, p: Passage, claim: str, key: str) -> None:
    """A photo or picture of paperwork: the picture as taken, with the lines that back up the claim marked."""
    targets = tuple(marks_for(claim, p.text or ""))
    _claim_line(claim)
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown("The picture as you added it", width="content")
        st.segmented_control("Zoom", ZOOMS, default="100%", key=f"{key}_zoom", label_visibility="collapsed",
                             on_change=dialogs.ask, args=(OPEN, key))
    zoom = int((st.session_state.get(f"{key}_zoom") or "100%").rstrip("%")) / 100
    with st.spinner("Finding the lines on the picture…"):
        png, found, top = _photo_png(str(source.path), targets, round(PHOTO_WIDTH * zoom))
    if not found:
        st.info(REPLACED if not source.current else PHOTO_NOT_LOCATED, icon=":material/info:")
    alt = f"Picture {source.file}" + (", with the supporting lines highlighted" if found else "")
    _sheet(png, alt, found, zoom, top, key)
    if not found:
        _read_text(p)
    _download(source, key)


def _docx(source, p: Passage, claim: str, key: str) -> None:
    view = section_view(source.path, p.section, marks_for(claim, p.text or ""), passage=p.text or "")
    _claim_line(claim)
    st.caption(WORD_PAGES)
    if not view.found:
        st.info(REPLACED if not source.current else WORD_NOT_LOCATED, icon=":material/info:")
    st.html(view.html)
    if view.found:
        _scroll_to("[role='dialog'] .gw-doc mark")
    if not view.found:
        _read_text(p)
    _download(source, key)


def _text_only(lib, source, p: Passage, words: list[str], key: str) -> None:
    """Kinds that have no viewer yet: the text Groundwork read, with the searched words marked."""
    text = lib.page_text(source.file, p.page) if p.page is not None else lib.section_text(source.file, p.section)
    st.html(f"<div class='gw-page'>{highlight_html(text or p.text or '', words)}</div>")
    st.caption("This is the text Groundwork read; the original file shows it exactly as written.")
    _download(source, key)


def source_view(lib, p: Passage, claim: str = "", words: Optional[list[str]] = None, key: str = "gw_src") -> None:
    """The body of the source dialog (also usable on a page of its own)."""
    try:
        source = open_source(lib, p.file or "", p.chunk_id or "")
    except DocumentRemoved as exc:
        st.info(exc.user_message, icon=":material/folder_off:")
        st.caption("The passage this answer used:")
        _read_text(p)
        return
    except AppError as exc:
        st.warning(exc.user_message)
        return
    try:
        if source.kind == "pdf":
            _pdf(source, p, claim, key)
        elif source.kind == "docx":
            _docx(source, p, claim, key)
        elif is_photo(source.kind):
            _photo(source, p, claim, key)
        else:
            _text_only(lib, source, p, words or [], key)
    except AppError as exc:
        st.warning(exc.user_message)
        _download(source, key)


def is_word(p: Passage) -> bool:
    return str(p.file or "").lower().endswith(".docx")


def dialog_place(p: Passage) -> str:
    """Where the dialog opens: a Word file's section (its page numbers are only where Word last laid
    it out), else the page."""
    if is_word(p) and p.section:
        return Place(section=p.section).label()
    return p.place.label()


OPEN = "gw_source_open"  # which source dialog a click asked for (ui/dialogs.py)


def open_dialog(key: str) -> None:
    """Button callback: open the dialog ``key`` at its cited page."""
    dialogs.ask(OPEN, key)
    st.session_state.pop(f"{key}_page", None)


def source_dialog(lib, p: Passage, claim: str = "", words: Optional[list[str]] = None, key: str = "gw_src") -> None:
    """Draw the dialog ``key`` when a click asked for it (call on every run, after its button; ui/dialogs.py)."""
    if not dialogs.asked(OPEN, key):
        return
    title = f"{p.file} — {dialog_place(p)}"

    @st.dialog(md(title), width="large")
    def dialog() -> None:
        dialogs.take(OPEN, key)
        source_view(lib, p, claim, words, key)

    dialog()


__all__ = ["open_dialog", "source_dialog", "source_view"]
