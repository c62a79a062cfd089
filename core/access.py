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
