"""The fitted numbers search decides with, and what they were fitted on (``calibration.json``).

``benchmarks/calibrate.py --write`` writes the file: the reranker's weights, the off-topic floor,
which passages reach the model, the strength labels' thresholds, and ``fitted_on``: the libraries and
question files used, with a digest of their questions (``questions_digest``). A test recomputes the
digest from the files, so the calibration can't silently fall behind the questions.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Iterable, Optional

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"


@functools.lru_cache(maxsize=1)
def _stored() -> dict:
    return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))


def current() -> dict:
    """The calibration in force (the committed file)."""
    return _stored()


def _canonical(q: dict) -> dict:
    return {"id": q.get("id"), "question": q.get("question"), "sources": q.get("sources") or [],
            "answerable": bool(q.get("answerable", True)), "kind": q.get("kind", "plain")}


def questions_digest(files: Iterable[Path], root: Optional[Path] = None) -> str:
    """sha256 over the questions of ``files`` (id, question, sources, answerable, kind), file names included."""
    h = hashlib.sha256()
    for path in files:
        path = Path(path)
        name = path.resolve().relative_to(root.resolve()).as_posix() if root else path.name
        h.update(name.encode() + b"\n")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                h.update(json.dumps(_canonical(json.loads(line)), sort_keys=True).encode() + b"\n")
    return h.hexdigest()
