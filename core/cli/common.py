"""What every command shares: settings and library from the arguments, JSON or human output, progress."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from core.errors import UsageError


def settings_from(args):
    from core.settings import load_settings

    return load_settings(data_dir=args.data_dir)


def library_from(args):
    from core.library import Library

    return Library(settings_from(args))


NO_SUCH_PERSON = ("There is no enabled account called '{name}'; check the name with "
                  "\"python -m core users list\".")


def add_as_option(parser) -> None:
    """``--as NAME``: run the command with that person's access, exactly as the app applies it."""
    parser.add_argument("--as", dest="as_name", metavar="NAME",
                        help="use this person's access (staff never see documents marked Only me)")


def access_from(args, library):
    """The ``Access`` a command runs with: the owner on this computer, or ``--as NAME``'s account
    (an unknown or disabled name stops the command with one sentence, exit 1)."""
    from core.access import OWNER_HERE, access_for_name

    name = getattr(args, "as_name", None)
    if name is None:
        return OWNER_HERE
    access = access_for_name(library.db.conn(), name.strip())
    if access is None:
        raise UsageError(NO_SUCH_PERSON.format(name=name))
    return access


def readable_library_from(args):
    """(the library as the command's person may read it, their ``Access``): see ``access_from``."""
    lib = library_from(args)
    access = access_from(args, lib)
    return lib.for_access(access), access


def emit(args, payload: dict, human: Callable[[dict], str]) -> None:
    """With ``--json`` one JSON document on stdout, always UTF-8 whatever the console's encoding (a
    Windows console redirected to a file is cp1252), made whole before the first byte is written;
    otherwise the human text (characters the console can't show become "?", see ``safe_console``)."""
    if args.json:
        data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # stdout replaced by a text-only stream (tests, embedding)
            sys.stdout.write(data.decode("utf-8"))
            return
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:
        text = human(payload)
        if text:
            print(text)


def safe_console() -> None:
    """Human text never fails on a console that can't show a character (Windows' cp1252 and "報告.pdf"):
    such characters are written as "?" instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # a real console's stream has it
        try:
            if reconfigure is not None:
                reconfigure(errors="replace")
        except (ValueError, OSError):  # not a reconfigurable text stream
            pass


def stderr_progress(args):
    last = {"msg": None}

    def progress(fraction: float, message: str) -> None:
        if args.json or not sys.stderr.isatty():
            return
        if message and message != last["msg"]:
            last["msg"] = message
            print(f"\r{int(fraction * 100):3d}%  {message[:70]:<70}", end="", file=sys.stderr, flush=True)

    return progress


def collect_paths(paths: Sequence[str]) -> list[Path]:
    """Files named directly, plus supported files found inside folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            from core.documents import EXPLAINED_EXTENSIONS, READABLE_EXTENSIONS

            picked = set(READABLE_EXTENSIONS + EXPLAINED_EXTENSIONS)
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in picked))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"There is no file or folder at '{raw}'; check the path and try again.")
    return out
