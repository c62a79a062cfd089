"""The headless interface: ``python -m core COMMAND`` (a contract; see docs/ARCHITECTURE.md).

Every command takes ``--data-dir`` and ``--json``. With ``--json`` exactly one
JSON document goes to stdout; progress and errors go to stderr. Exit codes:
0 ok, 1 bad input (an ``AppError``) or any other failure, 2 usage (argparse).
A failure is one plain sentence on stderr, never a traceback; ``--debug`` (or
``GROUNDWORK_DEBUG=1``) adds the details for whoever is fixing it.

Each module below registers its own commands (``register(subparsers, common)``).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from typing import Optional, Sequence

from core.cli import answer_cmds, library_cmds, search_cmds, selftest_cmds, show_cmds, sync_cmds, users_cmds
from core.cli.common import safe_console
from core.errors import AppError

COMMAND_MODULES = (library_cmds, search_cmds, answer_cmds, selftest_cmds, show_cmds, sync_cmds, users_cmds)
UNEXPECTED = "Something unexpected went wrong; try again, and if it happens again, run the command with --debug."


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: GROUNDWORK_DATA_DIR or your app-data folder)")
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    common.add_argument("--debug", action="store_true", help="when something fails, print the details too")
    parser = argparse.ArgumentParser(prog="python -m core", description="Groundwork without the browser.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    safe_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        parser.error("--k must be 1 or more")
    debug = args.debug or bool(os.environ.get("GROUNDWORK_DEBUG"))
    if debug:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    else:  # what the code logs (with tracebacks) stays off the owner's screen
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        code = args.func(args)
        sys.stdout.flush()  # inside the guard: a reader that went away is handled below
        return code
    except AppError as exc:
        if debug:
            traceback.print_exc()
        print(exc.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception:  # never a traceback for the owner; the details on request
        if debug:
            traceback.print_exc()
        print(UNEXPECTED, file=sys.stderr)
        return 1
