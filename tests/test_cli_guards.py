"""Command-line guards: a picture is never saved over the library, and messages name every kind read."""
from __future__ import annotations

import pytest

from core.documents.kinds import READ_KINDS
from core.ingest import add_files
from core.library import Library
from tests.builders import make_pdf
from tests.test_cli import run


@pytest.mark.slow
def test_show_refuses_to_save_a_picture_inside_the_data_folder(settings, tmp_path):
    add_files(Library(settings), [("Deposits.pdf", make_pdf(["The deposit is 200 dollars per bike."]))])
    db = settings.db_path
    for target in (db, settings.data_dir / "files" / "page.png", settings.data_dir / "page.png"):
        proc, _ = run("show", "Deposits.pdf", "--page", "1", "--png", str(target))
        assert proc.returncode == 1
        assert proc.stderr.strip().count("\n") == 0 and "data folder" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert db.read_bytes().startswith(b"SQLite format 3\x00")  # not a picture
    assert not (settings.data_dir / "page.png").exists()
    proc, payload = run("library", "--json")  # the library still opens
    assert proc.returncode == 0 and payload["documents"][0]["file"] == "Deposits.pdf"
    proc, _ = run("show", "Deposits.pdf", "--page", "1", "--png", str(tmp_path / "page.png"))  # elsewhere: saved
    assert proc.returncode == 0 and (tmp_path / "page.png").stat().st_size > 0


def test_a_folder_with_nothing_readable_names_every_kind_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "logo.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    proc, _ = run("ingest", str(tmp_path / "in"))
    assert proc.returncode == 1
    said = proc.stderr.strip()
    assert "PDF or Word" not in said and said.count("\n") == 0
    for name, _, shown in READ_KINDS:
        assert name in said and shown in said
