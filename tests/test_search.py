"""Hybrid search, the relevance gate and highlighting, on a real library."""
from __future__ import annotations

import pytest

from core.embeddings import MiniLMEmbedder
from core.ingest import add_files
from core.library import Library
from core.search import fts_query, gate, highlight_terms, search, terms
from tests.builders import make_docx, make_pdf

HANDBOOK = [
    "Annual leave. Full-time staff receive 25 days of paid holiday each year, plus public holidays.",
    "Pay day. Wages are paid on the last Friday of every month by bank transfer.",
    "Workshop safety. Eye protection must be worn at the grinder and the truing stand.",
    "Staff discount. Employees get 30 percent off bikes and 40 percent off parts and accessories.",
]
PRICES = [("Bikes", "Model TR-500X: Trail 500 mountain bike, price 1299 dollars."),
          ("Services", "A basic tune-up costs 79 dollars and takes two working days.")]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from core.settings import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("search"))
    library = Library(settings, MiniLMEmbedder())
    add_files(library, [("Employee_Handbook.pdf", make_pdf(HANDBOOK))])
    add_files(library, [("Price_List.docx", make_docx(PRICES))])
    return library


def test_paraphrase_found_by_meaning(lib):
    [top] = search(lib, "How much time off do employees get?", k=1)
    assert (top.file, top.page) == ("Employee_Handbook.pdf", 1)
    assert top.vector_score > 0.3


def test_exact_code_found_by_keywords(lib):
    results = search(lib, "TR-500X", k=3)
    assert results[0].file == "Price_List.docx" and results[0].section == "Bikes"
    assert results[0].keyword_rank == 1


def test_results_are_best_first_with_contract_fields(lib):
    results = search(lib, "safety glasses in the workshop", k=4)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    d = results[0].as_dict()
    assert set(d) == {"file", "page", "page_end", "section", "text", "score"}
    assert d["page"] == 3 and d["page_end"] == 3


def test_restrict_to_chosen_documents(lib):
    results = search(lib, "how much does it cost", k=5, files=["Employee_Handbook.pdf"])
    assert results and {r.file for r in results} == {"Employee_Handbook.pdf"}


def test_one_result_per_page(lib):
    results = search(lib, "staff", k=10)
    places = [(r.file, r.page, r.section) for r in results]
    assert len(places) == len(set(places))


def test_gate_keeps_relevant_and_drops_obvious_misses(lib):
    q = "When do we get paid?"
    assert gate(search(lib, q, k=5))[0].page == 2
    q = "What is the capital of Mongolia?"
    assert gate(search(lib, q, k=5)) == []


def test_empty_query_and_punctuation_are_safe(lib):
    assert search(lib, "   ", k=5) == []
    # FTS operators and stray quotes are taken as words: the discount passage is still found first
    top = search(lib, 'discount" OR (* NEAR', k=3)[0]
    assert (top.file, top.page) == ("Employee_Handbook.pdf", 4) and top.keyword_rank == 1
    assert fts_query("what's the \"price\"?") == '"price"'


def test_terms_and_highlight_words():
    assert terms("What is the staff discount on bikes?") == ["staff", "discount", "bikes"]
    assert highlight_terms("Can a customer return a bike after 45 days?") == ["customer", "return", "bike", "45", "days"]


def test_the_topic_margin_is_said_once_for_the_question_not_copied_onto_each_result(lib):
    from dataclasses import fields

    from core.search import off_topic
    from core.types import Found, SearchResult

    found = search(lib, "When do we get paid?", k=3)
    assert isinstance(found, Found) and len(found) == 3 and found.topic is not None and not off_topic(found)
    assert not {"support", "topic"} & {f.name for f in fields(SearchResult)}
    assert search(lib, "   ", k=3).topic is None and search(lib, "paid", k=3, rerank_results=False).topic is None
