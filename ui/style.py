"""The few styles every page shares, added once per run by app.py."""
import streamlit as st

CSS = """<style>
.gw-passage {font-size: 0.92rem; line-height: 1.5; padding: 0.1rem 0.6rem; border-left: 3px solid #2f6f4f55;}
.gw-page {font-size: 0.95rem; line-height: 1.6;}
.gw-passage mark, .gw-page mark {background: #fde68a; padding: 0 0.1em; border-radius: 2px;}
</style>"""


def inject() -> None:
    st.html(CSS)
