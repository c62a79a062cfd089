"""The owner's last advisor answers, kept in the data folder so they survive a restart.

``<data_dir>/advisor.json``: ``{"answers": {question_id: value}, "step": n, "saved_at": iso}``. Only answers
to known questions with allowed values are read back (``resolve.validate``); a damaged file is
ignored (the questionnaire starts afresh) and never stops the page.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from core.advisor.questions import QUESTION_BY_ID

ANSWERS_FILE = "advisor.json"
log = logging.getLogger(__name__)


def _path(data_dir) -> Path:
    return Path(data_dir) / ANSWERS_FILE


def _valid(qid: str, value) -> bool:
    q = QUESTION_BY_ID.get(qid)
    if q is None:
        return False
    if q.kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value in q.values


def load_answers(data_dir) -> tuple[dict, int]:
    """The last answers and the step the owner was on ({} and 0 when none were kept)."""
    try:
        raw = json.loads(_path(data_dir).read_text(encoding="utf-8"))
        answers = {k: v for k, v in dict(raw.get("answers") or {}).items() if _valid(k, v)}
        return answers, max(0, int(raw.get("step") or 0))
    except FileNotFoundError:
        return {}, 0
    except (OSError, ValueError, TypeError, AttributeError):
        log.warning("advisor answers file unreadable; starting afresh", exc_info=True)
        return {}, 0


def save_answers(data_dir, answers: dict, step: int) -> None:
    """Keep the answers (atomically: a crash leaves the old file or the new one, never half of one)."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"answers": {k: v for k, v in answers.items() if _valid(k, v)}, "step": int(step),
               "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".advisor-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2)
    os.replace(tmp, _path(folder))
