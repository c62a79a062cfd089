"""An embedding model served by a local Ollama (``/api/embed`` through the official client)."""
from __future__ import annotations

import hashlib
import re
from typing import Optional, Sequence

import numpy as np

from core.embeddings.base import _normalise, _report
from core.errors import ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout
from core.types import Progress

OLLAMA_BATCH = 32  # texts per /api/embed request
OLLAMA_DOWN = (
    "Ollama isn't running, so the Ollama search model can't be used. "
    "Start Ollama, or go back to the built-in search model by removing the GROUNDWORK_EMBEDDER setting."
)


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
        self.host = host
        self.model = model.strip()
        short = self.model[: -len(":latest")] if self.model.endswith(":latest") else self.model
        self.name = collection_safe_name(f"ollama-{short}")
        self.batch_size = max(1, int(batch_size))
        from core.ollama_client import make_client

        self._client = make_client(host, timeout)  # never through a proxy (core/ollama_client.py)
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
                "or go back to the built-in search model by removing the GROUNDWORK_EMBEDDER setting."
            ) from exc
        except ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise ModelMissing(
                    f"The search model '{self.model}' isn't downloaded in Ollama; download it with 'ollama pull "
                    f"{self.model}', or go back to the built-in search model by removing the GROUNDWORK_EMBEDDER setting.",
                    model=self.model,
                ) from exc
            raise OllamaError(
                f"Ollama couldn't make search vectors with '{self.model}' ({exc.error}); choose an embedding "
                "model such as nomic-embed-text, or go back to the built-in search model by removing the GROUNDWORK_EMBEDDER "
                "setting."
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
                "try again, or go back to the built-in search model by removing the GROUNDWORK_EMBEDDER setting."
            ) from cause
        if self._dim is None:
            self._dim = int(vectors.shape[1])
        elif vectors.shape[1] != self._dim:
            raise OllamaError(
                f"The search model '{self.model}' changed its vector size; rebuild the search index on the Setup page."
            )
        return vectors
