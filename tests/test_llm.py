"""core/llm.py against a stand-in Ollama: the real ``ollama`` client over real HTTP."""
from __future__ import annotations

import time

import pytest

from core.errors import ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout, StreamBroken
from core.llm import (
    FALLBACK_CONTEXT,
    MODEL_CHOICES,
    RECOMMENDED_MODEL,
    OllamaService,
    full_model_name,
)
from tests.ollama_standin import (
    OllamaStandin,
    PullScript,
    Reply,
    break_after,
    dead_host,
    delay,
    error,
    error_line,
)

MODEL = "llama3.2:3b"
ASK = [{"role": "user", "content": "When do we open?"}]


@pytest.fixture
def ollama():
    with OllamaStandin(models={
        MODEL: {"size": 2_019_393_189, "context_length": 131072, "parameter_size": "3.2B"},
        "qwen2.5:3b": {"size": 1_929_912_432, "context_length": 32768, "family": "qwen2", "parameter_size": "3.1B"},
    }) as server:
        yield server


def one_sentence(text: str) -> bool:
    return bool(text) and "\n" not in text and text[0].isupper() and text.rstrip().endswith((".", "!"))


# -- status ---------------------------------------------------------------------------


def test_status_running(llm, ollama):
    status = llm.status()
    assert status.running and status.version == "0.6.3" and status.host == ollama.host
    assert ollama.host in status.message


def test_status_down_never_raises_and_covers_not_installed():
    host = dead_host()
    status = OllamaService(host, timeout=2).status()
    assert not status.running and status.version is None
    assert host in status.message and "open the Ollama app" in status.message and "installed" in status.message
    assert one_sentence(status.message)  # calm, no traceback text


def test_status_default_host_from_settings_is_down(settings):
    # conftest points OLLAMA_HOST at a port nothing listens on
    status = OllamaService(settings.ollama_host, settings.ollama_timeout_s).status()
    assert not status.running and settings.ollama_host in status.message


def test_status_something_else_listening(ollama):
    ollama.enqueue("/api/version", error(404, "404 page not found"))
    status = OllamaService(ollama.host, timeout=5).status()
    assert not status.running and "doesn't look like Ollama" in status.message


def test_not_an_ollama_server(ollama):
    ollama.enqueue("/api/tags", error(404, "404 page not found"))
    with pytest.raises(OllamaError) as info:
        OllamaService(ollama.host, timeout=5).models()
    assert "doesn't look like Ollama" in info.value.user_message


def test_from_settings_uses_ollama_host(ollama, monkeypatch, data_dir):
    from core.settings import load_settings

    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{ollama.port}")  # Ollama's own short form
    llm = OllamaService.from_settings(load_settings())
    assert llm.host == ollama.host and llm.status().running


def test_calls_against_dead_host_raise_not_running():
    llm = OllamaService(dead_host(), timeout=2)
    with pytest.raises(OllamaNotRunning):
        llm.models()
    with pytest.raises(OllamaNotRunning):
        list(llm.chat_stream(MODEL, ASK))  # stream=True: httpx.ConnectError on first iteration
    with pytest.raises(OllamaNotRunning):
        list(llm.pull(MODEL))
    with pytest.raises(OllamaNotRunning) as info:
        llm.context_length(MODEL)
    assert "isn't running" in info.value.user_message


# -- models ---------------------------------------------------------------------------


def test_models_listed_with_sizes(llm):
    models = {m.name: m for m in llm.models()}
    assert set(models) == {"llama3.2:3b", "qwen2.5:3b"}
    assert models[MODEL].size_bytes == 2_019_393_189 and models[MODEL].size_label == "2.0 GB"
    assert models[MODEL].parameter_size == "3.2B" and models[MODEL].family == "llama"
    assert models["qwen2.5:3b"].size_label == "1.9 GB" and models["qwen2.5:3b"].family == "qwen2"


def test_has_model_follows_ollama_naming(llm, ollama):
    assert llm.has_model("llama3.2:3b") and llm.has_model("LLaMA3.2:3b")
    assert not llm.has_model("llama3.2")  # means llama3.2:latest
    ollama.add_model("llama3.2:latest")
    assert llm.has_model("llama3.2") and llm.has_model("llama3.2:latest")
    assert full_model_name("mistral") == "mistral:latest"


def test_recommended_model_is_listed():
    assert RECOMMENDED_MODEL == "llama3.2:3b"
    assert MODEL_CHOICES[0].name == RECOMMENDED_MODEL and MODEL_CHOICES[0].size_label == "2.0 GB"


# -- context length -------------------------------------------------------------------


def test_context_length_from_model_info(llm, ollama):
    assert llm.context_length(MODEL) == 131072
    assert llm.context_length("qwen2.5:3b") == 32768
    assert ollama.bodies("/api/show")[0]["model"] == MODEL
    llm.context_length(MODEL)
    assert len(ollama.calls("/api/show")) == 2  # remembered per model


def test_context_length_from_num_ctx_then_fallback(llm, ollama):
    ollama.add_model("custom:1b", context_length=None, parameters='num_ctx                        8192\nstop "x"')
    ollama.add_model("bare:1b", context_length=None, parameters="")
    assert llm.context_length("custom:1b") == 8192
    assert llm.context_length("bare:1b") == FALLBACK_CONTEXT == 4096


def test_context_length_of_missing_model(llm):
    with pytest.raises(ModelMissing) as info:
        llm.context_length("phi4:14b")
    assert info.value.model == "phi4:14b"


# -- pull -----------------------------------------------------------------------------


def test_pull_to_completion(llm, ollama):
    ollama.enqueue_pull(PullScript(steps=5, total=1_929_912_432))
    steps = list(llm.pull("qwen2.5:7b"))
    fractions = [p.fraction for p in steps if p.fraction is not None]
    assert steps[0].status == "pulling manifest" and steps[0].fraction is None
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) >= 5
    assert steps[-1].status == "success" and steps[-1].done
    assert all(p.message for p in steps)
    assert any("of 1.9 GB" in p.message for p in steps)
    assert llm.has_model("qwen2.5:7b")
    assert ollama.bodies("/api/pull")[0] == {"model": "qwen2.5:7b", "insecure": False, "stream": True}


def test_pull_fails_halfway(llm, ollama):
    ollama.enqueue_pull(PullScript(steps=4, fail_at=2, error="max retries exceeded: connection reset by peer"))
    seen = []
    with pytest.raises(OllamaError) as info:
        for p in llm.pull(MODEL):
            seen.append(p)
    assert 0 < seen[-1].fraction < 1
    message = info.value.user_message
    assert message.startswith("The download stopped: max retries exceeded") and "internet connection" in message
    assert "Traceback" not in message and "\n" not in message


def test_pull_connection_breaks(llm, ollama):
    ollama.enqueue_pull(PullScript(steps=4, break_at=1))
    with pytest.raises(OllamaError) as info:
        list(llm.pull(MODEL))
    assert not isinstance(info.value, (StreamBroken, OllamaNotRunning))
    assert "The download stopped" in info.value.user_message and "try again" in info.value.user_message


def test_pull_unknown_model_name(llm, ollama):
    ollama.enqueue_pull(PullScript(fail_at=0, error="pull model manifest: file does not exist"))
    with pytest.raises(OllamaError) as info:
        list(llm.pull("no-such-model"))
    assert "no model called 'no-such-model'" in info.value.user_message


def test_pull_cancel_closes_the_connection(llm, ollama):
    ollama.enqueue_pull(PullScript(steps=200, step_delay=0.02))
    stream = llm.pull("llama3.1:8b")
    for i, _ in enumerate(stream):
        if i == 2:
            break
    stream.close()
    assert ollama.wait_for_abort("/api/pull"), "the stand-in should see the client hang up"
    assert not llm.has_model("llama3.1:8b")


# -- chat -----------------------------------------------------------------------------


def test_chat_stream_pieces(llm, ollama):
    ollama.enqueue_chat(["We open ", "at nine ", "[1]."])
    pieces = list(llm.chat_stream(MODEL, ASK, {"num_ctx": 8192, "temperature": 0}))
    assert pieces == ["We open ", "at nine ", "[1]."]
    body = ollama.bodies("/api/chat")[-1]
    assert body["model"] == MODEL and body["stream"] is True
    assert body["messages"] == ASK
    assert body["options"] == {"num_ctx": 8192, "temperature": 0}


def test_chat_whole_and_default_reply(llm, ollama):
    assert llm.chat(MODEL, ASK) == "This is a reply from the stand-in."
    ollama.enqueue_chat(lambda request: ["echo: ", request["messages"][-1]["content"]])
    assert llm.chat(MODEL, ASK) == "echo: When do we open?"
    assert "options" not in ollama.bodies("/api/chat")[0]


def test_chat_reuses_connections(llm, ollama):
    for _ in range(3):
        assert llm.chat(MODEL, ASK)
    assert len(ollama.calls("/api/chat")) == 3


def test_model_missing(llm):
    with pytest.raises(ModelMissing) as info:
        list(llm.chat_stream("mistral", ASK))
    assert info.value.model == "mistral"
    assert info.value.user_message == "The model 'mistral' isn't downloaded yet. Download it on the Setup page."


def test_stream_broken_keeps_partial(llm, ollama):
    ollama.enqueue_chat(break_after(2, ["Refunds take ", "five days ", "[2]."]))
    got = []
    with pytest.raises(StreamBroken) as info:
        for piece in llm.chat_stream(MODEL, ASK):
            got.append(piece)
    assert got == ["Refunds take ", "five days "]
    assert info.value.partial == "Refunds take five days "
    assert "Ask again" in info.value.user_message


def test_stream_ends_without_done(llm, ollama):
    ollama.enqueue_chat(Reply(["Half an ", "answer"], done=False))
    with pytest.raises(StreamBroken) as info:
        llm.chat(MODEL, ASK)
    assert info.value.partial == "Half an answer"


@pytest.mark.parametrize("before_headers", [False, True])
def test_connection_dropped_before_any_answer(llm, ollama, before_headers):
    ollama.enqueue_chat(break_after(0, before_headers=before_headers))
    with pytest.raises(StreamBroken) as info:
        llm.chat(MODEL, ASK)
    assert info.value.partial == "" and "before the answer started" in info.value.user_message


def test_timeout(ollama):
    llm = OllamaService(ollama.host, timeout=0.5)
    ollama.enqueue_chat(delay(3.0))
    start = time.monotonic()
    with pytest.raises(OllamaTimeout) as info:
        llm.chat(MODEL, ASK)
    assert time.monotonic() - start < 2.5
    assert "0.5 seconds" in info.value.user_message


def test_timeout_between_pieces(ollama):
    llm = OllamaService(ollama.host, timeout=0.5)
    ollama.enqueue_chat(Reply(["a", "b"], piece_delay=2.0))
    with pytest.raises(OllamaTimeout):
        list(llm.chat_stream(MODEL, ASK))


def test_out_of_memory(llm, ollama):
    ollama.enqueue_chat(error(500, "model requires more system memory (5.6 GiB) than is available (3.1 GiB)"))
    with pytest.raises(OllamaError) as info:
        llm.chat(MODEL, ASK)
    assert info.value.user_message == (
        "Your computer doesn't have enough free memory for 'llama3.2:3b'. "
        "Close other programs or pick a smaller model on the Setup page.")


def test_error_line_mid_stream(llm, ollama):
    ollama.enqueue_chat(error_line("llama runner process has terminated: exit status 2", after=1))
    with pytest.raises(OllamaError) as info:
        llm.chat(MODEL, ASK)
    assert "llama runner process has terminated" in info.value.user_message


def test_other_server_error(llm, ollama):
    ollama.enqueue_chat(error(500, "unexpected server failure"))
    with pytest.raises(OllamaError) as info:
        llm.chat(MODEL, ASK)
    assert type(info.value) is OllamaError and "unexpected server failure" in info.value.user_message


def test_cancel_answer_closes_the_connection(llm, ollama):
    ollama.enqueue_chat(Reply([f"word{i} " for i in range(300)], piece_delay=0.01))
    stream = llm.chat_stream(MODEL, ASK)
    assert next(stream) == "word0 "
    stream.close()
    assert ollama.wait_for_abort("/api/chat")
    assert llm.chat(MODEL, ASK)  # the service keeps working after a cancel


def test_scripts_are_consumed_in_order(llm, ollama):
    ollama.enqueue_chat(["one"], ["two"])
    assert [llm.chat(MODEL, ASK), llm.chat(MODEL, ASK), llm.chat(MODEL, ASK)] == [
        "one", "two", "This is a reply from the stand-in."]
    assert ollama.pending() == 0
