"""Labels shown to people: one wording for sizes, counts, page lists and places."""
from __future__ import annotations

from core.labels import human_size, page_list, pages_label, plural
from core.place import Place


class TestSizes:
    def test_decimal_units_as_ollama_shows_them(self):
        assert human_size(2_019_393_189) == "2.0 GB"
        assert human_size(4_920_753_328) == "4.9 GB"
        assert human_size(274_302_450) == "274 MB"
        assert human_size(512) == "512 bytes"
        assert human_size(1) == "1 byte"
        assert human_size(None) == ""


class TestCounts:
    def test_plural(self):
        assert plural(1, "page") == "1 page"
        assert plural(1234, "word") == "1,234 words"
        assert plural(3, "person", "people") == "3 people"
        assert pages_label(0) == "no page numbers"
        assert pages_label(1) == "1 page"


class TestPageLists:
    def test_single_pair_and_ranges(self):
        assert page_list([4]) == "page 4"
        assert page_list([5, 2]) == "pages 2 and 5"
        assert page_list([4, 5, 6, 7, 8, 9]) == "pages 4–9"
        assert page_list([1, 3, 5, 6, 7, 12]) == "pages 1, 3, 5–7 and 12"
        assert page_list(list(range(1, 40, 2)), limit=3) == "pages 1, 3, 5 and 17 more"
        assert page_list([]) == ""


class TestPlaces:
    def test_pages_sections_and_sheet_rows(self):
        assert Place(3).label() == "page 3"
        assert Place(3, 5).label() == "pages 3–5"
        assert Place(3, 3).label() == "page 3"
        assert Place(None, None, "Returns").label() == "section “Returns”"
        assert Place(None, None, "Prices", 12, 30).label() == "Sheet Prices, rows 12–30"
        assert Place(None, None, "Prices", 7, 7).label() == "Sheet Prices, row 7"
        assert Place().label() == "start of document"


def test_one_place_for_every_result_type_said_the_same_way_everywhere():
    from core.answer.prompt import source_block
    from core.place import Place
    from core.types import Chunk, Passage, SearchResult, Segment

    sheet = Place(section="Prices", row_start=12, row_end=30)
    assert Segment("x", None, "Prices", rows=(12, 30)).place == sheet
    assert Chunk("id", "x", "f.xlsx", None, None, "Prices", 0, row_start=12, row_end=30).place == sheet
    result = SearchResult("id", "f.xlsx", None, None, "Prices", "x", 1.0, row_start=12, row_end=30)
    assert result.place == sheet and result.passage(1).place == sheet
    assert Place.of(result.as_dict()) == sheet == Place.of(result.passage(1).as_dict())  # the dict forms too
    assert sheet.label() == "Sheet Prices, rows 12–30"
    assert sheet.prompt_attributes() == {"sheet": "Prices", "rows": "12-30"}
    assert Place(4, 5).prompt_attributes() == {"pages": "4-5"} and Place(4, 4).prompt_attributes() == {"page": "4"}
    assert Place(section='Say "hi"').prompt_attributes() == {"section": 'Say "hi"'}
    assert Place().prompt_attributes() == {}
    block = source_block(Passage(2, "f.xlsx", None, None, "Prices", "Trail 500: 1299", row_start=12, row_end=30))
    assert block.startswith('<source n="2" file="f.xlsx" sheet="Prices" rows="12-30">')
    assert 'section="Say \'hi\'"' in source_block(Passage(1, "f.docx", section='Say "hi"', text="x"))
    try:
        sheet.page = 3
    except AttributeError:
        pass
    else:
        raise AssertionError("a Place can't be changed")
