"""Pictures (.png, .jpg): a photo or scan of a document, read by text recognition as one page.

The picture's size is read from its header before any pixel is decoded, and
refused past ``max_image_megapixels`` (Pillow's own bomb guard is only a
warning at that size). A phone photo is turned upright by its EXIF
orientation before reading.
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
            image.load()  # decode now: a truncated file fails here, not inside the OCR engine
            return ImageOps.exif_transpose(image)
    except BadFileError:
        raise
    except Image.DecompressionBombError:  # Pillow's own guard: far past any limit of ours
        raise BadFileError(msg.msg_image_too_large(None, settings.max_image_megapixels)) from None
    except Exception:  # UnidentifiedImageError, OSError (truncated), ...
        raise BadFileError(msg.MSG_IMAGE_DAMAGED) from None


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
