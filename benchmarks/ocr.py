"""OCR throughput: scanned pages read per minute, next to the same pages read from their text layer.

The corpus is made here: the first ``--pages`` pages of the sample employee
handbook (text-dense A4) are rendered at ``--dpi`` (150: a typical office
scan), roughened a little (grey paper, dust, slight tilt), saved as JPEG and
put back into a PDF as pictures, so the PDF has no text layer at all. The
baseline, in the same run, is the original PDF's same pages read from their
text layer (what Groundwork does for a PDF that was never scanned).

Both are read with ``core.documents.read_document`` in one child process,
after the OCR engine has been loaded (timed separately) and run once on a
small picture (warm-up). ``--repeats`` reads each, the median counts. Wall and
CPU seconds are both reported with the load average: on a busy shared machine
wall time is mostly waiting for a core. Word recall is the share of the text
layer's words (lower case, letters and digits only) that the OCR text also has.

Prints one JSON object on stdout; progress on stderr. No network.
Run: ``python benchmarks/ocr.py [--pages 8] [--dpi 150] [--repeats 3]``
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from common import log  # noqa: E402 — after common, as above

SOURCE = common.SAMPLE_DOCS / "Employee_Handbook.pdf"


def scanned_copy(source: bytes, pages: int, dpi: int) -> tuple[bytes, bytes]:
    """(scanned PDF, text PDF) of the first ``pages`` pages of ``source``."""
    import pypdfium2 as pdfium
    from fpdf import FPDF
    from PIL import Image, ImageDraw
    from pypdf import PdfReader, PdfWriter

    doc = pdfium.PdfDocument(source)
    scan = FPDF(format="A4")
    rng = random.Random(3)
    for i in range(pages):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(0.4, resample=Image.BICUBIC, fillcolor=255).point(lambda v: int(30 + v * 0.85))
        draw = ImageDraw.Draw(image)
        for _ in range(400):
            draw.point((rng.randrange(image.width), rng.randrange(image.height)), fill=rng.randrange(80, 190))
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=70)
        scan.add_page()
        scan.image(io.BytesIO(jpeg.getvalue()), x=0, y=0, w=210, h=297)
    doc.close()
    text = PdfWriter()
    for page in PdfReader(io.BytesIO(source)).pages[:pages]:
        text.add_page(page)
    out = io.BytesIO()
    text.write(out)
    return bytes(scan.output()), out.getvalue()


def words(text: str) -> Counter:
    return Counter(w for w in (re.sub(r"[^a-z0-9]", "", t) for t in text.lower().split()) if w)


def child(scan_path: str, text_path: str, repeats: int) -> dict:
    from PIL import Image

    from core.documents import ocr, read_document
    from core.settings import load_settings

    settings = load_settings(environ={}, data_dir=Path(scan_path).parent / "data")
    started = time.perf_counter()
    ocr.engine()
    load_s = time.perf_counter() - started
    ocr.recognise(Image.new("RGB", (400, 100), "white"))  # warm-up
    scan, text = Path(scan_path).read_bytes(), Path(text_path).read_bytes()
    runs = {"ocr": [], "text": []}
    docs = {}
    for _ in range(repeats):
        for label, data in (("ocr", scan), ("text", text)):
            wall, cpu = time.perf_counter(), time.process_time()
            docs[label] = read_document(f"{label}.pdf", data, settings)
            runs[label].append((time.perf_counter() - wall, time.process_time() - cpu))
    truth = words("\n".join(s.text for s in docs["text"].segments))
    seen = words("\n".join(s.text for s in docs["ocr"].segments))
    recall = sum(min(n, seen[w]) for w, n in truth.items()) / max(sum(truth.values()), 1)
    return {"runs": runs, "engine_load_s": load_s, "word_recall": recall,
            "ocr_pages": docs["ocr"].triage.ocr_pages, "mean_confidence": docs["ocr"].triage.ocr_confidence}


def summarise(result: dict, pages: int) -> dict:
    def rate(label: str) -> dict:
        wall = common.median([w for w, _ in result["runs"][label]])
        cpu = common.median([c for _, c in result["runs"][label]])
        return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                "pages_per_minute": round(pages * 60 / wall, 1), "pages_per_cpu_minute": round(pages * 60 / cpu, 1)}

    ocr, text = rate("ocr"), rate("text")
    return {
        "ocr": {**ocr, "seconds_per_page": round(ocr["seconds"] / pages, 2), "pages": pages,
                "pages_read_by_ocr": len(result["ocr_pages"]), "engine_load_s": round(result["engine_load_s"], 2),
                "mean_confidence": result["mean_confidence"], "word_recall": round(result["word_recall"], 4)},
        "baseline_text_layer": text,
        "ocr_vs_text_layer_time": round(ocr["seconds"] / max(text["seconds"], 1e-9), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    common.block_network()
    if args.child:
        common.emit(child(*args.child, args.repeats))
        return
    import importlib.metadata as meta

    with common.temp_dir("gw-bench-ocr-") as tmp:
        scan, text = scanned_copy(SOURCE.read_bytes(), args.pages, args.dpi)
        (tmp / "scan.pdf").write_bytes(scan)
        (tmp / "text.pdf").write_bytes(text)
        log(f"reading {args.pages} scanned pages ({args.dpi} dpi) x {args.repeats} ...")
        load_before = os.getloadavg()
        out = subprocess.run([sys.executable, __file__, "--repeats", str(args.repeats), "--child",
                              str(tmp / "scan.pdf"), str(tmp / "text.pdf")],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
    common.emit({
        "benchmark": "ocr",
        "engine": f"rapidocr {meta.version('rapidocr')} (PP-OCRv6 small, ONNX Runtime {meta.version('onnxruntime')})",
        "source": f"{SOURCE.name}, first {args.pages} pages rendered at {args.dpi} dpi as a scan",
        "repeats": args.repeats,
        **summarise(result, args.pages),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    })


if __name__ == "__main__":
    main()
