"""``python -m core users ...``: accounts from the command line, with --json (real SQLite, real argon2)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from core.accounts import SignIn
from core.db import Database
from core.settings import load_settings
from tests.cli import core
from tests.conftest import ROOT

SECRET = "Correct-Horse-7731"


@pytest.fixture
def stdin(monkeypatch):
    def give(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return give


def signin() -> SignIn:
    return SignIn(Database(load_settings().db_path))


def test_the_password_comes_from_standard_input_in_a_real_process(data_dir):
    """A real pipe: the password is never an argument, and it is kept only as a hash."""
    env = {**os.environ, "GROUNDWORK_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, "-m", "core", "users", "add", "Maria", "--role", "owner",
                           "--password-stdin", "--json"], input=SECRET + "\n", capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["person"] == {
        "name": "Maria", "role": "owner", "disabled": False, "locked": False, "locked_until": None,
        "signed_in": False, "created_at": json.loads(proc.stdout)["person"]["created_at"]}
    assert signin().sign_in("Maria", SECRET).ok  # the newline ended the password; it isn't part of it
    assert SECRET.encode() not in (data_dir / "groundwork.db").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "core", "users", "add", "Tom", "--role", "staff"],
                          input="", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.strip() == "Give the password on standard input with --password-stdin (never as an argument)."


def test_every_users_command_with_json(stdin):
    stdin(SECRET + "\n")
    assert core("users", "add", "Maria", "--role", "owner", "--password-stdin", "--json").returncode == 0
    stdin("tom-password-1\n")
    added = core("users", "add", "Tom", "--role", "staff", "--password-stdin", "--json")
    assert added.returncode == 0 and added.json()["person"]["role"] == "staff"
    token = signin().sign_in("Tom", "tom-password-1").token
    listed = core("users", "list", "--json").json()["people"]
    assert [(p["name"], p["role"], p["signed_in"]) for p in listed] == [("Maria", "owner", False), ("Tom", "staff", True)]

    stdin("tom-password-2\n")
    reset = core("users", "reset-password", "tom", "--password-stdin", "--json")
    assert reset.returncode == 0 and reset.json()["person"]["signed_in"] is False
    assert signin().access(token) is None and signin().sign_in("Tom", "tom-password-2").ok

    gate = signin()
    for _ in range(10):
        with Database(load_settings().db_path).transaction() as conn:  # each try after its wait
            conn.execute("UPDATE people SET locked_until = NULL WHERE name = 'Tom'")
        gate.sign_in("Tom", "wrong-password")
    assert core("users", "list", "--json").json()["people"][1]["locked"] is True
    assert core("users", "unlock", "Tom", "--json").json()["person"]["locked"] is False

    token = signin().sign_in("Tom", "tom-password-2").token
    off = core("users", "disable", "Tom", "--json")
    assert off.json()["person"]["disabled"] is True and signin().access(token) is None
    assert core("users", "enable", "Tom", "--json").json()["person"]["disabled"] is False
    assert core("users", "remove", "Tom", "--json").json() == {"removed": "Tom"}
    assert [p["name"] for p in core("users", "list", "--json").json()["people"]] == ["Maria"]


def test_mistakes_get_one_sentence_and_exit_code_1(stdin):
    stdin(SECRET + "\n")
    core("users", "add", "Maria", "--role", "owner", "--password-stdin")
    for args, sentence in ((("users", "remove", "Maria"), "Groundwork needs at least one owner who can sign in"),
                           (("users", "disable", "Nobody"), "There is no account called Nobody"),
                           (("users", "unlock", "Nobody", "--json"), "There is no account called Nobody")):
        ran = core(*args)
        assert ran.returncode == 1 and ran.stdout == "" and ran.stderr.startswith(sentence), ran.stderr
    stdin("short\n")
    ran = core("users", "add", "Tom", "--role", "staff", "--password-stdin", "--json")
    assert ran.returncode == 1 and ran.stdout == "" and "at least 8 characters" in ran.stderr
    assert core("users", "add", "Tom", "--role", "admin", "--password-stdin").returncode == 2
    human = core("users", "list")
    assert human.returncode == 0 and human.stdout.split() == ["Maria", "owner", "active"]
