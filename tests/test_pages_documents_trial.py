"""Issue 22: removing the samples while they load, and old results boxes (AppTest, real library)."""
from __future__ import annotations

import threading

import pytest

from core.samples import sample_files
from tests.apptest import few_samples, page, texts


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def library_names() -> set[str]:
    from core.library import Library
    from core.settings import load_settings

    return {d.file for d in Library(load_settings()).documents()}


def test_removing_the_samples_while_they_load_leaves_none_behind(monkeypatch, tmp_path):
    """The last sample is still being added when the owner confirms the removal (held until then)."""
    import core.ingest.jobs as jobs_module

    names = few_samples(monkeypatch, tmp_path / "samples")
    assert [p.name for p in sample_files()] == names
    last = names[-1]
    release, holding = threading.Event(), threading.Event()
    real_check = jobs_module.check_file

    def held_check(name, data, lib, progress, known):
        if name == last:
            holding.set()
            release.wait(120)
        return real_check(name, data, lib, progress, known)

    monkeypatch.setattr(jobs_module, "check_file", held_check)
    at = page("documents.py", timeout=180).run()
    at.button(key="load_samples").click().run()
    assert holding.wait(300), "the batch never reached the last sample"
    at.run()
    assert set(names[:-1]) <= library_names() and last not in library_names()
    at.button(key="remove_samples").click().run()
    assert "still being added" in texts(at)
    threading.Timer(2.0, release.set).start()  # the file in hand finishes while the page waits for it
    at.button(key="confirm_remove_yes").click().run()
    assert not at.exception
    from core import runtime

    job = runtime.get_jobs().current()
    if job is not None:
        job.wait(300)
    assert library_names() == set(), "a sample document was left behind"
    out = texts(at)
    assert "The sample documents were removed from your library." in out
    assert "files added to your library" not in out, "the old results box stayed"
    at.run()
    assert "Nothing here yet." in texts(at) and "files added to your library" not in texts(at)


def test_removing_the_samples_after_loading_drops_the_results_box(monkeypatch, tmp_path):
    few_samples(monkeypatch, tmp_path / "samples")
    at = page("documents.py", timeout=180).run()
    at.button(key="load_samples").click().run()
    from core import runtime

    runtime.get_jobs().current().wait(300)
    at.run()
    n = len(sample_files())
    assert f"{n} of {n} files added" in texts(at)
    at.button(key="remove_samples").click().run()
    at.button(key="confirm_remove_yes").click().run()
    out = texts(at)
    assert "The sample documents were removed from your library." in out
    assert "files added to your library" not in out


def test_a_new_drop_drops_the_last_results_before_its_check(monkeypatch):
    """While the next drop is being checked (31 s for a big one), the last batch's box is already gone."""
    import core.ingest as ingest
    from core import runtime
    from tests.builders import LOREM_TOPICS, make_pdf

    at = page("documents.py", timeout=180).run()
    at.file_uploader[0].set_value([("First.pdf", make_pdf(LOREM_TOPICS), "application/pdf")]).run()
    at.button(key="add_files").click().run()
    runtime.get_jobs().current().wait(300)
    at.run()
    assert "1 of 1 file added" in texts(at)
    seen = []
    real = ingest.check_batch

    def watched(*args, **kwargs):
        seen.append(runtime.get_jobs().current())  # the results box is drawn from this, above the check
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "check_batch", watched)
    at.file_uploader[0].set_value([("Second.pdf", make_pdf(LOREM_TOPICS[::-1]), "application/pdf")]).run()
    assert not at.exception
    assert seen == [None], "the last batch's results were still up while the new drop was checked"
