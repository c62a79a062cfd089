"""A button that takes the owner to another page (``st.switch_page`` on click).

Used instead of ``st.page_link`` where a page may also be run on its own (the page tests run
one page file without ``app.py``'s navigation, where ``st.page_link`` can't find the page).
"""
from __future__ import annotations

import streamlit as st


def go_to(page: str, label: str, key: str, icon: str | None = None, kind: str = "tertiary") -> None:
    """``kind``: "tertiary" looks like a link inside a sentence; "primary"/"secondary" like a button."""
    if st.button(label, key=key, icon=icon, type=kind):
        st.switch_page(page)
