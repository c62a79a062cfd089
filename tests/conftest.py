"""Shared fixtures: every test gets its own data folder and no network."""
from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """One model cache for the whole run (the CLI tests' child processes inherit it), never the user's own."""
    os.environ["GROUNDWORK_CACHE_DIR"] = tempfile.mkdtemp(prefix="groundwork-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.pop("GROUNDWORK_CACHE_DIR", ""), ignore_errors=True)


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any connection that would leave this computer."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise OSError(f"network blocked in tests: {address!r}")

    def connect(self, address):
        guard(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        guard(self, address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Point the app at a fresh data folder; no test touches a real user folder."""
    path = tmp_path / "data"
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(path))
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")  # nothing listens: "Ollama down"
    monkeypatch.delenv("GROUNDWORK_CHROMA_URL", raising=False)
    monkeypatch.delenv("GROUNDWORK_MODEL", raising=False)
    return path


@pytest.fixture
def settings(data_dir):
    from core.settings import load_settings

    return load_settings()


@pytest.fixture
def fresh_streamlit_cache():
    """Page tests: no cached library, client or status leaks from one test into the next."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()
