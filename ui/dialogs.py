"""Dialogs drawn once for each click that asks for them.

A button that opens a dialog, and each click inside it, asks with ``ask``; the page draws the dialog
while it is ``asked``; the dialog's own body ``take``s the request first thing. So a run nothing asked
for leaves the dialog closed, and closing needs no message from the browser. Streamlit can drop a close
that arrives while a page is still running with another click right behind it, and an "open" that only
that message cleared drew the dialog again over the owner's next click.

In the browser a click inside a dialog runs only the dialog; under AppTest it runs the whole page, which
finds the request the click left.
"""
from __future__ import annotations

import streamlit as st


def ask(name: str, value: object = True) -> None:
    """Button callback: the next run draws the dialog ``name`` (``value`` says which, when several share it)."""
    st.session_state[name] = value


def asked(name: str, value: object = True) -> bool:
    return st.session_state.get(name) == value


def take(name: str, value: object = True) -> None:
    """First thing in the dialog's body: the request is used."""
    if asked(name, value):
        del st.session_state[name]


__all__ = ["ask", "asked", "take"]
