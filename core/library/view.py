"""``LibraryView``: the library as one staff member may read it (issue 20).

Read-only: it has the reads of ``Library`` (``LibraryReads``) and nothing that writes, so a staff page
or command that somehow reached for ``store`` or ``remove`` fails instead of changing the library.
Every read leaves out the documents marked "Only me" (``core.library.visibility``); the flag is read at
query time, so marking a document takes effect at once.
"""
from __future__ import annotations

from core.access import Access
from core.library.reads import LibraryReads


class LibraryView(LibraryReads):
    """What ``access`` may read of ``library``: same database, same vector store, fewer documents."""

    def __init__(self, library, access: Access):
        self.settings = library.settings
        self.embedder = library.embedder
        self.db = library.db
        self.vectors = library.vectors
        self.access = access

    def for_access(self, access: Access) -> "LibraryView":
        """A view never widens: asking it for another person's view keeps this person's limits too."""
        if access == self.access or access.sees_owner_only:
            return self
        return LibraryView(self, access)

    def __repr__(self) -> str:
        return f"LibraryView({self.settings.data_dir}, {self.access.name!r}, {self.access.role})"
