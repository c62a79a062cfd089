"""What a first-time owner ran into (issue 14), done again in a real browser (Debian's Chromium).

Each journey is the one from the issue: leave the Documents page while files are being added and
come back; drop the same file again, then a changed one with the same name; remove several
documents, and the samples, in one confirmed step; Ollama down said once per screen; the empty
chat screen's buttons; the Ollama address typed on Setup; rebuilding the search index.
"""
from __future__ import annotations

import io
import re
import urllib.parse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core.library import Library
from core.samples import sample_files
from core.settings import load_settings
from tests.browser import browser_page, shot, streamlit_app, wait_idle
from tests.builders import LOREM_TOPICS, make_docx, make_pdf
from tests.ollama_standin import OllamaStandin, dead_host

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UPLOAD = "[data-testid='stFileUploader'] input[type='file']"
CHIP = "[data-testid='stFileUploader'] [data-testid='stFileChip']"
DOWN = re.compile(r"isn.t running")  # the page may curl the apostrophe


def go(page, title: str) -> None:
    """Click a page in the sidebar's navigation, as a person does (the session, and its state, go on).

    On a loaded machine a click that lands while the page is being redrawn can be lost, and a person
    clicks again: so does this, until the address is the page's own (at most three clicks).
    """
    link = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True)
    path = urllib.parse.urlsplit(link.get_attribute("href") or "/").path
    for _ in range(3):
        link.click()
        try:
            page.wait_for_function("p => window.location.pathname === p", arg=path, timeout=20_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"three clicks on {title!r} in the sidebar never opened it")


def names_in_library(data_dir) -> set[str]:
    return {d.file for d in Library(load_settings(data_dir=data_dir)).documents()}


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def own_files(folder) -> list[str]:
    """A few files of the owner's own: two PDFs and a Word file with a table."""
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Opening hours.pdf").write_bytes(make_pdf([
        "Millbrook Bakery opens at 7:00 from Monday to Friday and at 8:00 on Saturdays. We close on Sundays.",
        "From 20 December to 2 January we open from 9:00 to 13:00 only."]))
    orders = [f"Cake order {n}: {t.replace('bike', 'cake')} {LOREM_TOPICS[(n + 1) % 5]}"
              for n, t in enumerate(LOREM_TOPICS * 12)]  # 60 pages: long enough to still be adding 2.5 s later
    (folder / "Cake orders.pdf").write_bytes(make_pdf(orders))
    doc = Document(io.BytesIO(make_docx([("Supplier terms", "Flour comes every Tuesday from Hill Farm Mills.")])))
    table = doc.add_table(rows=2, cols=2)
    for row, (item, price) in zip(table.rows, [("Sourdough loaf", "4.50"), ("Rye loaf", "4.20")]):
        row.cells[0].text, row.cells[1].text = item, price
    buf = io.BytesIO()
    doc.save(buf)
    (folder / "Supplier terms.docx").write_bytes(buf.getvalue())
    return [str(folder / n) for n in ("Opening hours.pdf", "Cake orders.pdf", "Supplier terms.docx")]


def test_leaving_while_the_samples_load_and_coming_back(data_dir):
    expected = {p.name for p in sample_files()}
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page(height=1100) as page:
        page.goto(url + "/documents")
        page.get_by_role("button", name="Try it with sample documents").click()
        page.wait_for_timeout(2500)
        go(page, "Ask your documents")  # the owner leaves 2.5 s later
        page.get_by_role("heading", name="Ask your documents").wait_for()
        go(page, "Documents")  # ... and comes back
        page.get_by_role("heading", name="Your documents").wait_for()
        n = len(expected)
        page.get_by_text(re.compile(rf"Adding file \d+ of {n}|{n} of {n} files added")).first.wait_for()
        if page.get_by_text(re.compile(rf"Adding file \d+ of {n}")).count():
            shot(page, "documents-adding")
        page.get_by_text(f"{n} of {n} files added").wait_for(timeout=600_000)
        wait_idle(page)
        assert names_in_library(data_dir) == expected


def test_own_files_added_while_away_then_the_same_name_twice(data_dir, tmp_path):
    files = own_files(tmp_path / "mine")
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page(height=1100) as page:
        page.goto(url + "/documents")
        page.locator(UPLOAD).set_input_files(files)
        add = page.get_by_role("button", name="Add 3 files to my library")
        add.wait_for()
        wait_idle(page)
        shot(page, "documents-own-files-checked")
        add.click()
        page.wait_for_timeout(2500)
        go(page, "Ask your documents")  # files are being added meanwhile: give a loaded machine time
        page.get_by_role("heading", name="Ask your documents").wait_for(timeout=180_000)
        go(page, "Documents")
        page.get_by_text(re.compile(r"Adding file \d of 3|3 of 3 files added")).first.wait_for(timeout=180_000)
        page.get_by_text("3 of 3 files added").wait_for(timeout=300_000)
        wait_idle(page)
        assert names_in_library(data_dir) == {"Opening hours.pdf", "Cake orders.pdf", "Supplier terms.docx"}
        assert page.locator(CHIP).count() == 0  # the drop box is empty after the run

        # the identical file again: nothing to add, and the drop box is empty again
        page.locator(UPLOAD).set_input_files(files[0])
        page.get_by_text("Nothing was added from the 1 file you dropped").wait_for()
        wait_idle(page)
        assert "already in your library" in main_text(page)
        assert page.locator(CHIP).count() == 0

        # a changed version with the same name: one file in the box, one decision
        changed = make_pdf(["Millbrook Bakery now opens at 6:30 from Monday to Friday and at 7:30 on Saturdays."])
        page.locator(UPLOAD).set_input_files([{"name": "Opening hours.pdf", "mimeType": "application/pdf",
                                                "buffer": changed}])
        page.get_by_text("Will replace the version in your library").wait_for()
        wait_idle(page)
        assert page.locator(CHIP).count() == 1
        assert "Nothing was added" not in main_text(page)
        page.get_by_role("button", name="Add 1 file to my library").click()
        page.get_by_text("1 of 1 file added").wait_for(timeout=120_000)
        wait_idle(page)
        text = main_text(page)
        assert "The earlier version of Opening hours.pdf was replaced with this one." in text
        assert "nothing was changed" not in text and "Nothing was added" not in text
        assert page.locator(CHIP).count() == 0
        versions = {d.file: d.versions for d in Library(load_settings(data_dir=data_dir)).documents()}
        assert versions["Opening hours.pdf"] == 2


def tick_rows(page, rows: list[int]) -> None:
    """Tick rows of the library table (a canvas: click each row's checkbox where it is drawn)."""
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row_height = 35  # Streamlit's data grid: header and rows are 35 px high
    for row in rows:
        page.mouse.click(box["x"] + 18, box["y"] + row_height * (row + 1) + row_height / 2)
        page.wait_for_timeout(600)
    wait_idle(page)


def test_remove_ticked_documents_then_the_samples_in_one_step(library):
    from core.ingest import add_files

    add_files(Library(load_settings(data_dir=library)), [("Our price list.pdf", make_pdf(LOREM_TOPICS))])
    names = sorted(names_in_library(library), key=str.lower)
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page(height=1400) as page:
        page.goto(url + "/documents")
        page.get_by_role("heading", name="In your library").wait_for()
        wait_idle(page)
        # warnings in full sentences, not cut off in a cell
        manual = Library(load_settings(data_dir=library)).document("Workshop_Service_Manual.pdf")
        assert manual.warnings and all(w in main_text(page) for w in manual.warnings)

        assert "Our price list.pdf" not in names[:2]
        tick_rows(page, [0, 1])  # two of the samples
        page.get_by_role("button", name="Remove selected (2)…").click()
        page.get_by_text("Remove 2 documents?").wait_for()
        wait_idle(page)
        # Cancel is the main (default) button; removing is the plain one beside it
        assert page.locator("[data-testid='stBaseButton-primary']", has_text="Cancel").count() == 1
        assert page.locator("[data-testid='stBaseButton-secondary']", has_text="Yes, remove").count() == 1
        shot(page, "documents-remove")
        page.get_by_role("button", name="Yes, remove").click()
        page.get_by_text("2 documents were removed from your library.").wait_for()
        wait_idle(page)
        assert names_in_library(library) == set(names) - {names[0], names[1]}

        page.get_by_role("button", name="Remove the sample documents…").click()
        page.get_by_text("Remove the sample documents?").wait_for()
        page.get_by_role("button", name="Yes, remove").click()
        page.get_by_text("The sample documents were removed from your library.").wait_for()
        wait_idle(page)
        assert names_in_library(library) == {"Our price list.pdf"}


def times_said(page, timeout: float = 15.0) -> int:
    """How often the screen says Ollama isn't running, once the page has settled (a rerun just after an
    answer briefly shows the previous run's elements)."""
    import time

    deadline = time.time() + timeout
    count = len(DOWN.findall(page.locator("body").inner_text()))
    while count != 1 and time.time() < deadline:
        page.wait_for_timeout(300)
        count = len(DOWN.findall(page.locator("body").inner_text()))
    return count


def test_ollama_down_is_said_once_on_each_screen(library):
    with streamlit_app({"GROUNDWORK_DATA_DIR": str(library), "OLLAMA_HOST": dead_host()}) as url, \
            browser_page(height=1100) as page:
        page.goto(url)
        page.get_by_role("heading", name="Ask your documents").wait_for()
        page.locator("[data-testid='stChatInput'] textarea").wait_for()
        wait_idle(page)
        assert times_said(page) == 1  # the chat's line, not the sidebar
        box = page.locator("[data-testid='stChatInput'] textarea")
        box.fill("Can a customer return a bike after 45 days?")
        box.press("Enter")
        page.get_by_text("The passages that match your question best").wait_for(timeout=120_000)
        wait_idle(page)
        assert times_said(page) == 1  # now only the answer says it
        for title in ("Documents", "Find in my documents", "Setup"):
            go(page, title)
            page.wait_for_timeout(500)
            wait_idle(page)
            assert times_said(page) == 1, title


def test_setup_ollama_address_and_rebuilding_the_search_index(data_dir):
    from core.ingest import add_files
    from tests.test_library import RenamedMiniLM

    settings = load_settings(environ={}, data_dir=data_dir)
    add_files(Library(settings, RenamedMiniLM()), [("Handbook.pdf", make_pdf(LOREM_TOPICS))])  # another search model
    with OllamaStandin() as ollama, \
            streamlit_app({"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": ""}) as url, \
            browser_page(height=1300) as page:
        page.goto(url + "/setup")
        # the index is shown as needing a rebuild, first thing on the page
        page.get_by_text("Your search index needs rebuilding").wait_for()
        page.get_by_role("button", name="Rebuild the search index…").click()
        page.get_by_text("Rebuild the search index of your 1 document now?").wait_for()
        page.get_by_role("button", name="Rebuild now").click()
        page.get_by_text("The search index is rebuilt: 1 document can be searched again.").wait_for(timeout=120_000)
        wait_idle(page)
        assert not Library(settings).needs_rebuild()

        # the Ollama address typed in a field (no variable to set), saved and checked
        field = page.get_by_role("textbox", name="Ollama address")
        field.fill(ollama.host.removeprefix("http://"))
        page.get_by_role("button", name="Save and check").click()
        page.get_by_text(f"Saved, and Ollama answers at {ollama.host}").wait_for()
        wait_idle(page)
        assert load_settings(environ={}, data_dir=data_dir).ollama_host == ollama.host
        text = main_text(page)
        assert "settings.json" in text and "Where your settings are kept" in text
        shot(page, "setup-address")
