"""'Only me' on the Documents page through AppTest: the drop box's choice and the per-document switch."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.access import Access
from tests.builders import make_pdf
from tests.conftest import ROOT

STAFF = Access("Sam", "staff")


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def documents_page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "documents.py"), default_timeout=120)


def library():
    from core import runtime

    return runtime.get_library()


def test_the_drop_box_adds_files_marked_only_me():
    at = documents_page().run()
    at.file_uploader[0].set_value([("Payroll.pdf", make_pdf(["Payroll. March wages 4100 dollars."]), "application/pdf"),
                                   ("Rota.pdf", make_pdf(["Rota. Sam works Mondays."]), "application/pdf")]).run()
    assert not at.exception
    only_me = at.checkbox(key="add_only_me")
    assert only_me.label == "Only me: my staff won't see these files" and only_me.value is False
    only_me.check().run()
    at.button(key="add_files").click().run()
    from core import runtime

    runtime.get_jobs().current().wait(300)
    at.run()
    assert not at.exception
    lib = library()
    assert {d.file: d.only_owner for d in lib.documents()} == {"Payroll.pdf": True, "Rota.pdf": True}
    assert lib.for_access(STAFF).documents() == []
    frame = at.dataframe[0].value
    assert list(frame["Who sees it"]) == ["Only me", "Only me"]


def test_a_document_is_marked_and_unmarked_later_and_staff_follow_at_once():
    from core.ingest import add_files

    lib = library()
    add_files(lib, [("Handbook.pdf", make_pdf(["Annual leave is 25 days."])),
                    ("Payroll.pdf", make_pdf(["Payroll. March wages 4100 dollars."]))])
    at = documents_page().run()
    assert not at.exception
    assert list(at.dataframe[0].value["Who sees it"]) == ["Everyone", "Everyone"]
    at.selectbox(key="manage_doc").set_value("Payroll.pdf").run()
    switch = at.toggle(key="only_me_Payroll.pdf")
    assert switch.label == "Only me" and switch.value is False
    switch.set_value(True).run()
    assert not at.exception
    assert lib.document("Payroll.pdf").only_owner is True
    assert [d.file for d in lib.for_access(STAFF).documents()] == ["Handbook.pdf"]
    assert list(at.dataframe[0].value["Who sees it"]) == ["Everyone", "Only me"]
    assert any("only you see it now" in t.value for t in at.toast)
    at.toggle(key="only_me_Payroll.pdf").set_value(False).run()
    assert [d.file for d in lib.for_access(STAFF).documents()] == ["Handbook.pdf", "Payroll.pdf"]
