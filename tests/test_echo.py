"""core.answer.echo: sentences that copy Groundwork's own instructions are not an answer."""
from __future__ import annotations

from core.answer import NOT_FOUND_PHRASE
from core.answer.echo import drop_instructions, drop_markup
from core.answer.results import finish
from core.answer.prompt import REMINDER_STRICT, SYSTEM_STRICT


def test_the_reminder_written_back_is_dropped_whole():
    echo = "The sources above only and cite each claim like [1]. If they don't contain the answer, say: " \
           + NOT_FOUND_PHRASE
    assert drop_instructions(echo) == ("", True)
    assert drop_instructions(REMINDER_STRICT) == ("", True)


def test_a_rule_copied_after_a_real_sentence_leaves_the_real_sentence():
    rule = SYSTEM_STRICT.split("\n")[3][3:]  # "Answer only from the numbered sources ..."
    text, dropped = drop_instructions(f"Staff get 25 days of leave [1]. {rule}")
    assert dropped and text == "Staff get 25 days of leave [1]."


def test_real_answers_are_untouched():
    for answer in (NOT_FOUND_PHRASE, "Returns within 30 days get a full refund [1].\n\n- Size M: 1,450.00 [2]",
                   "The documents don't say. They cover returns within 30 days [1].",
                   "Answer the phone within three rings and cite the order number [2]."):
        assert drop_instructions(answer) == (answer, False)


def test_the_prompts_source_tags_written_back_are_dropped_and_the_reply_read_as_not_found():
    # a real 270M model (gemma3 behind the Ollama API) replied exactly this to an answerable nursery question
    reply = "<source>\nThe documents don't say.\n</source>\n\n<source>\nThe documents don't say."
    assert drop_markup(reply) == "The documents don't say.\n\nThe documents don't say."
    result = finish(reply, [], query="closing time", num_ctx=4096, trimmed=0)
    assert not result.found and "<source" not in result.answer and "</source>" not in result.answer
    tagged = '<source n="1" file="Handbook.pdf">Staff get 25 days of leave [1].</source>'
    assert drop_markup(tagged) == "Staff get 25 days of leave [1]."
    assert drop_markup("Keep the <b>receipt</b> [1].") == "Keep the <b>receipt</b> [1]."  # other text untouched
