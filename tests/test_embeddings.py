"""Embeddings: the real built-in ONNX model, and the real ollama client over real HTTP."""
from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from core import embeddings
from core.embeddings import (
    DAMAGED_MODEL,
    OLLAMA_DOWN,
    TOKENIZER_FILE,
    Embedder,
    MiniLMEmbedder,
    OllamaEmbedder,
    collection_safe_name,
    default_model_path,
    make_embedder,
)
from core.errors import AppError, ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout, UsageError
from core.settings import load_settings

QUESTION = "How many days of holiday do staff get?"
ANSWER = "Full-time employees receive 25 days of paid annual leave."
UNRELATED = [
    "The Trail 500 mountain bike costs 1299 dollars and carries a two year warranty on components.",
    "Workshop safety: always wear eye protection when using the wheel truing stand or the grinder.",
    "Rental deposits are 200 dollars per bike and are refunded when the bike comes back undamaged.",
]
HOLIDAY = (
    "Annual leave. Full-time employees receive 25 days of paid annual leave each year in addition to "
    "public holidays. Leave requests go to your line manager at least two weeks ahead, and up to five "
    "unused days may be carried over into the first quarter of the next year. Part-time staff accrue "
    "leave pro rata based on their contracted hours. "
)
BIKES = (
    "Bicycle servicing. The workshop services mountain bikes, road bikes and electric bikes. Brake pads, "
    "chains and cassettes are replaced at cost, and wheel truing takes about forty minutes per wheel. "
    "Electric bike batteries are tested on the diagnostic bench and recycled when they fail. "
)


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder().load()


def cos(a, b) -> float:
    return float(np.dot(a, b))


# --------------------------------------------------------------------------- the built-in model


def test_vectors_have_the_model_shape_and_unit_length(minilm):
    vectors = minilm.embed([QUESTION, ANSWER, "", "x" * 3000])
    assert minilm.name == "minilm-l6-q8" and minilm.dim == 384
    assert isinstance(minilm, Embedder)
    assert len(vectors) == 4 and all(len(v) == 384 and isinstance(v[0], float) for v in vectors)
    assert np.allclose(np.linalg.norm(np.array(vectors), axis=1), 1.0, atol=1e-5)
    assert minilm.embed([]) == []
    query = minilm.embed_query(QUESTION)
    assert len(query) == 384 and abs(np.linalg.norm(query) - 1.0) < 1e-5


def test_order_is_kept_when_texts_are_sorted_by_length(minilm):
    texts = [HOLIDAY * 2, "Opening hours", BIKES, QUESTION, "a", HOLIDAY, ANSWER, BIKES * 3, UNRELATED[0]]
    lengths = [minilm.token_count(t) for t in texts]
    assert lengths != sorted(lengths)  # the embedder has to reorder, and put the order back
    forward = np.array(minilm.embed(texts))
    backward = np.array(minilm.embed(texts[::-1]))
    assert np.allclose(forward, backward[::-1], atol=1e-4)
    singles = np.array([minilm.embed_query(t) for t in texts])
    assert np.abs(forward - singles).max() < 1e-4


def test_a_vector_does_not_depend_on_the_texts_embedded_with_it():
    texts = [HOLIDAY, QUESTION, BIKES * 2, ANSWER, *UNRELATED, HOLIDAY * 3]
    together = np.array(MiniLMEmbedder().embed(texts))
    alone = np.array([MiniLMEmbedder().embed_query(t) for t in texts])
    assert np.abs(together - alone).max() < 1e-6


def test_int8_arithmetic_stays_close_to_the_stored_float_model(tmp_path):
    """The prepared model (int8 products) against the pinned file run as stored (float32 products)."""
    import onnxruntime as ort

    float_run = ort.InferenceSession(str(default_model_path()), providers=["CPUExecutionProvider"])
    texts = [HOLIDAY, QUESTION, BIKES, ANSWER, *UNRELATED]
    rt = MiniLMEmbedder().load()._runtime()
    for text, ours in zip(texts, MiniLMEmbedder().embed(texts)):
        ids = np.array([rt.tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        reference = float_run.run(None, feed)[0][0].mean(axis=0)
        assert cos(np.array(ours), reference / np.linalg.norm(reference)) > 0.98, text


def test_related_sentences_score_clearly_higher_than_unrelated(minilm):
    q, a, *others = np.array(minilm.embed([QUESTION, ANSWER, *UNRELATED]))
    related = cos(q, a)
    unrelated = [cos(q, o) for o in others] + [cos(a, o) for o in others]
    assert related > 0.45, related
    assert max(unrelated) < 0.25, unrelated
    assert related - max(unrelated) > 0.25
    # and the question finds the right passage among several
    passages = [HOLIDAY, BIKES, *UNRELATED]
    scores = np.array(minilm.embed(passages)) @ q
    assert int(np.argmax(scores)) == 0


def test_tokenizer_limits_are_overridden_so_long_chunks_are_embedded_whole(minilm):
    shipped = json.loads(TOKENIZER_FILE.read_text(encoding="utf-8"))
    assert shipped["truncation"]["max_length"] == 128  # what we override, so the test means something
    assert shipped["padding"]["strategy"] == {"Fixed": 128}

    text = HOLIDAY + BIKES * 3  # ~230 tokens: past the file's 128, within our 256
    tokens = minilm.token_count(text)
    assert 200 < tokens < 256, tokens
    assert minilm.token_count(text * 4) == 256  # truncated at 256, not 128
    assert minilm.token_count("short") == 3  # no fixed padding: [CLS] short [SEP]

    # The text the shipped settings would have embedded: its first 128 tokens ([CLS] + 126 + [SEP]).
    from tokenizers import Tokenizer

    shipped_tok = Tokenizer.from_file(str(TOKENIZER_FILE))
    enc = shipped_tok.encode(text)
    assert len(enc.ids) == 128  # proof the file alone would cut the text
    first_128 = text[: enc.offsets[126][1]]
    assert minilm.token_count(first_128) == 128

    whole, head = np.array(minilm.embed([text, first_128]))
    assert cos(whole, head) < 0.96, cos(whole, head)  # the tail (about bikes) moved the vector (measured 0.93)
    bikes = np.array(minilm.embed_query("electric bike battery testing"))
    assert cos(whole, bikes) > cos(head, bikes) + 0.05  # measured 0.44 vs 0.31


def test_progress_is_reported_between_batches():
    seen: list[tuple[float, str]] = []
    MiniLMEmbedder(batch_size=2).embed([QUESTION, ANSWER, *UNRELATED], progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert len(seen) == 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(m.startswith("Preparing passage") for _, m in seen)


def test_concurrent_use_from_threads_gives_the_same_vectors(minilm):
    texts = [HOLIDAY, BIKES, QUESTION, ANSWER, *UNRELATED]
    expected = np.array(minilm.embed(texts))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: np.array(MiniLMEmbedder().embed(texts)), range(8)))
    for got in results:
        assert np.abs(got - expected).max() < 1e-5


def test_the_model_loads_once_per_process(minilm):
    path = str(default_model_path().resolve())
    first = embeddings._load_runtime(path, str(TOKENIZER_FILE.resolve()), embeddings.MINILM_SHA256)
    MiniLMEmbedder().embed_query("warm")
    again = embeddings._load_runtime(path, str(TOKENIZER_FILE.resolve()), embeddings.MINILM_SHA256)
    assert first is again
    assert default_model_path().name == "model.onnx" and default_model_path().is_file()


def test_a_tampered_model_file_is_refused_with_a_calm_message(tmp_path):
    tampered = tmp_path / "model.onnx"
    shutil.copyfile(default_model_path(), tampered)
    with open(tampered, "r+b") as fh:  # flip one byte in the middle of the weights
        fh.seek(tampered.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    embedder = MiniLMEmbedder(tampered)  # constructing is cheap; the check runs at load
    with pytest.raises(AppError) as info:
        embedder.embed(["anything"])
    assert info.value.user_message == DAMAGED_MODEL
    with pytest.raises(AppError):
        MiniLMEmbedder(tampered).load()


def test_a_missing_model_file_is_refused_with_the_same_message(tmp_path):
    with pytest.raises(AppError) as info:
        MiniLMEmbedder(tmp_path / "nowhere.onnx").embed_query("x")
    assert info.value.user_message == DAMAGED_MODEL


def test_an_untouched_copy_loads(tmp_path):
    copy = tmp_path / "model.onnx"
    shutil.copyfile(default_model_path(), copy)
    a = MiniLMEmbedder(copy).embed_query(QUESTION)
    b = MiniLMEmbedder().embed_query(QUESTION)
    assert np.abs(np.array(a) - np.array(b)).max() < 1e-6


# --------------------------------------------------------------------------- choosing an embedder


def test_make_embedder_from_settings(data_dir):
    built_in = make_embedder(load_settings())
    assert isinstance(built_in, MiniLMEmbedder) and built_in.name == "minilm-l6-q8"
    assert make_embedder(load_settings(embedder=" MiniLM ")) is built_in  # one per process

    remote = make_embedder(load_settings(embedder="ollama:nomic-embed-text"))
    assert isinstance(remote, OllamaEmbedder)
    assert remote.name == "ollama-nomic-embed-text" and remote.model == "nomic-embed-text"
    assert make_embedder(load_settings(embedder="ollama:nomic-embed-text")) is remote
    # ":latest" is the same model to Ollama, so it keys the same collection
    assert make_embedder(load_settings(embedder="ollama:nomic-embed-text:latest")).name == remote.name

    for bad in ("word2vec", "ollama:", "ollama:   "):
        with pytest.raises(UsageError):
            make_embedder(load_settings(embedder=bad))


@pytest.mark.parametrize(
    "raw",
    ["ollama-nomic-embed-text:v1.5", "ollama-hf.co/user/Model_Name:Q4_K_M", "ollama-" + "x" * 80, "ollama-..a..", "é", "-"],
)
def test_ollama_names_follow_chroma_collection_rules(raw):
    name = collection_safe_name(raw)
    assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]", name), name
    assert ".." not in name
    assert collection_safe_name(raw) == name  # stable


def test_long_ollama_names_stay_distinct():
    a = collection_safe_name("ollama-" + "x" * 80 + "a")
    b = collection_safe_name("ollama-" + "x" * 80 + "b")
    assert a != b and len(a) <= 63 and len(b) <= 63


# --------------------------------------------------------------------------- Ollama over real HTTP


class EmbedServer:
    """A tiny stand-in for Ollama's POST /api/embed on 127.0.0.1:<free port>.

    Each request takes the next scripted reply (status, body, delay) from ``replies``;
    with none queued it answers with a deterministic, deliberately unnormalised vector
    per input text. Every request body is recorded in ``requests``.
    """

    def __init__(self, dim: int = 8, models=("nomic-embed-text",)):
        self.dim = dim
        self.models = set(models)
        self.replies: deque = deque()
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                return None

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                outer.requests.append({"path": self.path, **body})
                status, payload, wait = outer.replies.popleft() if outer.replies else outer.default(self.path, body)
                time.sleep(wait)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def vector(self, text: str) -> list[float]:
        return [float(len(text) + 1)] + [float((i + 1) * (len(text) % 7 + 1)) for i in range(self.dim - 1)]

    def default(self, path: str, body: dict):
        if path != "/api/embed":
            return 404, {"error": "404 page not found"}, 0
        model = body.get("model", "")
        if model.removesuffix(":latest") not in self.models:
            return 404, {"error": f'model "{model}" not found, try pulling it first'}, 0
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        return 200, {"model": model, "embeddings": [self.vector(t) for t in texts]}, 0

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ollama_server():
    with EmbedServer() as server:
        yield server


def dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ollama_embeddings_are_batched_normalised_and_in_order(ollama_server):
    texts = [f"passage number {i} " + "word " * (i % 5) for i in range(11)]
    seen = []
    embedder = OllamaEmbedder(ollama_server.host, "nomic-embed-text", timeout=5, batch_size=4)
    vectors = np.array(embedder.embed(texts, progress=lambda f, m: seen.append(f)))
    assert vectors.shape == (11, 8) and embedder.dim == 8
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    expected = np.array([ollama_server.vector(t) for t in texts])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(vectors, expected, atol=1e-6)  # same order as given
    sent = [r for r in ollama_server.requests if r["path"] == "/api/embed"]
    assert [len(r["input"]) for r in sent] == [4, 4, 3]
    assert all(r["model"] == "nomic-embed-text" for r in sent)
    assert seen == pytest.approx([4 / 11, 8 / 11, 1.0])
    assert embedder.embed([]) == []
    assert embedder.name == "ollama-nomic-embed-text"


def test_ollama_dim_is_discovered_from_the_first_answer(ollama_server):
    embedder = OllamaEmbedder(ollama_server.host, "nomic-embed-text", timeout=5)
    assert embedder.dim == 8  # asks once when nothing was embedded yet
    assert len(ollama_server.requests) == 1
    assert len(embedder.embed_query("hello")) == 8 and embedder.dim == 8
    assert len(ollama_server.requests) == 2


def test_ollama_not_running():
    embedder = OllamaEmbedder(f"http://127.0.0.1:{dead_port()}", "nomic-embed-text", timeout=5)
    with pytest.raises(OllamaNotRunning) as info:
        embedder.embed(["hello"])
    assert info.value.user_message == OLLAMA_DOWN


def test_ollama_not_running_via_settings_default_test_host(data_dir):
    embedder = make_embedder(load_settings(embedder="ollama:nomic-embed-text"))  # conftest: port 9, nothing there
    with pytest.raises(OllamaNotRunning):
        embedder.embed_query("hello")


def test_ollama_model_not_downloaded(ollama_server):
    embedder = OllamaEmbedder(ollama_server.host, "mxbai-embed-large", timeout=5)
    with pytest.raises(ModelMissing) as info:
        embedder.embed(["hello"])
    assert info.value.model == "mxbai-embed-large"
    assert "mxbai-embed-large" in info.value.user_message and "ollama pull mxbai-embed-large" in info.value.user_message
    assert "Setup" not in info.value.user_message  # Setup has no search-model control to send the owner to


def test_ollama_other_errors_are_calm(ollama_server):
    ollama_server.replies.append((400, {"error": '"llama3.2:3b" does not support embeddings'}, 0))
    embedder = OllamaEmbedder(ollama_server.host, "nomic-embed-text", timeout=5)
    with pytest.raises(OllamaError) as info:
        embedder.embed(["hello"])
    assert not isinstance(info.value, (OllamaNotRunning, ModelMissing))
    assert "does not support embeddings" in info.value.user_message

    ollama_server.replies.append((200, {"model": "nomic-embed-text", "embeddings": [[1.0, 0.0]]}, 0))
    with pytest.raises(OllamaError):  # one vector for two texts
        embedder.embed(["one", "two"])


def test_ollama_too_slow_is_a_timeout(ollama_server):
    ollama_server.replies.append((200, {"model": "nomic-embed-text", "embeddings": [[1.0, 0.0]]}, 1.5))
    embedder = OllamaEmbedder(ollama_server.host, "nomic-embed-text", timeout=0.3)
    with pytest.raises(OllamaTimeout):
        embedder.embed(["hello"])


def test_the_prepared_model_is_cached_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDWORK_CACHE_DIR", str(tmp_path / "cache"))
    source = default_model_path()
    first = embeddings._int8_compute_model(source, embeddings.MINILM_SHA256)
    cached = list((tmp_path / "cache").glob("*.onnx"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    cached[0].write_bytes(first[: len(first) // 2])  # e.g. the computer went off while writing
    again = embeddings._int8_compute_model(source, embeddings.MINILM_SHA256)
    assert again == first and cached[0].read_bytes() == first


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("GROUNDWORK_CACHE_DIR", str(blocker / "cache"))
    import onnxruntime as ort

    model = embeddings._int8_compute_model(default_model_path(), embeddings.MINILM_SHA256)
    assert ort.InferenceSession(model, providers=["CPUExecutionProvider"]).get_inputs()
    assert blocker.read_text().startswith("a file")
