"""Fine-tuning advisor: a guided questionnaire, prefilled from what the app has measured,
that ends in a recommendation with its reasons, next steps and (when worth it) training data.

Thin on purpose: answers live in ``st.session_state["adv_answers"]`` (only what the owner
chose; measured values and defaults are filled in by ``core.advisor.resolve``), the step in
``st.session_state["adv_step"]``; everything else comes from ``core.advisor``.
"""
import altair as alt
import pandas as pd
import streamlit as st

from core import runtime
from core.advisor import (
    DEFAULTS,
    QUESTIONS,
    advise,
    export_training_data,
    measure,
    report_html,
    report_markdown,
)
from core.errors import AppError
from core.types import UsageStats
from core.render import literal_markdown as md

N = len(QUESTIONS)
RESULT = N  # the step after the last question

if "adv_answers" not in st.session_state:
    st.session_state.adv_answers = {}
if "adv_step" not in st.session_state:
    st.session_state.adv_step = 0

def sentence(label: str) -> str:
    """'measured from your library: …' -> 'Measured from your library: …'."""
    return label[:1].upper() + label[1:] if label else label


# -- what the app already knows ----------------------------------------------------

library_stats, usage, lib_problem = None, None, ""
try:
    library_stats = runtime.get_library().stats()
except AppError as exc:
    lib_problem = exc.user_message
try:
    usage = runtime.get_history().usage_stats()
except AppError:
    usage = None
measured = measure(library_stats, usage)

answers: dict = st.session_state.adv_answers
step: int = min(max(int(st.session_state.adv_step), 0), RESULT)


def _measured_value(qid: str):
    m = measured.get(qid)
    return None if m is None else m.value


def _keep(qid: str) -> None:
    """Store the widget's value as the owner's answer (a value equal to the measured one stays 'measured')."""
    value = st.session_state.get(f"q_{qid}")
    if value is None:
        return
    if value == _measured_value(qid):
        st.session_state.adv_answers.pop(qid, None)
    else:
        st.session_state.adv_answers[qid] = value


def go_next(qid: str) -> None:
    _keep(qid)
    st.session_state.adv_step = min(st.session_state.adv_step + 1, RESULT)


def go_back(qid: str) -> None:
    _keep(qid)
    st.session_state.adv_step = max(st.session_state.adv_step - 1, 0)


def skip(qid: str) -> None:
    st.session_state.adv_answers.pop(qid, None)
    st.session_state.adv_step = min(st.session_state.adv_step + 1, RESULT)


def change_answers() -> None:
    st.session_state.adv_step = 0


def start_over() -> None:
    st.session_state.adv_answers = {}
    st.session_state.adv_step = 0


# -- the questionnaire --------------------------------------------------------------

runtime.page_setup()
st.title("🧭 Fine-tuning advisor")

if step < RESULT:
    if step == 0:
        st.markdown(
            f"{N} short questions tell you whether looking things up in your documents is enough, "
            "or whether training a model of your own is worth it."
        )
        if lib_problem:
            st.info(lib_problem)
        elif library_stats is not None:
            with st.container(border=True):
                st.markdown("**📏 Measured from your library and chats** — already filled in for you, "
                            "and you can change them.")
                u = usage or UsageStats()
                docs = library_stats.documents
                cols = st.columns(5)
                cols[0].metric("Pages", f"{library_stats.pages:,}",
                               help=f"In {docs:,} document{'' if docs == 1 else 's'}.")
                cols[1].metric("Replaced lately", f"{library_stats.replacements_30d:,}",
                               help="Documents replaced with a newer version in the last 30 days.")
                cols[2].metric("Asked this month", f"{u.questions:,}",
                               help="Questions asked in the last 30 days.")
                cols[3].metric("Found nothing", f"{u.unanswered:,}",
                               help="Recent questions whose answer was not in your documents.")
                cols[4].metric("Approved answers", f"{u.approved:,}",
                               help="Answers you gave a thumbs up, with their sources.")

    q = QUESTIONS[step]
    key = f"q_{q.id}"
    st.progress((step + 1) / N, text=f"Question {step + 1} of {N}")
    st.subheader(q.prompt)
    if q.kind == "choice" and q.help:
        st.markdown(md(q.help))

    m = measured.get(q.id)
    if q.kind == "int":
        start = answers.get(q.id, m.value if m is not None else DEFAULTS[q.id].value)
        st.number_input(f"Number of {q.unit}" if q.unit else q.prompt, min_value=0, step=1, value=int(start),
                        key=key)
        chosen = True
    else:
        start = answers.get(q.id, m.value if m is not None else None)
        index = q.values.index(start) if start in q.values else None
        labels = dict(q.options)
        st.radio(q.prompt, q.values, index=index, format_func=lambda v: labels.get(v, v), key=key,
                 label_visibility="collapsed")
        chosen = st.session_state.get(key) is not None

    if m is not None:
        st.markdown(f"📏 {md(sentence(m.label))}")
        st.caption("We filled this in from what Groundwork has seen; change it if you know better.")
    st.caption(f"💡 Why we ask: {md(q.why)}")

    back, nxt, other = st.columns([1, 1, 3])
    back.button("← Back", key="adv_back", on_click=go_back, args=(q.id,), disabled=step == 0,
                width="stretch")
    if step < N - 1:
        nxt.button("Next →", key="adv_next", type="primary", on_click=go_next, args=(q.id,),
                   disabled=not chosen, width="stretch")
    else:
        nxt.button("See my result", key="adv_see_result", type="primary", on_click=go_next, args=(q.id,),
                   disabled=not chosen, width="stretch")
    if m is None:
        other.button("Skip — use the default", key="adv_skip", type="tertiary", on_click=skip, args=(q.id,))
        d = DEFAULTS[q.id]
        st.caption(f"Not sure? If you skip, we assume “{md(q.label_for(d.value))}”, since {md(d.reason)}.")
    st.stop()

# -- the result ---------------------------------------------------------------------

advice = advise(answers, measured)

box = st.info if advice.verdict == "rag_then_finetune" else st.success
box(f"### {md(advice.headline)}\n\n**{md(advice.verdict_label)}**", icon="🧭")

ORIGIN_ICON = {"answered": "✍️", "measured": "📏", "default": "↩️"}
DIRECTION = {"retrieval": "📚 Toward looking things up", "fine_tuning": "🎯 Toward fine-tuning",
             "neutral": "💬 Good to know"}


def origin_line(reason) -> str:
    """Where a reason comes from: what you said, what we measured, or a default."""
    if reason.question_id is not None:
        r = advice.answers[reason.question_id]
        label = [q for q in QUESTIONS if q.id == reason.question_id][0].label_for(r.value)
        if r.origin == "answered":
            return f"✍️ You said: “{md(label)}”"
        if r.origin == "default":
            return f"↩️ Default: we assumed “{md(label)}” because this wasn't answered"
    return f"📏 {md(sentence(reason.basis))}" if reason.basis else "📏 Measured"


st.subheader("Why")
lines = [f"- 🧭 **The deciding point:** {md(advice.decision.text)}  \n  *{origin_line(advice.decision)}*"]
for r in advice.reasons:
    lines.append(f"- **{DIRECTION[r.direction]}:** {md(r.text)}  \n  *{origin_line(r)}*")
st.markdown("\n".join(lines))

st.subheader("What pushed which way")
rows = advice.chart_rows()
if rows:
    st.markdown(
        f"Altogether, **{advice.push['retrieval']}** points toward looking things up and "
        f"**{advice.push['fine_tuning']}** toward fine-tuning."
    )
    chart_df = pd.DataFrame(
        [{"Factor": r["factor"],
          "Direction": "Toward looking things up" if r["retrieval"] else "Toward fine-tuning",
          "Strength": r["retrieval"] or r["fine_tuning"]} for r in rows]
    )
    chart_df = chart_df.sort_values(["Direction", "Strength"], ascending=[False, False], kind="stable")
    chart = (
        alt.Chart(chart_df)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("Factor:N", sort=list(chart_df["Factor"]), title=None,
                    axis=alt.Axis(labelLimit=320, labelFontSize=13)),
            x=alt.X("Strength:Q", title="How strongly it pushes (1 = a nudge, 3 = close to decisive)",
                    axis=alt.Axis(tickMinStep=1, format="d"), scale=alt.Scale(domain=[0, 3])),
            color=alt.Color("Direction:N", title=None,
                            scale=alt.Scale(domain=["Toward looking things up", "Toward fine-tuning"],
                                            range=["#1f77b4", "#e8871e"]),
                            legend=alt.Legend(orient="top", labelFontSize=13)),
            tooltip=["Factor", "Direction", "Strength"],
        )
    )
    st.altair_chart(chart, width="stretch", height=40 * len(chart_df) + 90)
else:
    st.caption("None of your answers pushed strongly either way.")

st.subheader("Could the model just read everything?")
st.markdown(md(advice.long_context))

st.subheader("What to do next")
st.markdown("\n".join(f"{i}. {md(s)}" for i, s in enumerate(advice.next_steps, 1)))

if advice.fine_tuning_recommended:
    st.subheader("🎓 Your training data")
    try:
        examples = runtime.get_history().approved_examples()
    except AppError:
        examples = []
    export = export_training_data(examples)
    if export.total == 0:
        st.info("You have no approved answers yet: on the chat page, give 👍 to good answers that show "
                "their sources, and they will be collected here as training data.")
    else:
        st.markdown(md(export.summary))
        a, b = st.columns(2)
        a.download_button(f"Download training set (train.jsonl, {export.train_count:,})", export.train_jsonl,
                          file_name="train.jsonl", mime="application/jsonl", key="dl_train",
                          on_click="ignore", disabled=export.train_count == 0, width="stretch")
        b.download_button(f"Download check set (eval.jsonl, {export.eval_count:,})", export.eval_jsonl,
                          file_name="eval.jsonl", mime="application/jsonl", key="dl_eval",
                          on_click="ignore", disabled=export.eval_count == 0, width="stretch",
                          help="Answers kept aside to test the trained model; with 5 or more approved "
                               "answers there is always at least one.")
        st.caption("These files hold passages from your documents, so keep them on computers you control.")

st.subheader("Are you ready?")
st.markdown("\n".join(f"{'✅' if c['ok'] else '⬜'} **{md(c['item'])}:** {md(c['detail'])}  "
                      for c in advice.checklist))

st.subheader("Rough effort and cost")
st.table(
    pd.DataFrame(
        [{"What": r["item"], "Estimate": r["estimate"], "Kind": r["kind"], "Source": r["source"]}
         for r in advice.cost_table]
    ),
    hide_index=True,
)
st.caption("Rows marked “industry estimate” are figures reported by the sources below, not quotes.  \n"
           + "  \n".join(f"[{md(k)}] {md(v)}" for k, v in advice.sources.items()))

with st.expander("Your answers and where they came from"):
    st.table(
        pd.DataFrame(
            [{"Question": q.prompt,
              "Answer": q.label_for(advice.answers[q.id].value),
              "From": {"answered": "✍️ you said", "measured": "📏 measured",
                       "default": "↩️ default"}[advice.answers[q.id].origin]}
             for q in QUESTIONS]
        ),
        hide_index=True,
    )

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
