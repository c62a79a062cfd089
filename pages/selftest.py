"""Check my library: Groundwork asks questions written from the owner's documents and shows how findable they are."""
from datetime import datetime

import pandas as pd
import streamlit as st

from core import runtime
from core.render import literal_markdown as md
from core.selftest import load_details, run, save
from ui import roles

runtime.page_setup()
roles.owner_only()  # staff opening this page by its address see one sentence, never the page
st.title("✅ Check my library")
st.caption("Groundwork writes questions from your own documents, searches each one, and checks whether "
           "the page it came from is found. It takes a minute or two and changes nothing.")

lib = runtime.library_or_stop()
if not lib.documents():
    st.info("Your library is empty. Add files on the Documents page first, then check them here.")
    st.stop()
settings = runtime.get_settings()


def model_for_questions():
    """Ollama and the answer model when both are ready (better questions); otherwise none."""
    status = runtime.ollama_status(settings.ollama_host)
    if status.get("running") and runtime.model_downloaded(status, settings.model):
        return runtime.get_llm(), settings.model
    return None, None


if st.button("Check my library", type="primary", key="selftest_run", icon=":material/fact_check:"):
    bar = st.progress(0.0, text="Writing questions from your documents…")
    llm, model = model_for_questions()
    report = run(lib, llm=llm, model=model, progress=lambda f, m: bar.progress(min(1.0, f), text=m))
    save(report, settings.data_dir)
    bar.empty()

details = load_details(settings.data_dir)
if not details:
    st.info("Press the button to run the first check.")
    st.stop()

when = datetime.fromisoformat(details["run_at"]).astimezone().strftime("%d %B %Y at %H:%M")
score = round(details["findability"] * 100)
left, mid, right = st.columns(3)
left.metric("How findable is your library", f"{score} / 100")
mid.metric("Right page first", f"{details['top1']:.0%}")
right.metric("Right page in the top 3", f"{details['top3']:.0%}")
st.markdown(md(details["sentence"]))
st.caption(f"Last checked on {when}. "
           + ("Most questions were written by your model." if details.get("model_written", 0) * 2 > details["questions"]
              else "The questions were written from headings, table rows and key sentences."))

hard = [d for d in details["documents"] if d["hard"]]
if hard:
    st.subheader("Hard to find")
    for d in hard:
        found = (f"the right page came up for {d['top3']} of {d['questions']} questions" if d["questions"]
                 else "Groundwork found no text to ask about")
        with st.container(border=True):
            st.markdown(f"**{md(d['file'])}** — {md(found)}")
            for reason in d["reasons"]:
                st.markdown(f"- {md(reason)}")
    st.caption("Pages Groundwork can't find are fixed by better documents (text instead of scans, shorter pages, "
               "the words customers use), not by training a model.")
else:
    st.success("No document stood out as hard to find.")

with st.expander("Every document"):
    table = pd.DataFrame([{"Document": d["file"], "Questions": d["questions"], "Found first": d["top1"],
                           "Found in the top 3": d["top3"]} for d in details["documents"]])
    st.dataframe(table, hide_index=True, width="stretch")
with st.expander("The questions Groundwork asked"):
    rows = [{"Question": a["question"], "Document": a["file"],
             "Found at": f"#{a['rank']}" if a["rank"] else "not in the top 3"} for a in details["asked"]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
