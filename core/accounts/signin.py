"""Signing in, the sessions it starts, and signing out.

Wrong passwords: after ``FREE_TRIES`` in a row, each further try must wait a little longer
(2, 4, 8, 16, then 30 seconds), and the ``LOCK_AFTER``-th pauses the name for
``LOCK_MINUTES`` (the owner can lift it: Setup, or ``core users unlock``). A try during a wait is refused
without looking at the password, and doesn't count. The answer never tells whether a name exists: a name
with no account gets the same sentences and the same waits (counted in memory), and its password check
takes as long (``passwords.verify`` checks it against a stand-in hash).

One sign-in is checked at a time (a lock): argon2 takes ~64 MiB per check, so a burst of tries can't
exhaust the computer's memory, and two tries at once can't slip past the count.

A session lasts ``SESSION_HOURS`` (a working day) from sign-in, then ends whatever happens.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from core.access import Access, access_for_token, token_hash
from core.accounts.passwords import HASHER, MAX_PASSWORD, needs_rehash, verify
from core.accounts.people import LOCK_AFTER

SESSION_HOURS = 10
FREE_TRIES = 3
LOCK_MINUTES = 15

WRONG = "That name and password don't match; check them and try again."
LOCKED = (f"Too many wrong passwords for this name, so signing in with it is paused for {LOCK_MINUTES} "
          "minutes; try again later, or ask the owner to unlock it.")
DISABLED = "This account is switched off; ask the owner to switch it back on."


def wait_seconds(failures: int) -> float:
    """How long the next try must wait after ``failures`` wrong passwords in a row."""
    if failures >= LOCK_AFTER:
        return LOCK_MINUTES * 60.0
    if failures < FREE_TRIES:
        return 0.0
    return float(min(2 ** (failures - FREE_TRIES + 1), 30))


def wait_message(seconds: float) -> str:
    whole = max(1, int(seconds + 0.999))
    return f"Please wait {whole} second{'s' if whole != 1 else ''}, then try again."


@dataclass(frozen=True)
class SignInResult:
    access: Optional[Access]  # None: not signed in
    token: str = ""  # the cookie's value (only when signed in); never stored
    message: str = ""  # one sentence for the sign-in page when not signed in
    wait: float = 0.0  # seconds before the next try may be made

    @property
    def ok(self) -> bool:
        return self.access is not None


class SignIn:
    """Sign-ins and sessions in the database ``db`` (a ``core.db.Database``)."""

    _lock = threading.Lock()  # one password check at a time, in the whole process

    def __init__(self, db, clock: Callable[[], float] = time.time):
        self.db = db
        self.clock = clock
        self._unknown: dict[str, tuple[int, float]] = {}  # names with no account: (failures, wait until)

    def sign_in(self, name: str, password: str) -> SignInResult:
        name = str(name or "").strip()
        password = str(password or "")
        with self._lock:
            now = self.clock()
            row = self.db.conn().execute("SELECT * FROM people WHERE name = ?", (name,)).fetchone() if name else None
            failures, until = ((row["failed_logins"], row["locked_until"] or 0.0) if row is not None
                               else self._unknown.get(name.casefold(), (0, 0.0)))
            if until > now:
                return self._refused(failures, until - now)
            right = len(password) <= MAX_PASSWORD and verify(row["password_hash"] if row is not None else None,
                                                            password)
            if not right:
                failures += 1
                until = now + wait_seconds(failures)
                if row is not None:
                    self.db.conn().execute("UPDATE people SET failed_logins = ?, locked_until = ? WHERE id = ?",
                                           (failures, until, row["id"]))
                else:
                    self._remember_unknown(name.casefold(), failures, until, now)
                return self._refused(failures, until - now, just_now=True)
            assert row is not None  # (a right password needs an account: verify() is False without one)
            if row["disabled"]:
                return SignInResult(None, message=DISABLED)
            token = secrets.token_urlsafe(32)
            with self.db.transaction() as conn:
                if needs_rehash(row["password_hash"]):
                    conn.execute("UPDATE people SET password_hash = ? WHERE id = ?",
                                 (HASHER.hash(password), row["id"]))
                conn.execute("UPDATE people SET failed_logins = 0, locked_until = NULL WHERE id = ?", (row["id"],))
                conn.execute("DELETE FROM login_sessions WHERE expires_at <= ?", (now,))
                conn.execute("INSERT INTO login_sessions (token_hash, person_id, created_at, expires_at) "
                             "VALUES (?, ?, ?, ?)", (token_hash(token), row["id"], now, now + SESSION_HOURS * 3600))
            return SignInResult(Access(name=row["name"], role=row["role"]), token=token)

    def access(self, token: Optional[str]) -> Optional[Access]:
        """The person a cookie's token belongs to, while the session lasts; None otherwise."""
        return access_for_token(self.db.conn(), token, now=self.clock())

    def sign_out(self, token: Optional[str]) -> Optional[str]:
        """End every session of the person ``token`` belongs to (signing out signs out everywhere);
        their name, or None when the token was no session."""
        if not token:
            return None
        with self.db.transaction() as conn:
            row = conn.execute("SELECT p.id, p.name FROM login_sessions s JOIN people p ON p.id = s.person_id "
                               "WHERE s.token_hash = ?", (token_hash(token),)).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM login_sessions WHERE person_id = ?", (row["id"],))
        return row["name"]

    # -- inside

    @staticmethod
    def _refused(failures: int, wait: float, just_now: bool = False) -> SignInResult:
        if failures >= LOCK_AFTER:
            return SignInResult(None, message=LOCKED, wait=wait)
        if wait > 0:
            text = (WRONG.split(";")[0] + "; " + wait_message(wait)[0].lower() + wait_message(wait)[1:]
                    if just_now else wait_message(wait))
            return SignInResult(None, message=text, wait=wait)
        return SignInResult(None, message=WRONG)

    def _remember_unknown(self, key: str, failures: int, until: float, now: float) -> None:
        if len(self._unknown) > 10_000:  # a flood of made-up names can't fill the memory
            self._unknown = {k: v for k, v in self._unknown.items() if v[1] > now}
        self._unknown[key] = (failures, until)
