"""Setup's "People" section: the owner's account first, then staff accounts (issue 20).

Thin: every change is one call to ``core.accounts.People``; its sentences (an ``AppError``) are shown as
they are. Password boxes live in forms that clear when sent, so no password stays on the page.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core import runtime
from core.accounts import People
from core.errors import AppError
from core.render import literal_markdown as md

ROLE_WORDS = {"staff": "Staff (ask and find)", "owner": "Owner (everything)"}  # staff first: the safe choice


def _flash() -> None:
    said = st.session_state.pop("people_flash", None)
    if said:
        getattr(st, said[0])(said[1])


def _done(sentence: str) -> None:
    st.session_state.people_flash = ("success", sentence)
    st.rerun()


def _passwords_match(first: str, second: str) -> bool:
    if first != second:
        st.error("The two passwords are different; type the same password twice.")
        return False
    return True


def people_section() -> None:
    st.subheader("People")
    people = People(runtime.get_library().db)
    _flash()
    if not people.owner_exists():
        first_owner(people)
        return
    everyone = people.list()
    st.markdown("Everyone who may use Groundwork when your staff use it from their computers. "
                "Staff can ask and find; only owners can add documents and change settings.")
    st.table(pd.DataFrame([(md(p.name), p.role.capitalize(), _state(p), "yes" if p.signed_in else "no")
                           for p in everyone], columns=["Name", "Role", "Account", "Signed in now"]).set_index("Name"),
             border="horizontal")
    add_person(people)
    change_person(people, [p.name for p in everyone])


def _state(person) -> str:
    if person.disabled:
        return "switched off"
    if person.locked:
        return f"paused after wrong passwords (until {person.locked_until})"
    return "active"


def first_owner(people: People) -> None:
    st.markdown("Before your staff can use Groundwork from their computers, create your own **owner account**. "
                "Once sharing is on, everyone signs in, you too.")
    with st.form("people_first_owner", clear_on_submit=True):
        name = st.text_input("Your name")
        first = st.text_input("Password (at least 8 characters)", type="password")
        second = st.text_input("The same password again", type="password")
        if st.form_submit_button("Create my owner account", type="primary") and _passwords_match(first, second):
            try:
                person = people.add(name, "owner", first)
            except AppError as exc:
                st.error(exc.user_message)
                return
            _done(f"Your owner account {person.name} is ready.")


def add_person(people: People) -> None:
    with st.expander("Add a person"):
        with st.form("people_add", clear_on_submit=True):
            name = st.text_input("Name they sign in with")
            role = st.radio("What they may do", list(ROLE_WORDS), format_func=ROLE_WORDS.get, horizontal=True)
            first = st.text_input("Password (at least 8 characters)", type="password")
            second = st.text_input("The same password again", type="password")
            st.caption("Tell them their name and password yourself; Groundwork never sends anything.")
            if st.form_submit_button("Add this person") and _passwords_match(first, second):
                try:
                    person = people.add(name, role, first)
                except AppError as exc:
                    st.error(exc.user_message)
                    return
                _done(f"{person.name} can now sign in as {person.role}.")


def change_person(people: People, names: list[str]) -> None:
    with st.expander("Change someone's account"):
        name = st.selectbox("Whose account", names, key="people_whose")
        if not name:
            return
        person = people.get(name)
        me = (runtime.current_access().name or "").casefold() == person.name.casefold()
        with st.form("people_password", clear_on_submit=True):
            first = st.text_input("New password", type="password")
            second = st.text_input("The same password again", type="password")
            if st.form_submit_button("Set this password") and _passwords_match(first, second):
                if me and runtime.current_access().name:  # sharing on: your own sessions end too
                    st.session_state.gw_signed_out = True  # (the next run says so: sign in with the new one)
                _try(lambda: people.set_password(person.name, first),
                     f"{person.name} has a new password; they were signed out everywhere.")
        with st.container(horizontal=True):
            if person.locked and st.button("Unlock", key="people_unlock"):
                _try(lambda: people.unlock(person.name), f"{person.name} can try signing in again now.")
            if person.disabled:
                if st.button("Switch on", key="people_enable"):
                    _try(lambda: people.enable(person.name), f"{person.name} can sign in again.")
            elif not me and st.button("Switch off", key="people_disable"):
                _try(lambda: people.disable(person.name),
                     f"{person.name} is switched off and was signed out everywhere.")
        if me:
            st.caption("This is your own account: you can set its password here, but not switch it off or remove it.")
            return
        sure = st.checkbox(f"Yes, remove {md(person.name)}'s account", key="people_remove_sure")
        if st.button("Remove account", key="people_remove", disabled=not sure):
            _try(lambda: people.remove(person.name), f"{person.name}'s account is removed.")


def _try(change, sentence: str) -> None:
    try:
        change()
    except AppError as exc:
        st.error(exc.user_message)
        return
    _done(sentence)
