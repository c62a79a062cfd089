"""``ingest --only-owner``, ``search --as NAME`` and ``ask --as NAME``: a person's access on the command line,
exactly as the app applies it (real library, real ``ollama`` client over HTTP to the stand-in)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from core.db import connect
from tests.builders import make_pdf
from tests.cli import core
from tests.ollama_standin import OllamaStandin
from tests.prompts import sources_in

SECRET = "quillbanter"
PAYROLL = [f"Payroll. Annual leave pay for {SECRET} grade staff is {4100 + i} dollars a month." for i in range(4)]
HANDBOOK = ["Annual leave. Full-time staff receive 25 days of paid holiday leave each year.",
            "Pay day. Wages are paid on the last Friday of every month."]


def add_person(data, name: str, role: str, disabled: int = 0) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn = connect(data / "groundwork.db")
    conn.execute("INSERT INTO people(name, role, password_hash, disabled, created_at, password_changed_at) "
                 "VALUES (?,?,?,?,?,?)", (name, role, "not-a-real-hash", disabled, now, now))
    conn.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    files = tmp_path_factory.mktemp("vis-files")
    (files / "Handbook.pdf").write_bytes(make_pdf(HANDBOOK))
    (files / "private").mkdir()
    (files / "private" / "Payroll.pdf").write_bytes(make_pdf(PAYROLL))
    data = tmp_path_factory.mktemp("vis-data")
    assert core("ingest", str(files / "Handbook.pdf"), "--json", "--data-dir", str(data)).returncode == 0
    ran = core("ingest", str(files / "private"), "--only-owner", "--json", "--data-dir", str(data))
    assert ran.returncode == 0, ran.stderr
    assert [f["status"] for f in ran.json()["files"]] == ["added"]
    add_person(data, "Sam", "staff")
    add_person(data, "Maria", "owner")
    add_person(data, "Old", "staff", disabled=1)
    return data


def test_ingest_only_owner_says_so_in_plain_words(tmp_path):
    (tmp_path / "Lease.pdf").write_bytes(make_pdf(["Lease. The rent is 2,000 a month."]))
    ran = core("ingest", str(tmp_path / "Lease.pdf"), "--only-owner", "--data-dir", str(tmp_path / "data"))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().endswith("Marked Only me: your staff never find, see or count these documents.")
    plain = core("ingest", str(tmp_path / "Lease.pdf"), "--data-dir", str(tmp_path / "other"))
    assert "Only me" not in plain.stdout


def test_ingest_only_owner_marks_the_documents(data):
    docs = {d["file"]: d for d in core("library", "--json", "--data-dir", str(data)).json()["documents"]}
    assert docs["Payroll.pdf"]["only_owner"] is True and docs["Handbook.pdf"]["only_owner"] is False


@pytest.mark.parametrize("who", ["Sam", "sam"])
def test_search_as_staff_never_finds_it(data, who):
    for question in (SECRET, f"{SECRET} pay", "annual leave pay"):
        ran = core("search", question, "--as", who, "--k", "8", "--json", "--data-dir", str(data))
        assert ran.returncode == 0, ran.stderr
        assert all(r["file"] == "Handbook.pdf" for r in ran.json()["results"])
        assert SECRET not in ran.stdout


def test_search_as_the_owner_or_without_as_finds_it(data):
    for extra in (("--as", "Maria"), ()):
        ran = core("search", f"{SECRET} pay", *extra, "--json", "--data-dir", str(data))
        assert ran.returncode == 0, ran.stderr
        assert ran.json()["results"][0]["file"] == "Payroll.pdf"


@pytest.mark.parametrize("who", ["Nobody", "Old"])
def test_an_unknown_or_disabled_name_is_refused_in_one_sentence(data, who):
    for command in (("search", "leave"), ("ask", "leave")):
        ran = core(*command, "--as", who, "--json", "--data-dir", str(data))
        assert ran.returncode == 1 and ran.stdout == ""
        assert ran.stderr.strip() == (f"There is no enabled account called '{who}'; check the name with "
                                      "\"python -m core users list\".")


def test_staff_naming_the_document_get_the_same_refusal_as_for_one_that_isnt_there(data):
    one = core("search", "pay", "--as", "Sam", "--file", "Payroll.pdf", "--data-dir", str(data))
    other = core("search", "pay", "--as", "Sam", "--file", "Lease.pdf", "--data-dir", str(data))
    assert one.returncode == other.returncode == 1 and SECRET not in one.stderr
    assert one.stderr.replace("Payroll.pdf", "X") == other.stderr.replace("Lease.pdf", "X")


def cite_everything(request):
    """A model that quotes and cites every source it was given (so anything given would show)."""
    return [" ".join(f"{s['text'][:80]} [{s['n']}]." for s in sources_in(request)) or "The documents don't say."]


def team_rows(data) -> list[tuple]:
    conn = connect(data / "groundwork.db")
    try:
        return [tuple(r) for r in conn.execute("SELECT person, question, outcome FROM team_questions ORDER BY id")]
    finally:
        conn.close()


def test_ask_as_staff_never_sends_quotes_or_cites_it_and_is_logged(data):
    question = f"How much is the {SECRET} annual leave pay?"
    before = team_rows(data)
    with OllamaStandin() as ollama:
        ollama.enqueue_chat(cite_everything)
        ran = core("ask", question, "--as", "Sam", "--json", "--data-dir", str(data),
                   env_extra={"OLLAMA_HOST": ollama.host})
        bodies = ollama.bodies("/api/chat")
    assert ran.returncode == 0, ran.stderr
    out = ran.json()
    given = [s for body in bodies for s in sources_in(body)]
    assert given and {s["file"] for s in given} == {"Handbook.pdf"}  # the model read the handbook only
    assert "Payroll" not in json.dumps(bodies) and "4101" not in json.dumps(bodies)
    shown = out["citations"] + out["consulted"] + out["closest"]
    assert {c["file"] for c in shown} <= {"Handbook.pdf"} and "4101" not in ran.stdout
    assert SECRET not in out["answer"] and "Payroll" not in ran.stdout
    assert team_rows(data)[len(before):] == [("Sam", question, "answered" if out["found"] else "not_found")]


def test_ask_as_the_owner_reads_it_and_is_not_logged(data):
    before = team_rows(data)
    with OllamaStandin() as ollama:
        ollama.enqueue_chat(cite_everything)
        ran = core("ask", f"How much is the {SECRET} pay?", "--as", "Maria", "--json", "--data-dir", str(data),
                   env_extra={"OLLAMA_HOST": ollama.host})
        sent = json.dumps(ollama.bodies("/api/chat"))
    assert ran.returncode == 0, ran.stderr
    assert SECRET in sent and any(c["file"] == "Payroll.pdf" for c in ran.json()["citations"])
    assert team_rows(data) == before
