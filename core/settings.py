"""Typed, frozen settings.

Layers, later wins: defaults -> ``settings.json`` in the data folder ->
environment variables (``GROUNDWORK_DATA_DIR``, ``GROUNDWORK_MODEL``,
``GROUNDWORK_CHROMA_URL``, ``GROUNDWORK_EMBEDDER``, ``OLLAMA_HOST``) -> explicit
overrides (e.g. ``--data-dir``). Nothing is read at import time.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from core.errors import UsageError
from core.privacy import make_data_folder_private

APP_NAME = "Groundwork"
SETTINGS_FILE = "settings.json"
DEFAULT_MODEL = "llama3.2:3b"
DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # answer model served by Ollama
    model: str = DEFAULT_MODEL
    ollama_host: str = DEFAULT_OLLAMA_HOST
    ollama_timeout_s: float = 120.0
    # "minilm" (built in, offline) or "ollama:<model>"
    embedder: str = "minilm"
    # a Chroma server; empty -> embedded store in data_dir/chroma
    chroma_url: str = ""
    # limits, checked before heavy work
    max_file_mb: int = 100
    max_pages: int = 2000
    max_unzipped_mb: int = 200
    max_xml_mb: int = 25  # one Word/Excel part parsed whole (reading it took ~17x this in memory, measured)
    max_text_chars: int = 5_000_000  # text kept from one file (~1,600 dense pages)
    max_passages: int = 10_000  # passages (chunks) made from one file
    max_rows: int = 50_000  # spreadsheet rows in one file, all sheets (~80 characters of text each)
    max_cells: int = 1_000_000  # filled spreadsheet cells in one file
    max_image_megapixels: int = 60  # one picture (a phone photo is 12-50)
    max_scanned_pages: int = 300  # pages of one PDF read with text recognition (seconds each)
    ocr_low_confidence: float = 0.8  # a scanned page read with less confidence than this gets a warning
    # chunking (characters); chosen on benchmarks/retrieval.py
    chunk_size: int = 1000
    chunk_overlap: int = 150
    # answering
    strict: bool = True
    top_k: int = 6
    # how answers should sound and look (tone and format only; never the rules about sources)
    answer_style: str = ""
    answer_style_changed_at: str = ""  # UTC ISO time, for the advisor's "rated since the style was set"
    # keeping the library in step with folders (core/sync)
    sync_interval_minutes: float = 5.0  # a background pass this often while the app runs (0: only at start)
    sync_watch: bool = True  # also check soon after the system reports a change in a kept folder
    sync_removal_share: float = 0.5  # a pass removing more than this share of a folder's documents asks first...
    sync_removal_min: int = 5  # ...when that is also more than this many documents
    sync_settle_seconds: float = 2.0  # a file changed more recently than this is still being copied: next pass
    # names the web server answers to besides this computer's own (localhost, 127.0.0.1, [::1]): the
    # hook for sharing with staff (e.g. ["office-pc", "192.168.1.20"]); see core/webguard.py
    allowed_hosts: tuple[str, ...] = ()
    # staff may use Groundwork from other computers on the office network (issue 20): off means bound to
    # this computer only, no sign-in; on means everyone signs in, this computer's browser too
    sharing: bool = False
    sharing_port: int = 8443  # the office network's encrypted address listens here
    sharing_address: str = "0.0.0.0"  # ...on these interfaces (every one; tests use a loopback address)
    # the last Ollama address that answered like Ollama (Setup offers it back after a wrong address)
    ollama_host_worked: str = ""

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "groundwork.db"


_ENV = {
    "GROUNDWORK_MODEL": "model",
    "GROUNDWORK_CHROMA_URL": "chroma_url",
    "GROUNDWORK_EMBEDDER": "embedder",
    "OLLAMA_HOST": "ollama_host",
}


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds[name]
    try:
        if kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "Path":
            return Path(value).expanduser()
        if kind.startswith("tuple"):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(v).strip() for v in items if str(v).strip())
        return str(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"The setting '{name}' has an invalid value; fix it in {SETTINGS_FILE} or remove it.") from exc


def normalise_host(host: str) -> str:
    host = host.strip()
    if not host:
        return DEFAULT_OLLAMA_HOST
    if "://" not in host:
        host = "http://" + host
    scheme, rest = host.split("://", 1)
    if ":" not in rest.split("/")[0]:
        rest = rest.split("/")[0] + ":11434"
    return f"{scheme}://{rest.rstrip('/')}"


def check_host(text: str) -> str:
    """An Ollama address typed by a person, normalised ('192.168.1.20' -> 'http://192.168.1.20:11434');
    ``UsageError`` with one plain sentence when it can't be an address."""
    from urllib.parse import urlsplit

    bad = UsageError("That doesn't look like an address: type it like http://192.168.1.20:11434, or leave the "
                     "box empty for this computer.")
    if any(c.isspace() for c in text.strip()):
        raise bad
    host = normalise_host(text)
    try:
        parts = urlsplit(host)
        port = parts.port
    except ValueError as exc:
        raise bad from exc
    if parts.scheme not in ("http", "https") or port is None or parts.query or parts.fragment:
        raise bad
    if not re.fullmatch(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:]+", parts.hostname or ""):
        raise bad
    return host


def env_override(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The environment variable that sets ``name`` on this computer (it wins over the settings file), if any."""
    env = os.environ if environ is None else environ
    variables = {**_ENV, "GROUNDWORK_DATA_DIR": "data_dir"}
    return next((var for var, field in variables.items() if field == name and env.get(var)), None)


def settings_path(settings: Settings) -> Path:
    return settings.data_dir / SETTINGS_FILE


def read_settings_file(data_dir: Path) -> dict[str, Any]:
    path = data_dir / SETTINGS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    known = {f.name for f in fields(Settings)} - {"data_dir"}
    return {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}


def load_settings(environ: Mapping[str, str] | None = None, data_dir: str | Path | None = None, **overrides: Any) -> Settings:
    env = os.environ if environ is None else environ
    if data_dir is None:
        data_dir = env.get("GROUNDWORK_DATA_DIR") or default_data_dir()
    root = Path(data_dir).expanduser().resolve()
    values: dict[str, Any] = {}
    values.update(read_settings_file(root))
    for var, name in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = {k: _coerce(k, v) for k, v in values.items()}
    if "ollama_host" in coerced:
        coerced["ollama_host"] = normalise_host(coerced["ollama_host"])
    return Settings(data_dir=root, **coerced)


def save_setting(settings: Settings, name: str, value: Any) -> Settings:
    """Remember one setting in the data folder's settings file (atomically)."""
    if name not in {f.name for f in fields(Settings)} - {"data_dir"}:
        raise UsageError(f"There is no setting called '{name}'.")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    current = read_settings_file(settings.data_dir)
    current[name] = value
    fd, tmp = tempfile.mkstemp(dir=settings.data_dir, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(current, fh, indent=2)
    os.replace(tmp, settings.data_dir / SETTINGS_FILE)
    make_data_folder_private(settings.data_dir)
    return replace(settings, **{name: _coerce(name, value)})
