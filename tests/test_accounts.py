"""Accounts and sessions (core/accounts) on a real SQLite database, with real argon2id hashes."""
from __future__ import annotations

import pytest

from core.access import access_for_name, token_hash
from core.accounts import People, SignIn
from core.accounts.signin import LOCKED, SESSION_HOURS, WRONG
from core.db import Database
from core.errors import NotFoundError, UsageError

SECRET = "Correct-Horse-7731"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def parts(tmp_path):
    db = Database(tmp_path / "groundwork.db")
    clock = Clock()
    return db, People(db, clock), SignIn(db, clock), clock


def test_the_password_is_kept_only_as_an_argon2id_hash(parts, tmp_path):
    db, people, signin, _ = parts
    people.add("Maria", "owner", SECRET)
    people.add("Tom", "staff", "tom-staff-password-91")
    stored = db.conn().execute("SELECT password_hash FROM people WHERE name = 'Maria'").fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert signin.sign_in("maria", SECRET).ok  # names in any case
    db.conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in tmp_path.glob("groundwork.db*"):  # the database file, its log and shared memory
        raw = path.read_bytes()
        for clear in (SECRET, "tom-staff-password-91"):
            assert clear.encode() not in raw and clear.encode("utf-16-le") not in raw, path


def test_signing_in_starts_a_session_kept_only_as_its_hash(parts):
    db, people, signin, clock = parts
    people.add("Maria", "owner", SECRET)
    result = signin.sign_in("Maria", SECRET)
    assert result.ok and result.access.is_owner and len(result.token) >= 40
    rows = db.conn().execute("SELECT token_hash, expires_at - created_at FROM login_sessions").fetchall()
    assert [tuple(r) for r in rows] == [(token_hash(result.token), SESSION_HOURS * 3600)]
    assert signin.access(result.token).name == "Maria"
    assert signin.access(result.token[:-1] + ("A" if result.token[-1] != "A" else "B")) is None  # tampered
    assert signin.access(token_hash(result.token)) is None  # the stored hash is no key
    assert signin.access("") is None and signin.access(None) is None


def test_a_session_lasts_a_working_day_then_ends(parts):
    _, people, signin, clock = parts
    people.add("Tom", "staff", SECRET)
    token = signin.sign_in("Tom", SECRET).token
    clock.now += SESSION_HOURS * 3600 - 60
    assert signin.access(token).name == "Tom"  # a page refresh late in the day: still signed in
    clock.now += 61
    assert signin.access(token) is None


def test_wrong_passwords_slow_down_then_pause_the_account_and_the_owner_unlocks_it(parts):
    _, people, signin, clock = parts
    people.add("Tom", "staff", SECRET)
    for _ in range(2):
        assert signin.sign_in("Tom", "wrong-password").message == WRONG
    third = signin.sign_in("Tom", "wrong-password")
    assert third.wait == 2 and "wait 2 seconds" in third.message
    # during the wait even the right password is refused, without being checked and without counting
    assert not signin.sign_in("Tom", SECRET).ok
    waits = []
    for _ in range(7):  # the 4th to 10th wrong tries, each after its wait
        clock.now += 31
        waits.append(signin.sign_in("Tom", "wrong-password").wait)
    assert waits == [4, 8, 16, 30, 30, 30, 900]
    assert people.get("Tom").locked
    clock.now += 14 * 60
    paused = signin.sign_in("Tom", SECRET)
    assert not paused.ok and paused.message == LOCKED
    people.unlock("Tom")
    assert not people.get("Tom").locked
    assert signin.sign_in("Tom", SECRET).ok


def test_the_pause_ends_by_itself_and_a_right_password_resets_the_count(parts):
    db, people, signin, clock = parts
    people.add("Tom", "staff", SECRET)
    for _ in range(10):
        clock.now += 31
        signin.sign_in("Tom", "wrong-password")
    clock.now += 15 * 60 + 1
    assert signin.sign_in("Tom", SECRET).ok
    assert db.conn().execute("SELECT failed_logins, locked_until FROM people").fetchone()[:] == (0, None)


def test_a_name_with_no_account_is_answered_exactly_like_a_real_one(parts):
    _, people, signin, clock = parts
    people.add("Tom", "staff", SECRET)
    real, made_up = [], []
    for _ in range(10):
        clock.now += 31
        for name, said in (("Tom", real), ("Nobody", made_up)):
            result = signin.sign_in(name, "wrong-password")
            said.append((result.message, result.wait))
    assert real == made_up and real[-1][0] == LOCKED


def test_disable_remove_and_a_new_password_end_sessions_everywhere(parts):
    db, people, signin, _ = parts
    people.add("Maria", "owner", SECRET)
    people.add("Tom", "staff", SECRET)
    first, second = signin.sign_in("Tom", SECRET).token, signin.sign_in("Tom", SECRET).token
    assert people.get("Tom").signed_in
    people.set_password("Tom", "a-brand-new-password")
    assert signin.access(first) is None and signin.access(second) is None
    assert not signin.sign_in("Tom", SECRET).ok
    token = signin.sign_in("Tom", "a-brand-new-password").token
    people.disable("Tom")
    assert signin.access(token) is None and access_for_name(db.conn(), "Tom") is None
    refused = signin.sign_in("Tom", "a-brand-new-password")
    assert not refused.ok and "switched off" in refused.message
    people.enable("Tom")
    token = signin.sign_in("Tom", "a-brand-new-password").token
    assert people.remove("tom") == "Tom"
    assert signin.access(token) is None
    assert db.conn().execute("SELECT COUNT(*) FROM login_sessions").fetchone()[0] == 0
    with pytest.raises(NotFoundError):
        people.get("Tom")


def test_signing_out_ends_that_persons_sessions_everywhere_and_no_one_elses(parts):
    _, people, signin, _ = parts
    people.add("Maria", "owner", SECRET)
    people.add("Tom", "staff", SECRET)
    laptop, phone = signin.sign_in("Tom", SECRET).token, signin.sign_in("Tom", SECRET).token
    owner = signin.sign_in("Maria", SECRET).token
    assert signin.sign_out(phone) == "Tom"
    assert signin.access(laptop) is None and signin.access(phone) is None
    assert signin.access(owner).name == "Maria"
    assert signin.sign_out(phone) is None and signin.sign_out("") is None


def test_groundwork_always_keeps_an_owner_who_can_sign_in(parts):
    _, people, _, _ = parts
    assert not people.owner_exists()
    people.add("Tom", "staff", SECRET)
    assert not people.owner_exists()
    people.add("Maria", "owner", SECRET)
    assert people.owner_exists()
    for change in (people.disable, people.remove):
        with pytest.raises(UsageError, match="at least one owner"):
            change("Maria")
    people.add("Ann", "owner", SECRET)
    people.disable("Maria")
    with pytest.raises(UsageError, match="at least one owner"):
        people.remove("Ann")
    people.enable("Maria")
    people.remove("Ann")
    assert [p.name for p in people.list()] == ["Maria", "Tom"]  # owners first


def test_names_and_passwords_follow_plain_rules(parts):
    _, people, _, _ = parts
    people.add("  Maria  ", "owner", SECRET)
    assert people.get("MARIA").name == "Maria"
    for name, password, role, words in (
            ("maria", SECRET, "staff", "already an account"), ("", SECRET, "staff", "Type a name"),
            ("Tom<script>", SECRET, "staff", "letters, digits"), ("Tom", "short", "staff", "at least 8"),
            ("Tom", SECRET, "admin", "owner or staff"), ("T" * 41, SECRET, "staff", "at most 40")):
        with pytest.raises(UsageError, match=words):
            people.add(name, role, password)
    with pytest.raises(NotFoundError, match="no account called Nobody"):
        people.set_password("Nobody", SECRET)
