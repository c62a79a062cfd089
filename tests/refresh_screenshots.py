"""Retake the README's screenshots: ``python -m tests.refresh_screenshots``.

The browser tests take their screenshots on the way through the owner's journeys. A normal test run
writes them outside the repository (so the suite leaves the git tree unchanged); this command runs the
browser tests with ``GROUNDWORK_REFRESH_SCREENSHOTS=1``, which points them at ``docs/screenshots/``.
Extra arguments go to pytest (``python -m tests.refresh_screenshots -k chat``).
"""
from __future__ import annotations

import os
import subprocess
import sys

from tests.browser import README_SCREENSHOTS, REFRESH_ENV
from tests.conftest import ROOT


def main(argv: list[str]) -> int:
    env = dict(os.environ, **{REFRESH_ENV: "1"})
    command = [sys.executable, "-m", "pytest", "-m", "browser", "-p", "no:cacheprovider", *argv]
    code = subprocess.call(command, cwd=ROOT, env=env)
    print(f"Screenshots are in {README_SCREENSHOTS.relative_to(ROOT)}; check them with `git status` before committing.")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
