"""A photo or picture of paperwork (.jpg, .png) as taken, with the lines that back up a claim marked.

The picture is turned upright by its EXIF orientation (as ingest does), read again by the same text
recognition that put its text in the library, and the wanted lines are found among the recognised
characters (``core.viewer.textmatch``) and marked like on a scanned PDF page. Boxes here are in the
upright picture's pixels; the shown picture is scaled to ``width`` pixels and the marks with it.
"""
from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Sequence, Union

from core.documents import ocr
from core.errors import AppError
from core.viewer.pdf_page import PageImage, PageMarks, _lines, draw_marks
from core.viewer.textmatch import Keyed, locate_all, merged

SCREEN_WIDTH = 1000  # pixels the picture is shown at, at 100% zoom
MAX_WIDTH = 3000
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MSG_DAMAGED = "Groundwork couldn't open this picture to show it; download the original to see it."

# Pictures read again by text recognition (seconds each): the last few kept.
_READ: "OrderedDict[bytes, tuple[list[str], list]]" = OrderedDict()
_READ_KEPT = 12
_READ_LOCK = threading.Lock()


def is_photo(name_or_kind: str) -> bool:
    kind = str(name_or_kind).lower()
    return kind.endswith(PHOTO_SUFFIXES) or f".{kind}" in PHOTO_SUFFIXES


def _upright(data: bytes):
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        return ImageOps.exif_transpose(image)
    except Exception:  # a damaged picture: the original can still be downloaded
        raise AppError(MSG_DAMAGED) from None


class Photo:
    """An open picture: mark text on it and render it for the screen."""

    def __init__(self, source: Union[str, Path, bytes]):
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self._key = hashlib.blake2b(data, digest_size=16).digest()
        self.image = _upright(data)
        self.size = (float(self.image.width), float(self.image.height))

    def _read(self) -> tuple[list[str], list]:
        with _READ_LOCK:
            if self._key in _READ:
                _READ.move_to_end(self._key)
                return _READ[self._key]
        found = ocr.located_chars(self.image)
        with _READ_LOCK:
            _READ[self._key] = found
            while len(_READ) > _READ_KEPT:
                _READ.popitem(last=False)
        return found

    def locate(self, targets: Sequence[str], loose: bool = False) -> PageMarks:
        """Boxes (pixels of the upright picture) around every line of ``targets`` found in it."""
        if not any(t and t.strip() for t in targets):
            return PageMarks(1, self.size)
        chars, rects = self._read()
        matches = locate_all(Keyed.of(chars), targets, loose=loose)
        spans = merged(s for m in matches for s in m.spans)
        boxes = [rects[i] for a, b in spans for i in range(a, b + 1) if rects[i] is not None]
        return PageMarks(1, self.size, _lines(boxes), matches)

    def render(self, targets: Sequence[str] = (), width: int = SCREEN_WIDTH, loose: bool = False) -> PageImage:
        """The picture ``width`` pixels wide (never enlarged past its own size), the ``targets`` marked."""
        marks = self.locate(targets, loose)
        width = max(100, min(int(width), MAX_WIDTH, self.image.width))
        scale = width / self.image.width
        shown = self.image.convert("RGB").resize((width, max(1, round(self.image.height * scale))))
        return PageImage(marks, scale, draw_marks(shown, marks.boxes, scale))


def first_mark_fraction(marks: PageMarks) -> Optional[float]:
    """How far down the page (0 top, 1 bottom) the first marked line starts; None when nothing is marked."""
    if not marks.boxes or not marks.size[1]:
        return None
    return max(0.0, min(1.0, min(b[1] for b in marks.boxes) / marks.size[1]))
