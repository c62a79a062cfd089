"""Ask your documents: a conversation in which every claim cites the page it came from.

Thin on purpose: ``core.answer.answer`` finds the passages, prompts the model, streams the
reply and checks its citations; ``core.history.History`` keeps conversations and feedback
(they survive a restart). This page reads widgets and renders.

Model output and document text are untrusted. While the answer streams, every character
that could start a link, an image, HTML or an autolink is escaped (so nothing half-written can
load or link); the final answer is shown through ``safe_markdown`` (no raw HTML, images or
links) and passages through ``highlight_html`` (escaped, only ``<mark>`` added).
Per-user state: ``st.session_state.chat_conv_id`` (and a pending delete confirmation).
"""
import html
import re

import streamlit as st

from core import runtime
from core.answer import answer
from core.errors import AppError
from core.history import DEFAULT_TITLE
from core.render import highlight_html, literal_markdown as md, place_label, safe_markdown, stream_markdown
from core.search import highlight_terms

HISTORY_MESSAGES = 6  # the last three question/answer turns go to the model as context
LIST_LIMIT = 40  # conversations listed in the sidebar
SHOWN_PASSAGES = 3  # without a written answer, the best passages are shown and the rest folded away
NOT_FOUND = "I couldn't find this in your documents."
NO_CITATIONS = "This answer cites no source; check it against your documents."
UNSUPPORTED = "⚠️ Not clearly supported by the cited page: "
META_KEYS = ("found", "mode", "unsupported", "no_citations", "query", "notice", "closest", "consulted",
             "general_knowledge", "error_kind")

st.html("""<style>
.gw-passage {font-size: 0.92rem; line-height: 1.5; padding: 0.1rem 0.6rem; border-left: 3px solid #2f6f4f55;}
.gw-page {font-size: 0.95rem; line-height: 1.6;}
.gw-passage mark, .gw-page mark {background: #fde68a; padding: 0 0.1em; border-radius: 2px;}
</style>""")

runtime.page_setup()
st.title("💬 Ask your documents")
lib = runtime.library_or_stop()
docs = lib.documents()
if not docs:
    st.info("Your library is empty. Add your PDF and Word files on the Documents page (or try the sample "
            "documents there), then come back and ask them questions.")
    st.stop()

settings = runtime.get_settings()
llm = runtime.get_llm()
try:
    history = runtime.get_history()
except AppError as exc:
    st.error(exc.user_message)
    st.stop()

# -- per-user state -----------------------------------------------------------------------
if "chat_conv_id" not in st.session_state:
    # A new visit opens the most recent conversation, so nothing seems lost after a restart.
    recent = history.conversations()
    st.session_state.chat_conv_id = recent[0]["id"] if recent else None

conv = None
if st.session_state.chat_conv_id is not None:
    try:
        conv = history.conversation(st.session_state.chat_conv_id)
    except AppError:  # deleted in another tab
        st.session_state.chat_conv_id = None

# -- callbacks ---------------------------------------------------------------------------------


def start_new() -> None:
    st.session_state.chat_conv_id = None  # created with the first question


def open_conversation(conv_id: int) -> None:
    st.session_state.chat_conv_id = conv_id


def save_rating(msg_id: int) -> None:
    value = st.session_state.get(f"chat_fb_{msg_id}")
    try:
        if value is None:
            history.clear_feedback(msg_id)
        else:
            note = st.session_state.get(f"chat_fb_note_{msg_id}", "") or ""
            history.set_feedback(msg_id, 1 if value == 1 else -1, note)
    except AppError as exc:
        st.toast(exc.user_message)


def save_note(msg_id: int) -> None:
    value = st.session_state.get(f"chat_fb_{msg_id}")
    if value is None:
        return
    try:
        history.set_feedback(msg_id, 1 if value == 1 else -1, st.session_state.get(f"chat_fb_note_{msg_id}", ""))
        st.toast("Thanks — your note is saved.")
    except AppError as exc:
        st.toast(exc.user_message)


# -- rendering ---------------------------------------------------------------------------------


def with_chips(text: str, msg_id: int, numbers: set) -> str:
    """Safe markdown with each valid [n] as a small badge that jumps to its source card."""
    def chip(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in numbers:
            return m.group(0)
        return f"[:green-badge[{n}]](#gw-src-{msg_id}-{n})"

    return re.sub(r"\[(\d{1,3})\]", chip, safe_markdown(text))


def place_of(c: dict) -> str:
    return place_label(c.get("page"), c.get("page_end"), c.get("section"))


def open_label(c: dict) -> str:
    if c.get("page") is not None:
        return f"Open {place_of(c)}"
    return "Open this section" if c.get("section") else "Open the document"


def show_source(c: dict, words: list[str]) -> None:
    """The full page (or Word section) a passage came from, and the original file."""
    title = f"{c.get('file')} — {place_of(c)}"

    @st.dialog(title, width="large")
    def dialog() -> None:
        name = c.get("file") or ""
        try:
            if c.get("page") is not None:
                first = int(c["page"])
                last = int(c.get("page_end") or first)
                parts = []
                for p in range(first, max(first, last) + 1):
                    text = lib.page_text(name, p)
                    parts.append((p, text))
            else:
                parts = [(None, lib.section_text(name, c.get("section")))]
            path = lib.original_path(name)
        except AppError as exc:
            st.warning(exc.user_message)
            return
        for p, text in parts:
            if len(parts) > 1:
                st.markdown(f"**Page {p}**")
            if not text.strip():
                st.caption("Groundwork found no text here — it may be a scanned image. "
                           "Download the original to see it.")
                continue
            st.html(f"<div class='gw-page'>{highlight_html(text, words)}</div>")
        st.caption("The words of your question are highlighted. This is the text Groundwork read; "
                   "the original file shows the page exactly as printed.")
        if path.exists():
            st.download_button(f"Download {name}", path.read_bytes(), file_name=name,
                               key=f"chat_dl_{c.get('chunk_id') or name}", on_click="ignore",
                               icon=":material/download:")

    dialog()


def passage_card(c: dict, words: list[str], key: str, number=None, anchor: str = "") -> None:
    with st.container(border=True):
        head = f"**[{number}]** " if number is not None else ""
        head += f"{md(html.escape(str(c.get('file'))))} · {md(html.escape(place_of(c)))}"
        if anchor:
            head = f"<span id='{anchor}'></span>" + head
        st.markdown(head, unsafe_allow_html=True)
        st.markdown(f"<div class='gw-passage'>{highlight_html(c.get('text') or '', words)}</div>",
                    unsafe_allow_html=True)
        if st.button(open_label(c), key=key, icon=":material/description:"):
            show_source(c, words)


def render_feedback(msg: dict) -> None:
    mid = msg["id"]
    saved = msg.get("feedback") or {}
    default = None if not saved else (1 if saved.get("rating", 0) > 0 else 0)
    key = f"chat_fb_{mid}"
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption("Was this answer helpful?", width="content")
        st.feedback("thumbs", key=key, default=default, on_change=save_rating, args=(mid,))
    rating = st.session_state.get(key, default)
    if rating is not None:
        prompt = "What was wrong or missing? (optional)" if rating == 0 else "Anything to add? (optional)"
        st.text_input(prompt, value=saved.get("comment", ""), key=f"chat_fb_note_{mid}",
                      on_change=save_note, args=(mid,), placeholder="Press Enter to save your note")


def render_answer(msg: dict) -> None:
    mid = msg["id"]
    meta = msg.get("meta") or {}
    citations = msg.get("citations") or []
    words = highlight_terms(meta.get("query") or meta.get("question") or "")
    mode = meta.get("mode", "llm")
    found = meta.get("found", True)
    text = (msg.get("content") or "").strip()
    notice = meta.get("notice")
    numbers = {int(c["n"]) for c in citations if str(c.get("n", "")).isdigit()}

    if mode == "search_only":
        # No written answer (Ollama isn't there): say so calmly, then the passages themselves.
        if citations:
            st.info(safe_markdown(text) if text else "Here are the passages that best match your question.",
                    icon="🔎")
        else:
            st.markdown(NOT_FOUND)
        if notice and notice != text:
            st.caption(safe_markdown(notice))
        if citations:
            st.markdown("**The passages that match your question best**")
            for c in citations[:SHOWN_PASSAGES]:
                passage_card(c, words, key=f"chat_page_{mid}_{c.get('n')}", number=c.get("n"))
            if len(citations) > SHOWN_PASSAGES:
                with st.expander(f"More passages ({len(citations) - SHOWN_PASSAGES})"):
                    for c in citations[SHOWN_PASSAGES:]:
                        passage_card(c, words, key=f"chat_page_{mid}_{c.get('n')}", number=c.get("n"))
    else:
        if not found:
            st.markdown(NOT_FOUND)
            if citations and text:  # "…don't say, but [1] covers …": keep what the model pointed at
                st.markdown(with_chips(text, mid, numbers))
        elif text:
            st.markdown(with_chips(text, mid, numbers))
        if notice:
            if meta.get("error_kind"):
                st.warning(safe_markdown(notice))
            else:
                st.caption("ℹ️ " + safe_markdown(notice))
        for sentence in meta.get("unsupported") or []:
            st.warning(UNSUPPORTED + safe_markdown(str(sentence)))
        if found and meta.get("no_citations"):
            st.warning(NO_CITATIONS)
        if meta.get("general_knowledge"):
            st.caption("ℹ️ “Answer only from my documents” was off: parts of this answer may come from the "
                       "model's general knowledge, not from your documents.")
        if citations:
            st.markdown("**Sources**")
            for c in citations:
                passage_card(c, words, key=f"chat_page_{mid}_{c.get('n')}", number=c.get("n"),
                             anchor=f"gw-src-{mid}-{c.get('n')}")

    closest = meta.get("closest") or []
    if closest and not citations:
        with st.expander(f"The closest passages in your documents ({len(closest)})"):
            for i, c in enumerate(closest):
                passage_card(c, words, key=f"chat_close_{mid}_{i}")

    consulted = meta.get("consulted") or []
    if consulted:
        with st.expander(f"Also read, but not cited ({len(consulted)})"):
            for i, c in enumerate(consulted):
                passage_card(c, words, key=f"chat_seen_{mid}_{i}")

    render_feedback(msg)


def render_message(msg: dict) -> None:
    with st.chat_message(msg["role"]):
        if msg["role"] == "assistant":
            render_answer(msg)
        else:
            st.markdown(safe_markdown(msg["content"]))


def save_answer(conv_id: int, question: str, result: dict) -> None:
    meta = {key: result.get(key) for key in META_KEYS}
    meta["question"] = question
    history.add_message(conv_id, "assistant", result.get("answer") or "", result.get("citations") or [], meta)


def ask(question: str, scope: list[str], strict: bool) -> None:
    """Save the question, stream the answer, save it with its citations, then show it properly."""
    conv_id = st.session_state.chat_conv_id
    try:
        if conv_id is None:
            conv_id = history.new_conversation()
            st.session_state.chat_conv_id = conv_id
        earlier = [{"role": m["role"], "content": m["content"]}
                   for m in history.messages(conv_id) if m["role"] in ("user", "assistant")]
        history.add_message(conv_id, "user", question)
    except AppError as exc:
        st.error(exc.user_message)
        return
    with st.chat_message("user"):
        st.markdown(safe_markdown(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Looking through your documents…"):
                stream = answer(question, library=lib, llm=llm, settings=settings,
                                history_messages=earlier[-HISTORY_MESSAGES:], files=scope or None, strict=strict)
        except AppError as exc:
            st.error(exc.user_message)
            return
        finished = False
        try:
            st.write_stream(stream_markdown(piece) for piece in stream)
            finished = True
        except AppError as exc:  # the answer module turns Ollama's failures into results; this is a fallback
            st.error(exc.user_message)
            return
        finally:
            if not finished:
                # Stopped with the chat box's stop button (or the page was left): drop the connection
                # to Ollama and keep what was written, marked as stopped.
                stream.close()
                partial = stream.result
                if (partial.get("answer") or "").strip():
                    try:
                        save_answer(conv_id, question, partial)
                    except AppError:
                        pass
        try:
            save_answer(conv_id, question, stream.result)
        except AppError as exc:
            st.error(exc.user_message)
            return
    st.rerun()


# -- the sidebar: conversations -----------------------------------------------------------------
conversations = history.conversations()
with st.sidebar:
    st.divider()
    st.markdown("**Conversations**")
    st.button("New conversation", key="chat_new", on_click=start_new, icon=":material/add:", width="stretch")
    for c in conversations[:LIST_LIMIT]:
        current = c["id"] == st.session_state.chat_conv_id
        st.button(md(c["title"]), key=f"chat_conv_{c['id']}", on_click=open_conversation, args=(c["id"],),
                  type="primary" if current else "tertiary", width="stretch")
    if len(conversations) > LIST_LIMIT:
        st.caption(f"Showing the {LIST_LIMIT} most recent of {len(conversations)} conversations.")


def ask_to_delete(conv_id: int) -> None:
    st.session_state.chat_confirm_delete = conv_id


def keep_conversation() -> None:
    st.session_state.chat_confirm_delete = None


@st.dialog("Delete this conversation?", on_dismiss=keep_conversation)
def confirm_delete(conv_id: int, title: str) -> None:
    # Opened from session state (not from the button's click), so a click in here still finds it.
    st.markdown(f"**{md(title)}** and its answers and ratings will be deleted from this computer. "
                "Your documents are not touched.")
    a, b = st.columns(2)
    if a.button("Yes, delete it", type="primary", key="chat_delete_confirm"):
        history.delete(conv_id)
        st.session_state.chat_conv_id = None
        st.session_state.chat_confirm_delete = None
        st.rerun()
    if b.button("Cancel", key="chat_delete_cancel"):
        st.session_state.chat_confirm_delete = None
        st.rerun()


# -- the header: this conversation and what you can do with it ----------------------------------
messages = history.messages(conv["id"]) if conv else []
head, actions = st.columns([3, 2], vertical_alignment="center")
head.subheader(md(conv["title"]) if conv else DEFAULT_TITLE)
if conv:
    with actions.container(horizontal=True, horizontal_alignment="right"):
        with st.popover("Rename", icon=":material/edit:"):
            new_title = st.text_input("New name", value=conv["title"], key="chat_rename_title", max_chars=80)
            if st.button("Save", key="chat_rename", type="primary"):
                history.rename(conv["id"], new_title)
                st.rerun()
        if messages:
            st.download_button("Export", history.export_markdown(conv["id"]), key="chat_export",
                               file_name=f"{re.sub(r'[^A-Za-z0-9]+', '-', conv['title']).strip('-') or 'conversation'}.md",
                               mime="text/markdown", on_click="ignore", icon=":material/download:",
                               help="Save this conversation, with its sources, as a Markdown file.")
        st.button("Delete", key="chat_delete", icon=":material/delete:", on_click=ask_to_delete, args=(conv["id"],))
    if st.session_state.get("chat_confirm_delete") == conv["id"]:
        confirm_delete(conv["id"], conv["title"])

with st.container(border=False):
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    scope = c1.multiselect("Search in", [d.file for d in docs], key="chat_scope",
                           placeholder="All documents (or choose some)")
    strict = c2.toggle("Answer only from my documents", value=bool(settings.strict), key="chat_strict",
                       help="On: the model may only use your documents, and says so when they don't have "
                            "the answer. Off: it may add general knowledge, and says when it does.")

status = runtime.ollama_status(settings.ollama_host)
if not status["running"]:
    st.caption("🔴 Ollama isn't running, so you'll get the matching passages from your documents instead of a "
               "written answer. The Setup page shows how to start it.")

if not messages:
    st.caption("Ask in your own words — for example “How long do customers have to return an item?” "
               "Every answer shows the pages it came from, so you can check it.")
for message in messages:
    render_message(message)

question = st.chat_input("Ask a question about your documents", key="chat_input", max_chars=2000,
                         submit_mode="stop")
if question and question.strip():
    ask(question.strip(), scope, strict)
