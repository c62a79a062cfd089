"""The advisor's "Bring in your past replies": a table of questions and replies, or e-mails, read into
examples to train on (``core.advisor.past_replies`` reads, ``core.advisor.example_store`` keeps them).

Shows what was read and what wasn't before anything is kept; the owner picks a table's two columns.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from core.advisor.example_store import PastExamples
from core.advisor.past_replies import Import, Table, guess_columns, pairs_from_emails, pairs_from_table, read_table
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
    st.session_state.pop("past_read", None)


def _not_read(lines: list[str]) -> None:
    if lines:
        st.markdown("Not read: " + "; ".join(md(line) for line in lines) + ".")


def _offer(store: PastExamples, result: Import, source: str) -> None:
    """What wasn't read, the first pairs, and the button that keeps them all (``source`` names where from)."""
    _not_read(result.not_read)
    if result.pairs:
        st.dataframe(pd.DataFrame([{"Question": x, "Reply": y} for x, y in result.pairs[:PREVIEW]]),
                     hide_index=True, width="stretch")
        if st.button(f"Keep {plural(len(result.pairs), 'pair')} as examples", type="primary", key="past_keep"):
            _kept(store, result, source)
            st.rerun()


def _pick_column(box, label: str, table: Table, guess: int, key: str) -> int:
    """One of the table's columns, shown by its heading (a fresh box each round)."""
    return box.selectbox(label, list(range(len(table.columns))), index=guess, key=f"{key}_{_round()}",
                         format_func=lambda i: table.columns[i])


def _table(store: PastExamples, name: str, data: bytes) -> None:
    try:
        table = read_table(name, data)
    except ValueError as exc:
        st.warning(str(exc))
        return
    q_guess, a_guess = guess_columns(table)
    left, right = st.columns(2)
    q = _pick_column(left, "The column with the question", table, q_guess, "past_q")
    a = _pick_column(right, "The column with the reply", table, a_guess, "past_a")
    if q == a:
        st.info("Pick two different columns: one for the question, one for the reply.")
        return
    result = pairs_from_table(table, q, a)
    st.markdown(f"Read {plural(result.read, 'row')} of {md(name)}: **{plural(len(result.pairs), 'pair')}** of a "
                "question and its reply.")
    _offer(store, result, name)


def _read_emails(files: list[tuple[str, bytes]]) -> Import:
    """The files' pairs, read once per drop: the rerun that a click on "Keep" starts uses them again (reading
    thousands of e-mails takes a while, and the owner already waited once)."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(hashlib.sha256(name.encode("utf-8") + b"\0" + data).digest())
    read = st.session_state.get("past_read")
    if read is not None and read[0] == digest.hexdigest():
        return read[1]
    with st.spinner("Reading your e-mails…"):
        result = pairs_from_emails(files)
    st.session_state.past_read = (digest.hexdigest(), result)
    return result


def _emails(store: PastExamples, files: list[tuple[str, bytes]]) -> None:
    result = _read_emails(files)
    st.markdown(f"Read {plural(result.read, 'message')}: **{plural(len(result.pairs), 'reply', 'replies')}** "
                "paired with the message it answers (quoted text and signatures left out).")
    _offer(store, result, files[0][0] if len(files) == 1 else plural(len(files), "e-mail file"))


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
