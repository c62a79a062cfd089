"""Fine-tuning advisor: a guided questionnaire, prefilled from what the app has measured,
that ends in a recommendation with its reasons, next steps and (when worth it) training data.

Thin on purpose: answers live in ``st.session_state["adv_answers"]`` (only what the owner
chose; measured values and defaults are filled in by ``core.advisor``), the step in
``st.session_state["adv_step"]``. Everything shown comes from ``core.advisor.build_sections``,
the same description the Markdown and HTML reports are rendered from.
"""
import logging
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from core import runtime
from core.advisor import (
    DEFAULTS,
    QUESTIONS,
    Section,
    advise,
    build_sections,
    export_training_data,
    load_selftest,
    measure,
    report_html,
    report_markdown,
    section,
    sentence,
)
from core.advisor.example_store import PastExamples
from core.advisor.saved import load_answers, save_answers
from core.team_questions import figures as team_figures
from core.errors import AppError
from core.render import literal_markdown as md
from ui.past_replies import past_replies_section
from ui import roles

runtime.page_setup()
roles.owner_only()  # staff opening this page by its address see one sentence, never the page

N = len(QUESTIONS)
RESULT = N  # the step after the last question
ROOT = Path(__file__).resolve().parent.parent

if "adv_answers" not in st.session_state:  # a new visit (or a restart): the last answers, kept in the data folder
    st.session_state.adv_answers, st.session_state.adv_step = load_answers(runtime.get_settings().data_dir)
if "adv_step" not in st.session_state:
    st.session_state.adv_step = 0


def persist() -> None:
    """Keep the answers and the step for the next visit; the page goes on if the folder can't be written."""
    try:
        save_answers(runtime.get_settings().data_dir, st.session_state.adv_answers, st.session_state.adv_step)
    except OSError:
        st.toast("Groundwork couldn't keep your answers for next time; check that its data folder can be written to.")

# -- what the app already knows ----------------------------------------------------

settings = runtime.get_settings()
library_stats, usage, lib_problem = None, None, ""
try:
    library_stats = runtime.get_library().stats()
except AppError as exc:
    lib_problem = exc.user_message
try:
    usage = runtime.get_history().usage_stats(
        style_since=settings.answer_style_changed_at if settings.answer_style else "")
except AppError:
    usage = None
past = None
try:
    past = PastExamples(settings.db_path)
except AppError:  # the advice goes on without past replies; the details go to the log
    logging.getLogger("groundwork").warning("The imported past replies couldn't be opened", exc_info=True)
measured = measure(library_stats, usage, load_selftest(settings), past.count() if past else None,
                   team_figures(runtime.get_library().db.conn()) if lib_problem == "" else None)

answers: dict = st.session_state.adv_answers
step: int = min(max(int(st.session_state.adv_step), 0), RESULT)


def _keep(qid: str) -> None:
    """Store the widget's value as the owner's answer (a value equal to the measured one stays 'measured')."""
    value = st.session_state.get(f"q_{qid}")
    if value is None:
        return
    m = measured.get(qid)
    if m is not None and value == m.value:
        st.session_state.adv_answers.pop(qid, None)
    else:
        st.session_state.adv_answers[qid] = value


def go_next(qid: str) -> None:
    _keep(qid)
    st.session_state.adv_step = min(st.session_state.adv_step + 1, RESULT)
    persist()


def go_back(qid: str) -> None:
    _keep(qid)
    st.session_state.adv_step = max(st.session_state.adv_step - 1, 0)
    persist()


def skip(qid: str) -> None:
    st.session_state.adv_answers.pop(qid, None)
    st.session_state.adv_step = min(st.session_state.adv_step + 1, RESULT)
    persist()


def change_answers() -> None:
    st.session_state.adv_step = 0
    persist()


def start_over() -> None:
    st.session_state.adv_answers = {}
    st.session_state.adv_step = 0
    persist()


# -- drawing one section of the advice (one function per kind) --------------------------


def page_link(page: str, label: str) -> None:
    """A link to another page of the app, when that page is there; the text beside it already names it."""
    if page and (ROOT / page).exists():
        try:
            st.page_link(page, label=label, icon="✍️")
        except Exception:  # the page isn't in the navigation (yet): the sentence above still says where to go
            logging.getLogger("groundwork").info("No link to %s: it isn't in the navigation", page, exc_info=True)


def draw_verdict(s: Section) -> None:
    box = st.info if s.tone == "info" else st.success
    head, *rest = s.items
    text = f"### {md(head.text)}\n\n**{md(s.title)}**"
    text += "".join(f"\n\n**{md(i.label)}:** {md(i.text)}" for i in rest)
    box(text, icon="🧭")
    for item in rest:
        if item.page:
            page_link(item.page, "Open the Answer style page")


def draw_facts(s: Section) -> None:
    with st.container(border=True):
        st.markdown(f"**📏 {md(s.title)}**")
        for start in range(0, len(s.items), 4):
            row = s.items[start:start + 4]
            for col, item in zip(st.columns(4), row):
                col.metric(item.label, item.value, help=item.note)


def draw_reasons(s: Section) -> None:
    st.markdown("\n".join(f"- **{md(i.label)}:** {md(i.text)} {md(i.sources)}  \n  *{md(i.note)}*"
                          for i in s.items))


def draw_chart(s: Section) -> None:
    st.markdown(md(s.intro))
    if not s.items:
        return
    df = pd.DataFrame([{"Factor": i.label, "Direction": i.group, "Strength": i.value} for i in s.items])
    df = df.sort_values(["Direction", "Strength"], ascending=[True, False], kind="stable")
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("Factor:N", sort=list(df["Factor"]), title=None, axis=alt.Axis(labelLimit=320, labelFontSize=13)),
        x=alt.X("Strength:Q", title="How strongly it pushes (1 = a nudge, 3 = a strong reason)",
                axis=alt.Axis(tickMinStep=1, format="d"), scale=alt.Scale(domain=[0, 3])),
        color=alt.Color("Direction:N", title=None, scale=alt.Scale(domain=list(s.columns), range=["#1f77b4", "#e8871e"]),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=["Factor", "Direction", "Strength"],
    )
    st.altair_chart(chart, width="stretch", height=40 * len(df) + 90)


def draw_steps(s: Section) -> None:
    for n, item in enumerate(s.items, 1):
        st.markdown(f"{n}. {md(item.text)}")
        if item.page:
            page_link(item.page, "Open the Answer style page")


def draw_table(s: Section) -> None:
    frame = pd.DataFrame([dict(zip(s.columns, i.cells)) for i in s.items])
    if s.folded:
        with st.expander(s.title):
            st.table(frame, hide_index=True)
        return
    st.table(frame, hide_index=True)
    if s.intro:
        st.caption(md(s.intro))


DRAW = {
    "verdict": draw_verdict,
    "facts": draw_facts,
    "reasons": draw_reasons,
    "chart": draw_chart,
    "text": lambda s: st.markdown("\n\n".join(md(i.text) for i in s.items)),
    "steps": draw_steps,
    "checklist": lambda s: st.markdown("\n".join(f"{'✅' if i.ok else '⬜'} **{md(i.label)}:** {md(i.text)}  "
                                                 for i in s.items)),
    "table": draw_table,
    "sources": lambda s: st.caption("  \n".join(
        f"{md(i.label)} [{md(i.text)}]({i.link})" if i.link else f"{md(i.label)} {md(i.text)}" for i in s.items)),
}


def draw(s: Section) -> None:
    if s.kind not in ("verdict", "facts") and not s.folded:
        st.subheader(s.title)
    DRAW[s.kind](s)


def training_data() -> None:
    st.subheader("🎓 Your training data")
    try:
        examples = runtime.get_history().approved_examples()
    except AppError:
        examples = []
    examples += past.examples() if past else []
    export = export_training_data(examples)
    if export.total == 0:
        st.info("You have no approved answers yet, and no past replies brought in: on the chat page, give 👍 to "
                "good answers that show their sources, or bring in your past replies below, and they will be "
                "collected here as training data.")
        return
    st.markdown(md(export.summary))
    a, b = st.columns(2)
    a.download_button(f"Download {export.train_count:,} examples to train with (saved as train.jsonl)", export.train_jsonl,
                      file_name="train.jsonl", mime="application/jsonl", key="dl_train",
                      on_click="ignore", disabled=export.train_count == 0, width="stretch")
    b.download_button(f"Download {export.eval_count:,} examples to check the trained model (saved as eval.jsonl)", export.eval_jsonl,
                      file_name="eval.jsonl", mime="application/jsonl", key="dl_eval",
                      on_click="ignore", disabled=export.eval_count == 0, width="stretch",
                      help="Answers kept aside to test the trained model; with 5 or more approved "
                           "answers there is always at least one.")
    st.caption("These files hold passages from your documents and any past replies you brought in, so keep them "
               "on computers you control.")


# -- the questionnaire --------------------------------------------------------------

st.title("🧭 Fine-tuning advisor")
advice = advise(answers, measured)

if step < RESULT:
    if step == 0:
        st.markdown(f"{N} short questions tell you whether looking things up in your documents is enough, "
                    "or whether training a model of your own is worth it.")
        if lib_problem:
            st.info(lib_problem)
        else:
            draw(section(build_sections(advice), "facts"))

    q = QUESTIONS[step]
    key = f"q_{q.id}"
    st.progress((step + 1) / N, text=f"Question {step + 1} of {N}")
    st.subheader(q.prompt)
    if q.help:
        st.markdown(md(q.help))

    m = measured.get(q.id)
    if q.kind == "int":
        start = answers.get(q.id, m.value if m is not None else DEFAULTS[q.id].value)
        st.number_input(f"Number of {q.unit}" if q.unit else q.prompt, min_value=0, step=1, value=int(start),
                        key=key)
        chosen = True
    else:
        start = answers.get(q.id, m.value if m is not None else None)
        labels = dict(q.options)
        st.radio(q.prompt, q.values, index=q.values.index(start) if start in q.values else None,
                 format_func=lambda v: labels.get(v, v), key=key, label_visibility="collapsed")
        chosen = st.session_state.get(key) is not None

    if m is not None:
        st.markdown(f"📏 {md(sentence(m.label))}")
        st.caption("We filled this in from what Groundwork has seen; change it if you know better.")
    related = measured.get(q.related) if q.related else None
    if related is not None:
        st.markdown(f"📏 {md(sentence(related.label))}, counted separately.")
    st.caption(f"💡 Why we ask: {md(q.why)}")

    back, nxt, other = st.columns([1, 1, 3])
    back.button("← Back", key="adv_back", on_click=go_back, args=(q.id,), disabled=step == 0, width="stretch")
    last = step == N - 1
    nxt.button("See my result" if last else "Next →", key="adv_see_result" if last else "adv_next", type="primary",
               on_click=go_next, args=(q.id,), disabled=not chosen, width="stretch")
    if m is None:
        other.button("Skip — use the default", key="adv_skip", type="tertiary", on_click=skip, args=(q.id,))
        d = DEFAULTS[q.id]
        st.caption(f"Not sure? If you skip, we assume “{md(q.label_for(d.value))}”, since {md(d.reason)}.")
    st.stop()

# -- the result ---------------------------------------------------------------------

for part in build_sections(advice):
    draw(part)
    if part.key == "next_steps" and advice.fine_tuning_recommended:
        training_data()

if past is not None:
    past_replies_section(past)

st.subheader("Keep this advice")
c1, c2 = st.columns(2)
c1.download_button("Download the report (Markdown)", report_markdown(advice), file_name="groundwork-advice.md",
                   mime="text/markdown", key="dl_report_md", on_click="ignore", width="stretch")
c2.download_button("Download a printable page (HTML)", report_html(advice), file_name="groundwork-advice.html",
                   mime="text/html", key="dl_report_html", on_click="ignore", width="stretch")

st.divider()
c1, c2, _ = st.columns([1, 1, 2])
c1.button("Change my answers", key="adv_change", on_click=change_answers, width="stretch")
c2.button("Start over", key="adv_restart", on_click=start_over, width="stretch")
