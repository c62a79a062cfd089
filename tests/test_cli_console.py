"""Every command works on a Windows console (cp1252): --json is whole UTF-8, human text falls back to "?".

The first command is a real process started with ``PYTHONIOENCODING=cp1252``; the others run in this
process on streams made the same way (``tests.cli.on_console``), which is what the commands see."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import make_pdf
from tests.cli import on_console

ROOT = Path(__file__).resolve().parent.parent
NAME = "…報告.pdf"


def _core(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, timeout=300)


@pytest.mark.slow
def test_every_output_works_on_a_cp1252_console(tmp_path):
    path = tmp_path / NAME
    path.write_bytes(make_pdf(["The quarterly report shows bakery sales rising in spring."]))

    added = _core("ingest", str(path), "--json")
    assert added.returncode == 0, added.stderr.decode("utf-8", "replace")
    assert json.loads(added.stdout.decode("utf-8"))["files"][0]["file"] == NAME  # one whole UTF-8 document

    for args in (("library",), ("search", "bakery sales report"), ("ingest", str(path))):
        human = on_console(*args, encoding="cp1252")
        text = human.stdout.decode("cp1252")
        assert human.returncode == 0, human.stderr.decode("cp1252", "replace")
        assert "…??.pdf" in text and "unexpected" not in human.stderr.decode("cp1252")

    listed = json.loads(on_console("library", "--json", encoding="cp1252").stdout.decode("utf-8"))
    assert [d["file"] for d in listed["documents"]] == [NAME]
    found = json.loads(on_console("search", "bakery sales report", "--json", encoding="cp1252").stdout.decode("utf-8"))
    assert found["results"][0]["file"] == NAME
