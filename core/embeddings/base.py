"""What both embedders share: the interface, normalising and progress."""
from __future__ import annotations

from typing import Optional, Protocol, runtime_checkable

import numpy as np

from core.types import Progress


@runtime_checkable
class Embedder(Protocol):
    name: str  # stable id; keys the Chroma collection

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str], progress: Optional[Progress] = None) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _report(progress: Optional[Progress], done: int, total: int) -> None:
    if progress is not None:
        progress(done / total if total else 1.0, f"Preparing passage {done} of {total} for searching")
