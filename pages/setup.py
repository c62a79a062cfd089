"""Setup: is Ollama running (and where), which model writes the answers, download one, try it;
rebuild the search index; where each setting is kept.

Thin on purpose: every call goes to ``core.llm.OllamaService`` (via ``core.runtime``) or the
library; a failure this page can't recover from is an ``AppError`` shown by app.py's boundary.
Per-user state (the last download's outcome, the test reply) lives in ``st.session_state``.
"""
import time

import pandas as pd
import streamlit as st

from core import runtime
from core.errors import AppError
from core.llm import MODEL_CHOICES, RECOMMENDED_MODEL, full_model_name
from core.render import safe_markdown
from core.labels import plural, size_words
from core.render import literal_markdown as md
from core.privacy import address_host, answers_line, is_this_computer, sent_away_warning
from core.settings import DEFAULT_OLLAMA_HOST, check_host, env_override, read_settings_file, save_setting, settings_path
from ui import roles
from ui.people import people_section

TEST_QUESTION = "Reply with one short, friendly sentence saying that you are ready to help."

runtime.page_setup()
roles.owner_only()  # staff opening this page by its address see one sentence, never the page
st.title("⚙️ Setup")
settings = runtime.get_settings()
st.caption(answers_line(settings.ollama_host))  # says where questions go when Ollama is on another computer
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


# -- the search index: prominent only when it needs rebuilding ------------------------------


def ask_to_rebuild() -> None:
    st.session_state.setup_confirm_rebuild = True


def rebuild_index(lib) -> None:
    """Embed every stored passage again, with a progress bar; the passages themselves are kept."""
    st.session_state.setup_confirm_rebuild = False
    bar = st.progress(0.0, text="Rebuilding the search index…")
    count = lib.rebuild_index(lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=md(m)))
    st.session_state.setup_index_flash = f"The search index is rebuilt: {plural(count, 'document')} can be searched again."
    st.rerun()


def search_index(lib, needed: bool) -> None:
    docs = lib.documents()
    if st.session_state.get("setup_confirm_rebuild"):
        with st.container(border=True):
            st.markdown(f"Rebuild the search index of your {plural(len(docs), 'document')} now? Groundwork reads "
                        "every passage again; your documents and conversations are not touched, and a large "
                        "library can take a few minutes.")
            with st.container(horizontal=True):
                if st.button("Rebuild now", type="primary", key="setup_rebuild_yes"):
                    rebuild_index(lib)
                if st.button("Cancel", key="setup_rebuild_no"):
                    st.session_state.setup_confirm_rebuild = False
                    st.rerun()
        return
    busy = runtime.get_jobs().busy()
    st.button("Rebuild the search index…", key="setup_rebuild", type="primary" if needed else "secondary",
              on_click=ask_to_rebuild, disabled=busy or not docs, icon=":material/build:")
    if busy:
        st.caption("Files are being added on the Documents page; you can rebuild once they are in.")


def search_index_section() -> None:
    try:
        lib = runtime.get_library()
    except AppError:  # the Documents page explains a library that can't open; the rest of Setup still works
        return
    flash_text = st.session_state.pop("setup_index_flash", None)
    if flash_text:
        st.success(flash_text)
    if not lib.chunk_count():
        return  # nothing to index yet
    if lib.needs_rebuild():
        st.warning("Your search index needs rebuilding (after a change of search model, or damage to it): until "
                   "then, searches and answers miss passages of your documents.", icon="⚠️")
        search_index(lib, needed=True)
        return
    st.divider()
    with st.expander("🔎 Search index: complete"):
        st.caption("The search index lets Groundwork find passages by meaning. It is complete; rebuild it only "
                   "if searches miss something you know is in your documents.")
        search_index(lib, needed=False)


# -- the Ollama address ---------------------------------------------------------------------


def save_host() -> None:
    """Check and remember the typed address; the page then checks the connection to it. An address on
    another computer is only remembered once the owner has read where questions will go and said yes."""
    st.session_state.setup_host_pending = None
    try:
        host = check_host(st.session_state.get("setup_host", ""))
    except AppError as exc:  # a typo: say so next to the box, keep what was typed, save nothing
        st.session_state.setup_host_problem = exc.user_message
        return
    st.session_state.setup_host_problem = None
    if not is_this_computer(host) and host != runtime.get_settings().ollama_host:
        st.session_state.setup_host_pending = host  # asked below the box; nothing saved yet
        return
    remember_host(host)


def remember_host(host: str) -> None:
    save_setting(runtime.get_settings(), "ollama_host", host)
    st.session_state.setup_host = host
    st.session_state.setup_host_problem = None
    st.session_state.setup_host_pending = None
    st.session_state.setup_host_saved = host
    runtime.ollama_status.clear()


def confirm_sending_away() -> None:
    host = st.session_state.get("setup_host_pending")
    if host:
        remember_host(host)


def keep_current_host() -> None:
    st.session_state.setup_host_pending = None
    st.session_state.setup_host_problem = None
    st.session_state.setup_host = runtime.get_settings().ollama_host


def sending_away_question() -> bool:
    """The warning before an address on another computer is saved; True while it is being asked."""
    host = st.session_state.get("setup_host_pending")
    if not host:
        return False
    with st.container(border=True):
        st.warning(sent_away_warning(host), icon="⚠️")
        with st.container(horizontal=True):
            st.button(f"Yes, send questions to {address_host(host)}", key="setup_host_confirm", type="primary",
                      on_click=confirm_sending_away)
            st.button("Cancel", key="setup_host_cancel", on_click=keep_current_host)
    return True


def host_saved_note(running: bool) -> None:
    saved = st.session_state.pop("setup_host_saved", None)
    if not saved:
        return
    if runtime.get_settings().ollama_host != saved:
        return  # the sentence about the environment variable below says why it isn't used
    if running:
        st.success(f"Saved, and Ollama answers at `{saved}`.")
    elif not status.answered:  # (something that isn't Ollama answering is said above, once)
        st.warning(f"Saved, but nothing answers at `{saved}` yet; the steps above show what to do.")


def address_box(running: bool) -> None:
    """Where Groundwork looks for Ollama: a field saved in the settings file; the variable only as a footnote."""
    saved = read_settings_file(settings.data_dir).get("ollama_host")
    if "setup_host" not in st.session_state:
        st.session_state.setup_host = saved or settings.ollama_host
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Ollama address", key="setup_host", on_change=save_host,
                      help="Leave it empty for Ollama on this computer. For Ollama on another computer, type that "
                           "computer's address, for example http://192.168.1.20:11434.")
        st.button("Save and check", key="setup_host_save", on_click=save_host,
                  type="secondary" if running else "primary")
    problem = st.session_state.get("setup_host_problem")
    if problem:
        st.error(problem)  # only the refusal: nothing was saved
        return
    if sending_away_question():
        return
    host_saved_note(running)
    variable = env_override("ollama_host")
    where = f"Groundwork's settings file (`{settings_path(settings)}`)."
    st.caption(f"Saved in {where}" if saved else f"Once saved, kept in {where}")
    if variable and saved and settings.ollama_host != saved:
        st.warning(f"The {variable} setting on this computer ({settings.ollama_host}) overrides the address saved "
                   f"here, so Groundwork uses it; remove {variable} to use the saved one.")
    elif variable:
        st.caption(f"Right now the address comes from the {variable} environment variable on this computer, "
                   "which wins over an address saved here.")
    else:
        st.caption("An OLLAMA_HOST environment variable set when Groundwork starts would win over the address "
                   "saved here.")


# -- 1. Is Ollama running? ------------------------------------------------------------
search_index_section_needed = False
try:
    search_index_section_needed = runtime.get_library().needs_rebuild()
except AppError:
    pass
if search_index_section_needed:
    search_index_section()


def way_back() -> None:
    """After a wrong address: one click back to the last address where Ollama answered (or, when none
    has yet, to Ollama on this computer)."""
    if env_override("ollama_host"):
        return  # the variable decides; the box below says so
    worked = settings.ollama_host_worked
    if worked and worked != settings.ollama_host:
        st.button(f"Go back to {worked}, where Ollama last answered", key="setup_host_back", type="primary",
                  on_click=remember_host, args=(worked,))
    elif not worked and settings.ollama_host != DEFAULT_OLLAMA_HOST:
        st.button("Go back to Ollama on this computer", key="setup_host_back", on_click=remember_host,
                  args=(DEFAULT_OLLAMA_HOST,))


status = llm.status()
st.subheader("1. Ollama")
if status.running and settings.ollama_host_worked != settings.ollama_host:
    settings = save_setting(settings, "ollama_host_worked", settings.ollama_host)  # the way back, later
asking = bool(st.session_state.get("setup_host_saved") or st.session_state.get("setup_host_problem")
              or st.session_state.get("setup_host_pending"))
if status.running:
    st.success(status.message, icon="🟢")
    with st.expander(f"Ollama address: `{settings.ollama_host}`", expanded=asking):
        address_box(running=True)
elif status.answered:  # something is there, but not Ollama: the address is wrong, not the installation
    st.error(f"Something at `{settings.ollama_host}` answered, but it isn't Ollama; check the address below "
             "(an Ollama address usually ends in :11434).", icon="🔴")
    way_back()
    address_box(running=False)
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
    st.caption("Until Ollama is running, questions still get the matching passages from your documents.")
    way_back()
    st.markdown("**Ollama already runs on another computer?** Type its address:")
    address_box(running=False)


def model_sections() -> None:
    """2-4: the answer model, downloads, a test question (only when Ollama answers)."""
    try:
        models = llm.models()
    except AppError as exc:  # Ollama went away between two calls: say so, and offer to look again
        st.error(exc.user_message)
        st.button("Check again", key="setup_recheck", on_click=recheck)
        return
    installed = [full_model_name(m.name) for m in models]
    answer_model(models, installed)
    downloads(installed)
    try_it(installed)


def answer_model(models, installed: list[str]) -> None:
    st.subheader("2. The answer model")
    if not models:
        st.info("No models are downloaded yet. Download the recommended one below — it takes a few minutes.")
        return
    st.dataframe(
        pd.DataFrame([{"Model": m.name, "Size": m.size_label, "Model size (parameters)": size_words(m.parameter_size)}
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


def downloads(installed: list[str]) -> None:
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
    with st.expander("Other models you can download"):
        for choice in (c for c in MODEL_CHOICES if c.name != RECOMMENDED_MODEL):
            st.markdown(f"**{choice.name}** ({choice.size_label}) — {choice.description}")
            if full_model_name(choice.name) in installed:
                st.markdown(f"✅ {choice.name} is downloaded.")
            else:
                download_or_button(choice.name, f"Download {choice.name} ({choice.size_label})",
                                   f"setup_download_{choice.name}", installed)


def try_it(installed: list[str]) -> None:
    st.subheader("4. Try it")
    model = runtime.get_settings().model
    if full_model_name(model) not in installed:
        st.caption("Download a model first, then ask it a test question here.")
        return
    where = " on this computer" if is_this_computer(settings.ollama_host) else ""
    st.markdown(f"Ask **{model}** a tiny test question to check that answers work{where}.")
    if st.button("Ask a test question", key="setup_test"):
        started = time.monotonic()
        with st.spinner(f"Waiting for {model} — the first answer can take a minute while it loads…"):
            reply = llm.chat(model, [{"role": "user", "content": TEST_QUESTION}])  # a failure: app.py's boundary
        seconds = time.monotonic() - started
        with st.container(border=True):
            st.markdown(f"**{model} answered in {seconds:.1f} seconds:**")
            st.markdown(safe_markdown(reply.strip()) or "_(an empty reply)_")
        st.success("Everything works. Ask your documents on the “Ask your documents” page.")


def where_settings_are_kept() -> None:
    """Each setting, its value, and where it is kept (the settings file, or a variable on this computer)."""
    st.subheader("Where your settings are kept")
    current = runtime.get_settings()
    saved = read_settings_file(current.data_dir)

    def kept(name: str) -> str:
        variable = env_override(name)
        if variable:
            return f"the {variable} environment variable"
        return "the settings file" if name in saved else "Groundwork's default"

    rows = [("Ollama address", current.ollama_host, kept("ollama_host")),
            ("Answer model", current.model, kept("model")),
            ("Answer style", "set" if current.answer_style.strip() else "not set", kept("answer_style")),
            ("Search model", "built in" if current.embedder == "minilm" else current.embedder, kept("embedder")),
            ("Data folder (documents, search index, conversations)", str(current.data_dir),
             f"the {env_override('data_dir')} environment variable" if env_override("data_dir")
             else "the usual place for app data on this computer")]
    rows = [(name, f"`{value}`" if "/" in value or "\\" in value else md(value), where) for name, value, where in rows]
    table = pd.DataFrame(rows, columns=["Setting", "Now", "Kept in"])  # addresses and folders as code: no links
    st.table(table.set_index("Setting"), border="horizontal")
    st.caption(f"The settings file is `{settings_path(current)}`. Settings are read every time a page opens, "
               "so a change applies at once; an environment variable wins over the settings file.")


if status.running:
    model_sections()
if not search_index_section_needed:
    search_index_section()
people_section()  # accounts for sharing with staff (issue 20)
where_settings_are_kept()
