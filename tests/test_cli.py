"""The headless interface is a contract (DESIGN section 4): its commands, real files.

The commands run in this process (``tests.cli``: the same entry point, parser and error boundary
as ``python -m core``); ``test_a_real_process_prints_one_json_document`` and the tests in
test_cli_failures.py, test_multiprocess.py and test_privacy.py start real processes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.builders import LOREM_TOPICS, make_docx, make_pdf
from tests.cli import core
from tests.conftest import ROOT


def run(*args, check_json=True):
    proc = core(*args)
    payload = None
    if check_json and proc.returncode == 0 and "--json" in args:
        payload = proc.json()  # exactly one JSON document, nothing else
    return proc, payload


def test_a_real_process_prints_one_json_document(folder, data_dir):
    proc = subprocess.run([sys.executable, "-m", "core", "ingest", str(folder / "sub"), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    assert [(f["file"], f["status"]) for f in json.loads(proc.stdout)["files"]] == [("Hours.docx", "added")]
    proc = subprocess.run([sys.executable, "-m", "core", "library", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert proc.returncode == 0 and proc.stderr == ""
    assert [d["file"] for d in json.loads(proc.stdout)["documents"]] == ["Hours.docx"]


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "incoming"
    (src / "sub").mkdir(parents=True)
    (src / "Handbook.pdf").write_bytes(make_pdf(LOREM_TOPICS))
    (src / "sub" / "Hours.docx").write_bytes(make_docx([("Opening hours", "We open at nine and close at six.")]))
    (src / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (src / "Thumbs.db").write_bytes(b"\0" * 64)  # ignored: not a document (text files are documents now)
    return src


def test_folder_ingest_picks_up_spreadsheets_and_text(tmp_path, data_dir):
    from tests.conftest import FIXTURES

    src = tmp_path / "paperwork"
    src.mkdir()
    for name in ("prices-utf8.csv", "notes.md", "notes.txt", "prices.xlsx"):
        (src / name).write_bytes((FIXTURES / name).read_bytes())
    (src / "old-budget.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100)
    (src / "desktop.ini").write_text("[.ShellClassInfo]")
    proc, out = run("ingest", str(src), "--json")
    assert proc.returncode == 0, proc.stderr
    status = {f["file"]: f["status"] for f in out["files"]}
    assert status == {"prices-utf8.csv": "added", "notes.md": "added", "notes.txt": "added", "prices.xlsx": "added",
                      "old-budget.xls": "failed"}
    [xls] = [f for f in out["files"] if f["file"] == "old-budget.xls"]
    assert xls["error"].startswith("Older Excel .xls files aren't supported")


def test_ingest_library_search_remove(folder, data_dir):
    proc, out = run("ingest", str(folder), "--json")
    assert proc.returncode == 0, proc.stderr
    by_file = {f["file"]: f for f in out["files"]}
    assert set(by_file) == {"Handbook.pdf", "Hours.docx", "broken.pdf"}
    assert by_file["Handbook.pdf"]["status"] == "added" and by_file["Handbook.pdf"]["pages"] == 5
    assert by_file["broken.pdf"]["status"] == "failed" and by_file["broken.pdf"]["error"]
    for f in out["files"]:
        assert set(f) == {"file", "status", "pages", "chunks", "warnings", "error"}

    proc, out = run("ingest", str(folder / "Handbook.pdf"), "--json")
    assert out["files"][0]["status"] == "unchanged"

    proc, out = run("library", "--json")
    docs = {d["file"]: d for d in out["documents"]}
    assert set(docs) == {"Handbook.pdf", "Hours.docx"}
    assert set(docs["Handbook.pdf"]) == {"file", "type", "pages", "chunks", "status", "added_at", "warnings", "only_owner"}
    assert docs["Handbook.pdf"]["only_owner"] is False  # "Only me" is a choice (ingest --only-owner)

    proc, out = run("search", "eye protection grinder", "--k", "2", "--json")
    top = out["results"][0]
    assert (top["file"], top["page"], top["page_end"]) == ("Handbook.pdf", 4, 4)
    assert set(top) == {"file", "page", "page_end", "section", "text", "score"}

    proc, out = run("search", "when do you open", "--file", "Hours.docx", "--json")
    assert out["results"][0]["page"] is None and out["results"][0]["section"] == "Opening hours"

    proc, out = run("remove", "Hours.docx", "--json")
    assert proc.returncode == 0 and out == {"removed": "Hours.docx"}
    proc, out = run("library", "--json")
    assert [d["file"] for d in out["documents"]] == ["Handbook.pdf"]


def test_errors_are_one_sentence_on_stderr_with_exit_1(tmp_path):
    proc, _ = run("ingest", str(tmp_path / "nope.pdf"), "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "no file or folder" in proc.stderr and "Traceback" not in proc.stderr
    proc, _ = run("remove", "Missing.pdf", "--json")
    assert proc.returncode == 1 and "no document called" in proc.stderr
    proc, _ = run("search", "x", "--file", "Missing.pdf", "--json")
    assert proc.returncode == 1


def test_usage_errors_exit_2():
    proc, _ = run("search", check_json=False)
    assert proc.returncode == 2
    proc, _ = run("frobnicate", check_json=False)
    assert proc.returncode == 2
    proc, _ = run("search", "x", "--k", "0", check_json=False)
    assert proc.returncode == 2


def test_eval_shape_and_scoring(folder, tmp_path):
    run("ingest", str(folder), "--json")
    qfile = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "Do I need eye protection at the grinder?", "sources": [{"file": "Handbook.pdf", "page": 4}]},
        {"id": "b", "question": "How big is the rental deposit?", "sources": [{"file": "Handbook.pdf", "page": 5}]},
        {"id": "c", "question": "Who won the 1998 world cup?", "sources": [], "answerable": False},
    ]
    qfile.write_text("\n".join(json.dumps(x) for x in lines))
    proc, out = run("eval", str(qfile), "--k", "3", "--json")
    assert proc.returncode == 0, proc.stderr
    assert out["questions"] == 3 and out["k"] == 3
    assert out["recall_at_k"] == 1.0 and 0 < out["mrr"] <= 1.0
    assert [p["id"] for p in out["per_question"]] == ["a", "b", "c"]
    assert out["per_question"][0]["hit"] is True and len(out["per_question"][0]["results"]) <= 3
    assert out["per_question"][2]["hit"] is None
    # what reaches the model: the right page among the passages that pass the gate
    assert out["context_recall"] == 1.0 and out["gate_kept_answerable"] == 1.0
    assert out["gate_declined_unanswerable"] == 1.0 and out["per_question"][2]["gate"] is False
    assert out["per_question"][0]["context_hit"] is True and out["passages_per_answer"] >= 1
    _, fused = run("eval", str(qfile), "--k", "3", "--no-rerank", "--json")
    assert fused["recall_at_k"] == 1.0 and fused["context_recall"] is None and fused["reranked"] is False
    # page tolerance widens the hit window
    qfile.write_text(json.dumps({"id": "d", "question": "eye protection grinder", "sources": [{"file": "Handbook.pdf", "page": 5}]}))
    _, strict = run("eval", str(qfile), "--k", "1", "--json")
    _, loose = run("eval", str(qfile), "--k", "1", "--page-tolerance", "1", "--json")
    assert strict["recall_at_k"] == 0.0 and loose["recall_at_k"] == 1.0


def test_eval_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "question": "ok"}\nnot json\n')
    proc, _ = run("eval", str(bad), "--json")
    assert proc.returncode == 1 and "Line 2" in proc.stderr


def test_human_output_names_pages_or_says_there_are_none(folder, data_dir):
    proc, _ = run("ingest", str(folder), check_json=False)
    assert proc.returncode == 0, proc.stderr
    assert "Handbook.pdf  (5 pages," in proc.stdout
    assert "Hours.docx  (no page numbers," in proc.stdout  # Word stored no page breaks
    assert "0 pages" not in proc.stdout
    proc, _ = run("library", check_json=False)
    assert "5 pages" in proc.stdout and "no page numbers" in proc.stdout and "0 pages" not in proc.stdout


def test_selftest_writes_questions_searches_and_keeps_the_result(folder, data_dir):
    run("ingest", str(folder), "--json")
    proc, out = run("selftest", "--questions", "8", "--json")
    assert proc.returncode == 0, proc.stderr
    assert {"run_at", "questions", "top1", "top3", "findability", "hard_documents", "documents", "asked"} <= set(out)
    assert out["questions"] == len(out["asked"]) > 0 and 0 <= out["findability"] <= 1
    kept = json.loads((data_dir / "selftest.json").read_text())
    assert kept["run_at"] == out["run_at"] and kept["findability"] == out["findability"]
    proc, _ = run("selftest", check_json=False)
    assert proc.returncode == 0 and "Findability:" in proc.stdout and "out of 100" in proc.stdout
    proc, _ = run("selftest", "--questions", "0", "--json")
    assert proc.returncode == 1 and "--questions" in proc.stderr
