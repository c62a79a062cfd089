"""A stand-in for a local Ollama server, for tests and benchmarks.

Ollama can't be installed on the machines that run our tests, so this module
serves the parts of Ollama's HTTP API that Groundwork uses, in the real wire
format, from a stdlib ``ThreadingHTTPServer`` on ``127.0.0.1:<free port>``.
The app's own code talks to it through the official ``ollama`` client over real
HTTP, exactly as it would talk to Ollama.

Endpoints: ``GET /api/version``, ``GET /api/tags``, ``GET /api/ps``,
``POST /api/show``, ``POST /api/chat`` (NDJSON stream or one JSON object),
``POST /api/pull`` (NDJSON progress), ``POST /api/embed``. Streams use chunked
transfer encoding, one JSON object per line, like Ollama.

Usage::

    from tests.ollama_standin import OllamaStandin, break_after, error, delay, PullScript

    with OllamaStandin(models={"llama3.2:3b": 2_019_393_189}) as ollama:
        ollama.enqueue_chat(["Hello", " there."])          # next chat reply, in pieces
        ollama.enqueue_chat(break_after(2, ["a", "b", "c"]))  # drop the connection after 2 pieces
        ollama.enqueue_chat(error(500, "model requires more system memory (5.6 GiB) than is available (3.1 GiB)"))
        ollama.enqueue_chat(delay(5.0))                      # wait 5 s, then the default reply
        ollama.enqueue_chat(lambda request: ["echo: ", request["messages"][-1]["content"]])
        ollama.enqueue_pull(PullScript(steps=5))              # or fail_at=..., break_at=...
        service = OllamaService(ollama.host, timeout=5)
        ...
        ollama.bodies("/api/chat")[-1]["options"]["num_ctx"]  # what the app sent
        ollama.requests                                       # every Recorded(method, path, body)

Queue items are per path (``enqueue(path, item)``); an empty queue means the
normal behaviour (the default reply for chat, a successful pull, real data for
the other endpoints). ``dead_host()`` gives an address where nothing listens:
"Ollama isn't running".
"""
from __future__ import annotations

import hashlib
import json
import math
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, Union

STANDIN_VERSION = "0.6.3"
DEFAULT_REPLY = ("This is ", "a reply ", "from the stand-in.")
EMBED_DIM = 16

# --------------------------------------------------------------------------- scripted actions


@dataclass
class Reply:
    """A normal streamed answer: ``pieces`` in order, then ``done: true``.

    ``piece_delay`` pauses before each piece (a slow model); ``done=False``
    ends the stream cleanly but without the final ``done: true`` line.
    """

    pieces: list[str]
    piece_delay: float = 0.0
    done: bool = True
    done_reason: str = "stop"


@dataclass
class BreakAfter:
    """Send ``n`` pieces (or pull progress lines), then drop the connection mid-stream.

    ``n=0`` with ``before_headers=True`` closes without sending any response.
    """

    n: int
    pieces: Optional[list[str]] = None
    before_headers: bool = False


@dataclass
class Error:
    """Answer with an HTTP error status and Ollama's ``{"error": message}`` body."""

    status: int
    message: str


@dataclass
class ErrorLine:
    """A streamed reply that sends ``after`` pieces and then an ``{"error": ...}`` line (status 200)."""

    message: str
    after: int = 0
    pieces: Optional[list[str]] = None


@dataclass
class Delay:
    """Wait ``seconds`` before answering at all, then behave like ``then`` (default: normal)."""

    seconds: float
    then: Any = None


def break_after(n: int, pieces: Optional[list[str]] = None, before_headers: bool = False) -> BreakAfter:
    return BreakAfter(n, list(pieces) if pieces is not None else None, before_headers)


def error(status: int, message: str) -> Error:
    return Error(status, message)


def error_line(message: str, after: int = 0, pieces: Optional[list[str]] = None) -> ErrorLine:
    return ErrorLine(message, after, pieces)


def delay(seconds: float, then: Any = None) -> Delay:
    return Delay(seconds, then)


@dataclass
class PullScript:
    """How the next ``/api/pull`` behaves.

    ``steps`` progress lines for one layer of ``total`` bytes. ``fail_at=k``
    sends an ``{"error": error}`` line after k progress lines; ``break_at=k``
    drops the connection after k progress lines. ``step_delay`` paces the lines.
    ``install=True`` adds the model to the installed list on success.
    """

    steps: int = 4
    total: int = 2_019_393_189
    fail_at: Optional[int] = None
    error: str = "max retries exceeded: Get \"https://registry.ollama.ai/v2/library/x/blobs/sha256:x\": read: connection reset by peer"
    break_at: Optional[int] = None
    step_delay: float = 0.0
    install: bool = True
    size: Optional[int] = None  # installed size; defaults to total
    context_length: int = 131072


@dataclass
class Recorded:
    """One request the stand-in received."""

    method: str
    path: str
    body: Any
    aborted: bool = False  # the client hung up before the reply was fully written
    finished: threading.Event = field(default_factory=threading.Event, repr=False)


@dataclass
class ModelEntry:
    name: str
    size: int = 2_019_393_189
    context_length: Optional[int] = 131072
    family: str = "llama"
    parameter_size: str = "3.2B"
    quantization_level: str = "Q4_K_M"
    parameters: str = 'stop                           "<|start_header_id|>"\nstop                           "<|eot_id|>"'
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = hashlib.sha256(self.name.encode()).hexdigest()


ChatItem = Union[list, tuple, Callable[[dict], Any], Reply, BreakAfter, Error, ErrorLine, Delay]


# --------------------------------------------------------------------------- helpers


def dead_host() -> str:
    """An http address on loopback where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def full_name(name: str) -> str:
    """Ollama's name rule: no tag means ``:latest``."""
    name = name.strip().lower()
    return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _pseudo_vector(text: str, dim: int) -> list[float]:
    """A deterministic unit vector for a text (same text -> same vector)."""
    values: list[float] = []
    counter = 0
    while len(values) < dim:
        block = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        values.extend((b - 127.5) / 127.5 for b in block)
        counter += 1
    values = values[:dim]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


class _ClientGone(Exception):
    """The client closed the connection while we were writing."""


# --------------------------------------------------------------------------- server


class OllamaStandin:
    """A scripted Ollama on loopback; use as a context manager (or ``start()``/``close()``)."""

    def __init__(
        self,
        models: Optional[dict[str, Any]] = None,
        *,
        default_reply: Union[list, tuple, Callable[[dict], Any]] = DEFAULT_REPLY,
        version: str = STANDIN_VERSION,
        embed_dim: int = EMBED_DIM,
    ):
        """``models``: name -> size in bytes, or name -> dict of ``ModelEntry`` fields
        (e.g. ``{"size": 2_000_000_000, "context_length": 8192}``). Default: the
        recommended model only."""
        self.version = version
        self.embed_dim = embed_dim
        self.default_reply = default_reply
        self.requests: list[Recorded] = []
        self._models: dict[str, ModelEntry] = {}
        self._queues: dict[str, deque] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        for name, spec in (models if models is not None else {"llama3.2:3b": 2_019_393_189}).items():
            self.add_model(name, **({"size": spec} if isinstance(spec, int) else dict(spec or {})))

    # -- lifecycle

    def start(self) -> "OllamaStandin":
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="ollama-standin", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "OllamaStandin":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the stand-in first"
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- models

    def add_model(self, name: str, **fields: Any) -> None:
        with self._lock:
            self._models[full_name(name)] = ModelEntry(name=full_name(name), **fields)

    def remove_model(self, name: str) -> None:
        with self._lock:
            self._models.pop(full_name(name), None)

    def model(self, name: str) -> Optional[ModelEntry]:
        with self._lock:
            return self._models.get(full_name(name))

    @property
    def installed(self) -> list[str]:
        with self._lock:
            return sorted(self._models)

    # -- scripting

    def enqueue(self, path: str, *items: Any) -> None:
        """Script the next replies for ``path`` (one item per request, in order)."""
        with self._lock:
            self._queues.setdefault(path, deque()).extend(items)

    def enqueue_chat(self, *items: ChatItem) -> None:
        """Each item: a list of text pieces, ``Reply``, ``break_after``, ``error``,
        ``error_line``, ``delay``, or a callable(request_json) returning any of those."""
        self.enqueue("/api/chat", *items)

    def enqueue_pull(self, *items: Union[PullScript, Error, Delay, BreakAfter]) -> None:
        self.enqueue("/api/pull", *items)

    def _next(self, path: str) -> Any:
        with self._lock:
            queue = self._queues.get(path)
            return queue.popleft() if queue else None

    def pending(self, path: str = "/api/chat") -> int:
        with self._lock:
            return len(self._queues.get(path, ()))

    # -- records

    def _record(self, method: str, path: str, body: Any) -> Recorded:
        rec = Recorded(method, path, body)
        with self._lock:
            self.requests.append(rec)
        return rec

    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def bodies(self, path: str) -> list[Any]:
        """Parsed JSON bodies of every request to ``path``, oldest first."""
        return [r.body for r in self.calls(path)]

    def wait_for_abort(self, path: str, timeout: float = 5.0) -> bool:
        """True once a reply on ``path`` was cut short because the client hung up."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(r.aborted for r in self.calls(path)):
                return True
            time.sleep(0.02)
        return False

    def sleep(self, seconds: float) -> None:
        """Sleep that ends early when the stand-in closes."""
        self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # quiet: clients hang up on purpose in tests
        return None


class _Handler(BaseHTTPRequestHandler):
    standin: OllamaStandin
    protocol_version = "HTTP/1.1"
    server_version = "ollama-standin"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return None

    # -- plumbing

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _send_error(self, status: int, message: str) -> None:
        self._send_json(status, {"error": message})

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _line(self, payload: dict) -> None:
        data = json.dumps(payload).encode() + b"\n"
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except OSError as exc:
            raise _ClientGone() from exc

    def _end_stream(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError as exc:
            raise _ClientGone() from exc

    def _drop(self) -> None:
        """Close the TCP connection abruptly (no chunked terminator)."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        body = self._body() if method == "POST" else None
        rec = self.standin._record(method, path, body)
        routes = {
            ("GET", "/"): self._root,
            ("GET", "/api/version"): self._version,
            ("GET", "/api/tags"): self._tags,
            ("GET", "/api/ps"): self._ps,
            ("POST", "/api/show"): self._show,
            ("POST", "/api/chat"): self._chat,
            ("POST", "/api/pull"): self._pull,
            ("POST", "/api/embed"): self._embed,
        }
        route = routes.get((method, path))
        try:
            if route is None:
                data = b"404 page not found"
                self.send_response(404)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            item = self.standin._next(path)
            while isinstance(item, Delay):
                self.standin.sleep(item.seconds)
                item = item.then
            if isinstance(item, Error):
                self._send_error(item.status, item.message)
            elif isinstance(item, BreakAfter) and item.before_headers:
                self._drop()
            else:
                route(body if isinstance(body, dict) else {}, item)
        except (_ClientGone, BrokenPipeError, ConnectionResetError):
            rec.aborted = True
            self.close_connection = True
        finally:
            rec.finished.set()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # -- endpoints

    def _root(self, body: dict, item: Any) -> None:
        data = b"Ollama is running"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _version(self, body: dict, item: Any) -> None:
        self._send_json(200, {"version": self.standin.version})

    def _model_json(self, m: ModelEntry) -> dict:
        return {
            "name": m.name,
            "model": m.name,
            "modified_at": "2025-01-15T10:00:00.000000+00:00",
            "size": m.size,
            "digest": m.digest,
            "details": self._details(m),
        }

    @staticmethod
    def _details(m: ModelEntry) -> dict:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": m.family,
            "families": [m.family],
            "parameter_size": m.parameter_size,
            "quantization_level": m.quantization_level,
        }

    def _tags(self, body: dict, item: Any) -> None:
        with self.standin._lock:
            models = list(self.standin._models.values())
        self._send_json(200, {"models": [self._model_json(m) for m in models]})

    def _ps(self, body: dict, item: Any) -> None:
        self._send_json(200, {"models": []})

    def _missing(self, name: str) -> None:
        self._send_error(404, f"model '{name}' not found")

    def _show(self, body: dict, item: Any) -> None:
        name = str(body.get("model") or body.get("name") or "")
        m = self.standin.model(name)
        if m is None:
            return self._missing(name)
        info: dict[str, Any] = {
            "general.architecture": m.family,
            "general.basename": m.name.split(":")[0],
            "general.parameter_count": 3212749888,
            f"{m.family}.embedding_length": 3072,
            f"{m.family}.block_count": 28,
        }
        if m.context_length is not None:
            info[f"{m.family}.context_length"] = m.context_length
        self._send_json(200, {
            "license": "stand-in",
            "modelfile": f"FROM {m.name}\n",
            "parameters": m.parameters,
            "template": "{{ .Prompt }}",
            "details": self._details(m),
            "model_info": info,
            "capabilities": ["completion"],
            "modified_at": "2025-01-15T10:00:00.000000+00:00",
        })

    def _embed(self, body: dict, item: Any) -> None:
        name = str(body.get("model") or "")
        if self.standin.model(name) is None:
            return self._missing(name)
        texts = body.get("input") or []
        if isinstance(texts, str):
            texts = [texts]
        self._send_json(200, {
            "model": name,
            "embeddings": [_pseudo_vector(t, self.standin.embed_dim) for t in texts],
            "total_duration": 1000,
            "load_duration": 10,
            "prompt_eval_count": sum(len(t.split()) for t in texts),
        })

    # chat

    def _resolve_chat(self, body: dict, item: Any) -> Any:
        if item is None:
            item = self.standin.default_reply
        if callable(item) and not isinstance(item, (Reply, BreakAfter, Error, ErrorLine, Delay)):
            item = item(body)
        if isinstance(item, str):
            item = [item]
        if isinstance(item, (list, tuple)):
            item = Reply(list(item))
        return item

    def _chat(self, body: dict, item: Any) -> None:
        name = str(body.get("model") or "")
        if self.standin.model(name) is None:
            return self._send_error(404, f'model "{name}" not found, try pulling it first')
        item = self._resolve_chat(body, item)
        while isinstance(item, Delay):  # a callable may return a delay too
            self.standin.sleep(item.seconds)
            item = self._resolve_chat(body, item.then)
        if isinstance(item, Error):
            return self._send_error(item.status, item.message)
        stream = body.get("stream", True) is not False
        messages = body.get("messages") or []
        prompt_tokens = max(1, sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict)) // 4)
        full = full_name(name)
        started = time.monotonic()

        def piece_line(text: str) -> dict:
            return {"model": full, "created_at": _now(), "message": {"role": "assistant", "content": text}, "done": False}

        def final_line(reason: str, count: int, content: str = "") -> dict:
            elapsed = int((time.monotonic() - started) * 1e9)
            return {
                "model": full, "created_at": _now(), "message": {"role": "assistant", "content": content},
                "done": True, "done_reason": reason, "total_duration": elapsed, "load_duration": 1000,
                "prompt_eval_count": prompt_tokens, "prompt_eval_duration": 1000,
                "eval_count": count, "eval_duration": max(1, elapsed),
            }

        if not stream:
            if isinstance(item, BreakAfter):
                return self._drop()
            if isinstance(item, ErrorLine):
                return self._send_error(500, item.message)
            pieces = item.pieces
            self.standin.sleep(item.piece_delay * len(pieces))
            return self._send_json(200, final_line(item.done_reason, len(pieces), "".join(pieces)))

        if isinstance(item, BreakAfter):
            pieces = item.pieces if item.pieces is not None else list(DEFAULT_REPLY)
            self._start_stream()
            for text in pieces[: item.n]:
                self._line(piece_line(text))
            return self._drop()
        if isinstance(item, ErrorLine):
            pieces = item.pieces if item.pieces is not None else list(DEFAULT_REPLY)
            self._start_stream()
            for text in pieces[: item.after]:
                self._line(piece_line(text))
            self._line({"error": item.message})
            return self._end_stream()
        assert isinstance(item, Reply), f"unknown chat script item: {item!r}"
        self._start_stream()
        for text in item.pieces:
            if item.piece_delay:
                self.standin.sleep(item.piece_delay)
            self._line(piece_line(text))
        if item.done:
            self._line(final_line(item.done_reason, len(item.pieces)))
        self._end_stream()

    # pull

    def _pull(self, body: dict, item: Any) -> None:
        name = str(body.get("model") or body.get("name") or "")
        script = item if item is not None else PullScript()
        if isinstance(script, BreakAfter):
            script = PullScript(break_at=script.n)
        assert isinstance(script, PullScript), f"unknown pull script item: {script!r}"
        digest = "sha256:" + hashlib.sha256(full_name(name).encode()).hexdigest()
        stream = body.get("stream", True) is not False
        if not stream:
            if script.fail_at is not None:
                return self._send_error(500, script.error)
            if script.break_at is not None:
                return self._drop()
            self._install(name, script)
            return self._send_json(200, {"status": "success"})

        self._start_stream()
        self._line({"status": "pulling manifest"})
        steps = max(1, script.steps)
        for i in range(1, steps + 1):
            if script.fail_at is not None and i > script.fail_at:
                self._line({"error": script.error})
                return self._end_stream()
            if script.break_at is not None and i > script.break_at:
                return self._drop()
            if script.step_delay:
                self.standin.sleep(script.step_delay)
            completed = script.total * i // steps
            self._line({"status": f"pulling {digest[7:19]}", "digest": digest, "total": script.total, "completed": completed})
        for status in ("verifying sha256 digest", "writing manifest"):
            self._line({"status": status})
        self._install(name, script)
        self._line({"status": "success"})
        self._end_stream()

    def _install(self, name: str, script: PullScript) -> None:
        if script.install and self.standin.model(name) is None:
            self.standin.add_model(name, size=script.size or script.total, context_length=script.context_length)


class Held:
    """A reply that waits until the test lets it go: the model is busy with someone's question meanwhile.
    ``arrived`` is set when the request comes in; set ``go`` to let ``reply(request)`` be answered."""

    def __init__(self, reply, wait_s: float = 120):
        import threading

        self.reply, self.wait_s = reply, wait_s
        self.arrived = threading.Event()
        self.go = threading.Event()

    def __call__(self, request: dict):
        self.arrived.set()
        assert self.go.wait(self.wait_s), "the test never let the held reply go"
        return self.reply(request)
