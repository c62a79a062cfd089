"""Talking to Ollama: health, models, downloads with progress, streamed answers.

This is the only module that talks to the answer model. It uses the official ``ollama`` client
built by ``core.ollama_client.make_client``, always with a timeout (the client's default is none),
and turns every failure to talk to it (``OLLAMA_FAILURES``) into one ``OllamaError`` subclass whose
``user_message`` is one calm sentence (``core.ollama_client.translate`` says which); anything else
is a bug and keeps its traceback.

Streams (``chat_stream``, ``pull``) are generators. To cancel, stop iterating
and call ``.close()`` on the generator: that closes the ollama client's own
stream generator, which leaves its ``httpx`` ``with client.stream(...)`` block,
which closes the response and drops the TCP connection (an unfinished response
is never put back in the pool). Ollama stops generating, or stops the download,
when its client goes away. Nothing is sent before the first ``next()``, so
errors such as ``OllamaNotRunning`` surface on the first iteration.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Generator, Mapping, Optional, Sequence

import httpx
import ollama

from core.errors import OllamaError, StreamBroken
from core.labels import human_size
from core.ollama_client import (
    CONNECT_TIMEOUT_S,
    NOT_LISTENING,
    OLLAMA_FAILURES,
    QUICK_TIMEOUT_S,
    STREAM_BROKEN,
    STREAM_BROKEN_EARLY,
    make_client,
    not_running_message,
    translate,
)

# --------------------------------------------------------------------------- model facts

RECOMMENDED_MODEL = "llama3.2:3b"


@dataclass(frozen=True)
class ModelChoice:
    """A model we suggest on the Setup page (sizes as listed in Ollama's library)."""

    name: str
    size_label: str
    description: str


MODEL_CHOICES: tuple[ModelChoice, ...] = (
    ModelChoice(
        "llama3.2:3b", "2.0 GB",
        "Meta's Llama 3.2, a small model (3B): quick, and runs on most computers with 8 GB of memory.",
    ),
    ModelChoice(
        "qwen2.5:3b", "1.9 GB",
        "Alibaba's Qwen 2.5, a small model of the same size (3B): another option if answers read awkwardly.",
    ),
    ModelChoice(
        "llama3.1:8b", "4.9 GB",
        "Meta's Llama 3.1, a bigger model (8B): better answers, but slower, and needs about 8 GB of free memory.",
    ),
)

# When Ollama reports no context length for a model we assume 4096 tokens: every
# model we suggest supports far more, 4096 is Ollama's own default window in its
# current releases, and the older default (2048) would cut most document prompts short.
FALLBACK_CONTEXT = 4096

# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class OllamaStatus:
    """Whether Ollama answers at ``host``; ``message`` is one sentence for the user."""

    running: bool
    host: str
    version: Optional[str]
    message: str
    answered: bool = False  # something answered at the address (Ollama, or something else: check the address)


@dataclass(frozen=True)
class ModelInfo:
    """A model that is downloaded in Ollama."""

    name: str  # e.g. "llama3.2:3b"
    size_bytes: int
    parameter_size: str  # e.g. "3.2B" ("" when unknown)
    family: str  # e.g. "llama" ("" when unknown)
    size_label: str = field(init=False)  # e.g. "2.0 GB"

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_label", human_size(self.size_bytes))


@dataclass(frozen=True)
class PullProgress:
    """One step of a download. ``fraction`` is 0..1, or None while the size is unknown."""

    status: str  # Ollama's own status ("pulling manifest", "pulling 6a0746a1ec1a", "success", ...)
    completed: Optional[int]
    total: Optional[int]
    fraction: Optional[float]
    message: str  # plain words for a progress bar label

    @property
    def done(self) -> bool:
        return self.status == "success"


def full_model_name(name: str) -> str:
    """Ollama's naming rule: a name without a tag means ``:latest`` ("llama3.2" -> "llama3.2:latest")."""
    name = name.strip().lower()
    if name.startswith("registry.ollama.ai/library/"):
        name = name[len("registry.ollama.ai/library/"):]
    return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"


# --------------------------------------------------------------------------- the service


class OllamaService:
    """One Ollama server at ``host`` (already normalised, e.g. ``settings.ollama_host``).

    ``timeout`` (seconds) bounds how long we wait for Ollama to answer; it is the
    read timeout for answers and downloads (a model may take a while to load),
    while connecting fails within a few seconds. Safe to share between threads.
    """

    def __init__(self, host: str, timeout: float):
        self.host = host.rstrip("/")
        self.timeout = float(timeout)
        self._clients: dict[str, ollama.Client] = {}
        self._context_cache: dict[str, int] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> "OllamaService":
        """The service for ``settings.ollama_host`` (``OLLAMA_HOST``, already normalised)."""
        return cls(settings.ollama_host, settings.ollama_timeout_s)

    def _get_client(self, kind: str) -> ollama.Client:
        # Built on first use: each client costs ~0.1 s (httpx loads TLS certificates),
        # and a status check only ever needs the quick one.
        with self._lock:
            client = self._clients.get(kind)
            if client is None:
                read = self.timeout if kind == "long" else self._quick_seconds()
                connect = min(CONNECT_TIMEOUT_S, read)
                client = self._clients[kind] = make_client(self.host, httpx.Timeout(read, connect=connect))
            return client

    @property
    def _client(self) -> ollama.Client:
        """For answers and downloads: the full read timeout."""
        return self._get_client("long")

    @property
    def _quick(self) -> ollama.Client:
        """For status, model list and model details: at most ``QUICK_TIMEOUT_S``."""
        return self._get_client("quick")

    def close(self) -> None:
        """Close the HTTP connection pools."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # -- health and models

    def status(self) -> OllamaStatus:
        """Is Ollama answering? Never raises."""
        try:
            # The client has no public "version" call; _request_raw is its plain GET
            # (it maps "nothing listening" to ConnectionError and HTTP errors to ResponseError).
            # (tests/test_private_internals.py guards this private name).
            payload = self._quick._request_raw("GET", "/api/version").json()
            if not isinstance(payload, dict):
                raise ValueError("the reply to /api/version is not a JSON object")
            version = str(payload.get("version") or "") or None
        except NOT_LISTENING:
            return OllamaStatus(False, self.host, None, not_running_message(self.host))
        except httpx.TimeoutException:
            return OllamaStatus(False, self.host, None, (
                f"Ollama at {self.host} didn't answer within {self._quick_seconds():g} seconds; "
                "it may be busy, so wait a moment and try again."))
        except OLLAMA_FAILURES:  # something answered, but not like Ollama (wrong address, a proxy page, ...)
            return OllamaStatus(False, self.host, None, (
                f"Something at {self.host} answered, but it doesn't look like Ollama; "
                "check the Ollama address on the Setup page."), answered=True)
        label = f"Ollama {version}" if version else "Ollama"
        return OllamaStatus(True, self.host, version, f"{label} is running at {self.host}.", answered=True)

    def models(self) -> list[ModelInfo]:
        """Downloaded models, by name."""
        try:
            listing = self._quick.list()
        except OLLAMA_FAILURES as exc:
            raise self._translate(exc) from exc
        out = []
        for m in listing.models:
            details = m.details
            out.append(ModelInfo(
                name=str(m.model or ""),
                size_bytes=int(m.size or 0),
                parameter_size=str(getattr(details, "parameter_size", "") or ""),
                family=str(getattr(details, "family", "") or ""),
            ))
        return sorted(out, key=lambda mi: mi.name)

    def has_model(self, name: str) -> bool:
        """True when ``name`` is downloaded ("llama3.2" means "llama3.2:latest")."""
        wanted = full_model_name(name)
        return any(full_model_name(m.name) == wanted for m in self.models())

    def context_length(self, model: str) -> int:
        """The longest prompt + answer (in tokens) ``model`` supports.

        From ``/api/show``: ``model_info["<architecture>.context_length"]`` (what the
        model was trained for); when that is missing, the Modelfile's ``num_ctx``
        parameter; when both are missing, ``FALLBACK_CONTEXT``. Remembered per model.
        """
        key = full_model_name(model)
        with self._lock:
            if key in self._context_cache:
                return self._context_cache[key]
        try:
            shown = self._quick.show(model)
        except OLLAMA_FAILURES as exc:
            raise self._translate(exc, model=model) from exc
        length = _context_from_show(shown.modelinfo or {}, shown.parameters or "")
        with self._lock:
            self._context_cache[key] = length
        return length

    # -- downloads

    def pull(self, model: str) -> Generator[PullProgress, None, None]:
        """Download ``model``, yielding progress; the last item has ``status == "success"``.

        Cancel by stopping iteration and calling ``.close()`` on this generator.
        Raises ``OllamaError`` (plain message) when the download fails or breaks.
        """
        totals: dict[str, int] = {}
        done: dict[str, int] = {}
        best = 0.0
        saw_success = False
        stream: Any = None  # the client types it an Iterator; it is a generator, closed below
        try:
            stream = self._client.pull(model, stream=True)
            for part in stream:
                status = str(part.status or "")
                if part.digest and part.total:
                    totals[part.digest] = int(part.total)
                    done[part.digest] = int(part.completed or 0)
                total = sum(totals.values()) or None
                completed = sum(done.values()) if totals else None
                fraction: Optional[float] = None
                if total and completed is not None:
                    # Layers appear one after another, so the total can grow; never move the bar back.
                    best = max(best, min(1.0, completed / total))
                    fraction = best
                if status == "success":
                    saw_success = True
                    fraction = 1.0
                yield PullProgress(status, completed, total, fraction, _pull_message(model, status, completed, total))
        except GeneratorExit:
            raise
        except OLLAMA_FAILURES as exc:
            raise self._translate(exc, model=model, during="pull") from exc
        finally:
            if stream is not None:
                stream.close()  # drops the HTTP connection when the caller cancelled
        if not saw_success:
            raise OllamaError(
                f"The download of '{model}' stopped before it finished. Check your internet connection and try again.")

    # -- answers

    def chat_stream(self, model: str, messages: Sequence[Mapping[str, Any]],
                    options: Optional[Mapping[str, Any]] = None) -> Generator[str, None, None]:
        """Yield the answer's text pieces as Ollama writes them.

        ``options`` go to Ollama unchanged (e.g. ``{"num_ctx": 8192, "temperature": 0}``).
        Raises ``StreamBroken`` (with ``.partial``) when the stream stops before Ollama
        says it is done. Cancel by stopping iteration and calling ``.close()``.
        """
        received: list[str] = []
        finished = False
        stream: Any = None  # the client types it an Iterator; it is a generator, closed below
        try:
            stream = self._client.chat(model=model, messages=list(messages), options=dict(options or {}) or None,
                                       stream=True)
            for part in stream:
                piece = part.message.content if part.message is not None else ""
                if piece:
                    received.append(piece)
                    yield piece
                if part.done:
                    finished = True  # the last line; read on to the end so the connection can be reused
        except GeneratorExit:
            raise
        except OLLAMA_FAILURES as exc:
            raise self._translate(exc, model=model, partial="".join(received)) from exc
        finally:
            if stream is not None:
                stream.close()
        if not finished:
            partial = "".join(received)
            raise StreamBroken(STREAM_BROKEN if partial else STREAM_BROKEN_EARLY, partial=partial)

    def chat(self, model: str, messages: Sequence[Mapping[str, Any]],
             options: Optional[Mapping[str, Any]] = None) -> str:
        """The whole answer as one string (same errors as ``chat_stream``)."""
        stream = self.chat_stream(model, messages, options)
        try:
            return "".join(stream)
        finally:
            stream.close()

    # -- error translation (the one place)

    def _quick_seconds(self) -> float:
        return min(QUICK_TIMEOUT_S, self.timeout)

    def _translate(self, exc: BaseException, *, model: Optional[str] = None, partial: Optional[str] = None,
                   during: str = "chat") -> OllamaError:
        """A failure talking to this Ollama (one of ``OLLAMA_FAILURES``) as an ``OllamaError``."""
        return translate(exc, host=self.host, timeout=self.timeout, model=model, partial=partial, during=during)


# --------------------------------------------------------------------------- helpers


def _context_from_show(model_info: Mapping[str, Any], parameters: str) -> int:
    for key, value in model_info.items():
        if key.endswith(".context_length"):
            try:
                if int(value) > 0:
                    return int(value)
            except (TypeError, ValueError):
                pass
    match = re.search(r"^\s*num_ctx\s+(\d+)\s*$", parameters or "", re.MULTILINE)
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    return FALLBACK_CONTEXT


def _pull_message(model: str, status: str, completed: Optional[int], total: Optional[int]) -> str:
    if status == "success":
        return f"'{model}' is downloaded and ready."
    if status == "pulling manifest":
        return f"Starting the download of '{model}'…"
    if total:
        return f"Downloading '{model}': {human_size(completed or 0)} of {human_size(total)}"
    if status.startswith("verifying"):
        return f"Checking the downloaded files of '{model}'…"
    if status.startswith(("writing", "removing")):
        return f"Finishing the download of '{model}'…"
    return f"Downloading '{model}'…"
