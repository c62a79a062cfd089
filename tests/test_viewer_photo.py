"""A photo of paperwork opened from an answer: the picture as taken, the recognised lines marked (issue 22)."""
from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image

from core.ingest import add_files
from core.library import Library
from core.viewer.photo import Photo, first_mark_fraction
from tests.conftest import FIXTURES
from tests.test_pages_source_view import chat, cite, image_of, shown


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def marked_pixels(png: bytes) -> int:
    """Highlighter yellow: strong red and green, little blue."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g > 170 and b < 140)


def test_the_photo_marks_the_line_that_backs_the_claim():
    photo = Photo(FIXTURES / "receipt-photo.jpg")
    shot = photo.render(["Total 27.50"])
    assert shot.marks.found and len(shot.marks.boxes) == 1
    plain = photo.render([])
    assert not plain.marks.found
    assert marked_pixels(shot.png()) > 200 + marked_pixels(plain.png())
    assert 0.0 < first_mark_fraction(shot.marks) < 1.0


def test_open_page_1_on_a_photo_shows_the_photo_with_the_lines_marked(settings):
    lib = Library(settings)
    (report,) = add_files(lib, [("delivery_note_photo.jpg", (FIXTURES / "receipt-photo.jpg").read_bytes())])
    assert report.status == "added"
    mid = cite(lib, "What was the total on the receipt?", "The total was 27.50 [1].")
    at = chat()
    at.button(key=f"chat_page_{mid}_1").click().run()
    assert not at.exception
    image = image_of(at)
    assert image["marked"] and image["alt"] == "Picture delivery_note_photo.jpg, with the supporting lines highlighted"
    png = base64.b64decode(re.search(r"base64,([^']+)'", shown(at)).group(1))
    assert marked_pixels(png) > 200
    assert "data-gw-anchor" in shown(at)  # the dialog opens scrolled to the first mark
