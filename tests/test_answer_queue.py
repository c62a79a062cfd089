"""Several people asking at once through the real answer path (core.answer with a core.model_queue), the real
ollama client over HTTP to the stand-in: each person gets the answer to their own question with citations from
their own prompt, the model is asked one question at a time, and searching happens before the turn.

Threads are ordered with events, never sleeps: the stand-in holds the first reply until the test lets it go.
"""
from __future__ import annotations

import dataclasses
import re
import threading

import pytest

from core.answer import answer
from core.embeddings import MiniLMEmbedder
from core.ingest import add_files
from core.library import Library
from core.llm import OllamaService
from core.model_queue import DOWN, ModelQueue
from tests.builders import make_docx, make_pdf
from tests.ollama_standin import Held, OllamaStandin
from tests.prompts import pieces, sources_in

MODEL = "llama3.2:3b"
JOIN_S = 60  # deadlock guards only

HANDBOOK = [
    "Annual leave. Full-time staff receive 25 days of paid holiday each year, plus public holidays.",
    "Pay day. Wages are paid on the last Friday of every month by bank transfer.",
    "Staff discount. Employees get 30 percent off bikes and 40 percent off parts and accessories.",
]
PRICES = [("Services", "A basic tune-up costs 79 dollars and takes two working days.")]

# each person's question, and the words only the passage that answers it holds
ASKED = {
    "ann": ("How many days of annual leave do staff get?", "25 days"),
    "bob": ("How much does a basic tune-up cost?", "79 dollars"),
    "cy": ("What discount do employees get on parts?", "40 percent"),
}


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from core.settings import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("answer-queue"))
    library = Library(settings, MiniLMEmbedder())
    add_files(library, [("Employee_Handbook.pdf", make_pdf(HANDBOOK)), ("Price_List.docx", make_docx(PRICES))])
    return library


@pytest.fixture
def cfg(lib):
    return dataclasses.replace(lib.settings, model=MODEL, strict=True, top_k=4, answer_style="")


def reply_to_the_question(request: dict) -> list[str]:
    """What a model would do: quote the given source that answers the question in the prompt, citing it."""
    question = request["messages"][-1]["content"]
    needle = next(n for q, n in ASKED.values() if q in question)
    for src in sources_in(request):
        for sentence in re.split(r"(?<=\.)\s+", " ".join(src["text"].split())):
            if needle in sentence:
                return pieces(f"{sentence.rstrip('.')} [{src['n']}].")
    return ["The documents don't say."]




def ask_in_thread(person, lib, llm, cfg, queue, out: dict) -> threading.Thread:
    def run():
        stream = answer(ASKED[person][0], library=lib, llm=llm, settings=cfg, queue=queue, person=person)
        out[person] = {"stream": stream, "ticket": stream.ticket}
        out[person]["text"] = "".join(stream)
        out[person]["result"] = stream.result

    thread = threading.Thread(target=run, name=f"asks-{person}")
    thread.start()
    return thread


def ann_is_answered_while_others_ask(ollama, lib, cfg, others: tuple[str, ...]):
    """Ann's question is with the model, which holds on to it (``held.go`` lets it answer), and
    ``others`` ask meanwhile and wait in line: (llm, queue, out, held, ann's thread, theirs)."""
    held = Held(reply_to_the_question)
    ollama.enqueue_chat(held)
    llm = OllamaService(ollama.host, timeout=30)
    queue = ModelQueue()
    out: dict = {}
    first = ask_in_thread("ann", lib, llm, cfg, queue, out)
    assert held.arrived.wait(JOIN_S)
    threads = [ask_in_thread(p, lib, llm, cfg, queue, out) for p in others]
    assert queue.wait_until(lambda s: s["waiting"] == {p: 1 for p in others}, JOIN_S)
    return llm, queue, out, held, first, threads


def test_three_people_at_once_each_get_their_own_answer_and_the_model_one_at_a_time(lib, cfg):
    with OllamaStandin(models={MODEL: 2_000_000_000}, default_reply=reply_to_the_question) as ollama:
        llm, queue, out, held, first, others = ann_is_answered_while_others_ask(ollama, lib, cfg, ("bob", "cy"))
        # they searched and built their prompts already; only the model waits, and it has one question
        assert len(ollama.calls("/api/chat")) == 1 and queue.snapshot()["answering"] == "ann"
        assert sorted(out[p]["ticket"].ahead() for p in ("bob", "cy")) == [1, 2]
        held.go.set()
        for thread in [first, *others]:
            thread.join(JOIN_S)
            assert not thread.is_alive()
        bodies = ollama.bodies("/api/chat")
        llm.close()
    assert len(bodies) == 3
    for person, (question, needle) in ASKED.items():
        result = out[person]["result"]
        [body] = [b for b in bodies if question in b["messages"][-1]["content"]]  # the prompt of this person
        given = {(s["file"], " ".join(s["text"].split())) for s in sources_in(body)}
        assert result.mode == "llm" and result.found, (person, result)
        assert needle in result.answer and needle in out[person]["text"]
        others = [n for p, (_, n) in ASKED.items() if p != person]
        assert not any(n in result.answer for n in others)  # nobody else's answer
        assert result.citations and all((c.file, " ".join(c.text.split())) in given for c in result.citations)
        assert any(needle in c.text for c in result.citations)  # cites the passage their own prompt held
        assert out[person]["ticket"].state == "done"
        assert "queue_wait_ms" in out[person]["stream"].timings


def test_cancelling_a_waiting_question_ends_it_without_asking_the_model(lib, cfg):
    with OllamaStandin(models={MODEL: 2_000_000_000}, default_reply=reply_to_the_question) as ollama:
        llm, queue, out, held, first, (second,) = ann_is_answered_while_others_ask(ollama, lib, cfg, ("bob",))
        out["bob"]["ticket"].cancel()  # what the page's Cancel does, from another thread
        second.join(JOIN_S)
        assert not second.is_alive()
        assert queue.snapshot()["waiting"] == {}
        held.go.set()
        first.join(JOIN_S)
        calls = ollama.bodies("/api/chat")
        llm.close()
    assert len(calls) == 1  # bob's question never reached the model
    assert out["bob"]["text"] == "" and out["bob"]["result"].answer == ""
    assert out["bob"]["result"].notice == "This question was stopped before its answer began; ask it again to get one."
    assert "25 days" in out["ann"]["result"].answer


def test_ollama_found_down_ends_everyones_wait_with_the_passages(lib, cfg):
    ollama = OllamaStandin(models={MODEL: 2_000_000_000}, default_reply=reply_to_the_question).start()
    llm = OllamaService(ollama.host, timeout=30)
    llm.context_length(MODEL)  # Ollama was there when the app last looked (remembered)
    queue = ModelQueue()
    hold = queue.join("someone")
    out: dict = {}
    threads = [ask_in_thread(p, lib, llm, cfg, queue, out) for p in ASKED]
    assert queue.wait_until(lambda s: sum(s["waiting"].values()) == 3, JOIN_S)
    ollama.close()  # Ollama stops while they wait
    hold.release()
    for thread in threads:
        thread.join(JOIN_S)
        assert not thread.is_alive()
    llm.close()
    for person, (_, needle) in ASKED.items():
        result = out[person]["result"]
        assert result.mode == "search_only" and result.error_kind == "not_running"
        assert any(needle in c.text for c in result.citations)  # their own passages, not a written answer
    states = sorted(out[p]["ticket"].state for p in ASKED)
    assert states == [DOWN, DOWN, DOWN]  # the first one found it down; the others didn't try and wait in turn
    assert queue.snapshot() == {"answering": None, "waiting": {}}
