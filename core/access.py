"""Who is asking: the one idea every part that shows or retrieves passages is given (issue 20).

On the computer Groundwork runs on, with sharing off, nobody signs in and the person is the owner
(``OWNER_HERE``). With sharing on, everyone signs in (this computer's browser too) and each request
carries the ``Access`` of the person signed in. Retrieval applies it (a staff question never sees a
passage of a document marked "Only me"); pages use ``is_owner`` to refuse the owner's pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["owner", "staff"]
ROLES: tuple[Role, ...] = ("owner", "staff")


@dataclass(frozen=True)
class Access:
    """A person and their role; ``name`` is '' for the owner on this computer with sharing off."""

    name: str
    role: Role

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def sees_owner_only(self) -> bool:
        """Whether passages of documents marked "Only me" may reach this person."""
        return self.role == "owner"

    @property
    def conversation_owner(self) -> str:
        """The value kept in ``conversations.person``: each person sees only their own."""
        return self.name


OWNER_HERE = Access(name="", role="owner")


SESSION_COOKIE = "groundwork_session"  # the sign-in cookie (HttpOnly); the database keeps only its sha256


def token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def access_for_token(conn, token: str | None, now: float | None = None) -> Access | None:
    """The person a sign-in cookie belongs to, while its session lasts and the account is enabled."""
    import time

    if not token:
        return None
    row = conn.execute(
        "SELECT p.name, p.role FROM login_sessions s JOIN people p ON p.id = s.person_id "
        "WHERE s.token_hash = ? AND s.expires_at > ? AND p.disabled = 0",
        (token_hash(token), time.time() if now is None else now)).fetchone()
    return Access(name=row[0], role=row[1]) if row else None


def access_for_name(conn, name: str) -> Access | None:
    """An enabled account by its name (any case), as ``--as NAME`` applies it."""
    row = conn.execute("SELECT name, role FROM people WHERE name = ? AND disabled = 0", (name,)).fetchone()
    return Access(name=row[0], role=row[1]) if row else None
