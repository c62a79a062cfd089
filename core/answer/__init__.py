"""Answers from the person's own documents, every claim pointing at a passage that was in the prompt.

    question ─► standalone query (followup.py) ─► core.search.search ─► gate
             ─► numbered sources in the prompt (prompt.py), fitted to the model's window (fit.py)
             ─► llm.chat_stream, streamed (stream.py)
             ─► citations parsed and renumbered (citations.py), "not found" detected (notfound.py),
                sentences checked against the passages, missing citations matched, quotes taken
                (support.py, repair.py) ─► a typed ``core.types.AnswerResult`` (results.py)

``answer()`` (pipeline.py) is the entry point. What this package does against the usual
complaints about document chat apps:

- *Answers from the model's own knowledge.* When nothing passes the relevance gate the
  model is not asked at all ("I couldn't find this in your documents.", plus the closest
  passages). Otherwise the system prompt allows only the numbered sources and gives the
  model an exact sentence for "not there"; that sentence and close variants set
  ``found=False``. An owner's answer style changes tone and format only, never these rules.
- *Citations pointing at the wrong document.* Only numbers that were given survive; each
  cited sentence's own content (not the question's words) is checked against the passage it
  cites (``unsupported``); one with nothing checkable in it is flagged too (``says_nothing``).
- *Correct sentences without a citation* (small models forget them): matched to the
  passage that clearly supports them, marked as matched by Groundwork (``matched``); the
  "cites no source" flag (``no_citations``) is left for answers nothing could be matched in.
- *Sources listed that the answer never used.* ``citations`` holds only cited (or matched)
  passages, renumbered 1, 2, ... in order of first use; the rest are ``consulted``.
- *Prompts silently cut off by Ollama's small default window* (fit.py).
- *Prompt injection.* Document text sits inside ``<source>`` delimiters (a ``</source>``
  inside a document is neutralised) and the rules say it is data.

Ollama is checked lazily: ``llm.context_length`` is remembered per model, and a stopped
Ollama surfaces on the first chunk of ``chat_stream``; then the answer falls back to
showing the passages that match (``mode="search_only"``).
"""
from __future__ import annotations

from core.answer.citations import find_citations, live_text, normalise_citations, strip_markers
from core.answer.fit import fit
from core.answer.followup import is_follow_up, standalone_query
from core.answer.notfound import is_not_found
from core.answer.pipeline import answer
from core.answer.prompt import (
    ANSWER_BUDGET, GENERAL_MARK, NOT_FOUND_PHRASE, STYLE_MAX_CHARS, SYSTEM_OPEN, SYSTEM_STRICT, build_messages,
    choose_num_ctx, estimate_tokens, source_block, system_prompt,
)
from core.answer.repair import check_answer
from core.answer.stream import AnswerStream, ModelCall
from core.answer.support import judge, support_check, support_score
from core.answer.wording import (
    ECHO_NOTICE, EMPTY_LIBRARY, EMPTY_REPLY_NOTICE, LOOP_NOTICE, NOTHING_FOUND, SEARCH_ONLY, STOPPED_BEFORE_NOTICE,
    STOPPED_NOTICE, TRIMMED_NOTICE,
)

__all__ = [
    "ANSWER_BUDGET", "AnswerStream", "ECHO_NOTICE", "EMPTY_LIBRARY", "EMPTY_REPLY_NOTICE", "GENERAL_MARK", "ModelCall",
    "LOOP_NOTICE", "NOTHING_FOUND", "NOT_FOUND_PHRASE", "SEARCH_ONLY", "STOPPED_BEFORE_NOTICE", "STOPPED_NOTICE",
    "STYLE_MAX_CHARS", "SYSTEM_OPEN",
    "SYSTEM_STRICT", "TRIMMED_NOTICE", "answer", "build_messages", "check_answer", "choose_num_ctx",
    "estimate_tokens", "find_citations", "fit", "is_follow_up", "is_not_found", "live_text", "normalise_citations",
    "judge", "source_block", "standalone_query", "strip_markers", "support_check", "support_score",
    "system_prompt",
]
