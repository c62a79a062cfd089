"""``python -m core ask`` talking over loopback to a stand-in Ollama in this process (once as a real process)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.builders import make_docx, make_pdf
from tests.cli import core
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin, dead_host
from tests.prompts import sources_in

HANDBOOK = [
    "Annual leave. Full-time staff receive 25 days of paid holiday each year, plus public holidays.",
    "Pay day. Wages are paid on the last Friday of every month by bank transfer.",
]


def process(*args, env_extra=None, timeout=300):
    """A real ``python -m core`` process."""
    env = os.environ.copy()
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)
    return proc


def run(*args, env_extra=None):
    """The command in this process (``tests.cli``): what the process boundary adds is tested above."""
    return core(*args, env_extra=env_extra)


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ask-docs")
    (folder / "Employee_Handbook.pdf").write_bytes(make_pdf(HANDBOOK))
    (folder / "Opening_Hours.docx").write_bytes(make_docx([("Opening hours", "We open at nine and close at six.")]))
    data = tmp_path_factory.mktemp("ask-data")
    proc = run("ingest", str(folder), "--json", "--data-dir", str(data))
    assert proc.returncode == 0, proc.stderr
    return data


def quote_leave(request):
    for src in sources_in(request):
        if "25 days" in src["text"]:
            return ["Full-time staff receive ", "25 days of paid holiday ", f"each year [{src['n']}", "]."]
    return ["The documents don't say."]


def test_ask_json_with_a_running_model(library_dir):
    with OllamaStandin() as ollama:
        ollama.enqueue_chat(quote_leave)
        proc = process("ask", "How many days of annual leave do staff get?", "--json", "--data-dir", str(library_dir),
                       env_extra={"OLLAMA_HOST": ollama.host})
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)  # exactly one JSON document, from a real process
        assert out["answer"] == "Full-time staff receive 25 days of paid holiday each year [1]."
        assert out["found"] is True and out["mode"] == "llm"
        [cited] = out["citations"]
        assert {"n", "file", "page", "text"} <= set(cited)
        assert (cited["n"], cited["file"], cited["page"]) == (1, "Employee_Handbook.pdf", 1)
        assert "25 days" in cited["text"]
        assert cited["quote"] == "Full-time staff receive 25 days of paid holiday each year, plus public holidays."
        assert cited["matched_by_groundwork"] is False and out["matched"] == [] and out["unsupported"] == []
        [body] = ollama.bodies("/api/chat")
        assert body["options"]["num_ctx"] >= 2048


def test_ask_human_output_streams_then_lists_sources(library_dir):
    with OllamaStandin() as ollama:
        ollama.enqueue_chat(quote_leave)
        proc = run("ask", "How many days of annual leave do staff get?", "--data-dir", str(library_dir),
                   env_extra={"OLLAMA_HOST": ollama.host})
    assert proc.returncode == 0, proc.stderr
    assert "25 days of paid holiday" in proc.stdout
    assert "[1] Employee_Handbook.pdf, page 1" in proc.stdout


def test_ask_with_ollama_down_shows_passages_and_exits_0(library_dir):
    proc = run("ask", "How many days of annual leave do staff get?", "--json", "--data-dir", str(library_dir),
               env_extra={"OLLAMA_HOST": dead_host()})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["mode"] == "search_only" and out["found"] is True
    assert "Ollama isn't running" in out["answer"]
    assert out["citations"] and out["citations"][0]["file"] == "Employee_Handbook.pdf"
    assert out["citations"][0]["page"] == 1 and out["citations"][0]["n"] == 1
    assert out["error_kind"] == "not_running" and out["notice"]


def test_ask_about_something_not_in_the_documents(library_dir):
    with OllamaStandin() as ollama:
        proc = run("ask", "Who won the football world cup in 1966?", "--json", "--data-dir", str(library_dir),
                   env_extra={"OLLAMA_HOST": ollama.host})
        assert ollama.calls("/api/chat") == []
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["found"] is False and out["citations"] == [] and out["answer"] == "I couldn't find this in your documents."


def test_ask_marks_a_source_matched_by_groundwork(library_dir):
    with OllamaStandin() as ollama:
        ollama.enqueue_chat(["Full-time staff receive 25 days of paid holiday each year. ",
                             "They also get a company car and a free gym membership."])
        proc = run("ask", "How many days of annual leave do staff get?", "--data-dir", str(library_dir),
                   env_extra={"OLLAMA_HOST": ollama.host})
    assert proc.returncode == 0, proc.stderr
    assert "[1] Employee_Handbook.pdf, page 1 (source matched by Groundwork)" in proc.stdout
    assert "Not clearly supported by your documents: They also get a company car" in proc.stdout
