"""docs/CONTRACTS.md follows the code: every function or class it names exists where it says.

Each ``## core/...`` section lists what that module (or package) offers. A name written as a call
(``name(`` in the section's indented lines) must be defined there — or be a shared type or error
(core/types.py, core/errors.py, core/settings.py). A dotted name (``core.answer.supporting_sentences``,
``jobs.JobBoard``) must import. For a function the module itself exports, every parameter the
document writes must be one of the function's parameters.
"""
from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

CONTRACTS = ROOT / "docs" / "CONTRACTS.md"
SHARED = ("core/types.py", "core/errors.py", "core/settings.py")
CALL = re.compile(r"(?<![\w.])(\.?)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\(")
IDENT = re.compile(r"\s*\**([A-Za-z_]\w*)\s*(?:[:=,]|$)")


def sections() -> list[tuple[str, list[str]]]:
    """(module path such as "core/library/" or "core/llm.py", its indented lines)."""
    out: list[tuple[str, list[str]]] = []
    for line in CONTRACTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            title = line[3:].split()[0]
            out.append((title, []))
        elif out and line.startswith("    "):
            out[-1][1].append(line.split("#", 1)[0])  # the code, not its comment
    return [(title, lines) for title, lines in out if title.startswith("core/")]


def source_files(title: str) -> list[Path]:
    path = ROOT / title
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files + [ROOT / s for s in SHARED]


def module_name(title: str) -> str:
    return title.rstrip("/").removesuffix(".py").replace("/", ".")


def defined(name: str, sources: str) -> bool:
    return re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b|^\s*{re.escape(name)}\s*[:=]", sources,
                     re.MULTILINE) is not None


def resolve(dotted: str, package: str):
    """``core.answer.supporting_sentences`` or ``jobs.JobBoard`` (relative to the section's package)."""
    head, *rest = dotted.split(".")
    for base in ([head] if head == "core" else [f"{package}.{head}", head]):
        try:
            obj = importlib.import_module(base)
        except ImportError:
            continue
        for i, part in enumerate(rest):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                obj = importlib.import_module(".".join([base, *rest[: i + 1]]))
        return obj
    raise ImportError(dotted)


def written_parameters(line: str, start: int) -> list[str]:
    """The parameter names written inside the parentheses that open at ``start``."""
    depth, args, current = 0, [], ""
    for ch in line[start:]:
        if ch in "([{":
            depth += 1
            if depth == 1:
                continue
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                break
        if ch == "," and depth == 1:
            args.append(current)
            current = ""
        else:
            current += ch
    args.append(current)
    names = []
    for arg in args:
        m = IDENT.match(arg)
        if m and arg.strip() not in ("...", "*"):
            names.append(m.group(1))
    return names


def named_calls():
    for title, lines in sections():
        for line in lines:
            for m in CALL.finditer(line):
                yield title, line, m


CASES = list(named_calls())


def test_the_document_names_functions():
    assert len(CASES) > 100  # the parser reads the document (a broken parser would check nothing)


@pytest.mark.parametrize("title,line,match", CASES, ids=[f"{t}:{m.group(2)}" for t, _, m in CASES])
def test_each_name_exists_where_the_document_puts_it(title, line, match):
    dot, name = match.group(1), match.group(2)
    package = module_name(title if title.endswith("/") else str(Path(title).parent) + "/")
    if "." in name and not dot and name[0].isupper():  # Class.method, e.g. History.approved_examples
        cls, method = name.rsplit(".", 1)
        everything = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "core").rglob("*.py"))
        assert defined(cls, everything) and defined(method, everything), f"CONTRACTS.md names {name}()"
        return
    if "." in name and not dot:
        resolve(name, package)  # raises when the module or the attribute is missing
        return
    name = name.split(".")[-1]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in source_files(title))
    assert defined(name, sources), f"CONTRACTS.md names {name}() under {title}, but it isn't defined there"
    if dot:
        return  # a method: its class is the thing the line is about
    module = importlib.import_module(module_name(title))
    func = getattr(module, name, None)
    if not inspect.isfunction(func):
        return  # a method or a class written as a call: its name is checked above
    real = set(inspect.signature(func).parameters)
    for param in written_parameters(line, match.end() - 1):
        assert param in real, f"CONTRACTS.md gives {name}() a parameter '{param}'; it has {sorted(real)}"


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_pin_each_package_once(name):
    pins = [line.split("#")[0].strip() for line in (ROOT / name).read_text(encoding="utf-8").splitlines()]
    pins = [p for p in pins if p and not p.startswith("-r")]
    assert all("==" in p for p in pins), pins
    packages = [p.split("==")[0].lower().replace("_", "-") for p in pins]
    assert len(packages) == len(set(packages)), sorted(p for p in packages if packages.count(p) > 1)
