"""Documents: add files (checked first), watch them being indexed, manage the library."""
import pandas as pd
import streamlit as st

from core import runtime
from core.intake import check_batch, human_size
from core.render import literal_markdown as md
from core.samples import sample_files

runtime.page_setup()
st.title("📄 Your documents")
lib = runtime.library_or_stop()
settings = runtime.get_settings()

if "upload_round" not in st.session_state:
    st.session_state.upload_round = 0
if "ingest_results" not in st.session_state:
    st.session_state.ingest_results = []

ICON = {"added": "✅", "replaced": "🔄", "unchanged": "⏭️", "failed": "❌"}


def run_ingest(items, checks=None):
    """Index files with an overall bar and one bar per file; results kept for the next run."""
    overall = st.progress(0.0, text="Starting…")
    rows = []
    for name, _ in items:
        col1, col2 = st.columns([1, 3])
        col1.markdown(md(name))
        rows.append(col2.progress(0.0, text="Waiting"))
    results = []
    n = len(items)
    for i, (name, data) in enumerate(items):
        bar = rows[i]

        def progress(fraction, message, i=i, bar=bar, name=name):
            fraction = max(0.0, min(1.0, fraction))
            bar.progress(fraction, text=md(message or "Working"))
            overall.progress((i + fraction) / n, text=f"File {i + 1} of {n}: {md(name)} — {md(message)}")

        if checks is not None:
            check = checks[i]
            if check.ok:
                report = lib.ingest_parsed(check.doc, check.data, progress)
            else:
                report = None
                results.append({"file": check.name, "status": "failed" if check.action == "fail" else "unchanged",
                                "message": check.summary(), "warnings": []})
                bar.progress(1.0, text="Skipped")
                continue
        else:
            report = lib.ingest(name, data, progress)
        bar.progress(1.0, text=report.status.capitalize())
        results.append({"file": report.file, "status": report.status, "message": report.message,
                        "warnings": list(report.warnings), "pages": report.pages, "chunks": report.chunks})
    overall.progress(1.0, text="Finished")
    st.session_state.ingest_results = results
    st.session_state.upload_round += 1
    st.session_state.pop("checks", None)
    st.rerun()


docs = lib.documents()

# -- first run: one click to try it ------------------------------------------
if not docs:
    st.info("Your library is empty. Add your own PDF and Word files below, or try Groundwork first "
            "with the documents of Northwind Cycles, a made-up bike shop.")
    if st.button("Try it with sample documents", type="primary", key="load_samples"):
        run_ingest([(p.name, p.read_bytes()) for p in sample_files()])

# -- what happened last time -----------------------------------------------------
if st.session_state.get("doc_notice"):
    st.success(st.session_state.pop("doc_notice"))
if st.session_state.ingest_results:
    results = st.session_state.ingest_results
    added = sum(r["status"] in ("added", "replaced") for r in results)
    failed = sum(r["status"] == "failed" for r in results)
    with st.container(border=True):
        head = f"**{added} of {len(results)} file{'s' if len(results) != 1 else ''} added to your library.**"
        if failed:
            head += f" {failed} could not be added — the reason is next to each one."
        st.markdown(head)
        for r in results:
            st.markdown(f"{ICON.get(r['status'], '•')} **{md(r['file'])}** — {md(r['message'])}")
            for w in r.get("warnings", []):
                st.caption(f"⚠️ {md(w)}")
        if st.button("Dismiss", key="dismiss_results"):
            st.session_state.ingest_results = []
            st.rerun()

# -- add files ------------------------------------------------------------------
st.subheader("Add files")
uploads = st.file_uploader(
    "Drop PDF or Word (.docx) files here. A file with the same name as one in your library replaces it.",
    type=["pdf", "docx", "doc"],
    accept_multiple_files=True,
    max_upload_size=settings.max_file_mb,
    key=f"uploader_{st.session_state.upload_round}",
)
if uploads:
    batch_key = tuple(u.file_id for u in uploads)
    if st.session_state.get("checks_key") != batch_key:
        bar = st.progress(0.0, text="Checking your files…")
        items = [(u.name, u.getvalue()) for u in uploads]
        st.session_state.checks = check_batch(items, lib, settings, lambda f, m: bar.progress(min(f, 1.0), text=md(m)))
        st.session_state.checks_key = batch_key
        bar.empty()
    checks = st.session_state.checks
    table = pd.DataFrame(
        [
            {
                "File": c.name,
                "Size": human_size(c.size),
                "Pages": (c.doc.triage.pages or None) if c.doc else None,
                "Words": c.doc.triage.words if c.doc else None,
                "Tables": c.doc.triage.tables if c.doc else None,
                "Will": {"add": "Add", "replace": "Replace", "skip": "Skip", "fail": "Can't add"}[c.action],
                "What we found": c.summary(),
            }
            for c in checks
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    ready = [c for c in checks if c.ok]
    if ready:
        label = f"Add {len(ready)} file{'s' if len(ready) != 1 else ''} to my library"
        if st.button(label, type="primary", key="add_files"):
            run_ingest([(c.name, c.data) for c in checks], checks)
    else:
        st.warning("None of these files can be added; the reason is shown next to each one.")

# -- the library -----------------------------------------------------------------
st.subheader("In your library")
if not docs:
    st.caption("Nothing here yet.")
    st.stop()

stats = lib.stats()
c1, c2, c3 = st.columns(3)
c1.metric("Documents", stats.documents)
c2.metric("Pages", f"{stats.pages:,}")
c3.metric("Searchable passages", f"{stats.chunks:,}")

st.dataframe(
    pd.DataFrame(
        [
            {
                "Name": d.file,
                "Type": d.type.upper(),
                "Pages": d.pages or None,
                "Passages": d.chunks,
                "Added": d.added_at.replace("T", " ")[:16],
                "Version": d.versions,
                "Warnings": " ".join(d.warnings) or "—",
            }
            for d in docs
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={"Warnings": st.column_config.TextColumn(width="large")},
)


st.subheader("Manage a document")
chosen = st.selectbox("Document", [d.file for d in docs], key="manage_doc")
info = next(d for d in docs if d.file == chosen)
with st.container(border=True):
    t = info.triage
    facts = [f"{info.type.upper()}", f"{t.get('words', 0):,} words"]
    if info.pages:
        facts.insert(1, f"{info.pages} pages")
    if t.get("tables"):
        facts.append(f"{t['tables']} tables")
    facts.append(f"{info.chunks} passages")
    facts.append(f"version {info.versions}")
    st.markdown(" · ".join(facts))
    for w in info.warnings:
        st.caption(f"⚠️ {md(w)}")
    a, b, c = st.columns(3)
    path = lib.original_path(chosen)
    if path.exists():
        a.download_button("Download original", path.read_bytes(), file_name=chosen, key="download_original")
    if b.button("Remove…", key="remove_doc"):
        st.session_state.confirm_remove = chosen
    with c.popover("Replace with a new version"):
        new = st.file_uploader("New version", type=[info.type], key=f"replace_{chosen}_{st.session_state.upload_round}")
        if new is not None and st.button("Replace", type="primary", key="do_replace"):
            run_ingest([(chosen, new.getvalue())])

if st.session_state.get("confirm_remove") == chosen:
    with st.container(border=True):
        st.warning(f"Remove {md(chosen)}? It and everything Groundwork learned from it will be removed from your "
                   "library; your own copy of the file is not touched.")
        yes, no = st.columns(2)
        if yes.button("Yes, remove it", type="primary", key="confirm_remove_yes"):
            lib.remove(chosen)
            st.session_state.confirm_remove = None
            st.session_state.doc_notice = f"{md(chosen)} was removed from your library."
            st.rerun()
        if no.button("Keep it", key="confirm_remove_no"):
            st.session_state.confirm_remove = None
            st.rerun()
