"""``python -m core show``: the headless citation viewer is a contract (real files; the command runs in this
process through ``tests.cli``, the same entry point as ``python -m core``)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from core.ingest import add_files
from core.library import Library
from tests.builders import make_docx
from tests.test_cli import run
from tests.test_viewer_pdf import layout_pdf, yellow

@pytest.fixture
def library(settings):
    lib = Library(settings)
    data, _ = layout_pdf()
    add_files(lib, [("Deposits.pdf", data),
                    ("Hours.docx", make_docx([("Opening hours", "We open at nine and close at six."),
                                              ("Parking", "Park behind the shop <b>for free</b>.")]))])
    return lib


def test_a_page_with_the_text_marked(library, tmp_path):
    out = tmp_path / "page.png"
    proc, payload = run("show", "Deposits.pdf", "--page", "1", "--highlight", "The deposit is 200 dollars per bike.",
                        "--png", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    assert set(payload) >= {"file", "page", "found", "boxes", "png"}
    assert (payload["file"], payload["page"], payload["found"], payload["png"]) == ("Deposits.pdf", 1, True, str(out))
    (x0, y0, x1, y1), = payload["boxes"]
    assert abs(x0 - 40) < 1.5 and y0 < 110 < y1  # the line printed at x 40, baseline 110
    image = Image.open(out)
    assert image.size == (round(400 * payload["scale"]), round(300 * payload["scale"]))
    assert yellow(image) > 300
    # the same box, in pixels, is where the yellow is
    s = payload["scale"]
    assert yellow(image.crop((int(x0 * s), int(y0 * s), int(x1 * s) + 1, int(y1 * s) + 1))) > 300


def test_text_that_is_not_there_is_not_found_and_not_marked(library, tmp_path):
    out = tmp_path / "page.png"
    proc, payload = run("show", "Deposits.pdf", "--page", "1", "--highlight", "The deposit is 250 dollars per bike.",
                        "--png", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    assert payload["found"] is False and payload["boxes"] == []
    assert yellow(Image.open(out)) == 0
    proc, _ = run("show", "Deposits.pdf", "--page", "1", "--png", str(out))  # no --highlight: a plain page
    assert proc.returncode == 0 and proc.stdout.strip() == f"Page 1 of Deposits.pdf saved to {out}."
    assert yellow(Image.open(io.BytesIO(out.read_bytes()))) == 0


def test_a_word_file_gives_its_section_as_html(library, tmp_path):
    proc, payload = run("show", "Hours.docx", "--highlight", "Park behind the shop", "--png", str(tmp_path / "x.png"),
                        "--json")
    assert proc.returncode == 0, proc.stderr
    assert set(payload) >= {"found", "section", "html"} and "png" not in payload
    assert payload["found"] is True and payload["section"] == "Parking"
    assert "<mark>Park behind the shop</mark>" in payload["html"]
    assert "&lt;b&gt;for free&lt;/b&gt;" in payload["html"]
    assert not (tmp_path / "x.png").exists()
    proc, payload = run("show", "Hours.docx", "--section", "Opening hours", "--json")
    assert payload["found"] is False and "We open at nine" in payload["html"] and "<mark>" not in payload["html"]


@pytest.mark.parametrize("args, sentence", [
    (("Nowhere.pdf", "--page", "1", "--png", "x.png"), "There is no document called 'Nowhere.pdf' in your library"),
    (("Deposits.pdf", "--page", "9", "--png", "x.png"), "Page 9 doesn't exist; this document has 1 page."),
    (("Deposits.pdf", "--png", "x.png"), "Say which page to show with --page N."),
    (("Deposits.pdf", "--page", "1"), "Say where to save the page image with --png OUT.png."),
    (("Deposits.pdf", "--page", "1", "--png", "/no/such/folder/x.png"), "Groundwork couldn't save the image"),
])
def test_mistakes_get_one_plain_sentence_and_exit_1(library, args, sentence):
    proc, _ = run("show", *args, "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert sentence in proc.stderr and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_removed_document_says_when(library):
    library.remove("Deposits.pdf")
    proc, _ = run("show", "Deposits.pdf", "--page", "1", "--png", "x.png")
    assert proc.returncode == 1 and proc.stderr.startswith("This document was removed from your library on ")
