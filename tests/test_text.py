"""core/text: one sentence splitter, one normalisation of how people type, one choice of supporting lines
(the hover quote, the page marks and the exported quote agree). Pure and fast."""
from __future__ import annotations

from core.answer.repair import check_answer
from core.exports import citation_quote
from core.text.claims import QUOTE_CHARS, claims_for, quote_for, supporting
from core.text.normalize import fold, index_text, normalize, stem
from core.text.sentences import sentences, tidy
from core.text.words import stems_of, terms
from core.types import AnswerResult, MatchedSentence, Passage
from core.viewer import claim_for, marks_for

RENTAL = ("Rental terms\n"
          "The deposit is 200 for every bike and it is paid at collection.\n"
          "Late returns cost 15 an hour, charged to the card on file.\n"
          "Helmets are included with every rental.")
ANSWER = "The deposit is 200 [1]. Late returns cost 15 an hour [1]."


class TestNormalize:
    def test_numbers_in_any_format_read_the_same(self):
        assert {normalize(x) for x in ("28.8", "28.80", "28.800")} == {"28.8"}
        assert normalize("£28.80") == "£28.8" and normalize("28.00") == "28"
        assert {normalize(x) for x in ("18600", "18,600", "18 600")} == {"18600"}
        assert normalize("1,234,567.50 units") == "1234567.5 units"
        assert normalize("sizes 1,2 and 3") == "sizes 1,2 and 3"  # not a thousands group

    def test_accents_fold_and_case_stays(self):
        assert fold("Crème brûlée") == "Creme brulee" and fold("ﬁle") == "file"
        assert terms("Crème Brûlée") == terms("creme brulee") == ["creme", "brulee"]

    def test_hyphen_and_space_variants_meet(self):
        assert stem("email") in stems_of("Orders by e-mail only")
        assert index_text("Send an e-mail") == "Send an e-mail\nemail"
        assert index_text("Table 1 200") == "Table 1200\n1 200"  # the spaced pieces stay findable too

    def test_one_stemmer(self):
        from core.search.text import stem as search_stem
        assert search_stem is stem and stem("deposits") == stem("deposit")


class TestSentences:
    def test_answer_variant_keeps_markers_with_their_sentence(self):
        text = "The deposit is 200. [1] Late returns cost 15 an hour [1].\n- Helmets are free [2]"
        assert sentences(text, "answer") == ["The deposit is 200. [1]", "Late returns cost 15 an hour [1].",
                                             "Helmets are free [2]"]
        assert sentences(text, "answer", markers=False)[0] == "The deposit is 200."
        assert sentences("- one. Two.", "answer", bullets=True) == ["- one.", "Two."]

    def test_passage_variant_joins_printed_lines_and_can_keep_them(self):
        printed = ("4.1 Returns. Within 30 days of the purchase date you can return any product, for any\n"
                   "reason, for a full refund, provided you have proof of pur-\nchase.\nPrices | 52.00")
        assert sentences(printed) == ["4.1 Returns.", "Within 30 days of the purchase date you can return any "
                                      "product, for any reason, for a full refund, provided you have proof of "
                                      "purchase.", "Prices | 52.00"]
        kept = sentences(printed, line_breaks=True)
        assert "\n" in kept[1] and [tidy(s) for s in kept] == sentences(printed)

    def test_one_splitter_everywhere(self):
        from core.search.text import units
        from core.viewer import passage_sentences
        assert units(RENTAL) == sentences(RENTAL)
        assert [tidy(s) for s in passage_sentences(RENTAL)] == sentences(RENTAL)


class TestClaimsAndQuotes:
    """The hover quote, the page marks and the exported quote are one choice: every sentence of the
    passage backing any claim that cites it."""

    def test_both_claims_are_quoted_and_marked(self):
        [cited] = check_answer(ANSWER, [Passage(1, "Rental.pdf", 1, text=RENTAL)], []).citations
        assert "deposit is 200" in cited.quote and "Late returns cost 15" in cited.quote  # the hover
        result = AnswerResult(answer=ANSWER, found=True, citations=[cited])
        marked = marks_for(claim_for(result, 1), RENTAL)  # the page
        assert [tidy(s) for s in marked] == supporting(claims_for(ANSWER, 1), RENTAL) == [
            "The deposit is 200 for every bike and it is paid at collection.",
            "Late returns cost 15 an hour, charged to the card on file."]
        assert cited.quote == " ".join(tidy(s) for s in marked)  # neighbours read on, no "…"

    def test_the_export_quote_is_the_same_choice(self):
        result = AnswerResult(answer=ANSWER, found=True, citations=[Passage(1, "Rental.pdf", 1, text=RENTAL)])
        assert citation_quote(result, result.citations[0]) == quote_for(claims_for(ANSWER, 1), RENTAL) == (
            "The deposit is 200 for every bike and it is paid at collection. "
            "Late returns cost 15 an hour, charged to the card on file.")
        gap = "The deposit is 200 [1]. Helmets are included [1]."
        assert quote_for(claims_for(gap, 1), RENTAL) == ("The deposit is 200 for every bike and it is paid at "
                                                         "collection. … Helmets are included with every rental.")

    def test_claims_citing_a_number_and_matched_ones(self):
        answer = "Within 30 days you get a refund [1]. After that, store credit [2][1]."
        matched = [MatchedSentence(sentence="Helmets are free.", n=2, model_cited=[])]
        assert claims_for(answer, 1) == ["Within 30 days you get a refund.", "After that, store credit."]
        assert claims_for(answer, 2, matched) == ["After that, store credit.", "Helmets are free."]

    def test_one_quote_length(self):
        long = " ".join(f"The deposit is 200 for bike number {i} of the fleet." for i in range(40))
        quote = quote_for([], long)  # no claim: the whole passage, shortened
        assert len(quote) <= QUOTE_CHARS + 2 and quote.endswith("…")
        result = AnswerResult(answer="", found=True, citations=[Passage(1, "R.pdf", 1, text=long, quote=long)])
        assert citation_quote(result, result.citations[0]) == quote_for([], long)


def test_page_marks_read_numbers_and_accents_the_same_way():
    from core.viewer.textmatch import Keyed, locate

    page = Keyed.of("Crème brûlée 28.80 each\nStock 18,600 units; walnut tart 28.8 and 280 in store.")
    found = {t: ["".join(page.chars[a:b + 1]) for a, b in locate(page, t, loose=True).spans]
             for t in ("creme brulee", "28.8", "18600", "28.80")}
    assert found == {"creme brulee": ["Crème brûlée"], "28.8": ["28.80", "28.8"], "18600": ["18,600"],
                     "28.80": ["28.80", "28.8"]}
