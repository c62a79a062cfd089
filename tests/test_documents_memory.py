"""Memory stays bounded whatever a Word file declares (issue 10: 190 MB of XML once took 2.4 GB).

Each case runs ``read_document`` in a fresh child process and reads that
process's peak resident memory with the stdlib ``resource`` module, before and
after reading, so nothing else in the test run counts.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

resource = pytest.importorskip(
    "resource", reason="peak memory is read with the resource module, which Windows doesn't have"
)

pytestmark = pytest.mark.slow

PARAGRAPH = "<w:p><w:r><w:t>Paragraph {n}: the quick brown fox jumps over the lazy dog near shelf {m}.</w:t></w:r></w:p>"

CHILD = """
import json, resource, sys
from core.documents import read_document
from core.errors import BadFileError
from core.settings import load_settings
settings = load_settings(environ={}, data_dir=sys.argv[2], **json.loads(sys.argv[3]))
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    doc = read_document("big.docx", data, settings)
    outcome = {"segments": len(doc.segments)}
except BadFileError as exc:
    outcome = {"refused": exc.user_message}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, kilobytes elsewhere
outcome["peak_growth_mb"] = (after - before) * scale / 1024 / 1024
print(json.dumps(outcome))
"""


def word_file_with_xml(path, xml_mb: int) -> None:
    """A .docx whose document.xml is ``xml_mb`` MB of ordinary paragraphs, written in pieces."""
    from docx import Document

    seed = io.BytesIO()
    Document().save(seed)
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info.filename))
                continue
            head, tail = src.read(info.filename).decode("utf-8").split("<w:body>", 1)
            with dst.open("word/document.xml", "w", force_zip64=True) as out:
                out.write((head + "<w:body>").encode())
                piece = "".join(PARAGRAPH.format(n=k, m=k % 997) for k in range(5000)).encode()
                for _ in range(xml_mb * 1024 * 1024 // len(piece) + 1):
                    out.write(piece)
                out.write(tail.encode())


def read_in_child(path, tmp_path, **settings) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(tmp_path / "data"), json.dumps(settings)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_190_mb_of_word_xml_is_refused_by_its_declared_size_without_using_memory(tmp_path):
    path = tmp_path / "big.docx"
    word_file_with_xml(path, 190)
    outcome = read_in_child(path, tmp_path)

    assert outcome["refused"].startswith(
        "The text and layout inside this Word file take up 190 MB once unpacked, more than the 25 MB"
    )
    assert outcome["peak_growth_mb"] < 50  # nothing was inflated or parsed


def test_the_largest_word_xml_allowed_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "big.docx"
    word_file_with_xml(path, 9)  # just under a 10 MB limit: read, and measured
    outcome = read_in_child(path, tmp_path, max_xml_mb=10, max_text_chars=50_000_000)

    assert outcome.get("segments") == 1, outcome
    assert outcome["peak_growth_mb"] < 20 * 9  # the parsed tree plus the text: well under 20x the XML
