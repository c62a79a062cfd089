"""One finished answer on screen: the text with its citation numbers, warnings, and its sources.

Model output is untrusted: the answer goes through ``safe_markdown`` (no raw HTML, images or
links); passages through ``ui.passages``.
"""
from __future__ import annotations

import streamlit as st

from core.render import safe_markdown
from core.search import highlight_terms
from core.types import AnswerResult
from ui.passages import passage_card

SHOWN_PASSAGES = 3  # without a written answer, the best passages are shown and the rest folded away
NOT_FOUND = "I couldn't find this in your documents."
NO_CITATIONS = "This answer cites no source; check it against your documents."
UNSUPPORTED = "⚠️ Not clearly supported by the cited page: "


def with_chips(text: str, msg_id, numbers: set) -> str:
    """Safe markdown with each valid [n] as a small badge that jumps to its source card."""
    def chip(n: int):
        return f"[:green-badge[{n}]](#gw-src-{msg_id}-{n})" if n in numbers else None

    return safe_markdown(text, cite=chip)


def _search_only(lib, mid, result: AnswerResult, words: list[str]) -> None:
    """No written answer (Ollama isn't there): say so calmly, then the passages themselves."""
    text, citations = result.answer.strip(), result.citations
    if citations:
        st.info(safe_markdown(text) if text else "Here are the passages that best match your question.", icon="🔎")
    else:
        st.markdown(NOT_FOUND)
    if result.notice and result.notice != text:
        st.caption(safe_markdown(result.notice))
    if citations:
        st.markdown("**The passages that match your question best**")
        for c in citations[:SHOWN_PASSAGES]:
            passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n)
        if len(citations) > SHOWN_PASSAGES:
            with st.expander(f"More passages ({len(citations) - SHOWN_PASSAGES})"):
                for c in citations[SHOWN_PASSAGES:]:
                    passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n)


def _written(lib, mid, result: AnswerResult, words: list[str]) -> None:
    text, citations = result.answer.strip(), result.citations
    numbers = {c.n for c in citations}
    if not result.found:
        st.markdown(NOT_FOUND)
        if citations and text:  # "…don't say, but [1] covers …": keep what the model pointed at
            st.markdown(with_chips(text, mid, numbers))
    elif text:
        st.markdown(with_chips(text, mid, numbers))
    if result.notice:
        if result.error_kind:
            st.warning(safe_markdown(result.notice))
        else:
            st.caption("ℹ️ " + safe_markdown(result.notice))
    for sentence in result.unsupported:
        st.warning(UNSUPPORTED + safe_markdown(sentence))
    if result.found and result.no_citations:
        st.warning(NO_CITATIONS)
    if result.general_knowledge:
        st.caption("ℹ️ “Answer only from my documents” was off: parts of this answer may come from the "
                   "model's general knowledge, not from your documents.")
    if citations:
        st.markdown("**Sources**")
        for c in citations:
            passage_card(lib, c, words, key=f"chat_page_{mid}_{c.n}", number=c.n, anchor=f"gw-src-{mid}-{c.n}")


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
