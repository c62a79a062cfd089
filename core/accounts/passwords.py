"""Passwords: hashed with argon2id (argon2-cffi), never kept or logged in clear.

Why argon2id over bcrypt: it is memory-hard (each guess costs 64 MiB of memory as well as time, which
takes away most of the advantage of graphics cards and custom chips in guessing a stolen database), it
is the scheme RFC 9106 and OWASP recommend first, and it has no 72-byte limit (bcrypt silently ignores the
rest of a longer password). argon2-cffi's ``PasswordHasher`` defaults are RFC 9106's low-memory profile
(t=3, m=64 MiB, p=4); the parameters are kept inside each hash, so raising them later re-hashes a
password at its next sign-in (``check_needs_rehash``).
"""
from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import UsageError

MIN_PASSWORD = 8
MAX_PASSWORD = 256  # long enough for any passphrase; a cap keeps one sign-in from costing much
MAX_NAME = 40

HASHER = PasswordHasher()
# what a sign-in with an unknown name is checked against, so it takes as long as a real one
_DUMMY = HASHER.hash("not a password anybody has")


def hash_password(password: str) -> str:
    check_password(password)
    return HASHER.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; the same work is done when there is no account (``stored_hash`` None)."""
    try:
        return HASHER.verify(stored_hash or _DUMMY, password[:MAX_PASSWORD + 1]) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UsageError(f"A password needs at least {MIN_PASSWORD} characters; choose a longer one.")
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"A password can have at most {MAX_PASSWORD} characters; choose a shorter one.")


def clean_name(name: str) -> str:
    """A person's name as kept: spaces around it trimmed; letters, digits, spaces and . _ - ' @ only."""
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if not text:
        raise UsageError("Type a name for the account (for example the person's first name).")
    if len(text) > MAX_NAME:
        raise UsageError(f"A name can have at most {MAX_NAME} characters; choose a shorter one.")
    if not all(ch.isalnum() or ch in " ._-'@" for ch in text):
        raise UsageError("A name may hold letters, digits, spaces and . _ - ' @ only; choose another.")
    return text
