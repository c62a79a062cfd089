"""Chunking: where each chunk came from, stable ids, sensible sizes."""
from __future__ import annotations

import hashlib

import pytest

from core.chunking import TINY_SEGMENT_CHARS, chunk_document, chunk_id
from core.documents import read_document
from core.errors import BadFileError
from core.types import ParsedDocument, Segment, Triage
from tests.conftest import FIXTURES

SENTENCE = "The Trail 500 is our best-selling mountain bike and it ships with a two year warranty. "


def parsed(name: str, settings) -> ParsedDocument:
    return read_document(name, (FIXTURES / name).read_bytes(), settings)


def make_doc(*segments: Segment, sha: str = "a" * 64) -> ParsedDocument:
    return ParsedDocument(name="made-up.pdf", kind="pdf", sha256=sha, segments=list(segments), triage=Triage())


def squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_chunks_keep_file_page_and_order(settings):
    doc = parsed("text-3-pages.pdf", settings)
    chunks = chunk_document(doc, size=120, overlap=20)

    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert all(c.file == "text-3-pages.pdf" for c in chunks)
    assert all(len(c.text) <= 120 for c in chunks)
    pages = {s.page: s.text for s in doc.segments}
    for chunk in chunks:
        # every chunk sits on the page it claims
        assert chunk.page == chunk.page_end
        assert chunk.text in pages[chunk.page]
    assert {c.page for c in chunks} == {1, 2, 3}
    returns = [c for c in chunks if "30 days of purchase" in squash(c.text)]
    assert returns and returns[0].page == 2


def test_word_sections_label_their_chunks(settings):
    doc = parsed("handbook.docx", settings)
    chunks = chunk_document(doc, size=80, overlap=0)

    [damaged] = [c for c in chunks if "replaced free of charge" in c.text]
    assert damaged.section == "Damaged goods"
    assert damaged.text == "Damaged goods\n\nDamaged goods are replaced free of charge."
    assert all(c.page is None and c.page_end is None for c in chunks)
    assert [c for c in chunks if "Product: Trail 500" in c.text][0].section == "Prices"


def test_short_word_sections_each_keep_their_own_chunk(settings):
    doc = parsed("handbook.docx", settings)
    chunks = chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)

    # no page numbers: tiny sections are not glued to the next section
    assert [c.section for c in chunks] == [s.section for s in doc.segments]
    [damaged] = [c for c in chunks if "replaced free of charge" in c.text]
    assert damaged.section == "Damaged goods"


def test_tiny_parts_of_one_page_join_and_take_the_larger_section(settings):
    doc = parsed("page-breaks.docx", settings)
    chunks = chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)

    # page 2 holds the end of "Supplier terms" (one line) and the start of "Delivery"
    [page_two] = [c for c in chunks if "Late payments" in c.text]
    assert page_two.text == (
        "Late payments carry a 2% monthly fee.\n\nDelivery\n\nDeliveries arrive on Tuesdays."
    )
    assert (page_two.page, page_two.page_end, page_two.section) == (2, 2, "Delivery")
    assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (2, 2), (3, 3)]


def test_table_rows_are_not_split_mid_row(settings):
    doc = parsed("handbook.docx", settings)
    rows = [line for s in doc.segments for line in s.text.splitlines() if " | " in line]
    assert len(rows) == 6
    chunks = chunk_document(doc, size=130, overlap=0)
    for row in rows:
        assert any(row in c.text.splitlines() for c in chunks), row


def test_word_page_numbers_follow_the_page_breaks(settings):
    doc = parsed("page-breaks.docx", settings)
    chunks = chunk_document(doc, size=60, overlap=0)

    def page_of(text):
        [chunk] = [c for c in chunks if text in c.text]
        return chunk.page, chunk.page_end

    assert page_of("Orders over $500") == (1, 1)
    assert page_of("Late payments") == (2, 2)
    assert page_of("Urgent deliveries") == (3, 3)


def test_ids_are_content_hashes_and_stable(settings):
    doc = parsed("text-3-pages.pdf", settings)
    first = chunk_document(doc, 200, 30)
    again = chunk_document(doc, 200, 30)

    assert [c.id for c in first] == [c.id for c in again]
    c = first[0]
    expected = hashlib.sha256(f"{doc.sha256}|{c.page}|{c.section}|{c.text}".encode()).hexdigest()[:32]
    assert c.id == expected == chunk_id(doc.sha256, c.page, c.section, c.text)
    assert len({c.id for c in first}) == len(first)

    other = make_doc(*doc.segments, sha="b" * 64)
    assert not {c.id for c in chunk_document(other, 200, 30)} & {c.id for c in first}


def test_identical_chunks_in_one_document_are_kept_once():
    text = SENTENCE * 4
    doc = make_doc(Segment(text, 1, "Bikes"), Segment(text, 1, "Bikes"), Segment(text, 2, "Bikes"))
    chunks = chunk_document(doc, 1000, 0)

    assert [(c.page, c.text) for c in chunks] == [(1, text.strip()), (2, text.strip())]
    assert [c.ordinal for c in chunks] == [0, 1]


def test_whitespace_only_segments_make_no_chunks():
    assert chunk_document(make_doc(), 500, 50) == []
    assert chunk_document(make_doc(Segment("  \n\n \t ", 1), Segment("\n", 2)), 500, 50) == []


def test_tiny_segments_join_the_next_one_on_the_same_page():
    heading = Segment("Prices", 2, "Prices")
    body = Segment(SENTENCE * 6, 2, "Bikes")
    chunks = chunk_document(make_doc(heading, body), 1000, 100)

    assert len(heading.text) < TINY_SEGMENT_CHARS
    [chunk] = chunks
    assert chunk.text.startswith("Prices\n\nThe Trail 500")
    assert (chunk.page, chunk.page_end, chunk.section) == (2, 2, "Bikes")


def test_two_pages_are_never_joined():
    cover = Segment("Harbour Bikes price list 2024", 1)
    body = Segment(SENTENCE * 6, 2)
    chunks = chunk_document(make_doc(cover, body, Segment("Thank you.", 3)), 1000, 100)

    assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (2, 2), (3, 3)]
    assert chunks[0].text == "Harbour Bikes price list 2024"


def test_tiny_segments_stay_apart_when_page_and_section_both_differ():
    chunks = chunk_document(make_doc(Segment("Short A", 1, "A"), Segment("Short B", 2, "B")), 1000, 0)
    assert [(c.text, c.page, c.section) for c in chunks] == [("Short A", 1, "A"), ("Short B", 2, "B")]


def test_without_page_numbers_tiny_parts_of_one_section_join():
    chunks = chunk_document(
        make_doc(Segment("Opening hours", None, "Shop"), Segment("Open 9am to 6pm.", None, "Shop"),
                 Segment("Returns within 30 days.", None, "Returns")),
        1000,
        0,
    )
    assert [(c.text, c.section) for c in chunks] == [
        ("Opening hours\n\nOpen 9am to 6pm.", "Shop"),
        ("Returns within 30 days.", "Returns"),
    ]
    assert all(c.page is None and c.page_end is None for c in chunks)


def test_long_text_without_separators_is_still_cut_to_size():
    text = "".join(str(i) for i in range(1500))  # no spaces, no line breaks
    chunks = chunk_document(make_doc(Segment(text, 1)), 400, 50)
    assert all(len(c.text) <= 400 for c in chunks)
    assert all(c.text in text for c in chunks)
    assert text.startswith(chunks[0].text) and text.endswith(chunks[-1].text)
    assert sum(len(c.text) for c in chunks) >= len(text)  # nothing dropped


def test_sentences_keep_their_full_stop():
    doc = make_doc(Segment(" ".join(f"Sentence number {i} ends here." for i in range(60)), 4))
    chunks = chunk_document(doc, 150, 0)
    assert len(chunks) > 1
    assert all(c.text.endswith(".") for c in chunks)
    assert all(not c.text.startswith(".") for c in chunks)


def test_overlap_carries_context_between_chunks():
    doc = make_doc(Segment(" ".join(f"Line {i} of the returns policy." for i in range(40)), 1))
    chunks = chunk_document(doc, 200, 60)
    for a, b in zip(chunks, chunks[1:]):
        assert b.text[:20] in a.text  # each chunk starts inside the previous one


def test_bad_sizes():
    doc = make_doc(Segment(SENTENCE * 10, 1))
    assert chunk_document(doc, 100, 500)  # an oversized overlap is clamped, not fatal
    with pytest.raises(ValueError):
        chunk_document(doc, 0, 0)


class TestRowRanges:
    """Spreadsheet chunks know their rows; a chunk never mixes two sheets."""

    def test_each_chunk_has_the_rows_of_its_own_lines(self, settings):
        rows = ["Product,Size,Price"] + [f"Bike {n},M,{1000 + n}.00" for n in range(1, 120)]
        doc = read_document("stock.csv", "\n".join(rows).encode(), settings)
        chunks = chunk_document(doc, size=200, overlap=40)

        assert len(chunks) > 10
        for chunk in chunks:
            numbers = [int(line.split("Bike ")[1].split(" ")[0]) + 1 for line in chunk.text.split("\n")
                       if line.startswith("Product: Bike ") and line.endswith(".00")]  # whole rows only
            assert numbers, chunk.text
            assert chunk.row_start <= min(numbers) and max(numbers) <= chunk.row_end
            assert chunk.row_end - chunk.row_start <= len(chunk.text.split("\n"))  # no wider than its lines
        assert chunks[0].row_start == 1 and chunks[-1].row_end == 120

    def test_sheets_are_never_mixed_and_keep_their_names(self, settings):
        doc = parsed("prices.xlsx", settings)
        chunks = chunk_document(doc, size=settings.chunk_size, overlap=settings.chunk_overlap)

        assert {c.section for c in chunks} == {"Prices", "Stock"}
        for chunk in chunks:
            other = "Stock" if chunk.section == "Prices" else "Prices"
            assert not any(s.section == other and s.text in chunk.text for s in doc.segments)
        [ridge] = [c for c in chunks if "Ridge 27" in c.text]
        assert (ridge.section, ridge.page) == ("Prices", None)
        assert ridge.row_start <= 6 <= ridge.row_end
        [bell] = [c for c in chunks if "Bell Classic" in c.text]
        assert (bell.section, bell.row_end) == ("Stock", 6)

    def test_other_documents_have_no_rows(self, settings):
        chunks = chunk_document(parsed("handbook.docx", settings), size=200, overlap=0)
        assert all(c.row_start is None and c.row_end is None for c in chunks)

    def test_the_same_row_text_in_two_places_keeps_two_ids(self):
        a = chunk_id("f" * 64, None, "Prices", "Product: Bell", (3, 3))
        b = chunk_id("f" * 64, None, "Prices", "Product: Bell", (9, 9))
        assert a != b
        assert chunk_id("f" * 64, 2, None, "text") == chunk_id("f" * 64, 2, None, "text", None)


class TestPassageLimit:
    """A file that would make too many passages is refused with the number and what to do."""

    def test_past_the_limit_while_splitting(self, settings):
        doc = parsed("text-3-pages.pdf", settings)
        with pytest.raises(BadFileError) as caught:
            chunk_document(doc, size=100, overlap=0, max_passages=3)
        assert caught.value.user_message == (
            "This file would make more than 3 passages to search, over the limit for one file. "
            "Split it into smaller files and upload them again."
        )
        assert len(chunk_document(doc, size=100, overlap=0, max_passages=100)) > 3

    def test_clearly_past_the_limit_before_splitting(self):
        doc = make_doc(*[Segment(SENTENCE * 20, page) for page in range(1, 200)])
        with pytest.raises(BadFileError) as caught:
            chunk_document(doc, size=1000, overlap=150, max_passages=50)
        assert "more than 50 passages" in caught.value.user_message

    def test_the_default_limit_is_the_setting(self, settings):
        from core.chunking import DEFAULT_MAX_PASSAGES

        assert DEFAULT_MAX_PASSAGES == settings.max_passages
