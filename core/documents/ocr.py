"""Text recognition (OCR) for scanned pages and photos, offline.

The engine is RapidOCR (``rapidocr``, Apache-2.0) running the PP-OCRv6 small
detection and recognition models (Apache-2.0, from PaddleOCR) that ship inside
its wheel, on ONNX Runtime. The model files are named explicitly, so the
engine never looks for (or downloads) anything: it works offline from the
moment ``pip install`` finishes. It is loaded once per process, on first use.

``recognise(image)`` returns the text as lines (boxes on the same baseline
joined left to right) and a confidence between 0 and 1: the engine's own score
per box, averaged with each box weighted by its length.

The engine's per-line "upside down?" classifier is switched off: measured here,
it turned lines of justified text (wide word gaps) upside down and they read
as nonsense (confidence ~0.6 instead of 0.99). A whole page that reads badly
is tried once more turned round (a page scanned upside down), and the better
reading is kept.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

log = logging.getLogger(__name__)

# Pages whose recognised text scores below this are flagged as hard to read (``Settings.ocr_low_confidence``).
LOW_CONFIDENCE = 0.80
# Images are handed over at most this many pixels on their longest side (the engine's own cap).
MAX_SIDE_PX = 2000

_lock = threading.Lock()
_engine: Any = None


@dataclass(frozen=True)
class OcrText:
    text: str  # lines separated by "\n"; "" when nothing was recognised
    confidence: Optional[float]  # None when nothing was recognised
    boxes: int = 0

    def below(self, threshold: float) -> bool:
        return self.confidence is not None and self.confidence < threshold


def _model_paths() -> dict[str, str]:
    import rapidocr

    models = Path(rapidocr.__file__).resolve().parent / "models"
    return {
        "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
        "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
        "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
    }


def engine() -> Any:
    """The process's one OCR engine (loaded on first use; about a second)."""
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr import RapidOCR

            params = {"Global.log_level": "error", "Global.use_cls": False, **_model_paths()}
            _engine = RapidOCR(params=params)
        return _engine


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels


def _lines(boxes, texts, scores) -> list[list[tuple[float, str, float, Rect]]]:
    """Group boxes into lines: a box whose vertical centre falls inside a line's band joins it.
    Each line holds (left, text, score, rectangle) left to right."""
    items = []
    for box, text, score in zip(boxes, texts, scores):
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        items.append((min(ys), max(ys), min(xs), str(text).strip(), float(score), (min(xs), min(ys), max(xs), max(ys))))
    items.sort(key=lambda it: (it[0], it[2]))
    lines: list[tuple[float, float, list]] = []
    for top, bottom, left, text, score, rect in items:
        if not text:
            continue
        centre = (top + bottom) / 2
        if lines and lines[-1][0] <= centre <= lines[-1][1]:
            lines[-1][2].append((left, text, score, rect))
        else:
            lines.append((top, bottom, [(left, text, score, rect)]))
    return [sorted(words) for _, _, words in lines]


def recognise(image, low_confidence: float = LOW_CONFIDENCE) -> OcrText:
    """Read the text in a PIL image (turned round once when it reads below ``low_confidence``)."""
    image = _prepare(image)
    first = _read(image)
    if not first.below(low_confidence):  # read well, or nothing to read at all
        return first
    turned = _read(image.rotate(180))
    better = turned.confidence is not None and turned.confidence > (first.confidence or 0.0) + 0.05
    return turned if better else first


def located_chars(image) -> tuple[list[str], list[Optional[Rect]]]:
    """The text of ``image`` read upright, one string per character in the order ``recognise`` puts
    it, with each character's box in the image's pixels (None for the spaces and line breaks
    between boxes). A box's characters share its width evenly: the engine gives boxes, not letters,
    and a mark only needs to cover the right stretch of a line."""
    prepared = _prepare(image)
    shrink = image.width / prepared.width if prepared.width else 1.0  # back to the image's pixels
    result = engine()(prepared)
    texts = list(result.txts or ())
    chars: list[str] = []
    rects: list[Optional[Rect]] = []
    for n, line in enumerate(_lines(result.boxes, texts, result.scores) if texts else ()):
        for m, (_, word, _, (x0, y0, x1, y1)) in enumerate(line):
            if n or m:
                chars.append(" " if m else "\n")
                rects.append(None)
            step = (x1 - x0) / max(len(word), 1)
            for i, ch in enumerate(word):
                chars.append(ch)
                rects.append(((x0 + i * step) * shrink, y0 * shrink, (x0 + (i + 1) * step) * shrink, y1 * shrink))
    return chars, rects


def _prepare(image):
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        from PIL import Image

        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")  # transparent means paper, not black
        image = Image.alpha_composite(background, rgba)
    image = image.convert("RGB")
    if max(image.size) > MAX_SIDE_PX:
        image = image.copy()
        image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    return image


def _read(image) -> OcrText:
    result = engine()(image)
    texts = list(result.txts or ())
    if not texts:
        return OcrText("", None)
    lines = _lines(result.boxes, texts, result.scores)
    text = "\n".join(" ".join(word for _, word, _, _ in line) for line in lines)
    weights = [(len(word), score) for line in lines for _, word, score, _ in line]
    total = sum(w for w, _ in weights)
    confidence = sum(w * s for w, s in weights) / total if total else None
    return OcrText(text, round(confidence, 4) if confidence is not None else None, len(texts))
