"""Issue 22, item 9: past question/reply pairs from a table or e-mails, kept as examples to train on."""
from __future__ import annotations

import io
import json

from core.advisor import advise, export_training_data, measure
from core.advisor.example_store import PastExamples
from core.advisor.past_replies import (guess_columns, pairs_from_emails, pairs_from_table, read_table,
                                       strip_reply)
from tests.past_emails import past_emails, write_mbox


def test_an_mbox_of_past_emails_pairs_each_reply_with_its_question(tmp_path):
    box = write_mbox(tmp_path / "office.mbox", past_emails(300))
    result = pairs_from_emails([("office.mbox", box.read_bytes())])
    assert result.read == 300 + 270 + 1
    assert len(result.pairs) == 270
    question, reply = result.pairs[0]
    assert "Can you clean our office on Saturday morning? (ref 0)" in question
    assert reply.startswith("Hi Customer 0,") and "weekend visits cost 15% more" in reply
    assert "wrote:" not in reply and "> " not in reply and "01234 567890" not in reply  # quote, signature gone
    said = " ".join(result.not_read)
    assert "30 messages with no reply in the files" in said
    assert "1 reply whose original message isn't in the files" in said


def test_eml_files_and_something_else():
    msgs = past_emails(3)
    files = [(f"{i}.eml", bytes(m)) for i, m in enumerate(msgs)] + [("notes.txt", b"hello")]
    result = pairs_from_emails(files)
    assert len(result.pairs) == 3
    assert "1 file that isn't an e-mail (.mbox or .eml)" in result.not_read


def test_quoted_outlook_original_and_phone_signature_are_cut():
    text = ("Thanks, booked for Monday.\nSent from my iPhone\n\n-----Original Message-----\nFrom: a@b\n"
            "Can you come Monday?")
    assert strip_reply(text) == "Thanks, booked for Monday."


def test_a_csv_with_two_columns_picked_by_the_owner():
    data = ("Date;Customer question;Our reply\n2025-01-02;Do you clean windows?;Yes, inside and out.\n"
            "2025-01-03;;No question here\n2025-01-04;Do you work Sundays?;Only for offices.\n").encode("cp1252")
    table = read_table("replies.csv", data)
    assert table.columns == ["Date", "Customer question", "Our reply"]
    assert guess_columns(table) == (1, 2)
    result = pairs_from_table(table, 1, 2)
    assert result.pairs == [("Do you clean windows?", "Yes, inside and out."), ("Do you work Sundays?", "Only for offices.")]
    assert result.not_read == ["1 row with an empty question or reply"]


def test_an_xlsx_table():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Question", "Reply"])
    sheet.append(["Do you bring a vacuum?", "Yes, always."])
    buf = io.BytesIO()
    book.save(buf)
    table = read_table("pairs.xlsx", buf.getvalue())
    assert pairs_from_table(table, 0, 1).pairs == [("Do you bring a vacuum?", "Yes, always.")]


def test_kept_pairs_count_in_the_advice_and_go_into_the_training_data(settings, tmp_path):
    box = write_mbox(tmp_path / "office.mbox", past_emails(600))
    store = PastExamples(settings.db_path)
    result = pairs_from_emails([("office.mbox", box.read_bytes())])
    assert store.add(result.pairs, "office.mbox") == (540, 0)
    assert store.add(result.pairs[:10], "office.mbox") == (0, 10)  # repeats aren't kept twice
    measured = measure(None, None, None, store.count())
    advice = advise({"main_gap": "behaviour", "style_strictness": "strict", "task_shape": "replies",
                     "ml_capacity": "some", "budget": "can_invest", "change_frequency": "monthly"}, measured)
    assert "replies written in your own tone" in advice.headline
    assert "repetitive task" not in advice.headline
    assert any("540 past replies you imported" in r.text for r in advice.reasons)
    export = export_training_data(store.examples())
    assert export.total == 540 and export.eval_count > 0
    first = json.loads(export.train_jsonl.splitlines()[0])["messages"]
    assert first[1]["content"].startswith("Hello,") and "Passages:" not in first[1]["content"]
    assert "own tone" in first[0]["content"]


def test_no_check_set_is_named_without_examples():
    advice = advise({"main_gap": "behaviour", "style_strictness": "strict", "task_shape": "replies",
                     "example_pairs": 3000, "ml_capacity": "some", "budget": "can_invest"}, measure(None, None))
    steps = " ".join(advice.next_steps)
    assert "check set" not in steps and "one good example in ten aside" in steps


def test_the_checklist_shows_the_pages_measured_in_the_library():
    from core.types import LibraryStats

    measured = measure(LibraryStats(documents=9, pages=269, words=90_000), None)
    advice = advise({"knowledge_pages": 60}, measured)
    library = next(i for i in advice.checklist if i["item"] == "Documents in the library")
    assert library["detail"].startswith("269 pages, measured in your library") and "you counted 60" in library["detail"]
