"""The support check can't be fooled: a cited sentence passes only on its own content (not the question's
words, not words that only frame a claim), numbers and names must match, and a sentence with nothing
checkable in it is flagged as such. Through the real answer pipeline and the real ollama client, against
the stand-in Ollama with scripted replies."""
from __future__ import annotations

from core.answer import answer, judge
from core.exports import answer_warnings
from tests.prompts import number_of, pieces
from tests import test_answer as shared
from ui.answer_view import warning_lines

LEAVE_Q, run = shared.LEAVE_Q, shared.run
lib, ollama, cfg = shared.lib, shared.ollama, shared.cfg  # the answer tests' fixtures (llm: conftest)

PASSAGE = ("Annual leave. Full-time staff receive 25 days of paid holiday each year, plus public holidays. "
           "Leave requests go to the store manager two weeks ahead. This policy covers all shops.")


def _reply(ollama, template: str):
    ollama.enqueue_chat(lambda request: pieces(template.format(n=number_of(request, "25 days"))))


class TestJudge:
    def test_a_sentence_that_says_nothing_is_flagged_as_such(self):
        vague = "According to the documents, this is covered [1]."
        assert judge(vague, {1: PASSAGE}, LEAVE_Q) == ([], [vague])  # the page says "covers": no matter
        echo = "Staff get annual leave [1]."  # only the question's own words
        assert judge(echo, {1: PASSAGE}, LEAVE_Q) == ([], [echo])

    def test_a_yes_that_only_repeats_the_question_is_flagged_and_asides_are_left_alone(self):
        cards = {1: "Payment. We take cards and cash at the counter."}
        yes = "Yes, you can pay by card [1]."  # true or false, nothing in it is the page's to confirm
        assert judge(yes, cards, "Can I pay by card?") == ([], [yes])
        assert judge("Yes, you can pay by card at the counter [1].", cards, "Can I pay by card?") == ([], [])
        assert judge("The documents don't say [1]. Would you like the price list [1]?", cards, "Price?") == ([], [])
        assert judge("According to [1], What can I pay with?.", cards, "Price?") == ([], [])  # a quoted heading

    def test_numbers_and_names_must_match(self):
        assert judge("Staff receive 30 days of paid holiday [1].", {1: PASSAGE}, LEAVE_Q).unsupported == [
            "Staff receive 30 days of paid holiday [1]."]
        assert judge("Requests go to Dana Kowalski two weeks ahead [1].", {1: PASSAGE}, LEAVE_Q).unsupported
        assert judge("Staff receive 25 days of paid holiday [1].", {1: PASSAGE}, LEAVE_Q) == ([], [])

    def test_numbers_in_another_format_still_match(self):
        assert judge("The fee is £28.80 [1].", {1: "Late fee: 28.8 per day."}, "What is the late fee?") == ([], [])


class TestThroughThePipeline:
    def test_a_reply_that_says_nothing(self, lib, llm, ollama, cfg):
        _reply(ollama, "According to the documents, this is covered [{n}].")
        _, result = run(answer(LEAVE_Q, library=lib, llm=llm, settings=cfg))
        assert result.says_nothing == ["According to the documents, this is covered [1]."]
        assert result.unsupported == []
        assert warning_lines(result) == [
            "⚠️ This sentence states nothing specific Groundwork could check against the cited page: “According to "
            "the documents, this is covered.”"]
        assert ("warning", "This sentence states nothing specific Groundwork could check against the cited page: "
                           "“According to the documents, this is covered.”") in answer_warnings(result)

    def test_a_reply_partly_supported(self, lib, llm, ollama, cfg):
        _reply(ollama, "Full-time staff receive 25 days of paid holiday each year [{n}]. "
                       "They also get 5 extra days for every year of service [{n}].")
        _, result = run(answer(LEAVE_Q, library=lib, llm=llm, settings=cfg))
        assert result.unsupported == ["They also get 5 extra days for every year of service [1]."]
        assert result.says_nothing == []

    def test_a_wrong_number_is_not_supported(self, lib, llm, ollama, cfg):
        _reply(ollama, "Full-time staff receive 30 days of paid holiday each year [{n}].")
        _, result = run(answer(LEAVE_Q, library=lib, llm=llm, settings=cfg))
        assert result.unsupported == ["Full-time staff receive 30 days of paid holiday each year [1]."]

    def test_a_reply_fully_supported(self, lib, llm, ollama, cfg):
        _reply(ollama, "Full-time staff receive 25 days of paid holiday each year, plus public holidays [{n}]. "
                       "Leave requests go to the store manager two weeks ahead [{n}].")
        _, result = run(answer(LEAVE_Q, library=lib, llm=llm, settings=cfg))
        assert result.unsupported == [] and result.says_nothing == []
        [cited] = result.citations
        assert "25 days of paid holiday" in cited.quote and "two weeks ahead" in cited.quote
