"""Streamlit pieces shared by several pages (passage cards, the source viewer, an answer).

``core/`` knows nothing of Streamlit; pages stay thin by calling these. Everything here
draws on the screen and calls ``core`` for the rest.
"""
