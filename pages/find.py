"""Find in my documents: passages with page numbers and the matched words highlighted."""
import streamlit as st

from core import runtime
from core.search import highlight_terms, search
from ui.passages import passage_card

runtime.page_setup()
st.title("🔎 Find in my documents")
lib = runtime.library_or_stop()
docs = lib.documents()
if not docs:
    st.info("Your library is empty. Add files on the Documents page first, then search them here.")
    st.stop()

with st.form("find", border=False):
    q_col, btn_col = st.columns([5, 1], vertical_alignment="bottom")
    query = q_col.text_input("What are you looking for?", placeholder="e.g. returns after 30 days", key="find_query")
    btn_col.form_submit_button("Search", type="primary", width="stretch", key="find_go")
    chosen = st.multiselect("Only in these documents (optional)", [d.file for d in docs], key="find_files")

if query.strip():
    results = search(lib, query, k=8, files=chosen or None)
    if not results:
        st.warning("Nothing in your documents matched that. Try other words, or search all documents.")
    words = highlight_terms(query)
    for i, r in enumerate(results):
        passage_card(lib, r.passage(), words, key=f"find_open_{i}")
    st.caption("Passages are ranked by how well their meaning and their words match your search.")
