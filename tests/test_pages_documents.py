"""The Documents and Find pages through Streamlit's AppTest (real library underneath)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.ingest import add_files
from core.samples import sample_files
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=120)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def finish_batch(at: AppTest) -> AppTest:
    """Let the background batch finish (the page polls it once a second in a browser), then look again."""
    from core import runtime

    job = runtime.get_jobs().current()
    assert job is not None, "no batch was started"
    job.wait(300)
    return at.run()


def test_empty_library_offers_samples_and_loads_them():
    at = page("documents.py").run()
    assert not at.exception
    assert "Your library is empty" in texts(at)
    at.button(key="load_samples").click().run()
    assert not at.exception
    finish_batch(at)
    out = texts(at)
    n = len(sample_files())
    assert f"{n} of {n} files added" in out
    frame = at.dataframe[0].value
    assert set(frame["Name"]) == {p.name for p in sample_files()}
    handbook = frame[frame["Name"] == "Employee_Handbook.pdf"].iloc[0]
    assert int(handbook["Pages"]) >= 10
    # the image-only page is reported in plain words
    assert "scanned" in out.lower()


def test_find_page_shows_highlighted_passages_with_pages():
    at = page("find.py").run()
    assert "Your library is empty" in texts(at)
    from core.library import Library
    from core.settings import load_settings

    lib = Library(load_settings())
    add_files(lib, [(p.name, p.read_bytes()) for p in sample_files()])
    import streamlit as st

    st.cache_resource.clear()
    at = page("find.py").run()
    at.text_input(key="find_query").input("return a bike after 45 days")
    at.button(key="find_go").click().run()
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown)
    assert "<mark>" in html.lower()
    shown = html.replace("\\", "")  # file names are escaped so Markdown shows them literally
    assert "Returns_and_Warranty_Policy.pdf" in shown and "page " in shown


def test_remove_needs_confirmation():
    from core.library import Library
    from core.settings import load_settings
    from tests.builders import LOREM_TOPICS, make_pdf

    add_files(Library(load_settings()), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    at = page("documents.py").run()
    assert not at.exception
    at.button(key="remove_doc").click().run()
    assert any("will be removed" in w.value for w in at.warning)
    at.button(key="confirm_remove_no").click().run()
    assert not any("will be removed" in w.value for w in at.warning)
    assert len(Library(load_settings()).documents()) == 1
    at.button(key="remove_doc").click().run()
    at.button(key="confirm_remove_yes").click().run()
    assert not at.exception
    import streamlit as st

    st.cache_resource.clear()
    assert Library(load_settings()).documents() == []
    assert any("was removed" in s.value for s in at.success)
