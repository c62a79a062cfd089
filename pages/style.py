"""Answer style: how answers should sound and look, written by the owner, tried before it is kept.

The style goes into the prompt for tone and format only (``core.answer.prompt``): it can make
answers friendly, formal or bulleted, never lift the rules about sources and citations. It is
kept with the other settings in ``settings.json`` in the data folder (``answer_style``, and
``answer_style_changed_at`` for the advisor's "how answers were rated since").
Per-user state: the draft in ``st.session_state.style_text``, the last try in ``style_try``.
"""
import logging
from datetime import datetime, timezone

import streamlit as st

from core import runtime
from core.answer import STYLE_MAX_CHARS, answer
from core.examples import example_question
from core.render import literal_markdown as md, safe_markdown
from core.settings import SETTINGS_FILE, save_setting
from core.style_rules import ignored_warning
from ui import answer_view
from ui import roles

EXAMPLES = {
    "Friendly and short, like our shop staff": (
        "Sound warm and friendly, like a helpful person at our shop counter. Keep it short: two or three "
        "sentences in everyday words."),
    "Formal, for customer letters": (
        "Write formally and politely, as in a letter to a customer. Use full sentences, no slang and no "
        "exclamation marks. Give the answer in the first sentence."),
    "Bullet points with prices": (
        "Answer as a short bulleted list, one point per item or rule. Put any price in bold at the start of its "
        "point. No introduction and no closing line."),
}
OLLAMA_DOWN = ("Ollama isn't running, so Groundwork can't write sample answers right now; start it (the Setup page "
               "shows how) and try again.")

runtime.page_setup()
roles.owner_only()  # staff opening this page by its address see one sentence, never the page
answer_view.inject_css()
st.title("✍️ Answer style")
st.caption("Tell Groundwork how answers should sound and look. The style changes tone and layout only: answers "
           "still come only from your documents and still show where each fact came from.")

settings = runtime.get_settings()
if "style_text" not in st.session_state:
    st.session_state.style_text = settings.answer_style


def use_example(text: str) -> None:
    st.session_state.style_text = text


def save(text: str) -> None:
    current = runtime.get_settings()
    try:
        save_setting(current, "answer_style", text.strip())
        save_setting(current, "answer_style_changed_at", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    except OSError:
        st.session_state.style_flash = ("error", "Groundwork couldn't save the style; check that the data folder "
                                                 "can be written to, then try again.")
        return
    st.session_state.style_text = text.strip()
    ignored = ignored_warning(text)
    if ignored:
        st.session_state.style_flash = ("warning", ignored)
        return
    st.session_state.style_flash = ("success", "Saved: new answers will use this style." if text.strip() else
                                    "Removed: new answers use Groundwork's plain style again.")


st.markdown("**Start from an example** (then change it as you like)")
with st.container(horizontal=True):
    for i, (label, text) in enumerate(EXAMPLES.items()):
        st.button(label, key=f"style_example_{i}", on_click=use_example, args=(text,))

draft = st.text_area("How should answers sound and look?", key="style_text", max_chars=STYLE_MAX_CHARS,
                     height=130, placeholder="For example: friendly and short, like our shop staff.")
with st.container(horizontal=True):
    # the box's value as it is when Save is clicked (text typed just before the click included)
    st.button("Save", key="style_save", type="primary", on_click=lambda: save(st.session_state.get("style_text", "")))
    if settings.answer_style:
        st.button("Remove the style", key="style_clear", on_click=save, args=("",))
flash = st.session_state.pop("style_flash", None)
if flash:
    {"success": st.success, "warning": st.warning}.get(flash[0], st.error)(md(flash[1]))
if settings.answer_style:
    since = settings.answer_style_changed_at[:10] if settings.answer_style_changed_at else ""
    st.caption(f"A style is in use{' since ' + since if since else ''}.")
st.caption(f"Kept in {SETTINGS_FILE} in your Groundwork data folder ({md(settings.data_dir)}), on this computer only.")

# -- try it ----------------------------------------------------------------------------------


def try_style(question: str, style: str) -> None:
    """Two real answers to one question: without a style, and with the draft above."""
    lib = runtime.library_or_stop()
    llm = runtime.get_llm()
    current = runtime.get_settings()
    before = answer(question, library=lib, llm=llm, settings=current, style="").result
    after = answer(question, library=lib, llm=llm, settings=current, style=style).result
    st.session_state.style_try = {"question": question, "style": style, "before": before, "after": after}


def show_try(tried: dict) -> None:
    before, after = tried["before"], tried["after"]
    if before.mode == "search_only" or after.mode == "search_only":
        st.info(safe_markdown(after.notice or before.notice or OLLAMA_DOWN))
        return
    left, right = st.columns(2)
    for column, title, result, mid in ((left, "Without a style", before, "try-before"),
                                       (right, "With this style", after, "try-after")):
        with column.container(border=True):
            st.markdown(f"**{title}**")
            if result.found and result.answer.strip():
                st.markdown(answer_view.answer_markdown(result, mid), unsafe_allow_html=True)
            else:
                st.markdown(safe_markdown(result.answer) or answer_view.NOT_FOUND)


st.divider()
st.subheader("Try it")
st.caption("See one answer to a question of yours, first without a style and then with the style above "
           "(saved or not).")
if "style_try_question" not in st.session_state:  # a question the owner's own documents can answer
    try:
        st.session_state.style_try_question = example_question(runtime.get_library())
    except Exception:  # the library can't be opened: "Try it" says so itself; the details go to the log
        logging.getLogger("groundwork").warning("No example question: the library couldn't be read", exc_info=True)
        st.session_state.style_try_question = ""
question = st.text_input("Question", key="style_try_question", max_chars=500)
if st.button("Try it", key="style_try_button", icon=":material/play_arrow:"):
    if not draft.strip():
        st.info("Write a style above (or pick an example) first, then try it.")
    elif not runtime.ollama_status(settings.ollama_host)["running"]:
        st.info(OLLAMA_DOWN)
    elif question.strip():
        with st.spinner("Writing two answers…"):
            try_style(question.strip(), draft)
tried = st.session_state.get("style_try")
if tried:
    show_try(tried)
