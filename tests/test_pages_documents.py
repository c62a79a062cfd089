"""The Documents and Find pages through Streamlit's AppTest (real library underneath)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.ingest import add_files
from core.render import literal_markdown as md
from core.samples import sample_files
from tests.apptest import app_test, few_samples, page, texts


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


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


def test_find_page_shows_highlighted_passages_with_pages(samples_dir, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(tmp_path / "empty"))
    at = page("find.py").run()
    assert "Your library is empty" in texts(at)
    import shutil

    import streamlit as st

    shutil.copytree(samples_dir, data_dir)  # the samples, ingested once per run (conftest)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(data_dir))
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


# -- what a first-time owner ran into (issue 14) ----------------------------------------------
# These go through app.py, as a person does: the sidebar's navigation and the one error boundary.


@pytest.fixture
def app(monkeypatch):
    return lambda: app_test(monkeypatch)


def progress_texts(at: AppTest) -> str:
    return "\n".join(p.text for p in at.get("progress"))


def library_names() -> set[str]:
    from core.library import Library
    from core.settings import load_settings

    return {d.file for d in Library(load_settings()).documents()}


def wait_for_library(names: set[str], timeout: float = 300) -> set[str]:
    """The library as it is once ``names`` are all in it, or as it is when ``timeout`` runs out."""
    import time

    deadline = time.time() + timeout
    have = library_names()
    while not names <= have and time.time() < deadline:
        time.sleep(0.5)
        have = library_names()
    return have


def click_and_leave(at: AppTest, key: str) -> None:
    """Click, and go to the chat 2.5 s later whether or not the page has finished (as the owner did)."""
    try:
        at.button(key=key).click().run(timeout=2.5)
    except RuntimeError:  # still busy after 2.5 s: leaving stops this run, as a browser does
        pass
    at.switch_page("pages/chat.py").run()
    assert not at.exception


def own_files(n: int = 5) -> list[tuple[str, bytes]]:
    from tests.builders import LOREM_TOPICS, make_pdf

    return [(f"Shop notes {i + 1}.pdf", make_pdf([f"Part {i + 1} page {p + 1}. {t}" for p in range(6)
                                                  for t in LOREM_TOPICS][:12])) for i in range(n)]


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    mime = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    at.file_uploader[0].set_value([(name, data, mime[name.rsplit(".", 1)[-1]]) for name, data in files]).run()
    assert not at.exception
    return at


def test_leaving_while_the_samples_load_does_not_stop_them(app, monkeypatch, tmp_path):
    few_samples(monkeypatch, tmp_path / "samples")
    at = app()
    at.switch_page("pages/documents.py").run()
    assert "Your library is empty" in texts(at)
    click_and_leave(at, "load_samples")
    at.switch_page("pages/documents.py").run()
    assert not at.exception
    n = len(sample_files())
    shown = texts(at) + progress_texts(at)
    assert "Adding file" in shown or f"{n} of {n} files added" in shown
    expected = {p.name for p in sample_files()}
    assert wait_for_library(expected) == expected
    at.run()
    assert f"{n} of {n} files added" in texts(at)


def test_leaving_while_own_files_are_added_does_not_stop_them(app):
    files = own_files()
    at = app()
    at.switch_page("pages/documents.py").run()
    upload(at, files)
    click_and_leave(at, "add_files")
    at.switch_page("pages/documents.py").run()
    shown = texts(at) + progress_texts(at)
    assert "Adding file" in shown or f"{len(files)} of {len(files)} files added" in shown
    expected = {name for name, _ in files}
    assert wait_for_library(expected) == expected
    at.run()
    assert f"{len(files)} of {len(files)} files added" in texts(at)


def cards(at: AppTest) -> list[str]:
    """The check results and batch results that name a file, as shown."""
    return [m.value for m in at.markdown if m.value.startswith(("**", "✅", "🔄", "⏭️", "❌"))]


def test_same_file_again_then_a_changed_one_with_the_same_name():
    from tests.builders import LOREM_TOPICS, make_pdf

    first, changed = make_pdf(LOREM_TOPICS), make_pdf(LOREM_TOPICS + ["Opening hours: 9 to 5, Monday to Saturday."])
    at = page("documents.py").run()
    upload(at, [("Handbook.pdf", first)])
    at.button(key="add_files").click().run()
    finish_batch(at)
    assert "1 of 1 file added" in texts(at)
    assert not at.file_uploader[0].value  # the drop box is empty after the run

    # the identical file again: nothing to add, said once, and the drop box is empty again
    upload(at, [("Handbook.pdf", first)])
    assert "Nothing was added" in texts(at) and "already in your library" in texts(at)
    assert not at.file_uploader[0].value

    # a changed version with the same name: one file in the box, one decision, replaced
    upload(at, [("Handbook.pdf", changed)])
    assert len(at.file_uploader[0].value) == 1
    assert "Will replace the version in your library" in texts(at)
    assert "Nothing was added" not in texts(at)
    at.button(key="add_files").click().run()
    finish_batch(at)
    out = texts(at)
    assert "1 of 1 file added" in out and "The earlier version of Handbook.pdf was replaced" in out
    assert "nothing was changed" not in out
    assert not at.file_uploader[0].value
    assert [d.versions for d in runtime_library().documents()] == [2]


def runtime_library():
    from core import runtime

    return runtime.get_library()


def test_one_name_twice_in_one_drop_gets_one_decision():
    from tests.builders import LOREM_TOPICS, make_pdf

    at = page("documents.py").run()
    upload(at, [("Prices.pdf", make_pdf(LOREM_TOPICS[:2])), ("Prices.pdf", make_pdf(LOREM_TOPICS[2:]))])
    shown = [c for c in cards(at) if "Prices.pdf" in c]
    assert len(shown) == 1 and "Will be added" in shown[0]
    assert "You dropped 2 files called Prices.pdf; only the last one counts." in texts(at)
    at.button(key="add_files").click().run()
    finish_batch(at)
    assert "1 of 1 file added" in texts(at)
    assert LOREM_TOPICS[2][:20] in runtime_library().page_text("Prices.pdf", 1)


def add_to_library(items: list[tuple[str, bytes]]) -> None:
    from core.library import Library
    from core.settings import load_settings

    add_files(Library(load_settings()), items)


def button_types(at: AppTest, *keys: str) -> list[str]:
    return [at.button(key=k).proto.type for k in keys]


def test_remove_the_sample_documents_in_one_confirmed_step(library):
    from tests.builders import LOREM_TOPICS, make_pdf

    add_to_library([("Our own price list.pdf", make_pdf(LOREM_TOPICS))])
    at = page("documents.py").run()
    at.button(key="remove_samples").click().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Remove the sample documents?" in warning
    assert button_types(at, "confirm_remove_no", "confirm_remove_yes") == ["primary", "secondary"]
    assert library_names() == {p.name for p in sample_files()} | {"Our own price list.pdf"}  # nothing yet
    at.button(key="confirm_remove_yes").click().run()
    assert not at.exception
    assert library_names() == {"Our own price list.pdf"}
    assert "The sample documents were removed from your library." in texts(at)
    assert "remove_samples" not in [b.key for b in at.button]


def test_remove_several_ticked_documents_at_once(library):
    at = page("documents.py").run()
    frame = at.dataframe[0].value
    ticked = [1, 3]
    key = at.dataframe[0].key
    at.session_state[key] = {"selection": {"rows": ticked, "columns": [], "cells": []}}
    at.run()
    names = [frame["Name"].iloc[i] for i in ticked]
    at.button(key="remove_selected").click().run()
    assert "Remove 2 documents?" in " ".join(w.value for w in at.warning)
    at.button(key="confirm_remove_yes").click().run()
    assert not at.exception
    assert library_names() == {p.name for p in sample_files()} - set(names)
    assert "2 documents were removed from your library." in texts(at)
    # the ticks are forgotten: nothing else is offered for removal by accident
    assert "remove_selected" not in [b.key for b in at.button]


def test_warnings_are_full_sentences_next_to_the_library_table(library):
    from core.library import Library
    from core.settings import load_settings

    warned = {d.file: d.warnings for d in Library(load_settings()).documents() if d.warnings}
    assert warned, "the sample library has a scanned page to warn about"
    at = page("documents.py").run()
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for sentences in warned.values():
        for sentence in sentences:
            assert any(md(sentence) in text for text in shown), sentence
    assert not any("…" in str(v) for v in at.dataframe[0].value.to_numpy().ravel())


def test_check_results_are_full_sentences():
    manual = next(p for p in sample_files() if p.name == "Workshop_Service_Manual.pdf")
    at = page("documents.py").run()
    upload(at, [(manual.name, manual.read_bytes())])
    captions = [c.value for c in at.caption]
    scanned = [c for c in captions if "scanned" in c]  # the scanned page 7, in one full sentence
    assert scanned and all(c.rstrip().endswith(".") and "…" not in c for c in scanned), captions
    assert not at.dataframe or "Will" not in at.dataframe[0].value.columns


def test_cancel_is_the_default_when_removing_one_document():
    from tests.builders import LOREM_TOPICS, make_pdf

    add_to_library([("Handbook.pdf", make_pdf(LOREM_TOPICS))])
    at = page("documents.py").run()
    at.button(key="remove_doc").click().run()
    assert button_types(at, "confirm_remove_no", "confirm_remove_yes") == ["primary", "secondary"]
    assert at.button(key="confirm_remove_no").label == "Cancel"


def test_no_none_in_cells_and_counts_in_plain_words():
    import io

    from docx import Document

    from tests.builders import LOREM_TOPICS, make_docx

    doc = Document(io.BytesIO(make_docx([("Prices", LOREM_TOPICS[2]), ("Rentals", LOREM_TOPICS[4])])))
    table = doc.add_table(rows=2, cols=2)
    for row, (item, price) in zip(table.rows, [("Trail 500", "1299"), ("Helmet", "49")]):
        row.cells[0].text, row.cells[1].text = item, price
    buf = io.BytesIO()
    doc.save(buf)
    add_to_library([("Price list.docx", buf.getvalue())])  # a Word file: no page numbers, one table
    at = page("documents.py").run()
    cells = at.dataframe[0].value.to_numpy().ravel()
    assert not any(v is None or str(v) in ("None", "nan", "NaN") for v in cells), cells
    out = texts(at)
    assert "1 table" in out and "1 tables" not in out
    assert "Will" not in at.dataframe[0].value.columns


def test_confirming_the_removal_of_a_document_removed_meanwhile_is_calm():
    from tests.builders import LOREM_TOPICS, make_pdf

    add_to_library([("A.pdf", make_pdf(LOREM_TOPICS)), ("B.pdf", make_pdf(LOREM_TOPICS[::-1]))])
    at = page("documents.py").run()
    at.button(key="remove_doc").click().run()  # A.pdf, the first one
    from core.library import Library
    from core.settings import load_settings

    Library(load_settings()).remove("A.pdf")  # from another window, or the command line
    at.button(key="confirm_remove_yes").click().run()
    assert not at.exception and not at.error
    assert "That had already been removed from your library." in texts(at)
    assert library_names() == {"B.pdf"}
