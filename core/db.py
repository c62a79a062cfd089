"""The one SQLite database (``groundwork.db``): connections, transactions and numbered migrations.

Everything Groundwork keeps besides the originals and the vectors lives in this file: the
document registry, passages and their keyword index (the library), conversations and ratings
(the history). Both use this module, so there is one way to connect and one schema history.

Connections
    One connection per thread (Streamlit runs each browser session in its own thread), in
    autocommit mode: a plain ``execute`` reads; writes go through ``transaction()``, which
    takes SQLite's write lock at the start (``BEGIN IMMEDIATE``), so two writers never
    deadlock half-way. WAL mode lets readers go on while a writer writes. ``secure_delete``
    overwrites removed text in the file instead of leaving it in free pages.

Migrations
    ``MIGRATIONS[i]`` upgrades a database from version ``i`` to ``i + 1``; the version is
    ``PRAGMA user_version``. Version 0 is a database made before migrations existed (or a new
    file): migration 1 is that release's schema, written with ``IF NOT EXISTS`` so an existing
    library passes through it untouched. Each migration runs in its own transaction together
    with the version bump, and the version is checked again inside it, so two processes
    opening the same old database upgrade it once. Never edit a released migration: add one.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterator, Union

from core.errors import LibraryError

# --------------------------------------------------------------------------- the schema history

_V1_LIBRARY = """
CREATE TABLE IF NOT EXISTS documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    status      TEXT NOT NULL,            -- 'indexing' | 'ready'
    pages       INTEGER NOT NULL DEFAULT 0,
    words       INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    triage_json TEXT NOT NULL DEFAULT '{}',
    versions    INTEGER NOT NULL DEFAULT 1,
    added_at    TEXT NOT NULL,
    embedder    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_name ON documents(name, status);
CREATE TABLE IF NOT EXISTS segments (
    doc_id  INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    page    INTEGER,
    section TEXT,
    text    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_doc ON segments(doc_id, page);
CREATE TABLE IF NOT EXISTS chunks (
    rowid    INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    doc_id   INTEGER NOT NULL,
    ordinal  INTEGER NOT NULL,
    page     INTEGER,
    page_end INTEGER,
    section  TEXT,
    text     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    title, section, text, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS pending_deletes (
    doc_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    kind   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    at     TEXT NOT NULL,
    kind   TEXT NOT NULL,              -- 'added' | 'replaced' | 'removed'
    name   TEXT NOT NULL
);
"""

_V1_HISTORY = """
CREATE TABLE IF NOT EXISTS conversations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    content         TEXT NOT NULL,
    citations_json  TEXT NOT NULL DEFAULT '[]',
    meta_json       TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages(created_at);
CREATE TABLE IF NOT EXISTS feedback (
    message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    rating      INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
"""


def _v2(db: sqlite3.Connection) -> None:
    """Places inside spreadsheets, a write counter for other processes, and no removed names kept.

    - ``chunks``/``segments`` gain a row range (a spreadsheet's rows 12-30).
    - ``meta`` holds ``generation``, raised by every write, so a long-running reader (the app)
      notices another process's changes and reopens the vector store.
    - ``events`` keeps a hash of the document name instead of the name: the library can still
      say when a document was removed, without keeping the names of removed files.
    - ``ingest_jobs`` records batches being added, so an interrupted one is reported, not lost.
    """
    for table in ("chunks", "segments"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN row_start INTEGER")
        db.execute(f"ALTER TABLE {table} ADD COLUMN row_end INTEGER")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.execute("INSERT INTO meta(key, value) VALUES ('generation', 1)")
    db.execute("ALTER TABLE events ADD COLUMN name_hash TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT rowid, name FROM events").fetchall()
    db.executemany("UPDATE events SET name_hash = ?, name = '' WHERE rowid = ?",
                   [(name_hash(r[1]), r[0]) for r in rows])
    db.execute("CREATE INDEX events_by_name ON events(name_hash, kind)")
    db.execute("""CREATE TABLE ingest_jobs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        total       INTEGER NOT NULL,
        done        INTEGER NOT NULL DEFAULT 0,
        files_json  TEXT NOT NULL DEFAULT '[]'   -- the names, in order
    )""")


READY = "ready"  # a document whose vectors, passages and keywords are all stored; any other status is unfinished


def _v4(db: sqlite3.Connection) -> None:
    """One definition of a finished document: the view ``ready_documents``.

    Everything that lists, searches or looks up documents reads the view, so what "ready" means
    is written once, here; only storing, recovering and removing touch ``documents`` itself.
    SQLite keeps the view's text and expands ``*`` each time it is read, so columns added to
    ``documents`` later show through.
    """
    db.execute(f"CREATE VIEW IF NOT EXISTS ready_documents AS SELECT * FROM documents WHERE status = '{READY}'")


def _v5(db: sqlite3.Connection) -> None:
    """The keyword index written the way people type (``core.text.normalize.index_text``): numbers in one
    form, accents folded, hyphenated words also solid. Every passage's row is written again from
    ``chunks``, and the index is merged so no row in the old form stays in the file."""
    from core.text.normalize import fts_row, title_of

    rows = db.execute("SELECT c.rowid, d.name, c.section, c.text FROM chunks c JOIN documents d ON d.id = c.doc_id"
                      ).fetchall()
    db.execute("DELETE FROM chunks_fts")
    db.executemany("INSERT INTO chunks_fts(rowid, title, section, text) VALUES (?,?,?,?)",
                   [fts_row(r[0], title_of(r[1]), r[2], r[3]) for r in rows])
    db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")


def name_hash(name: str) -> str:
    """What the events table keeps instead of a document's name."""
    import hashlib

    return hashlib.sha256(("groundwork-event|" + str(name)).encode("utf-8")).hexdigest()[:32]


_V6_FOLDERS = """
CREATE TABLE IF NOT EXISTS kept_folders (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    path              TEXT NOT NULL UNIQUE,      -- absolute, as the owner's computer names it
    added_at          TEXT NOT NULL,
    last_pass_at      TEXT,                      -- the last pass that tried (UTC ISO)
    last_reached_at   TEXT,                      -- the last pass that could read the folder
    unreachable_since TEXT,                      -- first failed pass since it was last reached
    last_error        TEXT NOT NULL DEFAULT '',  -- one plain sentence
    pending_json      TEXT NOT NULL DEFAULT '[]',-- removals waiting for the owner's yes (relative paths)
    pending_since     TEXT
);
CREATE TABLE IF NOT EXISTS folder_files (
    folder_id INTEGER NOT NULL REFERENCES kept_folders(id) ON DELETE CASCADE,
    rel_path  TEXT NOT NULL,                     -- inside the folder, with '/' between parts
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    sha256    TEXT NOT NULL DEFAULT '',
    doc_id    INTEGER,                           -- the document this file keeps in step (the source marker)
    state     TEXT NOT NULL,                     -- 'in' | 'skipped' | 'failed' | 'waiting'
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (folder_id, rel_path)
);
CREATE INDEX IF NOT EXISTS folder_files_doc ON folder_files(doc_id);
CREATE TABLE IF NOT EXISTS changes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,                     -- UTC ISO
    file      TEXT NOT NULL,
    action    TEXT NOT NULL,    -- added|replaced|renamed|removed|skipped|failed|unreachable|reached|waiting|kept
    detail    TEXT NOT NULL DEFAULT '',          -- one plain sentence: why, or what changed
    previous  TEXT NOT NULL DEFAULT '',          -- renamed: the name before
    by_kind   TEXT NOT NULL,                     -- 'folder' | 'person'
    by_name   TEXT NOT NULL,                     -- the folder's path, or 'you'
    user_name TEXT NOT NULL DEFAULT '',          -- which person, once several people sign in
    folder_id INTEGER
);
CREATE INDEX IF NOT EXISTS changes_by_time ON changes(at);
CREATE INDEX IF NOT EXISTS changes_by_previous ON changes(previous, action);
"""

# Past questions and the replies given, imported from the owner's files (CSV/XLSX, mbox/.eml) as examples
# to train on, kept with the history's approved answers (``core.advisor.example_store``).
_V3_PAST_EXAMPLES = """
CREATE TABLE IF NOT EXISTS past_examples (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    UNIQUE (question, answer)
);
"""

# People who sign in when the owner shares Groundwork with staff (issue 20), their sign-in sessions,
# documents only the owner sees, whose each conversation is, and the questions the team asked.
_V7_PEOPLE = """
CREATE TABLE IF NOT EXISTS people (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role                TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash       TEXT NOT NULL,                -- argon2id, never the password
    disabled            INTEGER NOT NULL DEFAULT 0,
    failed_logins       INTEGER NOT NULL DEFAULT 0,   -- wrong passwords since the last right one
    locked_until        REAL,                         -- epoch seconds; NULL: not locked
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_sessions (
    token_hash  TEXT PRIMARY KEY,                     -- sha256 of the cookie's token; the token is not kept
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  REAL NOT NULL,
    expires_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_sessions_person ON login_sessions(person_id);
CREATE TABLE IF NOT EXISTS team_questions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,                          -- UTC ISO
    person    TEXT NOT NULL,
    question  TEXT NOT NULL,
    outcome   TEXT NOT NULL                           -- 'answered' | 'not_found' | 'failed' | 'cancelled'
);
CREATE INDEX IF NOT EXISTS team_questions_by_time ON team_questions(at);
"""


def _v7(db: sqlite3.Connection) -> None:
    for statement in _statements(_V7_PEOPLE):
        db.execute(statement)
    _add_column(db, "documents", "only_owner INTEGER NOT NULL DEFAULT 0")  # 1: only the owner sees it
    _add_column(db, "conversations", "person TEXT NOT NULL DEFAULT ''")  # '': the owner on this computer


def _add_column(db: sqlite3.Connection, table: str, column: str) -> None:
    """``ALTER TABLE ... ADD COLUMN`` unless the column is there already (a migration met twice)."""
    if column.split()[0] not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
        db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")

Migration = Union[str, Callable[[sqlite3.Connection], None]]
MIGRATIONS: tuple[Migration, ...] = (
    _V1_LIBRARY + _V1_HISTORY,  # 0 -> 1: the schema of the first release
    _v2,  # 1 -> 2
    _V3_PAST_EXAMPLES,  # 2 -> 3: imported past question/reply pairs
    _v4,  # 3 -> 4: the ready_documents view
    _v5,  # 4 -> 5: the keyword index normalised (core.text.normalize)
    _V6_FOLDERS,  # 5 -> 6: kept folders, their files, and the change log (issue 21)
    _v7,  # 6 -> 7: people, sign-in sessions, owner-only documents, team questions (issue 20)
)
VERSION = len(MIGRATIONS)

# --------------------------------------------------------------------------- connections

OPEN_FAILED = ("Groundwork couldn't open its database in {folder}; check that the folder exists and "
               "that you may write to it, then start Groundwork again.")
TOO_NEW = ("This library was made by a newer version of Groundwork; update Groundwork to open it "
           "(your documents are untouched).")


def connect(path: Union[str, Path]) -> sqlite3.Connection:
    """A new autocommit connection with the settings every part of Groundwork relies on."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a crash can't corrupt the file; a power cut may lose the last moments.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")  # removed text is overwritten, not left in free pages
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Everything inside commits together or not at all; the write lock is taken at the start."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to ``VERSION``; returns the number of migrations applied."""
    if version(conn) > VERSION:
        raise LibraryError(TOO_NEW)
    applied = 0
    while version(conn) < VERSION:
        with transaction(conn):
            current = version(conn)  # again, under the write lock: another process may have done it
            if current >= VERSION:
                break
            step = MIGRATIONS[current]
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {current + 1}")
        applied += 1
    return applied


def _statements(script: str) -> list[str]:
    """A script as single statements (``executescript`` would commit the open transaction)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]


class Database:
    """The database file at ``path``: one connection per thread, upgraded once on open."""

    def __init__(self, path: Union[str, Path]):
        self.path = Path(path)
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self.conn())
        except sqlite3.Error as exc:
            raise LibraryError(OPEN_FAILED.format(folder=self.path.parent)) from exc
        except OSError as exc:
            raise LibraryError(OPEN_FAILED.format(folder=self.path.parent)) from exc

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (made on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.path)
        return conn

    def transaction(self):
        return transaction(self.conn())

    def generation(self) -> int:
        """Raised by every write to the library; another process's write shows up here."""
        row = self.conn().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def bump_generation(conn: sqlite3.Connection) -> None:
        """Inside a write transaction: tell every reader that the library changed."""
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
