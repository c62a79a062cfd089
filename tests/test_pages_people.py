"""Setup's People section and the roles in the app, through Streamlit's AppTest (real SQLite, real argon2).

AppTest has no browser connection, so no sign-in cookie: with sharing on it is a browser that isn't
signed in (the signed-in staff view is driven in Chromium: tests/test_browser_signin.py).
"""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.accounts import People, SignIn
from core.db import Database
from core.settings import load_settings
from tests.apptest import app_test, page, texts
from tests.conftest import ROOT

SECRET = "Correct-Horse-7731"


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


def setup_page() -> AppTest:
    return page("setup.py").run()


def db() -> Database:
    return Database(load_settings().db_path)


def form_fill(at: AppTest, values: dict[str, str]) -> None:
    for box in at.text_input:
        if box.label in values:
            box.input(values[box.label])


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_the_first_owner_account_is_made_on_setup():
    at = setup_page()
    assert not at.exception
    assert "create your own **owner account**" in texts(at)
    form_fill(at, {"Your name": "Maria", "Password (at least 8 characters)": SECRET,
                   "The same password again": SECRET + "x"})
    at = press(at, "Create my owner account")
    assert "two passwords are different" in texts(at)
    assert not People(db()).any()
    form_fill(at, {"Your name": "Maria", "Password (at least 8 characters)": SECRET,
                   "The same password again": SECRET})
    at = press(at, "Create my owner account")
    assert not at.exception
    assert "Your owner account Maria is ready." in texts(at)
    assert [(p.name, p.role) for p in People(db()).list()] == [("Maria", "owner")]
    assert SignIn(db()).sign_in("Maria", SECRET).ok
    assert all(SECRET not in str(box.value or "") for box in at.text_input)  # the form forgot it


def test_the_owner_adds_changes_and_removes_staff():
    people = People(db())
    people.add("Maria", "owner", SECRET)
    at = setup_page()
    form_fill(at, {"Name they sign in with": "Tom", "Password (at least 8 characters)": "tom-password-1",
                   "The same password again": "tom-password-1"})
    next(r for r in at.radio if r.label == "What they may do").set_value("staff")
    at = press(at, "Add this person")
    assert "Tom can now sign in as staff." in texts(at)
    table = at.table[0].value
    assert list(table.index) == ["Maria", "Tom"] and list(table["Role"]) == ["Owner", "Staff"]

    signin = SignIn(db())
    token = signin.sign_in("Tom", "tom-password-1").token
    at.selectbox(key="people_whose").set_value("Tom").run()
    form_fill(at, {"New password": "tom-password-2", "The same password again": "tom-password-2"})
    at = press(at, "Set this password")
    assert "Tom has a new password; they were signed out everywhere." in texts(at)
    assert signin.access(token) is None and signin.sign_in("Tom", "tom-password-2").ok

    for _ in range(10):  # wrong passwords pause the account (each try after its wait); the owner unlocks it
        with Database(load_settings().db_path).transaction() as conn:
            conn.execute("UPDATE people SET locked_until = NULL WHERE name = 'Tom'")
        signin.sign_in("Tom", "wrong-password")
    at = setup_page()
    at.selectbox(key="people_whose").set_value("Tom").run()
    assert "paused after wrong passwords" in str(at.table[0].value.loc["Tom", "Account"])
    at = press(at, "Unlock")
    assert "Tom can try signing in again now." in texts(at)
    assert signin.sign_in("Tom", "tom-password-2").ok

    at.selectbox(key="people_whose").set_value("Tom").run()
    at = press(at, "Switch off")
    assert "Tom is switched off and was signed out everywhere." in texts(at)
    assert at.table[0].value.loc["Tom", "Account"] == "switched off"
    at.selectbox(key="people_whose").set_value("Tom").run()
    assert next(b for b in at.button if b.label == "Remove account").disabled
    at.checkbox(key="people_remove_sure").check().run()
    at = press(at, "Remove account")
    assert "Tom's account is removed." in texts(at)
    assert [p.name for p in People(db()).list()] == ["Maria"]


def test_the_last_owner_cant_be_switched_off():
    People(db()).add("Maria", "owner", SECRET)
    at = setup_page()
    at.selectbox(key="people_whose").set_value("Maria").run()
    at = press(at, "Switch off")
    assert "at least one owner who can sign in" in texts(at)
    assert People(db()).owner_exists()


def sharing_on() -> None:
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "settings.json").write_text(json.dumps({"sharing": True}))


@pytest.mark.parametrize("name", ["setup", "documents", "style", "selftest", "advisor"])
def test_with_sharing_on_an_owner_page_shows_nothing_to_a_browser_not_signed_in(name):
    People(db()).add("Maria", "owner", SECRET)
    sharing_on()
    at = page(f"{name}.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["You're not signed in (or your sign-in has ended); reload this page to sign in."]
    assert not at.title or [t.value for t in at.title] == ["📚 Groundwork"]
    assert not at.button and not at.text_input and not at.table


def test_with_sharing_on_the_app_shows_only_the_way_to_sign_in(monkeypatch):
    People(db()).add("Maria", "owner", SECRET)
    sharing_on()
    at = app_test(monkeypatch)
    assert not at.exception
    assert "reload this page to sign in" in texts(at)
    assert "Library" not in "\n".join(str(m.value) for m in at.sidebar.markdown)  # nothing about the library


def test_with_sharing_off_nothing_changes(monkeypatch):
    People(db()).add("Maria", "owner", SECRET)
    at = app_test(monkeypatch)
    assert not at.exception
    assert "Signed in as" not in texts(at) and not [b for b in at.button if b.label == "Sign out"]
    at.switch_page("pages/setup.py").run()
    assert not at.exception and not at.warning and [t.value for t in at.title] == ["⚙️ Setup"]
    assert "Maria" in at.table[0].value.index


@pytest.mark.parametrize("sharing", [False, True])
def test_a_mistake_in_the_settings_file_never_lets_anyone_past_signing_in(monkeypatch, sharing):
    """With sharing off the owner still gets the page that explains the mistake; with it on, nobody gets in."""
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "settings.json").write_text(json.dumps({"sharing": sharing, "top_k": "abc"}))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    said = texts(at)
    if sharing:
        assert "reload this page to sign in" in said and "top_k" not in said
    else:
        assert "The setting 'top_k' has an invalid value; fix it in settings.json or remove it." in said
        assert "reload this page to sign in" not in said
