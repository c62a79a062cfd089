"""The headless interface in this process: ``python -m core ARGS`` without starting Python again.

The commands' own code runs exactly as in a child process (``core.cli.main``, the same argument
parser, error boundary and exit codes); only stdout and stderr are captured here instead of piped.
Tests whose subject is the process itself (one JSON document on a real pipe, signals, a damaged
library at start-up, a hostile environment, several processes at once) start real processes.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from typing import Any, Optional


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)  # exactly one JSON document, nothing else


@contextlib.contextmanager
def _environment(extra: Optional[dict[str, str]]):
    saved = {k: os.environ.get(k) for k in extra or {}}
    os.environ.update(extra or {})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class RanOnConsole:
    returncode: int
    stdout: bytes
    stderr: bytes


def on_console(*args: str, encoding: str) -> RanOnConsole:
    """Run one command with stdout and stderr as Python makes them for a console in ``encoding``
    (``PYTHONIOENCODING``: text streams over byte buffers, strict by default); the bytes written."""
    from core.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = [io.TextIOWrapper(b, encoding=encoding, line_buffering=True) for b in (out, err)]
    with contextlib.redirect_stdout(streams[0]), contextlib.redirect_stderr(streams[1]):
        try:
            code = main([str(a) for a in args])
        finally:
            for s in streams:
                s.flush()
    return RanOnConsole(int(code or 0), out.getvalue(), err.getvalue())


def core(*args: str, env_extra: Optional[dict[str, str]] = None) -> Ran:
    """Run one command as ``python -m core`` would; its exit code and what it printed."""
    from core.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _environment(env_extra), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
            code = exc.code if isinstance(exc.code, int) else 1
    return Ran(int(code or 0), out.getvalue(), err.getvalue())
