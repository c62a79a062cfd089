"""Nothing leaves this computer, and the data folder is its owner's alone.

``keep_local()`` turns off every phone-home switch of the libraries Groundwork runs on. It must
run before any of them is imported, so every entry point calls it first (``app.py``,
``core/__main__.py``, ``benchmarks/common.py``, ``tests/conftest.py``); it only sets environment
variables, so importing this module is cheap and has no other side effect.

What each dependency does, as audited (versions from requirements.txt):

- onnxruntime 1.32.0 (the built-in search model): built-in telemetry. On import it writes
  ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db}`` (a device id and
  machine facts) and uploads to a Microsoft events host, through any configured proxy.
  ``ORT_DISABLE_TELEMETRY=1``, read when the library loads, stops both.
- chromadb 1.5.9: its product telemetry client is a no-op in this release, and the store is
  opened with ``anonymized_telemetry=False``; ``ANONYMIZED_TELEMETRY`` covers any other client.
  Its OpenTelemetry tracing exports only to ``CHROMA_OTEL_COLLECTION_ENDPOINT``: forced empty.
- opentelemetry-sdk (a chromadb dependency): ``OTEL_SDK_DISABLED`` and the ``none`` exporters.
- huggingface_hub (a tokenizers dependency): never called (tokenizer files ship with the app);
  offline mode and no telemetry, in case anything ever does.
- langsmith (a langchain-core dependency): traces only when asked to; every tracing variable
  is forced off, so a tracing key set on this computer for other work is never used.
- streamlit 1.67.0: usage statistics are off in ``.streamlit/config.toml`` (read from the app's
  own folder, whatever the working folder); the environment variable says the same for any
  other way of starting it.
- ollama, httpx, requests: talk only to the Ollama address Groundwork is given. A proxy set on
  this computer must never see that traffic, so loopback is added to ``NO_PROXY``.
- tokenizers, pypdf, python-docx, pandas, numpy, platformdirs: no network code used.
- pip is not run by Groundwork; ``DO_NOT_TRACK`` is the common convention some tools honour.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Iterator, MutableMapping, Optional

# Variable -> value that keeps the library local. Forced, not defaulted: a value set on this
# computer for some other program must not switch Groundwork's telemetry back on.
OFF_SWITCHES = {
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_OTEL_COLLECTION_ENDPOINT": "",
    "OTEL_SDK_DISABLED": "true",
    "OTEL_TRACES_EXPORTER": "none",
    "OTEL_METRICS_EXPORTER": "none",
    "OTEL_LOGS_EXPORTER": "none",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "LANGSMITH_TRACING": "false",
    "LANGSMITH_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
}
LOOPBACK = ("localhost", "127.0.0.1", "::1")


def _no_proxy_for_loopback(environ: MutableMapping[str, str]) -> None:
    """Keep traffic to this computer (Ollama on loopback) away from any configured proxy."""
    for var in ("NO_PROXY", "no_proxy"):
        current = [h.strip() for h in environ.get(var, "").split(",") if h.strip()]
        if "*" in current:
            continue
        environ[var] = ",".join(current + [h for h in LOOPBACK if h not in current])


def keep_local(environ: Optional[MutableMapping[str, str]] = None) -> None:
    """Switch off every library's telemetry and tracing; call before importing them."""
    env = os.environ if environ is None else environ
    env.update(OFF_SWITCHES)
    _no_proxy_for_loopback(env)


SCRUB_BYTE = 0x5A
_M_PERTURB = -6  # glibc's mallopt parameter
_scrub_guard = threading.Lock()
_scrub_depth = 0


def _perturb(byte: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no such switch)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_PERTURB, byte))


def scrub_freed_memory() -> bool:
    """Ask the C allocator to hand out fresh blocks filled with a fixed byte instead of what was there
    before, and to overwrite blocks when they are freed (glibc's ``M_PERTURB``; True when set).
    ``scrubbed_allocations`` turns it on only while the vector store works; ``stop_scrubbing`` ends it.

    Why: the vector store saves its index files at their full reserved size, and the reserved slots
    not used yet are whatever the allocator handed out. Measured once in a full test run: text of
    a document removed earlier in the same process was found in such a slot on disk. With the
    allocator scrubbing while the store opens, reads or writes its index, those slots hold the fixed
    byte instead. Blocks under about 1 KB, which glibc keeps in a per-thread cache, are not scrubbed;
    an index's reserved space is far larger. Linux with glibc only.

    Not for the whole process: filling every allocation made buffers that are allocated large and
    trimmed quadratic (receiving a file from the read-ahead worker allocates the rest of the file on
    every 64 KB read: 62 s for 200 MB instead of 0.4 s).
    """
    return _perturb(SCRUB_BYTE)


def stop_scrubbing() -> bool:
    return _perturb(0)


@contextlib.contextmanager
def scrubbed_allocations() -> Iterator[None]:
    """While inside (any thread), fresh blocks are scrubbed (``scrub_freed_memory``); nesting is fine."""
    global _scrub_depth
    with _scrub_guard:
        _scrub_depth += 1
        if _scrub_depth == 1:
            scrub_freed_memory()
    try:
        yield
    finally:
        with _scrub_guard:
            _scrub_depth -= 1
            if _scrub_depth == 0:
                stop_scrubbing()


FOLDER_MODE = 0o700
FILE_MODE = 0o600


# What Groundwork keeps in its data folder (names start with these: "groundwork.db-wal", ".lock.x"...).
DATA_ENTRIES = ("groundwork.db", "settings.json", "chroma", "files", ".lock", ".settings-", "certificate")


def make_private(path: Path) -> None:
    """Make ``path`` (a folder of Groundwork's own, with everything in it, or one file) its owner's alone.

    Folders become 0700 and files 0600. On Windows, where these bits mean nothing, the app-data
    folder is already private to the signed-in user, so nothing is changed there. A file that
    disappears meanwhile (a SQLite -shm file, say) is skipped.
    """
    if sys.platform == "win32":
        return
    path = Path(path)
    _chmod(path)
    if not path.is_dir() or path.is_symlink():
        return
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            _chmod(Path(root) / name)


def keep_files_private() -> None:
    """From now on, files and folders this process creates are its owner's alone (umask 077).

    Called when the library opens, so what Chroma and SQLite create later (new index files, a
    -wal file) is private from the start, not only after the next start.
    """
    if sys.platform != "win32":
        os.umask(0o077)


def make_data_folder_private(data_dir: Path) -> None:
    """The data folder and what Groundwork keeps in it become its owner's alone (0700, files 0600).

    Only Groundwork's own entries are touched: the folder may be one the owner chose
    (``GROUNDWORK_DATA_DIR``) with other files of theirs in it.
    """
    if sys.platform == "win32":
        return
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return
    _chmod(data_dir)
    for entry in data_dir.iterdir():
        if entry.name.startswith(DATA_ENTRIES):
            make_private(entry)


def _chmod(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return
        wanted = FOLDER_MODE if stat.S_ISDIR(mode) else FILE_MODE
        if stat.S_IMODE(mode) != wanted:
            os.chmod(path, wanted)
    except FileNotFoundError:
        pass


# -- where questions go ---------------------------------------------------------------------------
# The promise "nothing leaves this computer" holds only while Ollama runs here. Another computer's
# address is the owner's informed choice (Setup warns and asks first), and while it is in force every
# sentence that speaks of privacy says where questions go instead (``privacy_line``, ``answers_line``).


def address_host(address: str) -> str:
    """The computer's name in an Ollama address ('http://192.168.1.20:11434' -> '192.168.1.20')."""
    from urllib.parse import urlsplit

    text = address.strip()
    try:
        host = urlsplit(text if "://" in text else "http://" + text).hostname
    except ValueError:
        host = None
    return host or text


def is_this_computer(address: str) -> bool:
    """Is the Ollama at ``address`` on this computer? Only loopback names and addresses count: a name
    is never looked up (what a name points at can change; that is how rebinding works)."""
    import ipaddress

    host = address_host(address).rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sent_away_warning(address: str) -> str:
    """What Setup says before it saves an address on another computer."""
    return (f"Questions and the passages they draw on will be sent to {address_host(address)}. "
            "Save this address only if that computer belongs to you or your business.")


def privacy_line(ollama_host: str, embedder: str = "minilm") -> str:
    """The sidebar's sentence about privacy, true for the address in force."""
    if is_this_computer(ollama_host):
        return "Private: your files and questions stay on this computer."
    host = address_host(ollama_host)
    if embedder.startswith("ollama:"):
        return (f"Your files are kept on this computer, but their text, your questions and the passages they "
                f"draw on are sent to {host} to be read and answered.")
    return (f"Your files stay on this computer; your questions and the passages they draw on are sent to "
            f"{host} to be answered.")


def answers_line(ollama_host: str) -> str:
    """Setup's sentence about where answers are written, true for the address in force."""
    if is_this_computer(ollama_host):
        return ("Groundwork writes answers with a model that runs on this computer through Ollama, a free app. "
                "Nothing you ask is sent anywhere else.")
    return (f"Groundwork writes answers with a model that runs through Ollama on {address_host(ollama_host)}: "
            "your questions and the passages they draw on are sent there, and nowhere else.")
