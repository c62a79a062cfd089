"""Pictures (.png, .jpg): a photo or scan of a document, read by text recognition as one page.

The picture's size is read from its header before any pixel is decoded, and
refused past ``max_image_megapixels`` (Pillow's own bomb guard is only a
warning at that size). A phone photo is turned upright by its EXIF
orientation before reading.

Memory budget: one decoded copy of the picture, at most ``max_image_megapixels``
x 4 bytes (240 MB at the default 60), plus the reduced copy text recognition
reads (at most twice ``ocr.MAX_SIDE_PX`` on its longest side, 64 MB). The
picture is reduced right after decoding, before anything else copies it; a JPEG
is reduced while it is decoded (``draft``), so it never takes its full size.
Measured with a 59-megapixel PNG: 1.2 GB peak before, see
``tests/test_image_memory.py`` for the bound now held.
"""
from __future__ import annotations

import io
import logging
import warnings

from core.documents import messages as msg
from core.documents import ocr
from core.documents.limits import TextBudget
from core.errors import BadFileError
from core.settings import Settings
from core.types import Progress, Segment, Triage

log = logging.getLogger(__name__)


def _open(data: bytes, settings: Settings):
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            megapixels = image.width * image.height / 1e6
            if megapixels > settings.max_image_megapixels:
                raise BadFileError(msg.msg_image_too_large(megapixels, settings.max_image_megapixels))
            _reduce_while_decoding(image)
            image.load()  # decode now: a truncated file fails here, not inside the OCR engine
            image = _reduced(image)  # the full-size copy is let go here, before any other copy is made
            return ImageOps.exif_transpose(image)
    except BadFileError:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard: far past any limit of ours
        raise BadFileError(msg.msg_image_too_large(None, settings.max_image_megapixels)) from None
    except Exception:  # UnidentifiedImageError, OSError (truncated), ...
        raise BadFileError(msg.MSG_IMAGE_DAMAGED) from None


def _factor(image) -> int:
    """A whole-number shrink that keeps the longest side at ``ocr.MAX_SIDE_PX`` or more (OCR resizes the rest)."""
    return max(1, max(image.size) // ocr.MAX_SIDE_PX)


def _reduce_while_decoding(image) -> None:
    if image.format == "JPEG" and _factor(image) > 1:  # the JPEG decoder shrinks by 1/2, 1/4 or 1/8 for free
        image.draft("RGB", (image.width // _factor(image), image.height // _factor(image)))


def _reduced(image):
    factor = _factor(image)
    if factor == 1:
        return image
    small = image.reduce(factor)
    small.info = dict(image.info)  # keeps the EXIF orientation and transparency
    image.close()
    return small


def read_image(data: bytes, settings: Settings, progress: Progress) -> tuple[list[Segment], Triage]:
    image = _open(data, settings)
    progress(0.05, "Reading the picture with text recognition")
    found = ocr.recognise(image, settings.ocr_low_confidence)
    triage = Triage(pages=1)
    if not found.text.strip():
        triage.empty_pages = [1]
        triage.warnings.append(msg.WARN_IMAGE_NO_TEXT)
        return [], triage
    text = TextBudget(settings).take(found.text)
    triage.words = len(text.split())
    triage.ocr_pages = [1]
    triage.ocr_confidence = found.confidence
    triage.warnings.append(msg.WARN_IMAGE_OCR)
    if found.below(settings.ocr_low_confidence):
        triage.low_confidence_pages = [1]
        triage.warnings.append(msg.WARN_IMAGE_LOW_CONFIDENCE)
    return [Segment(text, 1, ocr_confidence=found.confidence)], triage
