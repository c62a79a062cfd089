"""Find in my documents: the passages relevant to a search, best first, each opening its page with its strength."""
import streamlit as st

from core import runtime
from core.search import highlight_terms, off_topic, relevant, search, strength
from ui.passages import passage_card
from ui import roles

runtime.page_setup()

FIND_LIMIT = 8  # at most this many passages; fewer when fewer are relevant
# Enter still searches; the "Press Enter to submit form" hint under the box is only noise here.
HIDE_HINT = "<style>.st-key-find_query [data-testid='InputInstructions'] {display: none;}</style>"
OFF_TOPIC = ("This doesn't seem to be about anything in your documents; here is the closest match. "
             "Try other words, or add a document that covers it.")
WEAK_ONLY = ("Only weak matches were found: read them to see whether one answers your question, or try "
             "other words.")

st.title("🔎 Find in my documents")
lib = runtime.library_or_stop()
docs = lib.documents()
if not docs:
    roles.staff_stop_here(roles.EMPTY_FOR_STAFF)
    st.info("Your library is empty. Add files on the Documents page first, then search them here.")
    st.stop()

st.html(HIDE_HINT)
with st.form("find", border=False):
    q_col, btn_col = st.columns([5, 1], vertical_alignment="bottom")
    query = q_col.text_input("What are you looking for?", placeholder="e.g. returns after 30 days", key="find_query")
    btn_col.form_submit_button("Search", type="primary", width="stretch", key="find_go")
    chosen = st.multiselect("Only in these documents (optional)", [d.file for d in docs], key="find_files")

if query.strip():
    results = search(lib, query, k=FIND_LIMIT, files=chosen or None)
    if not results:
        st.warning("Nothing in your documents matched that. Try other words, or search all documents.")
        st.stop()
    shown = relevant(results, FIND_LIMIT)
    labels = [strength(r) for r in shown]
    if off_topic(results):
        st.info(OFF_TOPIC, icon=":material/search_off:")
        shown, labels = shown[:1], labels[:1]
    elif all(label == "weak match" for label in labels):
        st.info(WEAK_ONLY, icon=":material/search:")
    words = highlight_terms(query)
    for i, (r, label) in enumerate(zip(shown, labels)):
        passage_card(lib, r.passage(), words, key=f"find_open_{i}", label=label)
    many = f"{len(shown)} passages" if len(shown) != 1 else "1 passage"
    st.caption(f"Showing {many}, the most relevant first; each says how closely it matches. "
               "Open one to see its whole page and download the file.")
