"""Nothing leaves this computer, even when the computer is set up to let it.

Real ``python -m core`` processes with every proxy variable pointing at a local socket that
records connections, and a fresh home folder: a library that phones home through the proxy,
or keeps a telemetry store in the home folder, is caught. The test process's own environment
carries the off switches (conftest), so the children get an environment without them: only
Groundwork's own code may switch telemetry off.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.privacy import OFF_SWITCHES, keep_local, make_data_folder_private, make_private
from tests.builders import LOREM_TOPICS, make_docx, make_pdf
from tests.conftest import FIXTURES, ROOT
from tests.offline import ConnectionRecorder
from tests.ollama_standin import OllamaStandin

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def hostile_environment(tmp_path: Path, proxy: str, ollama_host: str) -> dict[str, str]:
    """The environment of a computer that would let anything out: proxies set, no switches, no NO_PROXY."""
    env = {k: v for k, v in os.environ.items() if k not in OFF_SWITCHES and k.upper() != "NO_PROXY"}
    home = tmp_path / "home"
    for sub in ("", ".cache", ".config", ".local/share", ".local/state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update({var: proxy for var in PROXY_VARS})
    env.update({
        "HOME": str(home),
        "USERPROFILE": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "GROUNDWORK_DATA_DIR": str(tmp_path / "data"),
        "OLLAMA_HOST": ollama_host,
    })
    return env


def run_core(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.slow
def test_ingest_search_and_ask_send_nothing_anywhere_and_keep_no_telemetry_store(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "Handbook.pdf").write_bytes(make_pdf(LOREM_TOPICS))
    (folder / "Hours.docx").write_bytes(make_docx([("Opening hours", "We open at nine and close at six.")]))
    with ConnectionRecorder() as proxy, OllamaStandin() as ollama:
        ollama.enqueue_chat(["We open at nine [1]."])
        env = hostile_environment(tmp_path, proxy.address, ollama.host)
        ingest = json.loads(run_core(env, "ingest", str(folder), "--json").stdout)
        found = json.loads(run_core(env, "search", "when do you open", "--json").stdout)
        asked = json.loads(run_core(env, "ask", "When do you open?", "--json").stdout)

        assert proxy.seen() == [], "something tried to leave through the proxy"
        assert [f["status"] for f in ingest["files"]] == ["added", "added"]
        assert found["results"] and asked["mode"] == "llm"
        assert ollama.calls("/api/chat"), "the question went to the local model"
    written = sorted(str(p.relative_to(tmp_path / "home")) for p in (tmp_path / "home").rglob("*") if p.is_file())
    assert written == [], f"written into the home folder: {written}"


@pytest.mark.slow
def test_turning_sharing_on_sends_nothing_anywhere(tmp_path):
    """``core share on`` finds this computer's names and makes its certificate here: nothing connects out."""
    from core.settings import load_settings
    from tests.sharing_helpers import add_owner

    with ConnectionRecorder() as proxy:
        env = hostile_environment(tmp_path, proxy.address, "http://127.0.0.1:9")
        add_owner(load_settings(data_dir=env["GROUNDWORK_DATA_DIR"]))
        shared = json.loads(run_core(env, "share", "on", "--json").stdout)
        run_core(env, "share", "off")
        assert proxy.seen() == []
    assert shared["sharing"] is True
    assert (tmp_path / "data" / "certificate" / "office.key").is_file()
    written = sorted(str(p.relative_to(tmp_path / "home")) for p in (tmp_path / "home").rglob("*") if p.is_file())
    assert written == []


# each switch with the value its library reads as "off", written out here rather than taken from the code
SWITCHED_OFF = {
    "ORT_DISABLE_TELEMETRY": "1", "ANONYMIZED_TELEMETRY": "False", "OTEL_SDK_DISABLED": "true",
    "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1",
    "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
}


def test_keep_local_forces_every_switch_and_keeps_loopback_off_proxies(monkeypatch):
    env = {"ORT_DISABLE_TELEMETRY": "0", "LANGSMITH_TRACING": "true", "ANONYMIZED_TELEMETRY": "True",
           "NO_PROXY": "intranet.example"}
    keep_local(env)
    assert {k: env[k] for k in SWITCHED_OFF} == SWITCHED_OFF
    assert set(OFF_SWITCHES) <= set(env)
    import chromadb.config

    monkeypatch.setenv("ANONYMIZED_TELEMETRY", env["ANONYMIZED_TELEMETRY"])
    assert chromadb.config.Settings().anonymized_telemetry is False  # the vector store reads it as off
    assert env["NO_PROXY"].split(",") == ["intranet.example", "localhost", "127.0.0.1", "::1"]
    assert env["no_proxy"] == "localhost,127.0.0.1,::1"
    keep_local(env)  # twice: nothing doubled
    assert env["NO_PROXY"].count("localhost") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits; on Windows the app-data folder is per-user")
def test_make_private_closes_a_folder_and_everything_in_it(tmp_path):
    root = tmp_path / "data"
    (root / "chroma" / "segment").mkdir(parents=True)
    for name in ("groundwork.db", "groundwork.db-wal", "settings.json", "chroma/chroma.sqlite3", "chroma/segment/x.bin"):
        (root / name).write_bytes(b"x")
        os.chmod(root / name, 0o644)
    os.chmod(root / "chroma", 0o755)
    make_private(root)
    modes = {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert modes == {"chroma": 0o700, "chroma/segment": 0o700, "chroma/chroma.sqlite3": 0o600,
                     "chroma/segment/x.bin": 0o600, "groundwork.db": 0o600, "groundwork.db-wal": 0o600,
                     "settings.json": 0o600}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits; on Windows the app-data folder is per-user")
def test_saving_a_setting_leaves_the_data_folder_private(settings):
    from core.settings import save_setting

    save_setting(settings, "model", "llama3.2:3b")
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((settings.data_dir / "settings.json").stat().st_mode) == 0o600


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits; on Windows the app-data folder is per-user")
def test_only_groundworks_own_entries_change_in_a_folder_the_owner_chose(tmp_path):
    root = tmp_path / "chosen"
    (root / "chroma").mkdir(parents=True)
    (root / "groundwork.db-wal").write_bytes(b"x")
    (root / "my-script.sh").write_bytes(b"#!/bin/sh")
    os.chmod(root / "my-script.sh", 0o755)
    make_data_folder_private(root)
    assert modes(root) == {".": 0o700, "chroma": 0o700, "groundwork.db-wal": 0o600, "my-script.sh": 0o755}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits; on Windows the app-data folder is per-user")
def test_a_library_made_by_the_cli_is_private_to_its_owner(data_dir):
    env = os.environ.copy()
    for args in (["ingest", str(FIXTURES / "text-3-pages.pdf")], ["library"]):
        proc = subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
    found = modes(data_dir)
    assert {"groundwork.db", "chroma", "files", "chroma/chroma.sqlite3"} <= set(found)
    assert {name: mode for name, mode in found.items() if mode not in (0o600, 0o700)} == {}
    assert found["."] == 0o700 and found["groundwork.db"] == 0o600


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator switch")
def test_freed_memory_is_scrubbed_so_reserved_index_slots_hold_no_old_text():
    """A fresh block from the allocator holds the scrub byte, not what a freed block held before (blocks
    the size of an index's reserved slots; glibc's per-thread cache of blocks under 1 KB is not scrubbed)."""
    import ctypes

    from core.privacy import SCRUB_BYTE, scrub_freed_memory, stop_scrubbing

    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    assert scrub_freed_memory()
    try:
        secret = b"Quixotic payroll figures " * 2600  # 65 KB
        block = libc.malloc(len(secret))
        ctypes.memmove(block, secret, len(secret))
        libc.free(block)
        again = libc.malloc(len(secret))
        try:
            assert ctypes.string_at(again, len(secret)) == bytes([SCRUB_BYTE ^ 0xFF]) * len(secret)
        finally:
            libc.free(again)
    finally:
        stop_scrubbing()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator switch")
def test_memory_is_scrubbed_only_while_the_vector_store_works(settings):
    """Filling every allocation made large batches quadratic: outside the vector store blocks are not filled."""
    import ctypes

    from core import privacy
    from core.embeddings.minilm import MiniLMEmbedder
    from core.library import Library

    lib = Library(settings, MiniLMEmbedder())
    seen = []
    lib.vectors.write(lib.db.generation(), lambda c: seen.append(privacy._scrub_depth))
    lib.vectors.read(lib.db.generation, lambda c: seen.append(privacy._scrub_depth))
    assert seen == [1, 1] and privacy._scrub_depth == 0
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block = libc.malloc(70_000)
    try:
        assert ctypes.string_at(block, 70_000) != bytes([privacy.SCRUB_BYTE ^ 0xFF]) * 70_000
    finally:
        libc.free(block)
