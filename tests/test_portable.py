"""Groundwork starts on Windows and macOS too: none of its own code needs a POSIX-only module.

CI runs on Linux, so this is the guard: a fresh Python in which ``fcntl``, ``resource``, ``pwd``
and ``grp`` cannot be imported by Groundwork's code (as on Windows) imports every module of
``core`` and ``ui``, compiles ``app.py`` and every page, and imports what the pages import.
Third-party libraries keep their own platform branches, so only import statements in this
repository's files are refused (checked at every ``import``, even of a module already loaded).
"""
from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

POSIX_ONLY = ("fcntl", "resource", "pwd", "grp", "termios", "posix")

CHILD = r"""
import builtins, importlib, json, pkgutil, sys, traceback
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve()
BLOCKED = set(sys.argv[2].split(","))
sys.path.insert(0, str(ROOT))


def from_this_repository(module_globals):
    name = (module_globals or {}).get("__file__") or ""
    path = Path(name).resolve() if name else None
    return path is not None and ROOT in path.parents and "site-packages" not in path.parts


real_import = builtins.__import__


def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    # every import statement, even of a module already loaded elsewhere, passes through here
    if level == 0 and name.split(".")[0] in BLOCKED and from_this_repository(globals):
        raise ModuleNotFoundError(f"No module named {name!r} (not on Windows)", name=name)
    return real_import(name, globals, locals, fromlist, level)


builtins.__import__ = guarded_import

failures = {}
names = []
for package in ("core", "ui"):
    module = importlib.import_module(package)
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")
              if not m.name.endswith(".__main__")]  # that one runs the CLI: compiled below instead
names += json.loads(sys.argv[3])
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps({"imported": names, "failures": failures}))
"""


def script_imports() -> list[str]:
    """What app.py, the pages and ``core/__main__.py`` import (scripts: compiled here, their imports checked)."""
    names = set()
    for path in [ROOT / "app.py", ROOT / "core" / "__main__.py", *sorted((ROOT / "pages").glob("*.py"))]:
        tree = compile(path.read_text(encoding="utf-8"), str(path), "exec", ast.PyCF_ONLY_AST)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return sorted(names)


@functools.lru_cache(maxsize=None)
def import_everything(blocked=POSIX_ONLY) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), ",".join(blocked), json.dumps(script_imports())],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_blocker_catches_a_posix_only_import():
    """The check itself works: with ``json`` blocked, Groundwork's modules that import it fail."""
    result = import_everything(blocked=("json",))
    assert "core.settings" in result["failures"] and "not on Windows" in result["failures"]["core.settings"]


@pytest.mark.slow
def test_every_module_imports_without_posix_only_modules():
    result = import_everything()
    assert {"core", "core.cli", "core.render", "core.privacy", "core.library", "ui.passages",
            "streamlit"} <= set(result["imported"])
    assert result["failures"] == {}, "\n".join(f"{k}:\n{v}" for k, v in result["failures"].items())
