"""The headless interface: ``python -m core COMMAND`` (a contract; see docs/ARCHITECTURE.md).

Every command takes ``--data-dir`` and ``--json``. With ``--json`` exactly one
JSON document goes to stdout; progress and errors go to stderr. Exit codes:
0 ok, 1 bad input (an ``AppError``), 2 usage (argparse).

Each module below registers its own commands (``register(subparsers, common)``).
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from core.cli import answer_cmds, library_cmds, search_cmds, selftest_cmds, show_cmds
from core.errors import AppError

COMMAND_MODULES = (library_cmds, search_cmds, answer_cmds, selftest_cmds, show_cmds)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: GROUNDWORK_DATA_DIR or your app-data folder)")
    common.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser = argparse.ArgumentParser(prog="python -m core", description="Groundwork without the browser.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        parser.error("--k must be 1 or more")
    try:
        return args.func(args)
    except AppError as exc:
        print(exc.user_message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 1
