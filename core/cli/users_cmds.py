"""``users``: the accounts people sign in with when Groundwork is shared with staff (issue 20).

A password is never an argument (it would stay in the shell's history and the process list): it is read
from the first line of standard input with ``--password-stdin``, or typed twice at a prompt.
"""
from __future__ import annotations

import getpass
import sys

from core.cli.common import emit, settings_from
from core.errors import UsageError

ACTIONS = ("disable", "enable", "remove", "unlock")


def _people(args):
    from core.accounts import People
    from core.db import Database

    return People(Database(settings_from(args).db_path))


def _password(args) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        return password[:-1] if password.endswith("\r") else password
    if not sys.stdin.isatty():
        raise UsageError("Give the password on standard input with --password-stdin (never as an argument).")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("The same password again: "):
        raise UsageError("The two passwords are different; type the same password twice.")
    return first


def _line(p: dict) -> str:
    state = "switched off" if p["disabled"] else (f"paused until {p['locked_until']}" if p["locked"] else "active")
    return f"{p['name']:<24} {p['role']:<6} {state}{'  (signed in)' if p['signed_in'] else ''}"


def cmd_users(args) -> int:
    people = _people(args)
    action = args.users_action
    if action == "list":
        emit(args, {"people": [p.as_dict() for p in people.list()]},
             lambda d: "\n".join(_line(p) for p in d["people"]) or "No accounts yet: add the owner's first with "
                                                                   "python -m core users add NAME --role owner --password-stdin")
        return 0
    if action == "add":
        person = people.add(args.name, args.role, _password(args))
        emit(args, {"person": person.as_dict()}, lambda d: f"Added {d['person']['name']} ({d['person']['role']}).")
        return 0
    if action == "reset-password":
        person = people.set_password(args.name, _password(args))
        emit(args, {"person": person.as_dict()},
             lambda d: f"{d['person']['name']} has a new password and was signed out everywhere.")
        return 0
    if action == "remove":
        name = people.remove(args.name)
        emit(args, {"removed": name}, lambda d: f"Removed {d['removed']}'s account; they were signed out everywhere.")
        return 0
    person = getattr(people, action)(args.name)
    said = {"disable": "is switched off and was signed out everywhere", "enable": "can sign in again",
            "unlock": "can try signing in again now"}[action]
    emit(args, {"person": person.as_dict()}, lambda d: f"{d['person']['name']} {said}.")
    return 0


def register(sub, common) -> None:
    users = sub.add_parser("users", parents=[common], help="accounts for sharing Groundwork with staff")
    actions = users.add_subparsers(dest="users_action", required=True)
    actions.add_parser("list", parents=[common], help="everyone who may sign in")
    add = actions.add_parser("add", parents=[common], help="a new account")
    add.add_argument("name")
    add.add_argument("--role", choices=("owner", "staff"), required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset = actions.add_parser("reset-password", parents=[common], help="a new password (signs them out everywhere)")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for action, text in (("disable", "switch an account off (signs them out everywhere)"),
                         ("enable", "switch an account back on"), ("remove", "remove an account"),
                         ("unlock", "lift the pause after too many wrong passwords")):
        actions.add_parser(action, parents=[common], help=text).add_argument("name")
    users.set_defaults(func=cmd_users)
