"""core.answer.repeats: where a looping answer starts repeating itself."""
from __future__ import annotations

from core.answer.repeats import loop_start

LONG = "Full-time staff receive 25 days of paid annual leave each year, plus public holidays [1]."


def test_a_long_sentence_written_twice_is_a_loop_cut_before_the_repeat():
    text = f"{LONG} {LONG.replace('[1]', '[2]')} {LONG}"
    assert text[:loop_start(text)].rstrip() == LONG


def test_a_short_sentence_loops_only_the_third_time():
    twice = "It is in stock now. It is in stock now. Ask in store."
    assert loop_start(twice) is None
    thrice = "It is in stock now. It is in stock now. It is in stock now. Ask in store."
    assert thrice[:loop_start(thrice)] == "It is in stock now. "


def test_an_unfinished_sentence_does_not_count_yet():
    assert loop_start(f"{LONG}\n{LONG[:-1]}") is None


def test_different_sentences_never_count_and_tiny_pieces_never_count():
    assert loop_start("The deposit is 200 dollars. The deposit is 250 dollars for e-bikes. See [1].") is None
    assert loop_start("- M.\n- M.\n- M.\n- M.\n") is None


def test_a_second_copy_is_held_back_while_it_is_written_and_released_when_it_differs():
    from core.answer.repeats import without_echo

    first = "Full-time staff receive 25 days of paid annual leave each year."
    assert without_echo(f"{first} Full-time staff receive 25") == first
    assert without_echo(f"{first} Full-time staff receive 30 days") == f"{first} Full-time staff receive 30 days"
    assert without_echo(f"{first} Part-time") == f"{first} Part-time"
