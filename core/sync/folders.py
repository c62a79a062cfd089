"""The folders the owner keeps the library in step with, and what Groundwork knows of each.

A kept folder is a path on this computer (a network drive, a synced OneDrive or Dropbox folder, a
USB stick). Its state is in the database (``kept_folders``): when a pass last tried and last reached
it, since when it can't be reached (the first failure's time, kept until it is reached again), the
last problem in one sentence, and removals waiting for the owner's yes.

Its files are in ``folder_files``: relative path, size, modification time, content hash and the
document each one keeps in step. That link is the source marker: a document no folder file points
at (added by hand, or kept by the owner) is never touched by a pass.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from core.errors import NotFoundError, UsageError
from core.sync.changelog import now


@dataclass(frozen=True)
class KeptFolder:
    id: int
    path: str
    added_at: str
    last_pass_at: Optional[str]
    last_reached_at: Optional[str]
    unreachable_since: Optional[str]
    last_error: str
    pending: list[str]  # relative paths whose documents wait for the owner's yes before removal
    pending_since: Optional[str]
    documents: int = 0  # documents it keeps in step now

    @property
    def label(self) -> str:
        """The folder's own name ('Paperwork'), for names that would otherwise clash."""
        return Path(self.path).name or self.path

    def as_dict(self) -> dict:
        return {"folder": self.path, "documents": self.documents, "last_checked": self.last_pass_at,
                "last_reached": self.last_reached_at, "unreachable_since": self.unreachable_since,
                "problem": self.last_error, "waiting_for_you": list(self.pending)}


def _folder(row, documents: int = 0) -> KeptFolder:
    return KeptFolder(row["id"], row["path"], row["added_at"], row["last_pass_at"], row["last_reached_at"],
                      row["unreachable_since"], row["last_error"], json.loads(row["pending_json"] or "[]"),
                      row["pending_since"], documents)


def normalise(path: str | os.PathLike) -> str:
    """The absolute path as one spelling ('~/Paperwork/' -> '/home/ann/Paperwork')."""
    text = str(path).strip().strip('"').strip("'")
    if not text:
        raise UsageError("Type the path of a folder on this computer, for example /home/ann/Paperwork.")
    return os.path.normpath(os.path.abspath(os.path.expanduser(text)))


def _inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def folders(db) -> list[KeptFolder]:
    conn = db.conn()
    counts = dict(conn.execute(
        "SELECT f.folder_id, count(*) FROM folder_files f JOIN documents d ON d.id = f.doc_id "
        "WHERE f.state = 'in' AND d.status = 'ready' GROUP BY f.folder_id").fetchall())
    return [_folder(r, counts.get(r["id"], 0)) for r in conn.execute("SELECT * FROM kept_folders ORDER BY path")]


def find(db, path: str | os.PathLike) -> Optional[KeptFolder]:
    wanted = normalise(path)
    return next((f for f in folders(db) if f.path == wanted), None)


def get(db, folder_id: int) -> KeptFolder:
    found = next((f for f in folders(db) if f.id == folder_id), None)
    if found is None:
        raise NotFoundError("That folder is no longer kept in step; see the list on the Documents page.")
    return found


def add(db, path: str | os.PathLike, data_dir: Optional[Path] = None) -> KeptFolder:
    """Start keeping a folder in step (it must exist now); returns it. Already kept: returned as it is."""
    wanted = normalise(path)
    existing = find(db, wanted)
    if existing is not None:
        return existing
    if not os.path.isdir(wanted):
        raise UsageError(f"There is no folder at {wanted}; check the path (and that the drive is connected), "
                         "then try again.")
    if data_dir is not None and (_inside(wanted, str(data_dir)) or _inside(str(data_dir), wanted)):
        raise UsageError("That folder holds Groundwork's own data; choose the folder where you keep your files.")
    for other in folders(db):
        if _inside(wanted, other.path) or _inside(other.path, wanted):
            raise UsageError(f"That folder overlaps {other.path}, which is already kept in step; "
                             "keep one of them, not both.")
    with db.transaction() as tx:
        tx.execute("INSERT INTO kept_folders(path, added_at) VALUES (?, ?)", (wanted, now()))
    added = find(db, wanted)
    assert added is not None
    return added


def remove(db, path: str | os.PathLike) -> KeptFolder:
    """Stop keeping a folder in step. Its documents stay in the library, as if added by hand."""
    folder = find(db, path)
    if folder is None:
        raise NotFoundError(f"{normalise(path)} isn't kept in step; nothing was changed.")
    with db.transaction() as tx:
        tx.execute("DELETE FROM folder_files WHERE folder_id = ?", (folder.id,))
        tx.execute("DELETE FROM kept_folders WHERE id = ?", (folder.id,))
    return folder


def set_state(db, folder_id: int, **fields) -> None:
    if not fields:
        return
    if "pending" in fields:
        fields["pending_json"] = json.dumps(sorted(fields.pop("pending")))
    cols = ", ".join(f"{k} = ?" for k in fields)
    with db.transaction() as tx:
        tx.execute(f"UPDATE kept_folders SET {cols} WHERE id = ?", (*fields.values(), folder_id))
