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

import logging

import streamlit as st

from core import runtime, team_questions
from core.answer import answer
from core.errors import AppError
from core.examples import example_question
from core.exports import conversation_html, conversation_markdown, export_file_name
from core.history import DEFAULT_TITLE
from core.labels import plural
from core.render import literal_markdown as md, safe_markdown, stream_markdown
from core.samples import sample_items
from core.types import AnswerResult, StoredMessage
from ui import answer_view, dialogs, queue_view
from ui.answer_view import render_answer
from ui import roles
from ui.links import go_to

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 6  # the last three question/answer turns go to the model as context
LIST_LIMIT = 40  # conversations listed in the sidebar


runtime.page_setup()
answer_view.inject_css()
st.title("💬 Ask your documents")
lib = runtime.library_or_stop()
docs = lib.documents()
jobs = runtime.get_jobs()


@st.fragment(run_every=2.0)
def documents_on_their_way() -> None:
    """While a batch is being added: how far it is, and where to watch it (the chat opens once one is in)."""
    job = jobs.current()
    view = job.view() if job else None
    if view is None or not view.running:
        if not docs and lib.documents():
            st.rerun(scope="app")
        return
    done = len(view.reports)
    st.info(f"Your documents are being added: {done} of {plural(view.total, 'file')} so far. "
            + ("You can ask questions as soon as the first one is in." if not docs else
               "You can ask about the ones already in."), icon="⏳")
    if roles.is_owner():
        go_to("pages/documents.py", "Watch the progress on the Documents page", key="chat_watch_progress", icon="📄")


if not docs:
    if jobs.busy():
        documents_on_their_way()
        st.stop()
    roles.staff_stop_here(roles.EMPTY_FOR_STAFF)  # staff can't add files or load the samples
    st.info("Your library is empty. Add your own files on the Documents page, or try Groundwork "
            "first with the documents of Northwind Cycles, a made-up bike shop.")
    with st.container(horizontal=True):
        go_to("pages/documents.py", "Add your documents", key="chat_go_documents", icon="📄", kind="primary")
        if st.button("Try it with sample documents", key="chat_load_samples"):
            jobs.add_files(sample_items())
            st.rerun()
    st.stop()
if jobs.busy():
    documents_on_their_way()

settings = runtime.get_settings()
llm = runtime.get_llm()
history = runtime.get_history()
access = runtime.current_access()  # not None: library_or_stop stopped the page for nobody signed in

# -- per-user state -----------------------------------------------------------------------
if "chat_conv_id" not in st.session_state:
    # A new visit opens the most recent conversation, so nothing seems lost after a restart.
    recent = history.conversations(access)
    st.session_state.chat_conv_id = recent[0]["id"] if recent else None

conv = None
if st.session_state.chat_conv_id is not None:
    try:
        conv = history.conversation(st.session_state.chat_conv_id, access)
    except AppError:  # deleted in another tab (or not this person's)
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


def render_feedback(msg: StoredMessage) -> None:
    mid, saved = msg.id, msg.feedback
    default = None if saved is None else (1 if saved.helpful else 0)
    key = f"chat_fb_{mid}"
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption("Was this answer helpful?", width="content")
        st.feedback("thumbs", key=key, default=default, on_change=save_rating, args=(mid,))
    rating = st.session_state.get(key, default)
    if rating is not None:
        prompt = "What was wrong or missing? (optional)" if rating == 0 else "Anything to add? (optional)"
        st.text_input(prompt, value=saved.comment if saved else "", key=f"chat_fb_note_{mid}",
                      on_change=save_note, args=(mid,), placeholder="Press Enter to save your note")


def render_message(msg: StoredMessage) -> None:
    with st.chat_message(msg.role):
        if msg.result is not None:
            render_answer(lib, msg.id, msg.result, msg.question)
            render_feedback(msg)
        else:
            st.markdown(safe_markdown(msg.content))


def save_answer(conv_id: int, question: str, result: AnswerResult) -> None:
    history.add_answer(conv_id, question, result)


def log_team_question(question: str, result: AnswerResult, cancelled: bool = False) -> None:
    """A staff member's question goes to the owner's "Questions from the team" (never the answer text)."""
    try:
        team_questions.record_answer(history.db, access, question, result, cancelled)
    except Exception:  # the log is the owner's to-do list; a failure to write it never costs the answer
        log.warning("A team question couldn't be logged", exc_info=True)


def person() -> str:
    """Whose turn it is in the model's queue: the person signed in ('' for the owner with sharing off)."""
    return access.name


def ask(question: str, scope: list[str], strict: bool) -> None:
    """Search and build the prompt now; answer at once when the model is free, else wait for the turn
    (ui/queue_view.py shows the place in the queue and a Cancel button until it comes)."""
    conv_id = st.session_state.chat_conv_id  # an AppError below reaches app.py's boundary: one calm sentence
    earlier = [{"role": m.role, "content": m.content}
               for m in (history.messages(conv_id) if conv_id is not None else []) if m.role in ("user", "assistant")]
    with st.chat_message("user"):
        st.markdown(safe_markdown(question))
    with st.spinner("Looking through your documents…"):
        stream = answer(question, library=lib, llm=llm, settings=settings, history_messages=earlier[-HISTORY_MESSAGES:],
                        files=scope or None, strict=strict, queue=runtime.get_model_queue(), person=person())
    waiting = queue_view.Waiting(conv_id, question, stream)
    if stream.ticket is not None and not stream.ticket.has_turn:
        queue_view.hold(waiting)  # someone else's question is with the model: wait for the turn
        st.rerun()
    write_answer(waiting, shown=True)


def write_answer(waiting: queue_view.Waiting, shown: bool = False) -> None:
    """Save the question, stream the answer, save it with its citations, then show it properly."""
    conv_id, question, stream = waiting.conv_id, waiting.question, waiting.stream
    finished = asked = False
    try:  # the answer module turns Ollama's failures into results; anything else goes to the boundary
        if conv_id is None:
            conv_id = history.new_conversation(access=access)
        st.session_state.chat_conv_id = conv_id  # the answer goes to the conversation it was asked in
        history.add_message(conv_id, "user", question)
        asked = True
        if not shown:
            with st.chat_message("user"):
                st.markdown(safe_markdown(question))
        with st.chat_message("assistant"):
            st.write_stream(stream_markdown(piece) for piece in stream)
        finished = True
    finally:
        if not finished:
            # Stopped with the chat box's stop button, by a next question sent meanwhile, or the page was left
            # (even before the answer began): the model's turn passes on, the connection to Ollama drops, and
            # what was written is kept; a question stopped before a word was written says so under it.
            stream.close()
            partial = stream.result
            log_team_question(question, partial, cancelled=True)
            if conv_id is not None and asked:
                try:
                    save_answer(conv_id, question, partial)
                except AppError:
                    pass
    save_answer(conv_id, question, stream.result)
    log_team_question(question, stream.result)
    st.rerun()


# -- the sidebar: conversations -----------------------------------------------------------------
conversations = history.conversations(access)
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


CONFIRM_DELETE = "chat_confirm_delete"  # the conversation a click asked to delete (ui/dialogs.py)


@st.dialog("Delete this conversation?")
def confirm_delete(conv_id: int, title: str) -> None:
    dialogs.take(CONFIRM_DELETE, conv_id)
    st.markdown(f"**{md(title)}** and its answers and ratings will be deleted from this computer. "
                "Your documents are not touched.")
    a, b = st.columns(2)
    if a.button("Cancel", type="primary", key="chat_delete_cancel",  # the default: nothing is lost
                on_click=dialogs.ask, args=(CONFIRM_DELETE, conv_id)):
        st.rerun()
    if b.button("Yes, delete it", key="chat_delete_confirm", icon=":material/delete:",
                on_click=dialogs.ask, args=(CONFIRM_DELETE, conv_id)):
        history.delete(conv_id)
        st.session_state.chat_conv_id = None
        st.rerun()


# -- the header: this conversation and what you can do with it ----------------------------------
messages = history.messages(conv["id"]) if conv else []
head, actions = st.columns([5, 4], vertical_alignment="center")
head.subheader(md(conv["title"]) if conv else DEFAULT_TITLE)
if conv:
    with actions.container(horizontal=True, horizontal_alignment="right"):
        with st.popover("Rename", icon=":material/edit:"):
            new_title = st.text_input("New name", value=conv["title"], key="chat_rename_title", max_chars=80)
            if st.button("Save", key="chat_rename", type="primary"):
                history.rename(conv["id"], new_title)
                st.rerun()
        if messages:
            with st.popover("Export", icon=":material/download:"):
                st.download_button("Printable page", conversation_html(conv, messages), key="chat_export_html",
                                   file_name=export_file_name(conv["title"], "html"), mime="text/html",
                                   on_click="ignore", icon=":material/print:", width="stretch")
                st.download_button("Text file (Markdown)", conversation_markdown(conv, messages), key="chat_export",
                                   file_name=export_file_name(conv["title"], "md"), mime="text/markdown",
                                   on_click="ignore", icon=":material/description:", width="stretch")
                st.caption("Both keep every warning and each source's page and quote. Open the printable page "
                           "in your browser to print it or save it as a PDF.")
        st.button("Delete", key="chat_delete", icon=":material/delete:", on_click=dialogs.ask, args=(CONFIRM_DELETE, conv["id"]))
    if dialogs.asked(CONFIRM_DELETE, conv["id"]):
        confirm_delete(conv["id"], conv["title"])

with st.container(border=False):
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    scope = c1.multiselect("Search in", [d.file for d in docs], key="chat_scope",
                           placeholder="All documents (or choose some)")
    strict = c2.toggle("Answer only from my documents", value=bool(settings.strict), key="chat_strict",
                       help="On: the model may only use your documents, and says so when they don't have "
                            "the answer. Off: it may add general knowledge, and says when it does.")

status = runtime.ollama_status(settings.ollama_host)
last = messages[-1] if messages else None
said_by_last_answer = bool(last and last.result is not None and last.result.error_kind == "not_running")
if not status["running"] and not said_by_last_answer:  # said once: here, or by the answer that met it
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption("🔴 Ollama isn't running, so you'll get the matching passages from your documents instead of a "
                   "written answer.", width="content")
        if roles.is_owner():  # (staff can't open Setup)
            go_to("pages/setup.py", "How to start it", key="chat_go_setup", icon="⚙️")

if not messages:
    st.caption(f"Ask in your own words — for example “{md(example_question(lib))}” "
               "Every answer shows the pages it came from, so you can check it.")
for message in messages:
    render_message(message)

question = st.chat_input("Ask a question about your documents", key="chat_input", max_chars=2000,
                         submit_mode="stop", disabled=queue_view.still_waiting())
if question and question.strip():
    ask(question.strip(), scope, strict)
queue_view.show(write_answer)  # a question waiting for the model: its place and Cancel, or its answer
