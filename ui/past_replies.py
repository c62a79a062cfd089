"""The advisor's "Bring in your past replies": a table of questions and replies, or e-mails, read into
examples to train on (``core.advisor.past_replies`` reads, ``core.advisor.example_store`` keeps them).

Shows what was read and what wasn't before anything is kept; the owner picks a table's two columns.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.advisor.example_store import PastExamples
from core.advisor.past_replies import Import, guess_columns, pairs_from_emails, pairs_from_table, read_table
from core.labels import plural
from core.render import literal_markdown as md

TABLES = (".csv", ".xlsx")
KINDS = ["csv", "xlsx", "mbox", "mbx", "eml"]
PREVIEW = 3


def _round() -> int:
    return st.session_state.setdefault("past_round", 0)


def _kept(store: PastExamples, result: Import, source: str) -> None:
    added, repeats = store.add(result.pairs, source)
    text = f"Kept {plural(added, 'question-and-reply pair')} from {source} as examples to train on."
    if repeats:
        text += f" {plural(repeats, 'pair')} {'was' if repeats == 1 else 'were'} already there."
    st.session_state.past_flash = (text, result.not_read)
    st.session_state.past_round = _round() + 1  # an empty drop box for the next files


def _not_read(lines: list[str]) -> None:
    if lines:
        st.markdown("Not read: " + "; ".join(md(line) for line in lines) + ".")


def _table(store: PastExamples, name: str, data: bytes) -> None:
    try:
        table = read_table(name, data)
    except ValueError as exc:
        st.warning(str(exc))
        return
    q_guess, a_guess = guess_columns(table)
    cols = list(range(len(table.columns)))
    left, right = st.columns(2)
    q = left.selectbox("The column with the question", cols, index=q_guess, key=f"past_q_{_round()}",
                       format_func=lambda i: table.columns[i])
    a = right.selectbox("The column with the reply", cols, index=a_guess, key=f"past_a_{_round()}",
                        format_func=lambda i: table.columns[i])
    if q == a:
        st.info("Pick two different columns: one for the question, one for the reply.")
        return
    result = pairs_from_table(table, q, a)
    st.markdown(f"Read {plural(result.read, 'row')} of {md(name)}: **{plural(len(result.pairs), 'pair')}** of a "
                "question and its reply.")
    _not_read(result.not_read)
    if result.pairs:
        st.dataframe(pd.DataFrame([{"Question": x, "Reply": y} for x, y in result.pairs[:PREVIEW]]),
                     hide_index=True, width="stretch")
        if st.button(f"Keep {plural(len(result.pairs), 'pair')} as examples", type="primary", key="past_keep"):
            _kept(store, result, name)
            st.rerun()


def _emails(store: PastExamples, files: list[tuple[str, bytes]]) -> None:
    with st.spinner("Reading your e-mails…"):
        result = pairs_from_emails(files)
    st.markdown(f"Read {plural(result.read, 'message')}: **{plural(len(result.pairs), 'reply', 'replies')}** "
                "paired with the message it answers (quoted text and signatures left out).")
    _not_read(result.not_read)
    if result.pairs:
        st.dataframe(pd.DataFrame([{"Question": x, "Reply": y} for x, y in result.pairs[:PREVIEW]]),
                     hide_index=True, width="stretch")
        label = files[0][0] if len(files) == 1 else plural(len(files), "e-mail file")
        if st.button(f"Keep {plural(len(result.pairs), 'pair')} as examples", type="primary", key="past_keep"):
            _kept(store, result, label)
            st.rerun()


def past_replies_section(store: PastExamples) -> None:
    """The drop box, what was read, and what is kept."""
    st.subheader("📬 Bring in your past replies")
    st.markdown("Past e-mails or a list of questions and the replies you gave are examples of your own tone: "
                "Groundwork counts them in this advice and adds them to the training data. They stay on this "
                "computer.")
    flash = st.session_state.pop("past_flash", None)
    if flash:
        st.success(md(flash[0]))
        _not_read(flash[1])
    count = store.count()
    if count:
        st.caption(f"Kept so far: {plural(count, 'question-and-reply pair')} ("
                   + ", ".join(f"{md(s)}: {n:,}" for s, n in store.sources()) + ").")
    drops = st.file_uploader("A table (CSV or Excel) with a question and its reply on each row, or e-mails: an "
                             ".mbox file (what mail programs export) or .eml files", type=KINDS,
                             accept_multiple_files=True, key=f"past_upload_{_round()}")
    if drops:
        files = [(f.name, f.getvalue()) for f in drops]
        tables = [f for f in files if f[0].lower().endswith(TABLES)]
        if tables:
            if len(files) > 1:
                st.caption("One table at a time: the first one is shown; drop the others after it.")
            _table(store, *tables[0])
        else:
            _emails(store, files)
    if count and st.button("Remove the imported examples", key="past_clear", icon=":material/delete:"):
        store.clear()
        st.session_state.past_flash = ("The imported examples were removed; your own files are not touched.", [])
        st.rerun()
