"""Past questions and the replies given, read from the owner's own files, as examples to train on.

Two kinds of file:

- a table (CSV or Excel .xlsx) with one question and its reply per row: ``read_table`` gives the
  columns and rows, the owner picks the two columns, ``pairs_from_table`` makes the pairs;
- e-mails: an mbox file (what most mail programs export) or .eml files. Python's ``mailbox`` and
  ``email`` read them; a reply is paired with the message it answers through its ``In-Reply-To``
  (or the last of its ``References``) header. Quoted text ("> ...", "On ... wrote:", a forwarded
  original) and signatures ("-- ", "Sent from my phone") are cut from both sides.

Every function says what it read and what it didn't (``Import.not_read``: a plain sentence per kind
of thing left out, with how many), so the page can show both.
"""
from __future__ import annotations

import csv
import email
import io
import mailbox
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Iterable, Optional

MAX_CHARS = 4000  # one side of a pair; longer text is cut at a sentence end
MIN_CHARS = 2


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Import:
    pairs: list[tuple[str, str]] = field(default_factory=list)
    read: int = 0  # rows or messages looked at
    left_out: Counter = field(default_factory=Counter)  # reason -> how many

    @property
    def not_read(self) -> list[str]:
        return [f"{n:,} {SINGULAR.get(reason, reason) if n == 1 else reason}" for reason, n in self.left_out.most_common()]


SINGULAR = {
    "rows with an empty question or reply": "row with an empty question or reply",
    "files that aren't e-mails (.mbox or .eml)": "file that isn't an e-mail (.mbox or .eml)",
    "replies whose original message isn't in the files": "reply whose original message isn't in the files",
    "replies with no new text (only a quote or a signature)": "reply with no new text (only a quote or a signature)",
    "messages with no reply in the files": "message with no reply in the files",
    "repeats of a pair already read": "repeat of a pair already read",
}


# --------------------------------------------------------------------------- tables

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_table(name: str, data: bytes) -> Table:
    """The columns (the first row) and the rows of a CSV or .xlsx file, as text."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ValueError("Groundwork couldn't open this spreadsheet; save it again as .xlsx or CSV and try "
                             "again.") from None
        sheet = book.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        text = _decode(data)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise ValueError("This file has no rows; check that it is the right file.")
    width = max(len(r) for r in rows)
    header = [(rows[0][i] if i < len(rows[0]) and rows[0][i] else f"Column {i + 1}") for i in range(width)]
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    return Table(header, body)


def guess_columns(table: Table) -> tuple[int, int]:
    """The likely question and reply columns, from their names (else the first two)."""
    def find(words: Iterable[str], avoid: int = -1) -> Optional[int]:
        for i, col in enumerate(table.columns):
            if i != avoid and any(w in col.lower() for w in words):
                return i
        return None

    q = find(("question", "enquiry", "inquiry", "customer", "message", "email", "request", "subject", "body"))
    q = 0 if q is None else q
    a = find(("reply", "answer", "response", "our ", "staff"), avoid=q)
    if a is None:
        a = 1 if q == 0 and len(table.columns) > 1 else 0
    return q, a


def pairs_from_table(table: Table, question_col: int, reply_col: int) -> Import:
    out = Import()
    for row in table.rows:
        out.read += 1
        q, a = _clean(row[question_col]), _clean(row[reply_col])
        if len(q) < MIN_CHARS or len(a) < MIN_CHARS:
            out.left_out["rows with an empty question or reply"] += 1
            continue
        out.pairs.append((q, a))
    return _dedupe(out)


# --------------------------------------------------------------------------- e-mails

_QUOTE_HEADER = re.compile(
    r"^\s*(?:On .{4,200}wrote:|Le .{4,200}a écrit\s*:|Am .{4,200}schrieb.*:|-{2,}\s*Original Message\s*-{2,}|"
    r"-{2,}\s*Forwarded message\s*-{2,}|From:\s.+|_{10,})\s*$", re.IGNORECASE)
_SIGNATURE = re.compile(r"^\s*(?:--|—)\s*$|^\s*Sent from my \w+", re.IGNORECASE)


def strip_reply(text: str) -> str:
    """The new text of a message: without quoted lines, the quoted original below it, or the signature."""
    kept = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if _QUOTE_HEADER.match(line) or _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return _clean("\n".join(kept))


def _clean(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", str(text or "")).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        text = cut[:max(cut.rfind(". ") + 1, MAX_CHARS // 2)].strip()
    return text


def _body(msg: EmailMessage) -> str:
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except Exception:
        return ""
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<(script|style).*?</\1>", " ", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = re.sub(r"<[^>]+>", " ", content)
        import html

        content = html.unescape(content)
    return str(content)



def _message_from_file(f) -> EmailMessage:
    """One message of an mbox (mailbox hands its factory a binary file; the stubs don't say so)."""
    return email.message_from_binary_file(f, policy=policy.default)

def _messages(files: list[tuple[str, bytes]], out: Import) -> list[EmailMessage]:
    found: list[EmailMessage] = []
    for name, data in files:
        lower = name.lower()
        if lower.endswith(".eml"):
            found.append(email.message_from_bytes(data, policy=policy.default))
        elif lower.endswith((".mbox", ".mbx")) or data[:5] == b"From ":
            fd, path = tempfile.mkstemp(suffix=".mbox")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                # typeshed expects the factory to make mboxMessages; any Message works, and these are EmailMessages
                box = mailbox.mbox(path, factory=_message_from_file, create=False)  # type: ignore[arg-type]
                try:
                    found.extend(m for m in box if m is not None)  # type: ignore[misc]  # EmailMessages, by the factory
                finally:
                    box.close()
            finally:
                os.unlink(path)
        else:
            out.left_out["files that aren't e-mails (.mbox or .eml)"] += 1
    return found


def _ids(value) -> list[str]:
    return re.findall(r"<[^<>\s]+>", str(value or ""))


def pairs_from_emails(files: list[tuple[str, bytes]]) -> Import:
    """Each reply paired with the message it answers (matched by Message-ID), quotes and signatures cut."""
    out = Import()
    messages = _messages(files, out)
    by_id: dict[str, EmailMessage] = {}
    for m in messages:
        for mid in _ids(m.get("Message-ID")):
            by_id[mid] = m
    answered: set[int] = set()
    replies = 0
    for m in messages:
        out.read += 1
        parents = _ids(m.get("In-Reply-To")) or _ids(m.get("References"))[-1:]
        if not parents:
            continue
        replies += 1
        parent = by_id.get(parents[-1])
        if parent is None:
            out.left_out["replies whose original message isn't in the files"] += 1
            continue
        q, a = strip_reply(_body(parent)), strip_reply(_body(m))
        if len(q) < MIN_CHARS or len(a) < MIN_CHARS:
            out.left_out["replies with no new text (only a quote or a signature)"] += 1
            continue
        answered.add(id(parent))
        out.pairs.append((q, a))
    unanswered = sum(1 for m in messages if id(m) not in answered and not (_ids(m.get("In-Reply-To"))
                                                                          or _ids(m.get("References"))))
    if unanswered:
        out.left_out["messages with no reply in the files"] += unanswered
    return _dedupe(out)


def _dedupe(out: Import) -> Import:
    seen, pairs = set(), []
    for q, a in out.pairs:
        key = (" ".join(q.lower().split()), " ".join(a.lower().split()))
        if key in seen:
            out.left_out["repeats of a pair already read"] += 1
            continue
        seen.add(key)
        pairs.append((q, a))
    out.pairs = pairs
    return out
