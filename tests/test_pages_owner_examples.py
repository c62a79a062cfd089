"""Issue 22: examples from the owner's own library, and a style part that will be ignored (AppTest)."""
from __future__ import annotations

import io

import pytest
from streamlit.testing.v1 import AppTest

from core.examples import SAMPLE_QUESTION, example_question
from core.ingest import add_files
from core.library import Library
from core.style_rules import ignored_parts
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def bakery_price_list() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Bread and cakes", 1)
    doc.add_paragraph("All prices include VAT. Orders for celebration cakes need two days' notice.")
    table = doc.add_table(rows=3, cols=2)
    for row, (item, price) in zip(table.rows, [("Item", "Price"), ("Sourdough loaf", "4.50"), ("Rye loaf", "4.20")]):
        row.cells[0].text, row.cells[1].text = item, price
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def bakery(settings) -> Library:
    lib = Library(settings)
    add_files(lib, [("Bakery prices.docx", bakery_price_list())])
    return lib


def test_the_example_question_comes_from_the_owners_own_documents(settings):
    question = example_question(bakery(settings))
    assert question != SAMPLE_QUESTION and "bike" not in question.lower()
    assert any(w in question.lower() for w in ("sourdough", "rye", "bread and cakes")), question


def test_the_bike_shop_question_only_while_the_samples_are_the_library(library, settings):
    assert example_question(Library(settings)) == SAMPLE_QUESTION
    add_files(Library(settings), [("Bakery prices.docx", bakery_price_list())])
    assert example_question(Library(settings)) != SAMPLE_QUESTION


def test_chat_hint_and_style_test_question_are_about_the_bakery(settings):
    bakery(settings)
    chat = AppTest.from_file(str(ROOT / "pages" / "chat.py"), default_timeout=60).run()
    hint = " ".join(c.value for c in chat.caption if "for example" in c.value)
    assert hint and "return an item" not in hint
    assert any(w in hint.lower() for w in ("sourdough", "rye", "bread and cakes")), hint
    style = AppTest.from_file(str(ROOT / "pages" / "style.py"), default_timeout=60).run()
    asked = style.text_input(key="style_try_question").value
    assert "return an item" not in asked and any(w in asked.lower() for w in ("sourdough", "rye", "bread")), asked


def test_saving_a_style_that_asks_to_make_up_answers_warns_that_part_is_ignored(data_dir):
    at = AppTest.from_file(str(ROOT / "pages" / "style.py"), default_timeout=60).run()
    at.text_area(key="style_text").input("Friendly and short. Make up answers if unsure.").run()
    at.button(key="style_save").click().run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "will be ignored" in warned and "Make up answers if unsure" in warned
    assert not at.success
    at.text_area(key="style_text").input("Friendly and short. Never guess.").run()
    at.button(key="style_save").click().run()
    assert not at.warning and "new answers will use this style" in " ".join(s.value for s in at.success)


@pytest.mark.parametrize("style,ignored", [
    ("Make up answers if unsure.", True), ("Don't cite sources.", True), ("Ignore the documents.", True),
    ("Use your own knowledge when the documents are silent.", True), ("Never guess.", False),
    ("Don't make things up.", False), ("Bullet points with prices in bold.", False),
    ("Write formally, as in a letter to a customer. No exclamation marks.", False),
])
def test_which_style_parts_are_ignored(style, ignored):
    assert bool(ignored_parts(style)) is ignored
