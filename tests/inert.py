"""Read Markdown as the browser will, and check that nothing in it loads, links or runs.

Streamlit renders CommonMark with GitHub's tables and autolinked addresses, and ``$…$`` maths.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from core.render import ZWSP

PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# The two patterns GitHub-flavoured Markdown links in plain text after parsing (what Streamlit uses).
_GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)
_GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")


def tokens(markdown: str):
    for token in PARSER.parse(markdown):
        yield token
        yield from token.children or ()


def _unescaped_dollars(markdown: str) -> int:
    """'$' outside code that a maths parser would see (not written as '\\$')."""
    without_code = re.sub(r"(`+)[\s\S]*?\1", "", markdown)
    count, i = 0, 0
    while i < len(without_code):
        if without_code[i] == "\\":
            i += 2
            continue
        count += without_code[i] == "$"
        i += 1
    return count


def assert_inert(markdown: str) -> None:
    """Read ``markdown`` as the browser will: no image, link (but to a place on the page), HTML,
    linked address or maths."""
    for token in tokens(markdown):
        if token.type == "link_open" and str(token.attrs.get("href", "")).startswith("#"):
            continue  # our own citation badge jumping to its source card
        assert token.type not in ("image", "link_open", "html_inline", "html_block"), (token.type, markdown)
        if token.type == "text":
            assert not _GFM_URL.search(token.content), (token.content, markdown)
            assert not _GFM_EMAIL.search(token.content), (token.content, markdown)
    assert _unescaped_dollars(markdown) == 0, markdown


def visible(markdown: str) -> str:
    """The words a reader sees (text and code), without the invisible breaks."""
    return "".join(t.content for t in tokens(markdown) if t.type in ("text", "code_inline")).replace(ZWSP, "")
