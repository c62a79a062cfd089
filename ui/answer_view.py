"""One finished answer on screen: the text with its citation numbers, warnings, and its sources.

Each citation number is a small chip; hovering it (or focusing it with the keyboard) shows
the supporting quote and its place (file, page) without opening anything, and clicking it
jumps to the source's card. A number Groundwork matched itself (the model left the sentence
uncited, see ``core.answer.repair``) has a dashed outline and says so in its tooltip.

Model output is untrusted: the answer goes through ``safe_markdown`` (which escapes every
``<`` and ``>``, so no raw model HTML can reach the page, and drops images and links); the
chips are our own HTML, and what they show (file name, quote) is document text, escaped with
``html_text``. Passages go through ``ui.passages``.
"""
from __future__ import annotations

import html
import re

import streamlit as st

from core.answer import strip_markers
from core.answer.citations import dropped_sentence
from core.render import html_text, safe_markdown
from core.search import highlight_terms
from core.types import AnswerResult, Passage
from core.viewer import claim_for
from ui.passages import passage_card, place_of

SHOWN_PASSAGES = 3  # without a written answer, the best passages are shown and the rest folded away
NOT_FOUND = "I couldn't find this in your documents."
NO_CITATIONS = "This answer cites no source; check it against your documents."
UNSUPPORTED = "⚠️ Not clearly supported by the cited page: "
NO_SOURCE = "⚠️ Nothing in your documents says this: "
SAYS_NOTHING = "⚠️ This sentence states nothing specific Groundwork could check against the cited page: "
MATCHED_NOTE = ("ℹ️ A number in a dashed box is a source matched by Groundwork: the model didn't cite it, so "
                "Groundwork found the passage that says the same. Hover a number to see the quote.")
MATCHED_LABEL = "Source matched by Groundwork"

CSS = """<style>
.gw-cite {position: relative; display: inline-block; margin: 0 0.12em; padding: 0 0.42em; border-radius: 0.55em;
  background: #dcfce7; color: #14532d !important; font-size: 0.78em; font-weight: 600; line-height: 1.45;
  text-decoration: none !important; cursor: help; vertical-align: 0.1em; border: 1px solid #dcfce7;}
.gw-cite.gw-matched {background: #ffffff; border: 1px dashed #2f6f4f; color: #2f6f4f !important;}
.gw-cite .gw-tip {visibility: hidden; opacity: 0; position: absolute; z-index: 1000; left: 50%; bottom: calc(100% + 6px);
  transform: translateX(-50%); width: max-content; max-width: min(26rem, 80vw); padding: 0.5rem 0.7rem;
  border-radius: 0.45rem; background: #1f2937; color: #f9fafb; font-size: 0.85rem; font-weight: 400;
  line-height: 1.45; text-align: left; white-space: normal; box-shadow: 0 4px 14px #0003; pointer-events: none;
  transition: opacity 0.12s;}
.gw-cite:hover .gw-tip, .gw-cite:focus .gw-tip {visibility: visible; opacity: 1;}
.gw-tip-place {display: block; font-weight: 600; margin-bottom: 0.2rem;}
.gw-tip-note {display: block; margin-top: 0.3rem; color: #bbf7d0; font-style: italic;}
</style>"""

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SLOT = re.compile("\ue000(\\d{1,3})\ue001")  # where a Groundwork-matched number goes (private-use characters)


def inject_css() -> None:
    """The chip and tooltip styles; call once per run on a page that shows answers."""
    st.html(CSS)


def _plain(text: str) -> str:
    """Document text inside our HTML, which sits inside a Markdown string: inert for both."""
    return html_text(" ".join(str(text or "").split()))


def chip(p: Passage, msg_id, matched: bool = False) -> str:
    """A citation number with its quote and place in a tooltip; a link to the source's card."""
    place = f"{p.file} · {place_of(p)}"
    quote = f"“{_plain(p.quote)}”" if p.quote else ""
    note = f"<span class='gw-tip-note'>{MATCHED_LABEL}</span>" if matched else ""
    kind = "gw-cite gw-matched" if matched else "gw-cite"
    label = f"Source {p.n}: {place}" + (f" ({MATCHED_LABEL})" if matched else "")
    return (f"<a class='{kind}' href='#gw-src-{html.escape(str(msg_id))}-{p.n}' tabindex='0' "
            f"aria-label='{html.escape(label, quote=True)}'>{p.n}<span class='gw-tip' role='tooltip'>"
            f"<span class='gw-tip-place'>{_plain(place)}</span>{quote}{note}</span></a>")


def _with_slots(text: str, result: AnswerResult) -> str:
    """The answer with a slot after each sentence Groundwork matched to a source (before its full stop)."""
    text = _SLOT.sub("", text.replace("\ue000", "").replace("\ue001", ""))
    at = 0
    for m in result.matched:
        i = text.find(m.sentence, at)
        if i < 0:
            continue
        end = i + len(m.sentence)
        if text[end - 1:end] in (".", "!", "?"):
            end -= 1
        text = f"{text[:end]} \ue000{m.n}\ue001{text[end:]}"
        at = end
    return text


def answer_markdown(result: AnswerResult, msg_id) -> str:
    """Safe markdown of the answer, each valid [n] (and each Groundwork match) as a chip with its tooltip."""
    by_n = {c.n: c for c in result.citations}

    def model_chip(n: int):
        p = by_n.get(n)
        return chip(p, msg_id) if p else None  # None: the marker stays as text

    def matched_chip(m: re.Match) -> str:
        p = by_n.get(int(m.group(1)))
        return chip(p, msg_id, matched=True) if p else ""

    shown = safe_markdown(_with_slots(result.answer.strip(), result), cite=model_chip)
    return _SLOT.sub(matched_chip, shown)


def _search_only(lib, mid, result: AnswerResult, words: list[str]) -> None:
    """No written answer (Ollama isn't there): say so calmly, then the passages themselves."""
    text, citations = result.answer.strip(), result.citations
    if citations:
        st.info(safe_markdown(text) if text else "Here are the passages that best match your question.", icon="🔎")
    else:
        st.markdown(NOT_FOUND)
    if result.notice and result.notice != text and not result.error_kind:  # the line above already says why
        st.caption(safe_markdown(result.notice))
    if citations:
        st.markdown("**The passages that match your question best**")
        for c in citations[:SHOWN_PASSAGES]:
            passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n)
        if len(citations) > SHOWN_PASSAGES:
            with st.expander(f"More passages ({len(citations) - SHOWN_PASSAGES})"):
                for c in citations[SHOWN_PASSAGES:]:
                    passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n)


def _sources_words(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"source {numbers[0]}"
    return "sources " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def warning_lines(result: AnswerResult) -> list[str]:
    """One calm sentence per sentence of the answer that its sources don't back up (no raw [n] markers)."""
    matched = {m.sentence: m for m in result.matched}
    lines = []
    for sentence in result.unsupported:
        quoted = f"“{safe_markdown(strip_markers(sentence))}”"
        if _MARKER.search(sentence):
            line = UNSUPPORTED + quoted
            if sentence in matched:
                line += f" Groundwork found it in {_sources_words([matched[sentence].n])}."
        else:
            line = NO_SOURCE + quoted
        lines.append(line)
    lines += [f"{SAYS_NOTHING}“{safe_markdown(strip_markers(s))}”" for s in result.says_nothing]
    return lines


def _written(lib, mid, result: AnswerResult, words: list[str]) -> None:
    text, citations = result.answer.strip(), result.citations
    if not result.found:
        st.markdown(NOT_FOUND)
        if citations and text:  # "…don't say, but [1] covers …": keep what the model pointed at
            st.markdown(answer_markdown(result, mid), unsafe_allow_html=True)
    elif text:
        st.markdown(answer_markdown(result, mid), unsafe_allow_html=True)
    if result.notice:
        if result.error_kind:
            st.warning(safe_markdown(result.notice))
        else:
            st.caption("ℹ️ " + safe_markdown(result.notice))
    for line in warning_lines(result):
        st.warning(line)
    if result.found and result.no_citations:
        st.warning(NO_CITATIONS)
    if result.matched:
        st.caption(MATCHED_NOTE)
    if result.dropped_citations:
        st.caption("ℹ️ " + dropped_sentence(result.dropped_citations))
    if result.general_knowledge:
        st.caption("ℹ️ “Answer only from my documents” was off: parts of this answer may come from the "
                   "model's general knowledge, not from your documents.")
    if citations:
        st.markdown("**Sources**")
        for c in citations:
            if c.matched_by_groundwork:
                st.caption(f"[{c.n}] is a source matched by Groundwork: the model didn't cite it.")
            passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n, anchor=f"gw-src-{mid}-{c.n}",
                         claim=claim_for(result, c.n))


def render_answer(lib, mid, result: AnswerResult, question: str = "") -> None:
    """An answer as the owner should see it; ``mid`` keys its widgets (the stored message id)."""
    words = highlight_terms(result.query or question or "")
    if result.mode == "search_only":
        _search_only(lib, mid, result, words)
    else:
        _written(lib, mid, result, words)
    if result.closest and not result.citations:
        with st.expander(f"The closest passages in your documents ({len(result.closest)})"):
            for i, c in enumerate(result.closest):
                passage_card(lib, c, words, key=f"chat_close_{mid}_{i}")
    if result.consulted:
        with st.expander(f"Also read, but not cited ({len(result.consulted)})"):
            for i, c in enumerate(result.consulted):
                passage_card(lib, c, words, key=f"chat_seen_{mid}_{i}")
