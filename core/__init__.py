"""Groundwork core: all logic, no Streamlit (except core/runtime.py)."""
