""""Check my library": questions written from the owner's documents, searched, summarised and kept."""
from __future__ import annotations

import json
from dataclasses import fields

import pytest

from core.embeddings import MiniLMEmbedder
from core.ingest import add_files
from core.library import Library
from core.llm import OllamaService
from core.selftest import SUMMARY_FILE, load_summary, run, save
from core.selftest.questions import candidates_for_place, write
from core.types import SelfTestSummary
from tests.builders import make_docx, make_pdf
from tests.ollama_standin import OllamaStandin

HANDBOOK = [
    "Annual leave\nFull-time staff receive 25 days of paid holiday each year, plus public holidays. Leave requests "
    "go to the store manager two weeks ahead of the first day off.",
    "Pay day\nWages are paid on the last Friday of every month by bank transfer, with a payslip sent by email "
    "the day before.",
    "Workshop safety\nEye protection must be worn at the grinder and the truing stand, and gloves when handling "
    "brake fluid or degreaser.",
]
PRICES = [("Bikes", "Model: Trail 500 | Price: $1,299\nModel: City Glide | Price: $849\nModel: Sprout 20 | Price: $399"),
          ("Services", "A basic tune-up costs 79 dollars and takes two working days in the workshop.")]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from core.settings import load_settings

    library = Library(load_settings(environ={}, data_dir=tmp_path_factory.mktemp("selftest")), MiniLMEmbedder())
    add_files(library, [("Handbook.pdf", make_pdf(HANDBOOK)), ("Prices.docx", make_docx(PRICES)),
                        ("Scanned.pdf", make_pdf(["Brake bleeding steps for the workshop team, with the torque values.", ""]))])
    return library


def test_questions_come_from_headings_rows_and_sentences():
    offered = dict((q, kind) for kind, q in candidates_for_place(
        "Opening hours\nWe open at 9:00 and close at 18:00 on weekdays, and at 16:00 on Saturdays in winter.\n"
        "Item: Volt 625 Wh battery | Fits: Volt E-Pro | Price: $869\nItem: Fast charger | Price: $189"))
    assert offered["How much is the Volt 625 Wh battery?"] == "row"
    assert offered["What do the documents say about opening hours?"] == "heading"
    assert offered["What are the times for opening hours?"] == "sentence"


@pytest.mark.parametrize("text, question", [
    ("Late Collection\nA late collection charge of 15 pounds is made for every 15 minutes after 18:00.",
     "What does late collection cost?"),
    ("Safeguarding\nThe Designated Safeguarding Lead is Aisha Rahman, who keeps the concern forms.",
     "Who is responsible for safeguarding?"),
    ("Annual Leave\nStaff have 28 days of annual leave a year, including bank holidays.",
     "How many days are allowed for annual leave?"),
    ("If You Are Ill\nPhone the manager before the shift starts; a text message is not enough for us.",
     "What if you are ill?"),
])
def test_a_fact_under_a_heading_becomes_the_question_a_person_would_ask(text, question):
    assert question in [q for _, q in candidates_for_place(text)]


def test_a_sentence_without_a_fact_makes_no_word_salad():
    """A mission statement used to become "What about proud aerospace strive continually?"."""
    offered = candidates_for_place("Our Values\nProud of our aerospace heritage, we strive continually to delight "
                                   "every customer with quality that speaks for itself.")
    assert [q for _, q in offered] == ["What do the documents say about our values?"]
    for _kind, q in candidates_for_place("\n".join(HANDBOOK) + "\n" + PRICES[1][1]):
        assert q.endswith("?") and q.split()[0] in ("What", "How", "Who", "When", "Which", "Can", "Do"), q
        assert not q.startswith("What about "), q


def test_running_headers_and_page_numbers_are_not_headings():
    offered = [q for _, q in candidates_for_place("Little Acorns Nursery - Parent Handbook 2026\nPage 2 of 7\n"
                                                  "Meals and Allergies\nBreakfast is served until 08:30 every day.")]
    assert "What do the documents say about meals and allergies?" in offered
    assert not any("handbook 2026" in q.lower() or "page 2" in q.lower() for q in offered)


def test_a_running_footer_is_not_a_table_row():
    assert not [q for kind, q in candidates_for_place("Staff Guide - page 2 12.00\nHandbook - Version 4.0 1.00")
                if kind == "row"]


def test_every_document_gets_questions_that_know_their_page(lib):
    probes = write(lib, limit=10)
    assert {p.file for p in probes} == {"Handbook.pdf", "Prices.docx", "Scanned.pdf"}
    assert all(p.page or p.section for p in probes)
    assert write(lib, limit=10) == probes  # the same library gets the same questions


def test_report_figures_and_the_scanned_page(lib, data_dir):
    report = run(lib, limit=20)
    s = report.summary
    assert s.questions == len(report.asked) >= 5
    assert 0 <= s.top1 <= s.top3 <= 1 and s.top1 <= s.findability <= s.top3
    assert s.top3 >= 0.6  # plain questions about plain pages are found
    scanned = next(d for d in report.documents if d.file == "Scanned.pdf")
    assert scanned.hard and scanned.scanned_pages == [2] and "scanned image" in scanned.reasons[0]
    assert "Scanned.pdf" in s.hard_documents
    assert report.sentence().startswith(f"Groundwork asked {s.questions} questions")

    save(report, data_dir)
    stored = json.loads((data_dir / SUMMARY_FILE).read_text())
    assert set(stored) == {f.name for f in fields(SelfTestSummary)}  # exactly the agreed fields
    assert load_summary(data_dir) == s


def test_no_summary_before_the_first_run(data_dir):
    assert load_summary(data_dir) is None


def test_the_model_writes_questions_when_ollama_runs(lib):
    with OllamaStandin() as standin:
        standin.default_reply = lambda request: ["How many days off do staff get each year?"]
        llm = OllamaService(standin.host, 10.0)
        report = run(lib, llm=llm, model="llama3.2:3b", limit=3)
        prompts = [b["messages"][-1]["content"] for b in standin.bodies("/api/chat")]
    assert report.model_written == 3 and len(prompts) == 3
    assert all("Write ONE short question" in p for p in prompts)
    assert {a["kind"] for a in report.asked} == {"model"}


def test_a_model_reply_that_is_not_a_question_falls_back_to_the_text(lib):
    with OllamaStandin() as standin:
        standin.default_reply = lambda request: ["Sure! Here is a question about the page."]
        report = run(lib, llm=OllamaService(standin.host, 10.0), model="llama3.2:3b", limit=3)
    assert report.model_written == 0 and len(report.asked) == 3


def test_the_advisor_reads_what_the_check_keeps(lib, settings):
    from core.advisor import load_selftest

    report = run(lib, limit=5)
    save(report, settings.data_dir)
    assert load_selftest(settings) == report.summary


def test_a_scan_text_recognition_barely_read_is_named_with_its_reason(settings):
    """A page read with low confidence may hold misread words: the check says so, in plain words."""
    from tests.conftest import FIXTURES

    library = Library(settings, MiniLMEmbedder())
    add_files(library, [("Handbook.pdf", make_pdf(HANDBOOK)),
                        ("Poor scan.pdf", (FIXTURES / "poor-scan.pdf").read_bytes())])
    report = run(library, limit=20)
    poor = next(d for d in report.documents if d.file == "Poor scan.pdf")
    assert poor.hard and poor.hard_to_read_pages == [2]
    assert any("Page 2 was scanned and hard to read" in r for r in poor.reasons)
    assert "Poor scan.pdf" in report.summary.hard_documents
