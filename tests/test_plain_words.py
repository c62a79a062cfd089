"""Issue 22, item 10: the words an owner sees, with the technical word only in brackets."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.labels import size_words
from core.llm import MODEL_CHOICES
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def test_model_choices_and_sizes_speak_plainly():
    for choice in MODEL_CHOICES:
        assert "parameters" not in choice.description, choice.description
    assert size_words("3.2B") == "3.2 billion" and size_words("135M") == "135 million" and size_words("") == "—"


def test_documents_page_counts_passages_without_jargon(library):
    at = AppTest.from_file(str(ROOT / "pages" / "documents.py"), default_timeout=120).run()
    labels = [m.label for m in at.metric]
    assert "Passages" in labels and not any("Searchable" in label for label in labels)


def test_adding_a_file_says_what_it_does_with_passages(settings):
    from core.ingest import add_files
    from core.library import Library
    from tests.builders import LOREM_TOPICS, make_pdf

    seen = []
    add_files(Library(settings), [("Notes.pdf", make_pdf(LOREM_TOPICS))], progress=lambda f, m: seen.append(m))
    assert not any("Indexing" in m for m in seen), seen
    assert any(m.startswith("Preparing passage") for m in seen)


def test_advisor_sizes_say_word_pieces_before_tokens():
    import importlib

    measure = importlib.import_module("core.advisor.measure")
    from core.advisor import advise
    from core.types import LibraryStats

    label = measure._library_facts(LibraryStats(documents=3, pages=269, words=40_000))["tokens_estimate"].label
    assert "word pieces, called tokens" in label, label
    table = " ".join(str(cell) for row in advise({}).cost_table for cell in row.values())
    assert "per million word pieces, called tokens" in table and "per million tokens" not in table

