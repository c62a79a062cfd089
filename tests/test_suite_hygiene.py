"""The suite itself: it leaves the repository as it found it."""
from __future__ import annotations

from tests.browser import README_SCREENSHOTS, REFRESH_ENV, screenshots_dir
from tests.conftest import ROOT


def test_screenshots_go_outside_the_repository_unless_refreshing_the_readme(monkeypatch):
    monkeypatch.delenv(REFRESH_ENV, raising=False)
    monkeypatch.delenv("GROUNDWORK_TEST_SCREENSHOTS", raising=False)
    assert not screenshots_dir().resolve().is_relative_to(ROOT)
    monkeypatch.setenv(REFRESH_ENV, "1")
    assert screenshots_dir() == README_SCREENSHOTS and README_SCREENSHOTS.is_relative_to(ROOT)
