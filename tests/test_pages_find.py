"""The Find page through Streamlit's AppTest, on the sample library."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def find(query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "find.py"), default_timeout=60).run()
    at.text_input(key="find_query").input(query)
    at.button(key="find_go").click().run()
    assert not at.exception
    return at


def cards(at: AppTest) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("find_open_")]


@pytest.mark.slow
def test_shows_the_relevant_passages_not_always_eight_and_opens_their_page(library):
    at = find("How many days of vacation does a full-time employee get each year?")
    shown = cards(at)
    assert 1 <= len(shown) < 8
    heads = [m.value for m in at.markdown if "·" in str(m.value)]
    assert "Employee" in heads[0] and "page 7" in heads[0]
    assert not at.info  # a strong match: no warning
    assert "_close match_" in heads[0]
    assert "the most relevant first" in at.caption[-1].value
    at.button(key="find_open_0").click().run()
    assert not at.exception
    page_image = re.search(r"<img src='data:image/png;base64,[^']+' alt='([^']*)' data-marked='(\w+)'",
                           " ".join(h.value for h in at.html))
    assert page_image, "the page as printed is shown"
    assert page_image.groups() == ("Page 7 of Employee_Handbook.pdf, with the supporting lines highlighted", "true")
    assert any(b.label.replace("\\", "") == "Download Employee_Handbook.pdf" for b in at.download_button)


@pytest.mark.slow
def test_says_when_only_weak_matches_were_found_and_labels_each(library):
    at = find("Do you sell skateboards?")
    assert at.info and "Only weak matches were found" in at.info[0].value
    heads = [str(m.value) for m in at.markdown if "·" in str(m.value)]
    labelled = [h for h in heads if "match_" in h]
    assert len(labelled) == len(cards(at)) and all("_weak match_" in h for h in labelled), heads
    assert not any("None of your documents" in str(i.value) for i in at.info)


@pytest.mark.slow
def test_a_clearly_off_topic_search_says_so_and_shows_one_passage(library):
    at = find("Who painted the ceiling of the Sistine Chapel?")
    assert at.info and "doesn't seem to be about anything in your documents" in at.info[0].value
    assert len(cards(at)) == 1


@pytest.mark.slow
def test_everyday_words_find_the_page_without_saying_none_answers(library):
    """"Someone nicked the hire bike" shares no word with the rental terms' "stolen ... liability"."""
    at = find("Someone nicked the hire bike even though I locked it, do I have to pay for all of it?")
    heads = [str(m.value) for m in at.markdown if "·" in str(m.value)]
    assert any("Rental" in h and "page 4" in h for h in heads[:3]), heads
    assert not any("None of your documents" in str(i.value) or "doesn't seem" in str(i.value) for i in at.info)


@pytest.mark.slow
def test_a_keyword_fragment_shows_few_passages_best_first(library):
    at = find("basic tune-up price")
    heads = [m.value for m in at.markdown if "·" in str(m.value)]
    assert "Price" in heads[0] and "page 3" in heads[0]
    assert len(cards(at)) <= 4


@pytest.mark.slow
def test_a_spreadsheet_result_names_its_sheet_and_rows(library):
    at = find("How many gravel tyres do we have in stock?")
    heads = [str(m.value) for m in at.markdown if "·" in str(m.value)]
    assert "Stock" in heads[0] and re.search(r"Sheet Tyres and Tubes, rows \d+–\d+", heads[0]), heads[0]
