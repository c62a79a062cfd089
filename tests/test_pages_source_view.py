"""The source dialog through Streamlit's AppTest: a cited PDF page as printed with its marks, paging and
zoom; a Word section; a document removed or replaced since; Find opening pages; folded passages.

Answers are stored through the real History (as the chat stores them) and passages come from the real
search over a small library built here; the chat page then shows them.
"""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.history import History
from core.ingest import add_files
from core.library import Library
from core.search import search
from core.settings import load_settings
from core.types import AnswerResult
from core.viewer.source import day_label
from tests.builders import make_docx
from tests.conftest import ROOT
from tests.test_viewer_pdf import layout_pdf

PAGE_ONE = [(40, 80, "Rental deposits."), (40, 110, "The deposit is 200 dollars per bike."),
            (40, 140, "Deposits come back when the bike does.")]
PAGE_TWO = [(40, 80, "Helmets are free with every rental."), (40, 110, "Lights cost 5 dollars a day.")]
LONG = " ".join(f"Rule {i}: staff keep the workshop floor clear of tools and parts at the end of the day."
                for i in range(1, 9))


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


@pytest.fixture
def lib(settings):
    lib = Library(settings)
    data, _ = layout_pdf([PAGE_ONE, PAGE_TWO], pages=2)
    add_files(lib, [("Rentals.pdf", data)])
    add_files(lib, [("Prices.docx", make_docx([("Workshop", "A basic tune-up costs 79 dollars and takes one day."),
                                         ("Rules", LONG)]))])
    return lib


def cite(lib, query: str, answer: str) -> int:
    """Store a question and an answer citing the best passage for ``query`` as [1]; returns the message id."""
    passage = search(lib, query, k=1)[0].passage(1)
    history = History(load_settings().db_path)
    conv = history.new_conversation()
    history.add_message(conv, "user", query)
    return history.add_answer(conv, query, AnswerResult(answer=answer, found=True, citations=[passage], query=query))


def chat() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "chat.py"), default_timeout=60).run()


def shown(at: AppTest) -> str:
    return "\n".join(str(h.value) for h in at.html)


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption) + "\n" + "\n".join(str(i.value) for i in at.info)


def image_of(at: AppTest) -> dict:
    """The page image's alt text, marked flag and width."""
    tag = re.search(r"<img src='data:image/png;base64,[^']+' alt='([^']*)' data-marked='(\w+)' style='width:(\d+)%'>",
                    shown(at))
    assert tag, "no page image shown"
    return {"alt": tag.group(1), "marked": tag.group(2) == "true", "width": int(tag.group(3))}


def test_a_cited_pdf_page_is_shown_marked_and_can_be_paged_and_zoomed(lib):
    mid = cite(lib, "How much is the deposit per bike?", "The deposit is 200 dollars for each bike [1].")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert not at.exception
    assert image_of(at) == {"alt": "Page 1 of Rentals.pdf, with the supporting lines highlighted", "marked": True,
                            "width": 100}
    assert "Highlighted: the lines that back up “The deposit is 200 dollars for each bike.”" in captions(at)
    assert any(b.label == "Download Rentals.pdf" for b in at.download_button)

    at.button(key=f"chat_page_{mid}_1_view_next").click().run()
    assert image_of(at) == {"alt": "Page 2 of Rentals.pdf", "marked": False, "width": 100}
    assert "This page is not part of the cited passage." in captions(at)
    assert at.button(key=f"chat_page_{mid}_1_view_next").disabled

    at.button(key=f"chat_page_{mid}_1_view_prev").click().run()
    at.button_group(key=f"chat_page_{mid}_1_view_zoom").set_value("150%").run()
    assert image_of(at)["marked"] and image_of(at)["width"] == 150


def test_the_dialog_stays_open_for_its_own_clicks_and_a_run_it_did_not_ask_for_leaves_it_closed(lib):
    mid = cite(lib, "How much is the deposit per bike?", "The deposit is 200 dollars for each bike [1].")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    at.button(key=f"chat_page_{mid}_1_view_next").click().run()  # the whole page runs here; the dialog stays
    assert image_of(at)["alt"] == "Page 2 of Rentals.pdf"
    at.button_group(key=f"chat_page_{mid}_1_view_zoom").set_value("75%").run()
    assert image_of(at) == {"alt": "Page 2 of Rentals.pdf", "marked": False, "width": 75}

    # the browser closes the dialog without telling the server (a close can be dropped while a page runs):
    # the next run asked for by anything else draws no dialog
    at.run()
    assert "data:image/png" not in shown(at)
    assert not at.exception

    # opened again: at the cited page, marked
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert image_of(at)["alt"] == "Page 1 of Rentals.pdf, with the supporting lines highlighted"


def test_a_word_citation_shows_its_section_with_the_sentence_marked(lib):
    mid = cite(lib, "What does a basic tune-up cost?", "A basic tune-up costs 79 dollars [1].")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert not at.exception
    assert "Word files have no printed pages" in captions(at)
    assert "<mark>A basic tune-up costs 79 dollars and takes one day.</mark>" in shown(at)
    assert "<h3>Workshop</h3>" in shown(at)


def test_an_answer_citing_a_removed_document_says_when_it_was_removed(lib):
    mid = cite(lib, "How much is the deposit per bike?", "The deposit is 200 dollars for each bike [1].")
    lib.remove("Rentals.pdf")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert info.startswith(f"This document was removed from your library on {day_label(lib.removed_on('Rentals.pdf'))}")
    assert "There is no document called" not in info + " ".join(w.value for w in at.warning)
    # removal means gone: the passage the answer used is no longer kept, only when it was removed
    assert "The deposit is 200 dollars per bike." not in shown(at) and "Removed on " in shown(at)


def test_a_page_whose_quoted_lines_are_gone_is_shown_unmarked_and_says_so(lib):
    mid = cite(lib, "How much is the deposit per bike?", "The deposit is 200 dollars for each bike [1].")
    data, _ = layout_pdf([[(40, 80, "Rental deposits."), (40, 110, "The deposit is 300 dollars per bike.")],
                          PAGE_TWO], pages=2)
    add_files(lib, [("Rentals.pdf", data)])  # a new version: the cited lines are no longer printed anywhere
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert image_of(at)["marked"] is False
    assert "replaced with a newer version since this answer was written" in captions(at)


def test_find_opens_the_page_with_the_matched_passage_marked(lib):
    at = AppTest.from_file(str(ROOT / "pages" / "find.py"), default_timeout=60).run()
    at.text_input(key="find_query").set_value("lights per day")
    at.button(key="find_go").click().run()
    at.button(key="find_open_0").click().run()
    assert not at.exception
    assert image_of(at)["alt"] == "Page 2 of Rentals.pdf, with the supporting lines highlighted"
    assert "Highlighted: the passage Groundwork found." in captions(at)


def test_long_passages_are_folded_with_show_more(lib):
    mid = cite(lib, "What are the workshop rules?", "Staff keep the workshop floor clear [1].")
    at = chat()
    cards = "\n".join(str(m.value) for m in at.markdown if "gw-passage" in str(m.value))
    assert "<summary><span class='gw-more'>Show more</span>" in cards
    head, rest = cards.split("<details>")
    assert "Rule 1:" in head and "Rule 8:" not in head and "Rule 8:" in rest
    assert len(re.sub(r"<[^>]+>", "", head)) < 400
    # the folded card is the stored answer's citation [1]
    assert any(f"<span id='gw-src-{mid}-1'></span>" in str(m.value) for m in at.markdown)


def test_a_cited_scanned_page_is_shown_with_the_recognised_line_marked(settings):
    from tests.test_viewer_pdf import scan_of

    lib = Library(settings)
    data, _ = layout_pdf(PAGE_ONE)
    (report,) = add_files(lib, [("Deposit scan.pdf", scan_of(data))])
    assert report.status == "added"  # read by text recognition
    mid = cite(lib, "How much is the deposit per bike?", "The deposit is 200 dollars per bike [1].")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert not at.exception
    assert image_of(at) == {"alt": "Page 1 of Deposit scan.pdf, with the supporting lines highlighted",
                            "marked": True, "width": 100}
