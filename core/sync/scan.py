"""A kept folder's files, by size and modification time only: nothing is opened or read here.

``scan(root)`` walks the folder and its sub-folders with ``os.scandir`` and stats each file once.
It never follows a link to a folder (no loops), skips hidden files and the temporary files editors
and downloads leave (``~$Report.docx``, ``.part``), and remembers every sub-folder it could not
open, so that a pass never mistakes "couldn't look" for "deleted".

A cloud placeholder (a file OneDrive, Dropbox or iCloud lists but keeps online) is recognised
from its stat alone, where the system says so:

- Windows: the ``RECALL_ON_DATA_ACCESS``, ``RECALL_ON_OPEN`` or ``OFFLINE`` attribute;
- macOS: the ``SF_DATALESS`` flag;
- anywhere: a file that claims a size but has no blocks on disk (how Linux sync clients that mount
  a cloud drive show an online-only file); small files are left out, since a filesystem may keep
  a tiny file's bytes inside its directory entry;
- and an empty (zero-byte) file is never read: it is either a placeholder or has nothing to add.
"""
from __future__ import annotations

import os
import stat as statmod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

# Windows file attributes (winnt.h)
FILE_ATTRIBUTE_OFFLINE = 0x1000
FILE_ATTRIBUTE_RECALL_ON_OPEN = 0x40000
FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS = 0x400000
# macOS (sys/stat.h): the file's data is not on this computer
SF_DATALESS = 0x40000000
SPARSE_MIN_BYTES = 4096  # below this, "no blocks" may just mean the bytes live in the directory entry

TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".~lock")


@dataclass(frozen=True)
class Seen:
    """One file as a stat sees it."""

    rel_path: str  # inside the kept folder, '/' between parts
    size: int
    mtime_ns: int
    placeholder: Optional[str] = None  # "online-only" | "empty": not read, with a note


@dataclass
class Scan:
    files: dict[str, Seen] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # sub-folders (relative) that couldn't be opened

    def under_unreadable(self, rel_path: str) -> bool:
        return any(rel_path == d or rel_path.startswith(d + "/") for d in self.unreadable)


def placeholder_kind(st) -> Optional[str]:
    """'online-only' when the stat says the file's content isn't on this computer; 'empty' for 0 bytes."""
    attributes = getattr(st, "st_file_attributes", 0) or 0
    if attributes & (FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS | FILE_ATTRIBUTE_RECALL_ON_OPEN | FILE_ATTRIBUTE_OFFLINE):
        return "online-only"
    if (getattr(st, "st_flags", 0) or 0) & SF_DATALESS:
        return "online-only"
    blocks = getattr(st, "st_blocks", None)
    if blocks == 0 and st.st_size >= SPARSE_MIN_BYTES:
        return "online-only"
    if st.st_size == 0:
        return "empty"
    return None


def wanted(name: str, extensions: frozenset[str]) -> bool:
    low = name.lower()
    if name.startswith((".", "~$", "~")) or low.endswith(TEMPORARY_SUFFIXES):
        return False
    return os.path.splitext(low)[1] in extensions


def scan(root: Path, extensions: frozenset[str]) -> Scan:
    """Every wanted file under ``root`` (raises ``OSError`` only when ``root`` itself can't be opened)."""
    out = Scan()
    pending: list[tuple[str, str]] = [(str(root), "")]
    first = True
    while pending:
        path, rel = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            if first:
                raise
            out.unreadable.append(rel)
            continue
        first = False
        for entry in entries:
            name = entry.name
            child = f"{rel}/{name}" if rel else name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith("."):
                        pending.append((entry.path, child))
                    continue
                if not wanted(name, extensions):
                    continue
                st = entry.stat()  # follows a link to a file
            except OSError:
                out.unreadable.append(child)  # can't tell what it is: treat it as "couldn't look"
                continue
            if not statmod.S_ISREG(st.st_mode):
                continue
            out.files[child] = Seen(child, st.st_size, st.st_mtime_ns, placeholder_kind(st))
    return out


def stat_again(root: Path, rel_path: str) -> Optional[tuple[int, int]]:
    """(size, mtime_ns) now, or None when the file is gone."""
    try:
        st = os.stat(root / rel_path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
