"""The "Check my library" page through Streamlit's AppTest."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.ingest import add_files
from core.library import Library
from core.settings import load_settings
from tests.builders import make_docx, make_pdf
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "selftest.py"), default_timeout=120).run()
    assert not at.exception
    return at


def test_empty_library_says_what_to_do():
    at = page()
    assert "Your library is empty" in at.info[0].value


@pytest.mark.slow
def test_runs_the_check_shows_the_figures_and_keeps_them(data_dir):
    lib = Library(load_settings())
    add_files(lib, [("Handbook.pdf", make_pdf([
        "Annual leave\nFull-time staff receive 25 days of paid holiday each year, plus public holidays.",
        "Pay day\nWages are paid on the last Friday of every month by bank transfer, with a payslip by email.",
        "",  # a scanned page: no text
    ])), ("Prices.docx", make_docx([("Bikes", "Model: Trail 500 | Price: $1,299\nModel: City Glide | Price: $849")]))])
    at = page()
    assert "Press the button" in at.info[0].value
    at.button(key="selftest_run").click().run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == ["How findable is your library", "Right page first", "Right page in the top 3"]
    assert at.metric[0].value.endswith("/ 100")
    assert any("Last checked on" in c.value for c in at.caption)
    assert any("Handbook.pdf" in m.value for m in at.markdown)  # hard to find: its scanned page
    assert any("scanned image" in m.value for m in at.markdown)
    saved = json.loads((data_dir / "selftest.json").read_text())
    assert set(saved) == {"run_at", "questions", "top1", "top3", "findability", "hard_documents"}
    # the last result is still there next time, without running again
    again = page()
    assert again.metric[0].value == at.metric[0].value and not again.info
