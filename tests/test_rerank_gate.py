"""The reranker and the gate: on the bike shop's samples plus another business's contract, and on a
library no weight was fitted on (the nursery, ``benchmarks/owner_libraries/acorns``).

Also: the committed calibration must have been fitted on the question files as they are now.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.embeddings import MiniLMEmbedder
from core.evaluation import is_hit
from core.ingest import add_files
from core.library import Library
from core.samples import sample_files
from core.search import calibration, gate, is_weak, off_topic, search, strength
from core.search.gate import keep
from core.search.text import importance, phrases, specifics, terms, units
from tests.builders import make_pdf
from tests.conftest import ROOT

QUESTIONS = ROOT / "benchmarks" / "owner_libraries" / "questions"
HELD_OUT = ROOT / "benchmarks" / "owner_libraries" / "acorns"

CONTRACT = "Cleaning_Contract_Harbour_View.pdf"
CONTRACT_PAGES = [
    "Agreement for Commercial Cleaning Services\nThis agreement is made on 12 January 2026 between Brightside "
    "Cleaning Co. Ltd (the Contractor) and Harbour View Bistro, 18 Quay Street, Portley (the Client).\n1. Term\n"
    "The agreement starts on 1 February 2026 and runs for an initial period of twelve months.\n2. Premises\nThe "
    "Contractor cleans the dining room, bar, kitchen, customer toilets, staff changing room and the first-floor "
    "office. The cellar and the outdoor terrace are not included unless ordered as extra work.",
    "Schedule of Regular Services\n4. Cleaning times\nRegular cleaning takes place every night from Monday to "
    "Saturday, starting no earlier than 23:30, after the last service, and finishing by 03:00.\n5. Nightly tasks\n"
    "Every night the team vacuums and mops all floors, cleans and disinfects the toilets, wipes down tables, chairs "
    "and the bar counter, and cleans the kitchen floor and the outside of the kitchen equipment.",
    "Access, Security and Staff\n8. Keys and access\nKeys and the alarm code are held by the cleaning supervisor, "
    "Dana Kowalski. No other member of the Contractor's staff may hold a key. If a key is lost, the Contractor pays "
    "for the locks to be changed within 48 hours. The alarm must be set again when the team leaves; if it is not, "
    "the Contractor pays any call-out charge raised by the Client's alarm company.\nStaff vetting\nEvery cleaner "
    "sent to the premises has passed a criminal record check and has been trained in the safe use of cleaning "
    "chemicals.\nInsurance\nThe Contractor holds public liability insurance of 5 million pounds with Castlegate "
    "Insurance.\nComplaints\nThe Client reports any cleaning not done to the standard in this agreement by 10:00 "
    "the next morning. The Contractor returns to put it right the same day at no charge.",
    "Prices, Invoices and Ending the Agreement\nPrices (excluding VAT)\nService Price\n"
    "Regular nightly clean (Monday to Saturday) 640.00 per week\n"
    "Extra hours on weekday evenings 34.00 per hour\n"
    "Weekend call-out (Sunday or bank holiday) 52.00 per hour, minimum 3 hours\n"
    "Deep clean of kitchen and ovens 380.00 per visit\n"
    "Carpet shampoo, dining room 210.00 per visit\n"
    "Invoices\nThe Contractor invoices on the last working day of each month. The Client pays within 14 days of "
    "the invoice date.\n9. Ending the agreement\nAfter the first twelve months either party may end the agreement "
    "by giving one month's notice in writing.",
]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, samples_dir):
    """The samples (a copy of the run's one ingest) and the cleaning contract, added through the pipeline."""
    import shutil

    from core.settings import load_settings

    path = tmp_path_factory.mktemp("mixed") / "data"
    shutil.copytree(samples_dir, path)
    library = Library(load_settings(environ={}, data_dir=path), MiniLMEmbedder())
    assert {d.file for d in library.documents()} == {p.name for p in sample_files()}
    add_files(library, [(CONTRACT, make_pdf(CONTRACT_PAGES))])
    return library


def places(results):
    return [(r.file, r.page if r.page is not None else r.section) for r in results]


@pytest.mark.slow
def test_a_short_question_keeps_the_right_page_through_the_gate(lib):
    passed = gate(search(lib, "Who holds the keys?", k=6))
    assert (CONTRACT, 3) in places(passed)


@pytest.mark.slow
def test_an_exact_row_ranks_above_partial_matches_and_passes(lib):
    q = "weekend call-out price"
    results = search(lib, q, k=6)
    found = places(results)
    assert found[0] == (CONTRACT, 4)  # the row "Weekend call-out ... 52.00 per hour"
    alarm_callouts = [p for p in found if p[0] in ("Store_Operations.docx", "Employee_Handbook.pdf")]
    assert all(found.index(p) > 0 for p in alarm_callouts)
    assert places(gate(results))[0] == (CONTRACT, 4)
    assert strength(results[0]) == "close match"


@pytest.mark.slow
def test_a_keyword_fragment_finds_its_row_first(lib):
    results = search(lib, "deep clean ovens", k=6)
    assert (results[0].file, results[0].page) == (CONTRACT, 4) and "Deep clean of kitchen and ovens" in results[0].text
    assert places(gate(results))[0] == (CONTRACT, 4)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Do you sell skateboards?", "What is the CEO's salary?",
                                      "Can I pay with bitcoin?"])
def test_a_question_in_the_libraries_field_goes_to_the_model_labelled_weak(lib, question):
    """Not answered by the documents, but about a shop: the model reads the closest passages and says so
    itself; nothing here claims a close match."""
    results = search(lib, question, k=6)
    assert gate(results) and not off_topic(results)
    assert all(strength(r) != "close match" for r in results) and is_weak(results)


@pytest.mark.slow
def test_every_relevant_passage_is_kept_not_only_the_best(lib):
    q = "What is the warranty on an e-bike battery?"  # the policy and the price list both say it
    passed = places(gate(search(lib, q, k=6)))
    assert {("Returns_and_Warranty_Policy.pdf", 5), ("Price_List_2026.docx", 2)} <= set(passed)


@pytest.mark.slow
def test_scores_are_relevance_best_first(lib):
    results = search(lib, "How many days of vacation does a full-time employee get each year?", k=5)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    assert results[0].relevance == results[0].score and not off_topic(results)


# --------------------------------------------------------------------------- a library nothing was fitted on


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """The final-check library (a nursery): no weight or threshold was fitted on it or its questions."""
    from core.settings import load_settings

    library = Library(load_settings(environ={}, data_dir=tmp_path_factory.mktemp("held")), MiniLMEmbedder())
    add_files(library, [(p.name, p.read_bytes()) for p in sorted(HELD_OUT.iterdir()) if p.is_file()])
    return library


def _questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.slow
def test_everyday_words_reach_the_model_with_their_page_on_a_library_nobody_tuned_on(held_out):
    """Asked the way staff and parents talk, the right page is among what the model reads, and a question
    is not declined because its words differ from the page's (figures: benchmarks/calibrate.py)."""
    everyday = [q for q in _questions(QUESTIONS / "acorns.jsonl") if q["kind"] == "everyday"]
    reached, declined_in_top3 = 0, []
    for q in everyday:
        results = search(held_out, q["question"], k=6)
        passed = gate(results)
        reached += any(is_hit(r.as_dict(), q["sources"], 0) for r in passed)
        top3 = any(is_hit(r.as_dict(), q["sources"], 0) for r in results[:3])
        if not passed and top3:
            declined_in_top3.append(q["question"])
    assert reached / len(everyday) >= 0.8
    assert len(declined_in_top3) <= 1, declined_in_top3


@pytest.mark.slow
def test_my_boss_going_over_my_year_finds_the_appraisal_page(held_out):
    q = "When does my boss sit me down to go over how my year went?"  # the page says "annual appraisal"
    passed = gate(search(held_out, q, k=6))
    assert ("Little_Acorns_Staff_Policies.docx", 2) in places(passed)


@pytest.mark.slow
def test_clearly_off_topic_questions_never_seen_by_the_fit_are_stopped_before_the_model(held_out):
    """24 off-topic questions asked only of the nursery (no threshold was fitted on them) are stopped before
    the model: 15 of them (benchmarks/calibrate.py final_check), 12 when the margin's general side was the
    single closest general question instead of the mean of the three closest (``topic.GENERAL_TOP``)."""
    off = _questions(QUESTIONS / "off_topic_final.jsonl") + _questions(QUESTIONS / "off_topic_blind.jsonl")
    stopped = [q["question"] for q in off if gate(search(held_out, q["question"], k=6)) == []]
    assert len(off) == 24 and len(stopped) >= 14, stopped
    near = [q for q in _questions(QUESTIONS / "acorns.jsonl") if q["kind"] == "near_miss"]
    assert all(gate(search(held_out, q["question"], k=6)) for q in near)  # the model decides these


# --------------------------------------------------------------------------- the calibration is current


def test_the_calibration_was_fitted_on_the_questions_the_files_hold_now():
    """Edit a question file the calibration was fitted on, and this fails until
    ``python benchmarks/calibrate.py --write`` is run again."""
    fitted = calibration.current()["fitted_on"]
    files = [ROOT / f for f in fitted["question_files"]]
    assert all(f.exists() for f in files)
    assert calibration.questions_digest(files, ROOT) == fitted["questions_sha256"]


def test_the_final_check_library_was_kept_out_of_the_fit():
    fitted = calibration.current()["fitted_on"]
    assert fitted["final_check"] == "acorns" and "acorns" not in fitted["libraries"]
    assert not any("acorns" in f or "off_topic_final" in f for f in fitted["question_files"])


def test_the_digest_changes_when_a_question_changes(tmp_path):
    first = tmp_path / "q.jsonl"
    first.write_text('{"id": "a", "question": "How long is lunch?", "sources": []}\n', encoding="utf-8")
    before = calibration.questions_digest([first], tmp_path)
    first.write_text('{"id": "a", "question": "How long is the lunch break?", "sources": []}\n', encoding="utf-8")
    assert calibration.questions_digest([first], tmp_path) != before


def test_the_words_that_must_match_exactly():
    assert specifics("Is Northwind Cycles opening a store in Riverton?") == ["northwind", "cycles", "riverton"]
    assert specifics('How much is the TR-500X, and is "bank holiday" 52.00 per hour?') == [
        "bank holiday", "tr-500x", "52"]  # numbers in one form (core.text.normalize): 52.00 is 52
    assert specifics("Does the company match a 401(k)?") == ["401(k)"]
    assert specifics("deep clean ovens") == []  # a first word is not a name


def test_phrases_and_terms():
    assert terms("Who holds the keys?") == ["holds", "keys"]
    assert ("deep", "clean") in phrases("deep clean ovens")
    assert ("weekend", "call") in phrases("weekend call-out price")


def test_rare_words_weigh_more_than_common_ones():
    assert importance("skateboards") > importance("salary") > importance("often")
    assert importance("Riverton") == 1.0


def test_a_passage_is_cut_into_sentences_and_rows_with_pdf_wraps_joined():
    text = ("4. Cleaning times\nRegular cleaning takes place every night, starting no earlier than 23:30, after the last\n"
            "service. No cleaning on Sundays.\nWeekend call-out (Sunday) 52.00 per hour\nDeep clean of ovens 380.00")
    assert units(text) == [
        "4. Cleaning times",
        "Regular cleaning takes place every night, starting no earlier than 23:30, after the last service.",
        "No cleaning on Sundays.",
        "Weekend call-out (Sunday) 52.00 per hour",
        "Deep clean of ovens 380.00",
    ]


def _result(n: int, relevance: float, meaning: float):
    from core.types import SearchResult

    return SearchResult(chunk_id=f"c{n}", file="Policy.pdf", page=n, page_end=n, section=None, text=f"page {n}",
                        score=relevance, vector_score=meaning, keyword_rank=None, relevance=relevance)


def test_the_model_always_reads_the_top_passages_however_weak_and_then_only_strong_ones():
    """A right page ranked 3rd or 4th with a low score (asked in other words) still reaches the model: the top
    ``keep.always`` always do (held-out gain: benchmarks/calibrate.py ``always_kept_held_out``)."""
    rule = calibration.current()["keep"]
    always, most = rule["always"], rule["max_passages"]
    assert 1 < always < most  # the committed calibration keeps a fixed top and may keep one more
    weak = [_result(1, 0.9, 0.6)] + [_result(n, 0.01, 0.1) for n in range(2, most + 2)]
    assert [r.page for r in keep(weak)] == list(range(1, always + 1))
    strong = [_result(n, 0.9, 0.6) for n in range(1, most + 2)]
    assert [r.page for r in keep(strong)] == list(range(1, most + 1))  # never more than max_passages
    assert [r.page for r in keep(weak, dict(rule, always=1))] == [1]  # the rule without a fixed top
