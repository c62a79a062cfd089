"""The database: connections, transactions, and migrations that upgrade an owner's existing library.

``tests/fixtures/release-1-library`` is a data folder written by the first release (before
migrations existed: ``user_version`` 0), holding two documents (one replaced once), one
removed document, and a conversation with a rated answer. It was made with the first
release's own code (see ``make_release1_library`` below for what it did).
"""
from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from core import db as database
from core.history import History
from core.library import Library
from core.search import search
from core.settings import load_settings
from core.types import Feedback
from tests.conftest import FIXTURES

RELEASE_1 = FIXTURES / "release-1-library"

# What the first release's code did to make the fixture (kept for the record; run at commit 17b8891):
make_release1_library = """
lib.ingest("Handbook.pdf", make_pdf(["Staff receive 25 days of paid annual leave.", "The workshop opens at 8 am. ..."]))
lib.ingest("Prices.docx", make_docx([("Bikes", "The Trail 500 costs 1299 dollars."), ("Service", "...59 dollars.")]))
lib.ingest("Old.pdf", make_pdf(["An old price list that was removed."]))
lib.ingest("Handbook.pdf", make_pdf(["Staff receive 26 days of paid annual leave.", "..."]))   # replaced
lib.remove("Old.pdf")
History: one conversation, "How many days of leave?", an answer citing Handbook.pdf page 1, rated +1 "spot on"
"""


@pytest.fixture
def old_library(data_dir):
    shutil.copytree(RELEASE_1, data_dir)
    return data_dir


class TestMigrations:
    def test_fixture_is_a_first_release_database(self):
        with sqlite3.connect(RELEASE_1 / "groundwork.db") as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
            assert "meta" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}

    def test_new_database_gets_every_migration(self, tmp_path):
        db = database.Database(tmp_path / "new.db")
        assert database.version(db.conn()) == database.VERSION
        assert db.generation() == 1

    def test_old_library_opens_upgraded_with_nothing_lost(self, old_library):
        settings = load_settings()
        lib = Library(settings)
        assert database.version(lib.db.conn()) == database.VERSION
        docs = {d.file: d for d in lib.documents()}
        assert set(docs) == {"Handbook.pdf", "Prices.docx"}
        assert docs["Handbook.pdf"].versions == 2
        assert lib.vector_count() == lib.chunk_count() > 0
        assert lib.original_path("Prices.docx").exists()
        [top] = search(lib, "how many days of annual leave", k=1)
        assert (top.file, top.page) == ("Handbook.pdf", 1) and "26 days" in top.text
        assert lib.stats().replacements == 1
        # removed names are no longer kept, but the removal date still is
        with sqlite3.connect(settings.db_path) as conn:
            assert conn.execute("SELECT count(*) FROM events WHERE name != ''").fetchone()[0] == 0
        assert lib.removed_on("Old.pdf") is not None and lib.removed_on("Handbook.pdf") is None

    def test_old_conversations_keep_answers_and_ratings(self, old_library):
        history = History(load_settings().db_path)
        [conv] = history.conversations()
        question, answer = history.messages(conv["id"])
        assert question.content == "How many days of leave?"
        result = answer.result
        assert result.found and result.citations[0].file == "Handbook.pdf" and result.citations[0].page == 1
        assert answer.feedback == Feedback(1, "spot on")
        assert history.usage_stats().approved == 1

    def test_two_processes_opening_an_old_database_upgrade_it_once(self, old_library):
        path = load_settings().db_path
        errors = []

        def open_it():
            try:
                database.Database(path)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == database.VERSION
            assert conn.execute("SELECT count(*) FROM meta").fetchone()[0] == 1

    def test_a_newer_database_is_refused_in_plain_words(self, tmp_path):
        path = tmp_path / "future.db"
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA user_version = {database.VERSION + 1}")
        with pytest.raises(Exception) as err:
            database.Database(path)
        assert "newer version of Groundwork" in err.value.user_message

    def test_a_failed_migration_leaves_the_old_version(self, tmp_path, monkeypatch):
        path = tmp_path / "half.db"
        database.Database(path)
        conn = database.connect(path)
        conn.execute("PRAGMA user_version = 1")

        def broken(db):
            db.execute("CREATE TABLE half_done (x)")
            raise RuntimeError("power cut")

        monkeypatch.setattr(database, "MIGRATIONS", (database.MIGRATIONS[0], broken))
        with pytest.raises(RuntimeError):
            database.migrate(conn)
        assert database.version(conn) == 1
        assert "half_done" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


class TestConnections:
    def test_pragmas_every_part_relies_on(self, tmp_path):
        conn = database.connect(tmp_path / "x.db")
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1

    def test_transaction_commits_or_rolls_back_as_one(self, tmp_path):
        db = database.Database(tmp_path / "x.db")
        with db.transaction() as tx:
            tx.execute("INSERT INTO conversations(title, created_at, updated_at) VALUES ('a', 'x', 'x')")
        with pytest.raises(ValueError):
            with db.transaction() as tx:
                tx.execute("INSERT INTO conversations(title, created_at, updated_at) VALUES ('b', 'x', 'x')")
                raise ValueError("undo")
        assert [r[0] for r in db.conn().execute("SELECT title FROM conversations")] == ["a"]
