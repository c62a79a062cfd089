"""Untrusted text on screen and in exports: the one function family that shows it safely.

Everything that came from a document (its text, headings, file name), from the model, or
from a stored conversation is untrusted: shown as it is, it could make the browser load a
remote image (carrying document text off the computer in its address), turn into a link,
run HTML, or be drawn as a KaTeX formula (Streamlit reads ``$…$`` as maths, ``\\href`` included).
Nothing here imports Streamlit; pages pass the returned strings to ``st.markdown`` and friends.

- ``literal_markdown(text)``: someone else's words inside our own Markdown (a file name in a
  label, a section title, a progress line, a dialog title): shown exactly as written, never
  formatted, linked or loaded.
- ``safe_markdown(text, cite=None)``: a model's answer with its formatting (bold, lists, code,
  tables, headings) kept, parsed by a real Markdown parser (markdown-it-py). Images, links,
  autolinks, reference definitions and raw HTML are dropped; their visible words stay, as
  literal text. ``cite`` turns an ``[n]`` marker into the caller's own Markdown.
- ``stream_markdown(piece)``: one streamed piece of an answer, inert however the text is cut.
- ``highlight_html(text, words)``: escaped HTML with only ``<mark>`` added.
- ``html_text(text)``: untrusted text inside our own HTML (a tooltip, a chip's label).

Addresses: Streamlit links ``https://…``, ``www.…`` and ``name@host`` found in plain text after
parsing, so escapes don't stop it; an invisible zero-width space inside those patterns does.
"""
from __future__ import annotations

import functools
import html
import re
from typing import Callable, Iterable, Optional

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

ZWSP = "\u200b"
# Everything Markdown (CommonMark, GFM, Streamlit's directives, maths, emoji) could read as syntax.
_LITERAL = frozenset("\\`*_$~[]|#:&")  # "!" only matters before "[", escaped anyway
# In a model's answer ":" stays as written (an emoji name or a colour directive loads nothing, and "[" is escaped).
_SAFE = _LITERAL - {":"}
_ANGLE = {"<": "&lt;", ">": "&gt;"}  # raw HTML can never start; shown as the characters themselves
# What Streamlit would turn into a link after parsing: "http(s)://", "www.", an e-mail address.
_AUTOLINK = re.compile(r"(?i)(https?)(?=:/)|(www)(?=\.)|(?=@)")
# A web address in a model's words (display only: what isn't caught here is still broken up above).
_ADDRESS = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>`{}$\ue000-\uf8ff]*[^\s<>`{}$\ue000-\uf8ff.,;:!?)\]'\"]")
# A line that would start a list or underline a heading ("- ", "+ ", "1. ", "2) ", "==="): escaped too.
_LIST_START = re.compile(r"(?m)^([ \t]*(?:\d{1,9})?)([-+=.)])")
_CITATION = re.compile(r"\[(\d{1,3})\]")
_LINE_ENDS = re.compile(r"\r\n|\r|\n|\u2028|\u2029")

Cite = Callable[[int], Optional[str]]


def _break_addresses(text: str) -> str:
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or "") + ZWSP, text)


def literal_markdown(text) -> str:
    """Someone else's words inside our own Markdown: shown exactly as written (a file name, a title)."""
    return _escape(str(text if text is not None else ""), line_start=True)


def _escape(text: str, line_start: bool, chars: frozenset = _LITERAL) -> str:
    """A backslash before every syntax character (``<`` and ``>`` as character references), a break
    inside addresses, and no list or heading starting a line (``line_start``: ``text`` begins one)."""
    escaped = "".join(_ANGLE.get(ch) or ("\\" + ch if ch in chars else ch) for ch in _break_addresses(text))

    def unlist(m: re.Match) -> str:
        if m.start() == 0 and not line_start:
            return m.group(0)
        return m.group(1) + "\\" + m.group(2)

    return _LIST_START.sub(unlist, escaped)


def _literal_with_citations(text: str, cite: Optional[Cite], line_start: bool) -> str:
    """Literal text in which each ``[n]`` marker is the caller's (``cite``) or stays as written."""
    out, last = [], 0
    for m in _CITATION.finditer(text):
        replacement = cite(int(m.group(1))) if cite is not None else m.group(0)
        if replacement is None:
            continue
        out += [_words(text[last:m.start()], line_start and last == 0), replacement]
        last = m.end()
        if text[last:last + 1] in ("(", ":"):  # "[1](…)" or "[1]: …" would read as a link or a definition
            out.append("\\" + text[last])
            last += 1
    out.append(_words(text[last:], line_start and last == 0))
    return "".join(out)


def _words(text: str, line_start: bool) -> str:
    """A model's words, literal, with a web address shown as code: readable, copyable, never a link."""
    out, last = [], 0
    for m in _ADDRESS.finditer(text):
        out += [_escape(text[last:m.start()], line_start and last == 0, _SAFE), _code_span(m.group(0))]
        last = m.end()
    out.append(_escape(text[last:], line_start and last == 0, _SAFE))
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """CommonMark (+ tables, strikethrough) with raw HTML recognised, so it can be shown as text."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _code_span(code: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") or not code.strip() else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _code_block(code: str) -> str:
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    return f"{fence}\n{code.rstrip(chr(10))}\n{fence}"


class _Renderer:
    """Markdown syntax tree -> Markdown that Streamlit shows without loading or linking anything."""

    WRAP = {"em": "*", "strong": "**", "s": "~~"}

    def __init__(self, cite: Optional[Cite] = None):
        self.cite = cite

    # -- inline

    def inline(self, nodes) -> str:
        out: list[str] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                line_start = not out or out[-1].endswith("\n")
                out.append(_literal_with_citations("".join(text), self.cite, line_start))
                text.clear()

        for node in nodes:
            if node.type == "text":
                text.append(node.content)
                continue
            flush()
            out.append(self.inline_node(node))
        flush()
        return "".join(out)

    def inline_node(self, node) -> str:
        kind = node.type
        if kind == "softbreak":
            return "\n"
        if kind == "hardbreak":
            return "\\\n"
        if kind == "code_inline":
            return _code_span(node.content)
        if kind in self.WRAP:
            return self.WRAP[kind] + self.inline(node.children) + self.WRAP[kind]
        if kind == "link":  # its words, never its address
            return self.inline(node.children)
        if kind == "image":
            return literal_markdown(_image_label(node))
        if kind == "html_inline":
            return literal_markdown(node.content)
        return literal_markdown(node.content or plain_text_of(node.children))

    # -- blocks

    def blocks(self, nodes) -> str:
        return "\n\n".join(part for part in (self.block(n) for n in nodes) if part)

    def block(self, node) -> str:
        kind = node.type
        if kind == "paragraph":
            return self.inline(node.children[0].children) if node.children else ""
        if kind == "heading":
            return "#" * int(node.tag[1]) + " " + self.inline(node.children[0].children)
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind == "blockquote":
            return "\n".join("> " + line if line else ">" for line in self.blocks(node.children).split("\n"))
        if kind == "hr":
            return "---"
        if kind in ("code_block", "fence"):
            return _code_block(node.content)
        if kind == "html_block":
            return literal_markdown(node.content.rstrip("\n"))
        if kind == "table":
            return self.table(node)
        return literal_markdown(plain_text_of([node]))

    def list(self, node) -> str:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1)) if ordered else 1
        tight = all(child.nester_tokens[0].hidden for item in node.children for child in item.children
                    if child.type == "paragraph")
        items = []
        for i, item in enumerate(node.children):
            marker = f"{start + i}." if ordered else "-"
            parts = [self.block(child) for child in item.children]
            body = ("\n" if tight else "\n\n").join(part for part in parts if part).split("\n")
            indent = " " * (len(marker) + 1)
            lines = [f"{marker} {body[0]}"] + [indent + line if line else "" for line in body[1:]]
            items.append("\n".join(lines))
        return ("\n" if tight else "\n\n").join(items)

    def table(self, node) -> str:
        rows, aligns = [], []
        for section in node.children:
            for tr in section.children:
                cells = [self.inline(cell.children[0].children).replace("\n", " ") if cell.children else ""
                         for cell in tr.children]
                rows.append("| " + " | ".join(cells) + " |")
                if section.type == "thead":
                    aligns = [_alignment(cell.attrs.get("style", "")) for cell in tr.children]
        if not rows:
            return ""
        return "\n".join([rows[0], "| " + " | ".join(aligns) + " |"] + rows[1:])


def _alignment(style) -> str:
    return {"text-align:left": ":--", "text-align:center": ":-:", "text-align:right": "--:"}.get(str(style), "---")


def plain_text_of(nodes) -> str:
    """The visible words of parsed Markdown nodes (an image's alt text, a link's words)."""
    out = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline", "html_block", "code_block", "fence"):
            out.append(node.content)
        elif node.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif node.type == "image":
            out.append(_image_label(node))
        elif node.children:
            block = node.nester_tokens is not None and node.type not in _INLINE_CONTAINERS
            out.append(("\n" if block else "").join(plain_text_of([child]) for child in node.children))
    return "".join(out)


_INLINE_CONTAINERS = ("em", "strong", "s", "link")


def _image_label(node) -> str:
    """What stands in for an image: its description, never its address."""
    alt = plain_text_of(node.children)
    return f"[image not shown{': ' + alt if alt.strip() else ''}]"


@functools.lru_cache(maxsize=256)
def _tree(text: str) -> SyntaxTreeNode:
    """The parsed text (only read, never changed): every rerun of a page redraws the same answers."""
    return SyntaxTreeNode(_parser().parse(text))


def safe_markdown(text, cite: Optional[Cite] = None) -> str:
    """A model's Markdown with its formatting kept, and nothing that loads, links or runs.

    ``cite(n)`` may turn an ``[n]`` citation marker into Markdown of the caller's own (a badge);
    returning None leaves that marker as literal text.
    """
    return _Renderer(cite).blocks(_tree(str(text or "")).children)


# Characters that can start a link, an image, HTML, a code span (where escapes stop working)
# or maths ("$"): backslash-escaped while streaming. Bold, italics and lists stay.
_STREAM_ESCAPE = frozenset("\\`[]()<>!$&")
# Where an address could begin (":" of "https://", "." of "www.", "@"): an invisible break.
_STREAM_BREAK = frozenset(":.@")


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
            out.append(ZWSP + ch)
        else:
            out.append(ch)
    return "".join(out)


# Inside inline HTML that sits in Markdown (a tooltip in an answer), Markdown still reads the text:
# its syntax characters become character references there, so they stay plain characters.
_HTML_INERT = {ord(ch): f"&#{ord(ch)};" for ch in "\\`*_$~[]!|#:@()"}


def html_text(text) -> str:
    """Untrusted text inside our own HTML, which may itself sit in Markdown (a tooltip in an answer):
    HTML-escaped, Markdown's syntax characters as character references, addresses broken up."""
    return html.escape(_break_addresses(str(text if text is not None else ""))).translate(_HTML_INERT)


def highlight_html(text: str, words: Iterable[str]) -> str:
    """HTML-escaped ``text`` with each occurrence of ``words`` (prefix match) wrapped in <mark>.

    Every line ending becomes ``<br>``, so a passage in ``<div>…</div>`` stays one line of HTML: in
    ``st.markdown(..., unsafe_allow_html=True)`` that is one raw HTML block, which Markdown never reads
    (a blank line would end the block and let the rest be read as Markdown).
    """
    lines = _LINE_ENDS.split(text or "")
    stems = sorted({w.lower() for w in words if w and len(w) >= 2}, key=len, reverse=True)
    if not stems:
        return "<br>".join(html.escape(line) for line in lines)
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)

    def marked(line: str) -> str:
        out, last = [], 0
        for m in pattern.finditer(line):
            out += [html.escape(line[last:m.start()]), f"<mark>{html.escape(m.group(0))}</mark>"]
            last = m.end()
        out.append(html.escape(line[last:]))
        return "".join(out)

    return "<br>".join(marked(line) for line in lines)
