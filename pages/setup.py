"""Setup: is Ollama running, which model writes the answers, download one, try it.

Thin on purpose: every call goes to ``core.llm.OllamaService`` (via ``core.runtime``)
and every failure arrives as an ``AppError`` whose ``user_message`` is shown as is.
Per-user state (the last download's outcome, the test reply) lives in ``st.session_state``.
"""
import time

import pandas as pd
import streamlit as st

from core import runtime
from core.errors import AppError
from core.llm import MODEL_CHOICES, RECOMMENDED_MODEL, full_model_name
from core.render import safe_markdown
from core.settings import save_setting

TEST_QUESTION = "Reply with one short, friendly sentence saying that you are ready to help."

runtime.page_setup()
st.title("⚙️ Setup")
st.caption("Groundwork writes answers with a model that runs on this computer through Ollama, "
           "a free app. Nothing you ask is sent anywhere else.")

settings = runtime.get_settings()
llm = runtime.get_llm()

if "setup_flash" not in st.session_state:
    st.session_state.setup_flash = None  # (kind, sentence) from the last download, shown once


def recheck() -> None:
    """Forget the sidebar's cached status so the whole page (and the dot) is fresh."""
    runtime.ollama_status.clear()


def cancel_download() -> None:
    # The click reruns the script, which interrupts the download loop below; its
    # ``finally`` closes the pull stream, so Ollama sees the connection drop.
    st.session_state.setup_flash = ("info", "Download cancelled; you can start it again any time.")


def flash() -> None:
    message = st.session_state.setup_flash
    if message:
        kind, text = message
        {"success": st.success, "error": st.error, "info": st.info}.get(kind, st.info)(text)
        st.session_state.setup_flash = None


def download(model: str, installed_before: list[str], bar_slot, button_slot, key: str) -> None:
    """Pull ``model`` with a live progress bar and a Cancel button; rerun when done.

    The Cancel button is the Download button's widget (same key, same place) with a new label
    and action: a different widget there would leave the Download button on screen, faded,
    for as long as the download runs.
    """
    bar = bar_slot.progress(0.0, text=f"Starting the download of '{model}'…")
    button_slot.button("Cancel", key=key, on_click=cancel_download)
    stream = llm.pull(model)
    try:
        for step in stream:
            if step.done:
                break
            if step.fraction is not None:
                bar.progress(step.fraction, text=f"{step.message} ({int(step.fraction * 100)}%)")
            else:
                bar.progress(0.0, text=step.message)
    except AppError as exc:
        # Shown after a fresh run, with the Download button back in place to try again.
        st.session_state.setup_flash = ("error", exc.user_message)
        st.rerun()
    finally:
        stream.close()  # a cancel (its click reruns this script) or an error drops the HTTP stream
    bar.progress(1.0, text=f"'{model}' is downloaded and ready.")
    runtime.ollama_status.clear()  # the sidebar's dot, drawn before this page, must see the new model
    wanted = full_model_name(runtime.get_settings().model)
    if wanted not in installed_before:
        # The chosen answer model isn't there: the one just downloaded takes its place.
        save_setting(runtime.get_settings(), "model", model)
        st.session_state.pop("setup_model", None)
        st.session_state.setup_flash = ("success", f"'{model}' is downloaded and Groundwork will answer with it.")
    else:
        st.session_state.setup_flash = ("success", f"'{model}' is downloaded and ready.")
    st.rerun()


def choose_model() -> None:
    """Remember the chosen model before the page (and the sidebar) is drawn again."""
    name = st.session_state.get("setup_model")
    if name:
        save_setting(runtime.get_settings(), "model", name)
        st.session_state.setup_saved = name


def start_download(model: str) -> None:
    st.session_state.setup_pull_now = model


def download_or_button(model: str, label: str, key: str, installed: list[str], primary: bool = False) -> None:
    """The Download button, or (in the run its click starts) the download itself in the button's place.

    The request is taken out of session state before the download starts: with Streamlit's fast
    reruns, the run a Cancel click starts may begin before the interrupted one has stopped, and it
    must not see the request again.
    """
    bar_slot, button_slot = st.empty(), st.empty()
    if st.session_state.get("setup_pull_now") == model:
        st.session_state.setup_pull_now = None
        download(model, installed, bar_slot, button_slot, key)
        return
    button_slot.button(label, key=key, type="primary" if primary else "secondary", on_click=start_download,
                       args=(model,))


# -- 1. Is Ollama running? ------------------------------------------------------------
status = llm.status()
st.subheader("1. Ollama")
if status.running:
    st.success(status.message, icon="🟢")
else:
    st.error(status.message.replace("the Setup page shows how", "the steps below show how"), icon="🔴")
    st.markdown(
        "**To get written answers, install Ollama:**\n\n"
        "1. Download Ollama for your computer (Windows, Mac or Linux) from **ollama.com** — it's free.\n"
        "2. Open it, like any other app. It keeps running quietly in the background.\n"
        "3. Come back here and press **Check again**."
    )
    with st.container(horizontal=True):
        st.button("Check again", key="setup_recheck", type="primary", on_click=recheck)
        st.link_button("Open ollama.com/download", "https://ollama.com/download")
    st.caption(f"Groundwork looks for Ollama at {settings.ollama_host}. If Ollama runs on another "
               "computer, start Groundwork with OLLAMA_HOST set to that computer's address. "
               "Until Ollama is running, questions still get the matching passages from your documents.")
    st.stop()

st.caption(f"Groundwork looks for Ollama at {settings.ollama_host} (set OLLAMA_HOST to change it).")

try:
    models = llm.models()
except AppError as exc:
    st.error(exc.user_message)
    st.button("Check again", key="setup_recheck", on_click=recheck)
    st.stop()
installed = [full_model_name(m.name) for m in models]

# -- 2. Models on this computer and the one that answers ------------------------------
st.subheader("2. The answer model")
if models:
    st.dataframe(
        pd.DataFrame([{"Model": m.name, "Size": m.size_label, "Parameters": m.parameter_size or "—"}
                      for m in models]),
        hide_index=True, width="stretch",
    )
    names = [m.name for m in models]
    current = full_model_name(settings.model)
    index = installed.index(current) if current in installed else None
    if index is None:
        st.warning(f"The model Groundwork is set to use, '{settings.model}', isn't downloaded. "
                   "Pick one you have below, or download it in step 3.")
    st.selectbox("Groundwork answers with", names, index=index, key="setup_model",
                 placeholder="Choose a downloaded model", on_change=choose_model)
    chosen = st.session_state.pop("setup_saved", None)
    if chosen:
        if full_model_name(runtime.get_settings().model) != full_model_name(chosen):
            st.warning("Saved, but the GROUNDWORK_MODEL setting on this computer overrides it; "
                       "remove that setting to use your choice.")
        else:
            st.success(f"Groundwork will answer with '{chosen}' from now on.")
else:
    st.info("No models are downloaded yet. Download the recommended one below — it takes a few minutes.")

# -- 3. Download a model -----------------------------------------------------------------
st.subheader("3. Download a model")
flash()
recommended = next(c for c in MODEL_CHOICES if c.name == RECOMMENDED_MODEL)
with st.container(border=True):
    st.markdown(f"**Recommended: {recommended.name}** ({recommended.size_label}) — {recommended.description}")
    if full_model_name(recommended.name) in installed:
        st.markdown(f"✅ {recommended.name} is downloaded.")
    else:
        download_or_button(recommended.name, f"Download {recommended.name} ({recommended.size_label})",
                           "setup_download", installed, primary=True)

others = [c for c in MODEL_CHOICES if c.name != RECOMMENDED_MODEL]
with st.expander("Other models you can download"):
    for choice in others:
        st.markdown(f"**{choice.name}** ({choice.size_label}) — {choice.description}")
        if full_model_name(choice.name) in installed:
            st.markdown(f"✅ {choice.name} is downloaded.")
        else:
            download_or_button(choice.name, f"Download {choice.name} ({choice.size_label})",
                               f"setup_download_{choice.name}", installed)

# -- 4. Try it --------------------------------------------------------------------------------
st.subheader("4. Try it")
model = runtime.get_settings().model
if full_model_name(model) not in installed:
    st.caption("Download a model first, then ask it a test question here.")
else:
    st.markdown(f"Ask **{model}** a tiny test question to check that answers work on this computer.")
    if st.button("Ask a test question", key="setup_test"):
        started = time.monotonic()
        try:
            with st.spinner(f"Waiting for {model} — the first answer can take a minute while it loads…"):
                reply = llm.chat(model, [{"role": "user", "content": TEST_QUESTION}])
        except AppError as exc:
            st.error(exc.user_message)
        else:
            seconds = time.monotonic() - started
            with st.container(border=True):
                st.markdown(f"**{model} answered in {seconds:.1f} seconds:**")
                st.markdown(safe_markdown(reply.strip()) or "_(an empty reply)_")
            st.success("Everything works. Ask your documents on the “Ask your documents” page.")
