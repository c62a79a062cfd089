"""Safe text for the screen: document text and model output are untrusted.

Nothing here imports Streamlit; pages pass the returned strings to
``st.markdown``. ``highlight_html`` escapes everything and adds only ``<mark>``;
``safe_markdown`` keeps a model's formatting but removes raw HTML, images and
links, so a reply can never load a remote image or carry document text off
the computer in a URL.
"""
from __future__ import annotations

import html
import re
from typing import Iterable

_IMAGE = re.compile(r"!\[([^\]]*)\]\s*(\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\s*\(([^)]*)\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|file|data):[^>\s]*)>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![`\w])((?:https?|ftp|file|data):(?://)?[^\s<>`]+)", re.IGNORECASE)
_WWW = re.compile(r"(?<![`/\w.])(www\.[^\s<>`]+)", re.IGNORECASE)


def _code(url: str) -> str:
    return "`" + url.replace("`", "'") + "`"


_TRAILING = re.compile(r"[.,;:!?)\]'\"]+$")


def _address_as_code(match: re.Match) -> str:
    """An address as plain code; punctuation that ends the sentence ("…:11434;") stays outside."""
    address = match.group(1)
    tail = _TRAILING.search(address)
    if tail:
        address, rest = address[: tail.start()], tail.group(0)
        return _code(address) + rest if address else rest
    return _code(address)


def safe_markdown(text: str) -> str:
    """Markdown that shows a model's words but loads and links nothing, with "$" kept as a dollar sign
    (Streamlit reads "$…$" as maths: "$1299 or $1899" would turn into a formula)."""
    text = text or ""
    text = _IMAGE.sub(lambda m: f"[image not shown{': ' + m.group(1) if m.group(1).strip() else ''}]", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({_code(m.group(2).strip())})" if m.group(2).strip() else m.group(1), text)
    text = _REF_DEF.sub("", text)
    text = _AUTOLINK.sub(lambda m: _code(m.group(1)), text)
    text = _BARE_URL.sub(_address_as_code, text)
    text = _WWW.sub(_address_as_code, text)
    # raw HTML is shown as text, never interpreted
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    parts = text.split("`")
    parts[::2] = [part.replace("$", "\\$") for part in parts[::2]]  # outside `code`, where escapes work
    return "`".join(parts)


# Everything Markdown could read as formatting, a link, HTML, maths or a heading.
_LITERAL = frozenset("\\`*_$~[]<>|#!:")


def literal_markdown(text) -> str:
    """Someone else's words (a title, a file name) inside our own Markdown label: shown exactly as written."""
    return "".join("\\" + ch if ch in _LITERAL else ch for ch in str(text))


# Characters that can start a link, an image, HTML, a code span (where escapes stop working)
# or maths ("$"): backslash-escaped while streaming. Bold, italics and lists stay.
_STREAM_ESCAPE = frozenset("\\`[]()<>!$")
# Streamlit turns addresses in plain text into links after the markdown is parsed, so escapes
# don't stop "https://…", "www.…" or "a@b.c"; an invisible break before these characters does.
_STREAM_BREAK = frozenset(":.@")
_ZWSP = "\u200b"


def stream_markdown(piece: str) -> str:
    """A streamed piece of a model's answer made inert, one character at a time.

    Working per character stays safe however the text is cut into pieces
    ("![x](ht" + "tps://…)"), so nothing half-written can turn into an image or a link.
    The final answer (through ``safe_markdown``) replaces it as soon as the stream ends.
    """
    out = []
    for ch in piece:
        if ch in _STREAM_ESCAPE:
            out.append("\\" + ch)
        elif ch in _STREAM_BREAK:
            out.append(_ZWSP + ch)
        else:
            out.append(ch)
    return "".join(out)


def highlight_html(text: str, words: Iterable[str]) -> str:
    """HTML-escaped ``text`` with each occurrence of ``words`` (prefix match) wrapped in <mark>."""
    escaped = html.escape(text or "")
    stems = sorted({w.lower() for w in words if w and len(w) >= 2}, key=len, reverse=True)
    if not stems:
        return escaped.replace("\n", "<br>")
    pattern = re.compile(r"\b(" + "|".join(re.escape(html.escape(s)) for s in stems) + r")\w*", re.IGNORECASE)
    marked = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return marked.replace("\n", "<br>")


def place_label(page, page_end=None, section=None) -> str:
    """'page 4', 'pages 4-5' or 'section “Returns”' for a passage."""
    if page is not None:
        if page_end and page_end != page:
            return f"pages {page}-{page_end}"
        return f"page {page}"
    if section:
        return f"section “{section}”"
    return "start of document"
