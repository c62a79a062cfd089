"""Documents: add files (checked first), watch them being added, manage the library.

Files are added in the background (``core.ingest.jobs``): leaving this page doesn't stop a
batch, and coming back shows where it is. Thin on purpose: reading, deciding and storing are
``core.ingest``'s; this page reads widgets and renders. File names are untrusted text: they go
through ``literal_markdown`` wherever Markdown is drawn.
"""
from datetime import datetime

import pandas as pd
import streamlit as st

from core import runtime
from core.documents import EXPLAINED_EXTENSIONS, READABLE_EXTENSIONS
from core.ingest import check_batch
from core.labels import human_size, page_list, plural
from core.render import literal_markdown as md
from core.tablefile import csv_bytes
from core.samples import sample_documents_in, sample_files, sample_items
from ui.folder_sync import folder_section, what_changed
from ui import roles

runtime.page_setup()
roles.owner_only()  # staff opening this page by its address see one sentence, never the page
st.title("📄 Your documents")
lib = runtime.library_or_stop()
settings = runtime.get_settings()
jobs = runtime.get_jobs()

if "upload_round" not in st.session_state:
    st.session_state.upload_round = 0

SAMPLES_LABEL = "the sample documents"
SAMPLE_NAMES = {p.name for p in sample_files()}
ICON = {"added": "✅", "replaced": "🔄", "unchanged": "⏭️", "failed": "❌"}
# Every kind Groundwork reads, and old Office files (each gets its plain "save it as ..." reason).
ACCEPTED = [e.lstrip(".") for e in READABLE_EXTENSIONS + EXPLAINED_EXTENSIONS]


def local_time(iso: str) -> str:
    """'2026-11-30 09:14' in this computer's time zone (stored times are UTC)."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso.replace("T", " ")[:16]


def clear_drop_box() -> None:
    st.session_state.upload_round += 1
    st.session_state.pop("checks", None)
    st.session_state.pop("checks_key", None)


def new_drop() -> None:
    """Files dropped (or taken out): what was said about the last drop and the last batch goes
    before this drop's check starts, so no old results box stays on screen through it."""
    st.session_state.nothing_added = None
    jobs.dismiss()


def one_per_name(checks) -> tuple[list, dict[str, int]]:
    """One decision per name: of several files dropped with one name, the last one counts.

    Returns the deciding checks (in the order the names were first dropped) and how many files
    carried each name, so the page can say why the others were left out.
    """
    last, counts = {}, {}
    for c in checks:
        last[c.name] = c
        counts[c.name] = counts.get(c.name, 0) + 1
    return list(last.values()), counts


# -- a batch being added, or just finished ------------------------------------------------


@st.fragment(run_every=1.0)
def batch_progress() -> None:
    job = jobs.current()
    if job is None:
        return
    view = job.view()
    if not view.running:
        st.rerun(scope="app")  # the library table and the results below need a full refresh
    st.progress(view.fraction, text=f"Adding file {min(view.current + 1, view.total)} of {view.total} — "
                                    "you can keep using Groundwork; this goes on in the background.")
    for f in view.files:
        left, right = st.columns([2, 3])
        left.markdown(md(f.name))
        right.progress(1.0 if f.report else f.fraction, text=md(f.report.status.capitalize() if f.report
                                                                 else f.message))


def batch_results() -> None:
    job = jobs.current()
    if job is None or job.view().running:
        return
    reports = job.view().reports
    added = sum(r.status in ("added", "replaced") for r in reports)
    failed = sum(r.status == "failed" for r in reports)
    with st.container(border=True):
        head = f"**{added} of {plural(len(reports), 'file')} added to your library.**"
        if failed:
            head += f" {failed} could not be added — the reason is next to each one."
        st.markdown(head)
        for r in reports:
            st.markdown(f"{ICON.get(r.status, '•')} **{md(r.file)}** — {md(r.message)}")
            for w in r.warnings:
                st.caption(f"⚠️ {md(w)}")
        if st.button("Dismiss", key="dismiss_results"):
            jobs.dismiss()
            st.rerun()


def interrupted_notice() -> None:
    batch = jobs.interrupted()
    if batch is None:
        return
    samples = {p.name for p in sample_files()}
    with st.container(border=True):
        st.warning(f"Adding files stopped after {batch.done} of {batch.total} when Groundwork was closed; "
                   "the files below were not added, so add them again.")
        st.markdown("\n".join(f"- {md(name)}" for name in batch.remaining))
        a, b = st.columns(2)
        if batch.remaining and set(batch.remaining) <= samples and a.button(
                "Finish adding the sample documents", type="primary", key="finish_samples"):
            jobs.acknowledge(batch.id)
            jobs.add_files([item for item in sample_items() if item[0] in batch.remaining])
            st.rerun()
        if b.button("OK", key="ack_interrupted"):
            jobs.acknowledge(batch.id)
            st.rerun()


busy = jobs.busy()
interrupted_notice()
if busy:
    batch_progress()
else:
    batch_results()
if st.session_state.get("doc_notice"):
    st.success(md(st.session_state.pop("doc_notice")))

docs = lib.documents()

# -- first run: one click to try it ------------------------------------------------------------
if not docs and not busy:
    st.info("Your library is empty. Add your own files below, or try Groundwork first "
            "with the documents of Northwind Cycles, a made-up bike shop.")
    if st.button("Try it with sample documents", type="primary", key="load_samples"):
        jobs.add_files(sample_items())
        st.rerun()

# -- add files ---------------------------------------------------------------------------------


VERDICT = {"add": "✅ Will be added", "replace": "🔄 Will replace the version in your library",
           "skip": "⏭️ Nothing to do", "fail": "❌ Can't be added"}


def show_checks(checks, counts: dict[str, int], verdict: dict[str, str] = VERDICT) -> None:
    """What was found in each file, in full sentences (nothing cut off); one card per name."""
    for c in checks:
        with st.container(border=True):
            facts = [human_size(c.size)]
            if c.doc:
                t = c.doc.triage
                facts += [plural(t.pages, "page")] if t.pages else []
                facts += [plural(t.words, "word")] + ([plural(t.tables, "table")] if t.tables else [])
            st.markdown(f"**{md(c.name)}** · {' · '.join(facts)}  \n{verdict[c.action]}")
            for sentence in ([c.problem] if c.problem else c.notes):
                st.caption(md(sentence))
            if counts.get(c.name, 1) > 1:
                st.caption(f"You dropped {counts[c.name]} files called {md(c.name)}; only the last one counts.")


def nothing_added_result() -> None:
    """The last drop, when none of its files could be added (the drop box is already empty again)."""
    result = st.session_state.get("nothing_added")
    if not result:
        return
    checks, counts = result
    with st.container(border=True):
        st.markdown(f"**Nothing was added from the {plural(len(checks), 'file')} you dropped.** "
                    "The reason is under each one; the drop box is empty again for your next files.")
        show_checks(checks, counts, {**VERDICT, "skip": "⏭️ Not added", "fail": "❌ Not added"})
        if st.button("Dismiss", key="dismiss_nothing_added"):
            st.session_state.nothing_added = None
            st.rerun()


st.subheader("Add files")
if busy:
    st.caption("You can add more files as soon as this batch is finished.")
else:
    nothing_added_result()
    uploads = st.file_uploader(
        "Drop your files here: PDF, Word, Excel, CSV, text, or scans and photos of paperwork. A file with the same "
        "name as one in your library replaces it.",
        type=ACCEPTED, accept_multiple_files=True, max_upload_size=settings.max_file_mb,
        key=f"uploader_{st.session_state.upload_round}", on_change=new_drop)
    if uploads:
        batch_key = tuple(u.file_id for u in uploads)
        if st.session_state.get("checks_key") != batch_key:
            bar = st.progress(0.0, text="Checking your files…")
            st.session_state.checks = check_batch([(u.name, u.getvalue()) for u in uploads], lib,
                                                  lambda f, m: bar.progress(min(f, 1.0), text=md(m)))
            st.session_state.checks_key = batch_key
            st.rerun()
        checks, counts = one_per_name(st.session_state.checks)
        ready = [c for c in checks if c.ok]
        if not ready:
            # Nothing to add: say why, and empty the drop box so the next drop starts afresh.
            st.session_state.nothing_added = (checks, counts)
            clear_drop_box()
            st.rerun()
        show_checks(checks, counts)
        with st.container(horizontal=True):
            if st.button(f"Add {plural(len(ready), 'file')} to my library", type="primary", key="add_files"):
                jobs.add_checked(checks)
                clear_drop_box()
                st.rerun()
            if st.button("Clear", key="clear_uploads", help="Empty the drop box without adding anything."):
                clear_drop_box()
                st.rerun()

# -- folders kept in step, and what changed (ui/folder_sync.py) -------------------------------------
folder_section(lib, runtime.get_folder_sync())
what_changed(lib)

# -- the library -------------------------------------------------------------------------------
st.subheader("In your library")
if not docs:
    st.caption("Nothing here yet.")
    st.stop()

stats = lib.stats()
c1, c2, c3 = st.columns(3)
c1.metric("Documents", stats.documents)
c2.metric("Pages", f"{stats.pages:,}")
c3.metric("Passages", f"{stats.chunks:,}", help="Your documents cut into short pieces; a search looks through "
          "these and shows you the best ones.")

rows = [{"Name": d.file, "Type": d.type.upper(), "Pages": str(d.pages) if d.pages else "—",
         "Passages": d.chunks, "Added": local_time(d.added_at), "Version": d.versions,
         "Notes": plural(len(d.warnings), "warning") if d.warnings else "—"} for d in docs]
table = st.dataframe(
    pd.DataFrame(rows),
    hide_index=True, width="stretch", key=f"library_table_{st.session_state.get('table_round', 0)}", on_select="rerun", selection_mode="multi-row")
# the table's own download is off (config.toml): names are written so a spreadsheet can't run them
st.download_button("Download as CSV", csv_bytes(rows), file_name="groundwork-library.csv", mime="text/csv",
                   key="library_csv", icon=":material/download:")

selected = [docs[i].file for i in table.selection.rows] if table and table.selection else []
samples_here = sample_documents_in(docs)


def ask_to_remove(names: list[str], where: str, label: str = "") -> None:
    """Ask before removing; the question appears next to the button that asked (``where``)."""
    st.session_state.confirm_remove = {"names": list(names), "where": where, "label": label}


def confirm_removal(where: str) -> None:
    """Cancel (the default) or remove, in one confirmed step, however many documents."""
    request = st.session_state.get("confirm_remove")
    if not request or request["where"] != where:
        return
    names, label = request["names"], request["label"]
    with st.container(border=True):
        what = label or (md(names[0]) if len(names) == 1 else plural(len(names), "document"))
        st.warning(f"Remove {what}? Everything Groundwork learned from {'it' if len(names) == 1 else 'them'} "
                   "will be removed from your library; your own copies of the files are not touched.")
        if len(names) > 1:
            st.markdown("\n".join(f"- {md(n)}" for n in names))
        if label == SAMPLES_LABEL and jobs.busy():
            st.caption("Some sample documents are still being added: that stops first, and they are removed too.")
        with st.container(horizontal=True):
            if st.button("Cancel", type="primary", key="confirm_remove_no"):
                st.session_state.confirm_remove = None
                st.rerun()
            if st.button("Yes, remove", key="confirm_remove_yes", icon=":material/delete:"):
                remove(names, label)


def stop_adding_samples() -> bool:
    """Stop a batch of sample documents still being added (after the file in hand), so none is left
    behind once the others are removed. True if one was stopped."""
    job = jobs.current()
    if job is None or not job.view().running or not {f.name for f in job.view().files} & SAMPLE_NAMES:
        return False
    with st.spinner("Stopping the sample documents still being added…"):
        jobs.stop()
    return True


def remove(names: list[str], label: str) -> None:
    stopped = label == SAMPLES_LABEL and stop_adding_samples()
    if stopped:  # what the stopped batch added since the question was asked goes too
        names = list(dict.fromkeys(names + sample_documents_in(lib.documents())))
    here = {d.file for d in lib.documents()}
    count = lib.remove_many([n for n in names if n in here])  # some may be gone already (another window)
    jobs.dismiss()  # the last batch's results describe a library that has just changed
    st.session_state.confirm_remove = None
    st.session_state.table_round = st.session_state.get("table_round", 0) + 1  # forget the ticked rows
    if not count:
        notice = "That had already been removed from your library."
    elif label:
        notice = f"{label[0].upper()}{label[1:]} were removed from your library."
        if stopped:
            notice += " Adding them was stopped first, so none is left behind."
    elif len(names) == 1:
        notice = f"{names[0]} was removed from your library."
    else:
        notice = f"{plural(count, 'document')} were removed from your library."
    st.session_state.doc_notice = notice
    st.rerun()


with st.container(horizontal=True):
    if selected:
        st.button(f"Remove selected ({len(selected)})…", key="remove_selected", on_click=ask_to_remove,
                  args=(selected, "table"), icon=":material/delete:")
    if samples_here:
        st.button("Remove the sample documents…", key="remove_samples", on_click=ask_to_remove,
                  args=(samples_here, "table", SAMPLES_LABEL), icon=":material/delete:")
if not selected:
    st.caption("Tick documents in the table to remove several at once.")
confirm_removal("table")
warned = [d for d in docs if d.warnings]
if warned:
    # Open by default: these sentences say what to do, so they are never cut off or hidden.
    with st.expander(f"⚠️ Things to know about {plural(len(warned), 'document')}", expanded=True):
        for d in warned:
            st.markdown(f"**{md(d.file)}**")
            for w in d.warnings:
                st.markdown(f"- {md(w)}")

st.subheader("Manage a document")
chosen = st.selectbox("Document", [d.file for d in docs], key="manage_doc")
info = next(d for d in docs if d.file == chosen)
with st.container(border=True):
    t = info.triage
    facts = [info.type.upper()] + ([plural(info.pages, "page")] if info.pages else [])
    facts += [plural(t.get("words", 0), "word")] + ([plural(t["tables"], "table")] if t.get("tables") else [])
    facts += [plural(info.chunks, "passage"), f"version {info.versions}"]
    st.markdown(" · ".join(facts))
    if t.get("empty_pages"):
        st.caption(f"No text on {page_list(t['empty_pages'])}.")
    for w in info.warnings:
        st.caption(f"⚠️ {md(w)}")
    a, b, c = st.columns(3)
    path = lib.original_path(chosen)
    if path.exists():
        a.download_button("Download original", path.read_bytes(), file_name=chosen, key="download_original")
    b.button("Remove…", key="remove_doc", on_click=ask_to_remove, args=([chosen], "manage"))
    with c.popover("Replace with a new version"):
        new = st.file_uploader("New version", type=[info.type], key=f"replace_{chosen}_{st.session_state.upload_round}")
        if new is not None and st.button("Replace", type="primary", key="do_replace", disabled=busy):
            jobs.add_checked(check_batch([(chosen, new.getvalue())], lib))
            clear_drop_box()
            st.rerun()
confirm_removal("manage")
