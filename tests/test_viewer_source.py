"""core/viewer/source and support: the document behind a passage (removed? replaced?), and which of its
sentences back a claim up. Real Library in the test's data folder."""
from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotFoundError
from core.ingest import add_files
from core.library import Library
from core.viewer import DocumentRemoved, claim_for, claims_citing, marks_for, open_source, passage_sentences
from core.viewer.source import day_label, removed_sentence
from core.viewer.support import tidy
from tests.builders import make_docx, make_pdf

PRINTED = ("4. Returns and Refunds\n"
           "4.1 Returns within 30 days. Within 30 days of the purchase date you can return any product, for any\n"
           "reason, for a full refund, provided you have proof of purchase. 4.2 Returns after 30 days. From day\n"
           "31 to day 60 after the purchase date, you can return a product for store credit only.\n"
           "Weekend call-out On request 52.00\n"
           "Saturday service 9.00 to 17.00")


def test_printed_lines_are_rejoined_into_sentences_that_keep_their_line_breaks():
    sentences = passage_sentences(PRINTED)
    assert sentences[0] == "4. Returns and Refunds"
    assert sentences[2] == ("Within 30 days of the purchase date you can return any product, for any\n"
                            "reason, for a full refund, provided you have proof of purchase.")
    assert sentences[-2:] == ["Weekend call-out On request 52.00", "Saturday service 9.00 to 17.00"]
    assert tidy("a re-\nfund for\nyou") == "a refund for you"


def test_the_lines_marked_are_the_support_checks_choice():
    from core.text.claims import supporting

    claim = "Between day 31 and day 60 customers get store credit for a returned product."
    picked = marks_for(claim, PRINTED)
    assert picked == supporting([claim], PRINTED, line_breaks=True)  # the same lines as the quote shown on hover
    assert any("store credit only" in s for s in picked) and not any("full refund" in s for s in picked)
    # nothing stands out: the whole passage
    assert marks_for("Our staff are friendly.", PRINTED) == passage_sentences(PRINTED)
    assert marks_for("", PRINTED) == passage_sentences(PRINTED)  # no claim (Find): every sentence


def test_the_claims_citing_a_source():
    answer = ("Within 30 days you get a full refund [1]. After that, store credit [2][1].\n"
              "- Weekend call-outs are on request. [2]\n- Nothing else.")
    assert claims_citing(answer, 1) == "Within 30 days you get a full refund. After that, store credit."
    assert claims_citing(answer, 2) == "After that, store credit. Weekend call-outs are on request."
    assert claims_citing(answer, 3) == ""


def test_day_labels_and_the_removed_sentence():
    assert day_label("2026-03-03T10:00:00+00:00", today=date(2026, 6, 1)) == "3 March"
    assert day_label("2025-03-03T10:00:00+00:00", today=date(2026, 6, 1)) == "3 March 2025"
    assert removed_sentence("2026-03-03T10:00:00+00:00", today=date(2026, 6, 1)) == (
        "This document was removed from your library on 3 March; add it again on the Documents page to see "
        "its pages.")
    assert removed_sentence("not a time").startswith("This document was removed from your library; ")


@pytest.fixture
def lib(settings):
    return Library(settings)


def test_a_removed_document_says_when_it_was_removed(lib):
    add_files(lib, [("Handbook.pdf", make_pdf(["Staff get 25 days of leave.", "Returns within 30 days."]))])
    source = open_source(lib, "Handbook.pdf")
    assert (source.kind, source.pages, source.current) == ("pdf", 2, True) and source.path.exists()
    lib.remove("Handbook.pdf")
    with pytest.raises(DocumentRemoved) as caught:
        open_source(lib, "Handbook.pdf")
    when = lib.removed_on("Handbook.pdf")
    assert caught.value.user_message == removed_sentence(when)
    assert caught.value.user_message.startswith(f"This document was removed from your library on {day_label(when)};")
    # never in the library: the library's own sentence
    with pytest.raises(NotFoundError, match="There is no document called 'Other.pdf'"):
        open_source(lib, "Other.pdf")
    # back again: shown as usual
    add_files(lib, [("Handbook.pdf", make_pdf(["Staff get 25 days of leave.", "Returns within 30 days."]))])
    assert open_source(lib, "Handbook.pdf").kind == "pdf"


def test_a_replaced_document_is_known_not_to_hold_the_old_passage(lib):
    add_files(lib, [("Hours.docx", make_docx([("Opening hours", "We open at nine and close at six.")]))])
    old = lib.segments("Hours.docx")
    chunk_id = _chunk_ids(lib)[0]
    assert open_source(lib, "Hours.docx", chunk_id).current is True
    add_files(lib, [("Hours.docx", make_docx([("Opening hours", "We open at ten and close at five.")]))])
    assert lib.segments("Hours.docx") != old
    source = open_source(lib, "Hours.docx", chunk_id)
    assert source.kind == "docx" and source.current is False


def _chunk_ids(lib) -> list[str]:
    from core.search import search

    return [r.chunk_id for r in search(lib, "opening hours", k=3)]


def test_what_an_answer_says_with_a_source_includes_sentences_groundwork_matched():
    from core.types import AnswerResult, MatchedSentence

    result = AnswerResult(answer="Refunds take 5 days [1]. Helmets are free with every rental.", found=True,
                          matched=[MatchedSentence("Helmets are free with every rental.", 2)])
    assert claim_for(result, 1) == "Refunds take 5 days."
    assert claim_for(result, 2) == "Helmets are free with every rental."
    assert claim_for(AnswerResult(answer="Passages [1].", mode="search_only"), 1) == ""  # no written claim
