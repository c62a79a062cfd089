"""The committed sample documents are exactly what sample_docs/render_samples.py makes from sample_docs/src/.

Rendering is deterministic, so the check is byte for byte. The questions' places are checked against
the rendered page keys here; their evidence is checked against the documents' text by the renderer
itself (``python sample_docs/render_samples.py``, which reads the scan by text recognition).
"""
from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT

SAMPLES = ROOT / "sample_docs"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, SAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    renderer = load("render_samples")
    out = tmp_path_factory.mktemp("samples")
    return renderer, out, renderer.render(out)


def test_every_committed_sample_is_rendered_from_its_source(rendered):
    renderer, out, _ = rendered
    names = [*renderer.PDFS, *renderer.DOCXS, renderer.SCAN, renderer.STOCK]
    committed = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".xlsx"))
    assert sorted(names) == committed
    changed = [n for n in names if (out / n).read_bytes() != (SAMPLES / n).read_bytes()]
    assert not changed, f"re-render with `python sample_docs/render_samples.py`: {changed} differ from src/"


def test_questions_follow_their_sources(rendered):
    renderer, _, keymaps = rendered
    sources = [json.loads(line) for line in (SAMPLES / "src" / "questions.jsonl").read_text("utf-8").splitlines()]
    committed = [json.loads(line) for line in (SAMPLES / "questions.jsonl").read_text("utf-8").splitlines()]
    assert [q["id"] for q in committed] == [f"q{n:02d}" for n in range(1, len(sources) + 1)]
    for source, question in zip(sources, committed, strict=True):
        assert question["question"] == source["question"]
        assert question["answerable"] == ("absent" not in source)
        assert [s["file"] for s in question["sources"]] == [s["file"] for s in source.get("sources", [])]
        for s, placed in zip(source.get("sources", []), question["sources"]):
            if s["file"] in keymaps:  # a PDF page named by its key in the source
                assert placed["page"] == keymaps[s["file"]][s["place"]], question["id"]


def test_a_changed_source_changes_the_file(rendered, tmp_path, monkeypatch):
    """The comparison above can fail: one word changed in a source gives different bytes."""
    renderer, out, _ = rendered
    src = tmp_path / "src"
    src.mkdir()
    text = (SAMPLES / "src" / "Store_Operations.md").read_text("utf-8")
    (src / "Store_Operations.md").write_text(text.replace("Eastbridge", "Westbridge", 1), "utf-8")
    monkeypatch.setattr(renderer, "SRC", src)
    renderer.build_docx(tmp_path / "Store_Operations.docx", renderer.source("Store_Operations.docx"))
    assert (tmp_path / "Store_Operations.docx").read_bytes() != (out / "Store_Operations.docx").read_bytes()
