"""benchmarks/judge_rewrite.py: reading the judge's reply and the rewritten question, and the two arms end to end
against the stand-in Ollama over real HTTP (a NONE verdict asks for no answer; the answer after the judge
starts with the very prompt the judge read; a rewritten question is what gets searched)."""
from __future__ import annotations

import dataclasses
import sys

import pytest

from core.embeddings import MiniLMEmbedder
from core.ingest import add_files
from core.library import Library
from tests.builders import make_pdf
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin

sys.path.insert(0, str(ROOT / "benchmarks"))
import judge_rewrite as J  # noqa: E402 - benchmarks/ is not a package; its scripts import each other the same way

MODEL = "llama3.2:3b"


@pytest.mark.parametrize("reply, sources, picked", [
    ("NONE", 4, []),
    ("none.", 4, []),
    ("None of the sources answers it.", 4, []),
    ("NONE of 1-3", 4, []),
    ("No sources answer this.", 4, []),
    ("The documents don't say.", 4, []),
    ("2", 4, [2]),
    ("1, 3", 4, [1, 3]),
    ("[3] and [1]", 4, [1, 3]),
    ("Sources 2 and 9", 4, [2]),
    ("9", 4, None),  # only numbers that were never given
    ("The refund policy.", 4, None),
    ("", 4, None),
])
def test_parse_judge(reply, sources, picked):
    assert J.parse_judge(reply, sources) == picked


@pytest.mark.parametrize("reply, expected", [
    ("What is the annual leave entitlement?", "What is the annual leave entitlement?"),
    ('Rewritten question: "What is the annual leave entitlement?"\nThis uses formal terms.',
     "What is the annual leave entitlement?"),
    ("\n\n**What is the notice period?**", "What is the notice period?"),
    ("", "how many days off do I get"),
    ("  \n ", "how many days off do I get"),
])
def test_clean_rewrite(reply, expected):
    assert J.clean_rewrite(reply, "how many days off do I get") == expected


def test_judge_messages_keep_everything_but_the_reminder():
    messages = [{"role": "system", "content": "rules"},
                {"role": "user", "content": "Sources:\n\n<source n=\"1\">x</source>\n\nQuestion: q?\n\nAnswer from..."}]
    judged = J.judge_messages(messages)
    assert judged[0] == messages[0]
    assert judged[1]["content"] == "Sources:\n\n<source n=\"1\">x</source>\n\nQuestion: q?\n\n" + J.JUDGE_ASK


def test_interleaving_never_repeats_a_question_back_to_back():
    qs = [{"id": i} for i in range(5)]
    order = J.interleaved(qs)
    assert sorted((arm, q["id"]) for arm, q in order) == sorted((arm, i) for arm in J.ARMS for i in range(5))
    assert all(a[1]["id"] != b[1]["id"] for a, b in zip(order, order[1:]))


PAGES = ["Annual leave. Full-time staff receive 25 days of paid holiday each year, plus public holidays.",
         "Pay day. Wages are paid on the last Friday of every month by bank transfer."]
LEAVE = {"id": "e1", "kind": "everyday", "question": "How many days off do I get a year?",
         "sources": [{"file": "Handbook.pdf", "page": 1}]}


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from core.settings import load_settings

    library = Library(load_settings(environ={}, data_dir=tmp_path_factory.mktemp("judge")), MiniLMEmbedder())
    add_files(library, [("Handbook.pdf", make_pdf(PAGES))])
    return library


@pytest.fixture
def ollama():
    with OllamaStandin(models={MODEL: {"context_length": 131072}}) as server:
        yield server


@pytest.fixture
def cfg(lib):
    return dataclasses.replace(lib.settings, model=MODEL, strict=True, top_k=6, answer_style="")


def test_a_none_verdict_shows_not_found_without_asking_for_an_answer(lib, llm, ollama, cfg):
    ollama.enqueue_chat(["NONE"])
    row = J.run_arm("judge", LEAVE, lib, llm, cfg)
    assert (row["verdict"], row["found"], row["asked_model"]) == ("none", False, True)
    assert len(ollama.bodies("/api/chat")) == 1
    assert ollama.bodies("/api/chat")[0]["messages"][-1]["content"].endswith(J.JUDGE_ASK)


def test_after_a_verdict_the_answer_starts_with_the_prompt_the_judge_read(lib, llm, ollama, cfg):
    ollama.enqueue_chat(["1"], ["Staff get 25 days of paid holiday [1]. More follows."])
    row = J.run_arm("judge", LEAVE, lib, llm, cfg)
    assert (row["verdict"], row["found"], row["judge_right_page"]) == ("numbers", True, True)
    judged, answered = ollama.bodies("/api/chat")
    assert judged["messages"][:-1] == answered["messages"][:-1]
    head = answered["messages"][-1]["content"].rsplit("\n\n", 1)[0]
    assert judged["messages"][-1]["content"] == f"{head}\n\n{J.JUDGE_ASK}"
    assert judged["options"]["num_ctx"] == answered["options"]["num_ctx"]  # no model reload between the two


def test_the_rewritten_question_is_searched_and_the_owners_question_is_asked(lib, llm, ollama, cfg):
    ollama.enqueue_chat(["What is the paid holiday entitlement each year?"], ["Staff get 25 days [1]."])
    row = J.run_arm("rewrite", LEAVE, lib, llm, cfg)
    assert row["rewritten"] == "What is the paid holiday entitlement each year?"
    rewrite_call, answer_call = ollama.bodies("/api/chat")
    assert rewrite_call["messages"][-1]["content"] == LEAVE["question"]
    assert f"Question: {LEAVE['question']}" in answer_call["messages"][-1]["content"]
    with J.searching_for("pay day wages"):
        from core.answer import answer
        stream = answer(LEAVE["question"], library=lib, llm=llm, settings=cfg)
    assert stream.query == "pay day wages"
    assert stream.sources[0].text.startswith("Pay day")


def test_summary_counts_verdicts_and_pairs_each_question_with_its_own_wait_today():
    def row(arm, id_, kind, first, found, **extra):
        return {"arm": arm, "id": id_, "kind": kind, "first_word_s": first, "found": found, "asked_model": True,
                "failed": False, **extra}

    rows = [row("today", "n1", "near_miss", 4.0, True), row("today", "e1", "everyday", 10.0, True),
            row("judge", "n1", "near_miss", 4.5, False, verdict="none", judge_s=4.5),
            row("judge", "e1", "everyday", 11.0, True, verdict="numbers", judge_s=9.0, judge_right_page=True),
            row("rewrite", "n1", "near_miss", 7.0, True, rewrite_s=1.0),
            row("rewrite", "e1", "everyday", 12.0, True, rewrite_s=1.5)]
    out = J.summarise(rows)
    assert out["judge"]["verdicts"] == {"none": 1, "numbers": 1, "unreadable": 0}
    assert (out["judge"]["near_miss_declined_by_judge"], out["judge"]["everyday_declined_by_judge"]) == (1, 0)
    assert out["judge"]["near_miss"]["said_not_found"] == 1 and out["today"]["near_miss"]["said_not_found"] == 0
    assert out["judge"]["added_first_word_paired_p50_s"] == 1.0  # +0.5 and +1.0: the upper middle one
    assert out["rewrite"]["added_first_word_paired_p50_s"] == 3.0  # +3.0 and +2.0
