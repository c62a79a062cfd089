"""The answers approved in the chat, as training data: chat-format lines with a stable held-out split."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Optional

from core.advisor.figures import EXAMPLES_THRESHOLD
from core.advisor.words import plural
from core.errors import UsageError

DEFAULT_SYSTEM_PROMPT = (
    "You answer questions for this business using only the numbered passages provided. "
    "Cite the passages you use like [1]. If the passages do not contain the answer, say so plainly."
)

# Imported past replies (``kind: "reply"``): the customer's message in, the reply given out, no passages.
REPLY_SYSTEM_PROMPT = "You write replies to this business's customers in its own tone, as its staff do."


@dataclass
class TrainingExport:
    train_jsonl: str
    eval_jsonl: str
    train_count: int
    eval_count: int
    total: int
    threshold: int = EXAMPLES_THRESHOLD
    summary: str = ""
    skipped: int = 0

    @property
    def enough(self) -> bool:
        return self.total >= self.threshold


def _norm_question(q: str) -> str:
    return re.sub(r"\s+", " ", q.strip().lower())


def _bucket(question: str) -> float:
    """A stable number in [0, 1) from the question text (same question, same side of the split)."""
    digest = hashlib.sha256(_norm_question(question).encode("utf-8")).hexdigest()
    return int(digest[:12], 16) / float(16 ** 12)


def _user_turn(question: str, citations: list[dict]) -> str:
    from core.place import Place

    lines = ["Passages:"]
    for i, c in enumerate(citations or [], 1):
        n = c.get("n", i)
        where = Place.of(c).label()
        lines.append(f"[{n}] {c.get('file', 'document')}, {where}:")
        lines.append(str(c.get("text", "")).strip())
        lines.append("")
    if len(lines) == 1:
        lines.append("(none)")
        lines.append("")
    lines.append(f"Question: {question.strip()}")
    return "\n".join(lines)


def export_training_data(examples: list[dict], system_prompt: Optional[str] = None,
                         eval_fraction: float = 0.15) -> TrainingExport:
    """Approved answers as chat-format JSONL, split into training and held-out evaluation sets.

    Each line is ``{"messages": [system, user, assistant]}``; the user turn holds the
    cited passages and the question, the assistant turn the approved answer. The split
    is by a hash of the (normalised) question, so it never changes between exports and an
    example never moves from one side to the other as the set grows. If the hash puts
    nothing aside and there are at least 5 examples, the one with the lowest hash is held
    out so there is always something to check against. Examples with no question or
    answer, and exact repeats, are skipped.
    """
    if not 0 < eval_fraction < 1:
        raise UsageError("The held-out share must be between 0 and 1, for example 0.15.")
    system = (system_prompt or DEFAULT_SYSTEM_PROMPT).strip()
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[float, str]] = []
    skipped = 0
    for ex in examples or []:
        question = str((ex or {}).get("question") or "").strip()
        answer = str((ex or {}).get("answer") or "").strip()
        key = (_norm_question(question), answer)
        if not question or not answer or key in seen:
            skipped += 1
            continue
        seen.add(key)
        reply = ex.get("kind") == "reply"
        record = {"messages": [
            {"role": "system", "content": REPLY_SYSTEM_PROMPT if reply and not system_prompt else system},
            {"role": "user", "content": question if reply else _user_turn(question, ex.get("citations") or [])},
            {"role": "assistant", "content": answer},
        ]}
        rows.append((_bucket(question), json.dumps(record, ensure_ascii=False)))
    held = [b < eval_fraction for b, _ in rows]
    if rows and not any(held) and len(rows) >= 5:
        held[min(range(len(rows)), key=lambda i: rows[i][0])] = True
    train = [line for (b, line), h in zip(rows, held) if not h]
    evals = [line for (b, line), h in zip(rows, held) if h]
    total = len(rows)
    if total >= EXAMPLES_THRESHOLD:
        tail = f"that is enough to start; training usually needs {EXAMPLES_THRESHOLD:,} or more [D]."
    else:
        tail = (f"training usually needs {EXAMPLES_THRESHOLD:,} or more [D], so keep approving good answers or "
                f"import past replies "
                f"({EXAMPLES_THRESHOLD - total:,} to go).")
    summary = (f"{plural(total, 'example')} exported: {len(train):,} for training and {len(evals):,} "
               f"kept aside to check the result; {tail}")
    return TrainingExport(
        train_jsonl="".join(line + "\n" for line in train),
        eval_jsonl="".join(line + "\n" for line in evals),
        train_count=len(train), eval_count=len(evals), total=total, summary=summary, skipped=skipped,
    )
