"""The sources behind the advisor's rules, and the figures it uses.

Industry figures are estimates reported by the sources (summarised in our own words in
the project's notes); every place that shows one names its source letter. Addresses are
given only where we checked them; the others are named plainly.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    letter: str
    title: str
    url: str = ""  # only an address that was checked; "" when we could not confirm one


SOURCES: dict[str, Source] = {s.letter: s for s in (
    Source("A", "Berrydesk (Strawberry Labs), “RAG vs fine-tuning: a decision guide” (2026)",
           "https://berrydesk.com/blog/rag-vs-fine-tuning-decision-guide"),
    Source("B", "“RAG or fine-tuning”, field notes on dev.to by a practitioner who builds AI systems (2026)"),
    Source("C", "Mauricio Fodra, “Fine-Tuning vs. RAG: The Definitive Guide for Your AI Strategy in 2026”",
           "https://fodra.com.br/en/posts/post-fine-tuning-vs-rag-en"),
    Source("D", "Boldare blog, “RAG vs Fine-Tuning: Which approach is right for your use case?” (2026)",
           "https://www.boldare.com/blog/rag-vs-fine-tuning"),
    Source("E", "“Fine-Tuning vs RAG: Two Ways to Customize AI”, a plain-language guide for business readers (2026)"),
)}

# --- examples -------------------------------------------------------------------------
EXAMPLES_THRESHOLD = 500          # good examples that make training workable [D]; "hundreds to thousands" [B][C]
SOME_EXAMPLES = 100               # "hundreds" starts here

# --- size, volume, speed ---------------------------------------------------------------
LARGE_TOKENS = 100_000            # beyond roughly 100K tokens, look things up [B]
TOKENS_PER_PAGE = 500             # rough size of a page of business text when nothing is measured
TOKENS_PER_WORD = 4 / 3           # the usual rule of thumb (as LibraryStats.tokens_estimate)
HIGH_VOLUME = 10_000              # questions a month: repetitive work at scale
VERY_HIGH_VOLUME = 50_000         # questions a month: stable facts may be worth building in [A]
# Reading everything with every question: Groundwork's own line, not a source's. A billion
# tokens a month is about $140 at the low-cost price below [A] (against ~$6 with look-ups of
# ~2,000 tokens at 20,000 questions), and far more reading than one computer keeps up with.
LONG_CONTEXT_MONTHLY_READ = 1_000_000_000

# --- what questions found ---------------------------------------------------------------
UNANSWERED_HIGH = 0.20            # share of recent questions that found nothing
UNANSWERED_MIN_QUESTIONS = 10     # below this, the rate says little
FINDABILITY_GOOD = 0.80           # the library check's figure below which documents need work

# --- the answer style (written instructions for tone and format) -----------------------------
STYLE_MIN_RATINGS = 5             # rated answers since the style was set before we judge it
STYLE_FALLS_SHORT = 0.50          # share disliked at or above which instructions fall short
STYLE_WORKS = 0.20                # share disliked at or below which instructions do the job

# --- prices (industry estimates, for comparison with hosted services) -----------------------
PRICE_INPUT_PER_M = 0.14          # $ per million tokens read, a low-cost hosted model [A]
PRICE_OUTPUT_PER_M = 0.28         # $ per million tokens written [A]
LOOKUP_PROMPT_TOKENS = 2_000      # a looked-up answer reads ~5 passages
COST_FINETUNED_PER_Q = 0.001      # $ per question, a small trained open model [D]
COST_LARGE_API_PER_Q = 0.01       # $ per question, a large hosted model [D]
