"""Checking a batch of uploads before anything is stored (the "before" triage).

Each file is read once here; the page shows what was found, and the same
parsed document is then handed to ``Library.ingest_parsed`` (no second read).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional

from core.errors import AppError
from core.settings import Settings
from core.types import ParsedDocument, Progress, no_progress


@dataclass
class FileCheck:
    name: str
    size: int
    data: bytes = field(repr=False)
    doc: Optional[ParsedDocument] = None
    action: str = "add"  # add | replace | skip | fail
    problem: Optional[str] = None  # why it can't be added (one sentence)
    notes: list[str] = field(default_factory=list)  # warnings and facts

    @property
    def ok(self) -> bool:
        return self.action in ("add", "replace")

    def summary(self) -> str:
        if self.problem:
            return self.problem
        t = self.doc.triage if self.doc else None
        bits = []
        if self.action == "replace":
            bits.append("Will replace the version already in your library.")
        if self.action == "skip":
            bits.extend(self.notes)
            return " ".join(bits)
        bits.extend(self.notes)
        if t and not t.warnings and not bits:
            bits.append("Looks good.")
        return " ".join(bits)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def check_batch(items: list[tuple[str, bytes]], library, settings: Settings,
                progress: Progress = no_progress) -> list[FileCheck]:
    """Read every file and decide what adding it would do; never raises for a bad file."""
    from core.documents import read_document, safe_name

    existing_by_sha = {d.sha256: d.file for d in library.documents()}
    existing_names = {d.file for d in library.documents()}
    seen: dict[str, str] = {}
    checks: list[FileCheck] = []
    n = max(len(items), 1)
    for i, (name, data) in enumerate(items):
        check = FileCheck(name=safe_name(name), size=len(data), data=data)
        sha = hashlib.sha256(data).hexdigest()

        def sub(fraction: float, message: str, i=i) -> None:
            progress((i + fraction) / n, f"{check.name}: {message}")

        if sha in seen:
            check.action = "skip"
            check.notes.append(f"Same file as {seen[sha]} in this batch; it will be added once.")
        elif sha in existing_by_sha:
            check.action = "skip"
            check.notes.append(f"Already in your library as {existing_by_sha[sha]}; nothing to do.")
        else:
            try:
                check.doc = read_document(name, data, settings, sub)
            except AppError as exc:
                check.action, check.problem = "fail", exc.user_message
            else:
                check.name = check.doc.name
                check.notes.extend(check.doc.triage.warnings)
                if check.doc.triage.words == 0:
                    check.action = "fail"
                    check.problem = ("No text could be found in this file (it looks like scanned images); "
                                     "Groundwork can't read scanned pages yet, so it can't be added.")
                elif check.doc.name in existing_names:
                    check.action = "replace"
            seen[sha] = check.name
        checks.append(check)
    progress(1.0, "Checked")
    return checks
