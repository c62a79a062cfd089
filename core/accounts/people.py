"""The owner's list of people: add, list, disable, enable, remove, reset a password, unlock.

Every change that should stop someone using Groundwork (disabled, removed, a new password) ends that
person's sessions in the same transaction, so the next click of any browser they are signed in on finds
no session. Groundwork always keeps at least one enabled owner once the first owner exists (the owner
can't lock everyone out by mistake).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

from core.access import ROLES
from core.accounts.passwords import clean_name, hash_password
from core.errors import NotFoundError, UsageError

LOCK_AFTER = 10  # wrong passwords in a row that pause an account (core/accounts/signin.py)
LAST_OWNER = "Groundwork needs at least one owner who can sign in; add another owner first."


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    disabled: bool
    locked: bool  # paused after too many wrong passwords (until ``locked_until`` or the owner unlocks)
    locked_until: Optional[str]  # local time, for people to read; None when not locked
    signed_in: bool  # has a session that hasn't ended
    created_at: str

    def as_dict(self) -> dict:
        return asdict(self)


def _now_iso(now: float) -> str:
    return datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")


class People:
    """People in the database ``db`` (a ``core.db.Database``); ``clock`` gives epoch seconds (tests pass their own)."""

    def __init__(self, db, clock: Callable[[], float] = time.time):
        self.db = db
        self.clock = clock

    # -- reading

    def list(self) -> list[Person]:
        now = self.clock()
        rows = self.db.conn().execute(
            "SELECT p.*, (SELECT COUNT(*) FROM login_sessions s WHERE s.person_id = p.id AND s.expires_at > ?) AS live "
            "FROM people p ORDER BY p.role = 'staff', p.name COLLATE NOCASE", (now,)).fetchall()
        return [self._person(r, now) for r in rows]

    def get(self, name: str) -> Person:
        now = self.clock()
        row = self.db.conn().execute(
            "SELECT p.*, (SELECT COUNT(*) FROM login_sessions s WHERE s.person_id = p.id AND s.expires_at > ?) AS live "
            "FROM people p WHERE p.name = ?", (now, self._row(name)["name"])).fetchone()
        return self._person(row, now)

    def owner_exists(self) -> bool:
        """Is there an enabled owner account (needed before sharing can be turned on)?"""
        return self.db.conn().execute(
            "SELECT 1 FROM people WHERE role = 'owner' AND disabled = 0 LIMIT 1").fetchone() is not None

    def any(self) -> bool:
        return self.db.conn().execute("SELECT 1 FROM people LIMIT 1").fetchone() is not None

    # -- changing

    def add(self, name: str, role: str, password: str) -> Person:
        name = clean_name(name)
        if role not in ROLES:
            raise UsageError("An account's role is owner or staff; choose one of them.")
        hashed = hash_password(password)  # (slow: outside the write lock)
        stamp = _now_iso(self.clock())
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM people WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"There is already an account called {name}; choose another name.")
            conn.execute("INSERT INTO people (name, role, password_hash, created_at, password_changed_at) "
                         "VALUES (?, ?, ?, ?, ?)", (name, role, hashed, stamp, stamp))
        return self.get(name)

    def set_password(self, name: str, password: str) -> Person:
        """A new password (the owner's reset); every session of that person ends, and any pause is lifted."""
        hashed = hash_password(password)
        with self.db.transaction() as conn:
            row = self._row(name, conn)
            conn.execute("UPDATE people SET password_hash = ?, password_changed_at = ?, failed_logins = 0, "
                         "locked_until = NULL WHERE id = ?", (hashed, _now_iso(self.clock()), row["id"]))
            conn.execute("DELETE FROM login_sessions WHERE person_id = ?", (row["id"],))
        return self.get(name)

    def disable(self, name: str) -> Person:
        with self.db.transaction() as conn:
            row = self._row(name, conn)
            self._keep_an_owner(conn, row)
            conn.execute("UPDATE people SET disabled = 1 WHERE id = ?", (row["id"],))
            conn.execute("DELETE FROM login_sessions WHERE person_id = ?", (row["id"],))
        return self.get(name)

    def enable(self, name: str) -> Person:
        with self.db.transaction() as conn:
            conn.execute("UPDATE people SET disabled = 0 WHERE id = ?", (self._row(name, conn)["id"],))
        return self.get(name)

    def remove(self, name: str) -> str:
        """Remove the account (its sessions go with it); returns the name as it was kept."""
        with self.db.transaction() as conn:
            row = self._row(name, conn)
            self._keep_an_owner(conn, row)
            conn.execute("DELETE FROM login_sessions WHERE person_id = ?", (row["id"],))
            conn.execute("DELETE FROM people WHERE id = ?", (row["id"],))
        return row["name"]

    def unlock(self, name: str) -> Person:
        with self.db.transaction() as conn:
            conn.execute("UPDATE people SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                         (self._row(name, conn)["id"],))
        return self.get(name)

    # -- inside

    def _row(self, name: str, conn=None):
        row = (conn or self.db.conn()).execute("SELECT * FROM people WHERE name = ?",
                                               (str(name or "").strip(),)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no account called {str(name or '').strip()}; "
                                "check the name in the list of people.")
        return row

    @staticmethod
    def _keep_an_owner(conn, row) -> None:
        if row["role"] == "owner" and not row["disabled"] and not conn.execute(
                "SELECT 1 FROM people WHERE role = 'owner' AND disabled = 0 AND id != ?", (row["id"],)).fetchone():
            raise UsageError(LAST_OWNER)

    @staticmethod
    def _person(row, now: float) -> Person:
        locked = bool(row["failed_logins"] >= LOCK_AFTER and row["locked_until"] and row["locked_until"] > now)
        until = (datetime.fromtimestamp(row["locked_until"]).strftime("%H:%M") if locked else None)
        return Person(name=row["name"], role=row["role"], disabled=bool(row["disabled"]), locked=locked,
                      locked_until=until, signed_in=bool(row["live"]), created_at=row["created_at"])
