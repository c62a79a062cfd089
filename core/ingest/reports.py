"""What the ingest pipeline tells a person: one verdict per file, in one wording everywhere.

The Documents page and the command line show these same sentences.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from core.labels import plural
from core.types import ParsedDocument, Triage

SAME_IN_BATCH = "This is the same file as {other} earlier in this batch, so it is added only once."
SAME_NAME_IN_BATCH = "Another file called {name} comes later in this batch; only that last one is added."
ALREADY_THERE = "This file is already in your library, so nothing was changed."
ALREADY_THERE_AS = "This file is already in your library as {other}, so nothing was changed."
NO_TEXT = ("No text could be found in this file, so there is nothing Groundwork could search; "
           "open it to check it has words in it, then add it again.")
WILL_REPLACE = "Will replace the version already in your library."
REPLACED = "The earlier version of {name} was replaced with this one."
READ_FAILED = ("Groundwork couldn't read this file. Try saving it again as a PDF or Word (.docx) file "
               "and add it again.")
OPEN_FAILED = "Groundwork couldn't open this file; check that it is still there and that you may read it, then add it again."
STORE_FAILED = "Groundwork couldn't finish adding this file, so nothing was saved; try adding it again."
LOOKS_GOOD = "Looks good."


def describe(triage: Triage, chunks: Optional[int] = None) -> str:
    """'5 pages, 1,234 words, 2 tables, 12 passages'."""
    bits = []
    if triage.pages:
        bits.append(plural(triage.pages, "page"))
    bits.append(plural(triage.words, "word"))
    if triage.tables:
        bits.append(plural(triage.tables, "table"))
    if chunks is not None:
        bits.append(plural(chunks, "passage"))
    return ", ".join(bits)


@dataclass
class FileCheck:
    """One file of a batch after reading it, before anything is stored: what adding it would do."""

    name: str
    size: int
    data: bytes = field(repr=False)
    sha256: str = ""
    doc: Optional[ParsedDocument] = None
    action: str = "add"  # add | replace | skip | fail
    problem: Optional[str] = None  # why it can't be added (one sentence)
    notes: list[str] = field(default_factory=list)  # warnings and facts

    @property
    def ok(self) -> bool:
        return self.action in ("add", "replace")

    def summary(self) -> str:
        """Everything the person should know about this file, as sentences."""
        if self.problem:
            return self.problem
        bits = [WILL_REPLACE] if self.action == "replace" else []
        bits.extend(self.notes)
        return " ".join(bits) or LOOKS_GOOD


@dataclass
class IngestReport:
    """What adding one file did."""

    file: str
    status: str  # added | replaced | unchanged | failed
    pages: int = 0
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error: Optional[str] = None
    triage: Optional[Triage] = None
    message: str = ""  # one sentence for the person

    def as_dict(self) -> dict:
        """The command line's ``ingest --json`` shape."""
        return {
            "file": self.file,
            "status": self.status,
            "pages": self.pages,
            "chunks": self.chunks,
            "warnings": list(self.warnings),
            "error": self.error,
        }

    @classmethod
    def from_check(cls, check: FileCheck) -> "IngestReport":
        """The verdict for a file the check already decided not to add."""
        if check.action == "fail":
            return cls(file=check.name, status="failed", error=check.problem, message=check.problem or "",
                       warnings=list(check.doc.triage.warnings) if check.doc else [])
        return cls(file=check.name, status="unchanged", message=" ".join(check.notes))
