"""Questions from the team: what staff asked, who, when, and whether their documents answered it.

The owner's to-do list for better documents (``core.team_questions``). The answer text is not shown:
each person's conversations are their own, and the question with "Not found" is what says which document
is missing. Only the owner sees this page.
"""
from datetime import datetime

import pandas as pd
import streamlit as st

from core import runtime, team_questions
from core.labels import plural
from ui import roles

runtime.page_setup()
roles.owner_only()  # anyone but the owner: one sentence, never the page
st.title("👥 Questions from the team")

LIMIT = 500  # the most recent questions listed


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        return iso


conn = runtime.get_library().db.conn()
month = team_questions.figures(conn)
st.caption("What your staff asked when they used Groundwork from their computers, and whether your documents "
           "had the answer. Questions that weren't answered show which documents to add or improve. The answers "
           "themselves stay in each person's own conversations.")
if not month.asked and not team_questions.recent(conn, 1):
    st.info("No questions from your team yet. They appear here once your staff sign in and ask.")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Asked in the last 30 days", month.asked, help=f"By {plural(month.people, 'person', 'people')}.")
c2.metric("Answered", month.answered)
c3.metric("Not answered", month.unanswered, help="Not found in your documents, or the model couldn't answer.")

only_open = st.toggle("Only the questions that weren't answered", key="team_only_open")
rows = [{"When": local_time(q.at), "Who": q.person, "Question": q.question, "Result": q.outcome_words}
        for q in team_questions.recent(conn, LIMIT, only_unanswered=only_open)]
if not rows:
    st.caption("Every question so far was answered.")
else:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="team_table")
    st.caption(f"The {plural(len(rows), 'most recent question')}, newest first." if len(rows) >= LIMIT
               else f"{plural(len(rows), 'question')}, newest first.")
