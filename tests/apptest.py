"""AppTest on app.py, switching pages the way a person already in the app does.

Streamlit runs a top-level ``pages/`` folder as its old automatic menu on the *first* visit of a
browser session; ``runtime.page_setup()`` then reruns through ``app.py`` (see DESIGN.md). A
real session meets this once. AppTest meets it on every run after ``switch_page``, and the
rerun loses that run's click. ``app_test`` makes every run a run of a session already inside
the app, so a click reaches the page. The first visit itself is covered in a real browser
(tests/test_browser_documents.py).
"""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def app_test(monkeypatch, timeout: float = 120) -> AppTest:
    """``app.py`` run once (the home page); then ``at.switch_page("pages/x.py").run()``."""
    from streamlit.runtime import pages_manager

    original = pages_manager.PagesManager.__init__

    def inside_the_app(self, *args, **kwargs):
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", inside_the_app)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()


def page(name: str, timeout: float = 120) -> AppTest:
    """``pages/<name>`` on its own (not yet run)."""
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=timeout)


def texts(at: AppTest) -> str:
    """What the page says in words: its Markdown, notices, captions and errors, one per line."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [c.value for c in at.caption] + [s.value for s in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


# three small sample documents with a text layer (no text recognition): enough for a batch with a last file
FEW_SAMPLES = ("Rental_Agreement_Terms.pdf", "Returns_and_Warranty_Policy.pdf", "Stock_List_March_2026.xlsx")


def few_samples(monkeypatch, folder) -> list[str]:
    """The app's sample documents, for this test, are ``FEW_SAMPLES`` (copied into ``folder``): for tests
    about loading or removing samples as a batch, where what the samples say doesn't matter. Loading all
    of them, scans included, is ``test_pages_documents.test_empty_library_offers_samples_and_loads_them``."""
    import shutil

    import core.samples

    folder.mkdir(parents=True, exist_ok=True)
    for name in FEW_SAMPLES:
        shutil.copy2(core.samples.SAMPLE_DIR / name, folder / name)
    monkeypatch.setattr(core.samples, "SAMPLE_DIR", folder)
    return sorted(FEW_SAMPLES)
