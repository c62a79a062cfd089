"""Groundwork core: all logic, no Streamlit (except core/runtime.py).

Importing any part of it first switches off every library's telemetry (``core.privacy``): the
entry points do that themselves too, but nothing that loads Groundwork's code can forget it.
"""
from core.privacy import keep_local as _keep_local

_keep_local()
