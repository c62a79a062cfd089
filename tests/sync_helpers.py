"""Shared by the folder-sync tests: real folders of real files, and a real library."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Union

from core.library import Library
from core.settings import load_settings
from core.sync import folders
from core.sync.passes import sync_all


def open_library(data_dir: Path, **overrides) -> Library:
    return Library(load_settings(data_dir=data_dir, **overrides))


def put(folder: Path, rel: str, content: Union[str, bytes], age: float = 60.0) -> Path:
    """Write a file as if saved ``age`` seconds ago (a finished copy); ``age=0`` leaves it just written."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def keep(lib: Library, folder: Path):
    return folders.add(lib.db, folder, lib.settings.data_dir)


def orders(folder: Path, n: int, start: int = 0, name: str = "order {i:02d}.txt") -> None:
    """``n`` short order notes in ``folder`` (finished copies), numbered from ``start``; ``name`` spells the
    file name of order ``i``. The same order always has the same text."""
    for i in range(start, start + n):
        put(folder, name.format(i=i), f"Order {i}: {i + 2} trays of seeded rolls for table {i} of the cafe on Mill Street.")


def keeping(data_dir: Path, folder: Path, n: int = 0, name: str = "order {i:02d}.txt") -> Library:
    """A library in ``data_dir`` keeping ``folder`` in step, the folder holding ``n`` orders (no pass yet)."""
    orders(folder, n, name=name)
    lib = open_library(data_dir)
    keep(lib, folder)
    return lib


def one_pass(lib: Library, **kwargs):
    """One pass over every kept folder; the report of each."""
    return sync_all(lib, **kwargs)


def names(lib: Library) -> list[str]:
    return sorted(d.file for d in lib.documents())


def did(report) -> list[tuple[str, str]]:
    return [(c["action"], c["file"]) for c in report.changes]


def doc_id(lib: Library, name: str) -> int:
    return lib.document(name).id
