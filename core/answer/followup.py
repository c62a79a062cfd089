"""Follow-up questions and the conversation the model sees.

Follow-ups are made standalone with a heuristic, not a model call. A rewrite by the
answer model costs a whole extra generation before the first token (on a 3B model on
a laptop CPU, 1-3 s of prompt reading plus the rewrite itself), doubles the load on a
busy Ollama, and small models often "answer" instead of rewriting. The heuristic costs
microseconds, and benchmarks/answer.py measures it on follow-ups over sample_docs:
carrying the previous question's content words lifts the hit rate of follow-ups like
"and for the Pro model?" from what the bare follow-up finds to about that of the full
question (see "followups" in its output). The model still sees the last turns, so it
can resolve "it" itself when it writes the answer.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from core.answer.citations import remove_citations
from core.search import terms

HISTORY_MESSAGES = 4  # the last two exchanges go to the model as conversation context
HISTORY_CHARS = 800  # per earlier message
FOLLOW_UP_MAX_TERMS = 4
CARRY_MAX_TERMS = 12

_REFERRING = frozenset("it its it's that this they them their theirs those these he him his she her one ones "
                       "same such former latter".split())
_CONNECTIVE = re.compile(
    r"^\s*(?:and|but|also|or|so|then|plus|ok(?:ay)?|what about|how about|what if|and what|what else|same)\b",
    re.IGNORECASE)
_WORDS = re.compile(r"[\w][\w'\-]*", re.UNICODE)


def is_follow_up(question: str) -> bool:
    """Does ``question`` lean on earlier turns ("and for the Pro model?", "how much is it?")?"""
    content = terms(question)
    if _CONNECTIVE.match(question):
        return True
    if len(content) <= 1:
        return True
    words = {w.lower().strip("'") for w in _WORDS.findall(question)}
    return bool(words & _REFERRING) and len(content) <= FOLLOW_UP_MAX_TERMS


def _previous_questions(history: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(m.get("content") or "") for m in reversed(list(history)) if m.get("role") == "user"]


def standalone_query(question: str, history: Sequence[Mapping[str, Any]] = ()) -> str:
    """The search query for ``question``: the earlier topic's content words first when it is a follow-up."""
    question = question.strip()
    previous = _previous_questions(history)
    if not previous or not is_follow_up(question):
        return question
    own = set(terms(question))
    carry: list[str] = []
    for earlier in previous[:3]:  # walk back through a chain of follow-ups to the question that set the topic
        for word in terms(earlier):
            if word not in own and word not in carry:
                carry.append(word)
        if not is_follow_up(earlier):
            break
    carry = carry[:CARRY_MAX_TERMS]
    return f"{' '.join(carry)} {question}".strip() if carry else question


def prior_turns(history: Sequence[Mapping[str, Any]], question: str) -> list[dict]:
    """Earlier user/assistant turns, oldest first, without the question being asked now."""
    turns = [{"role": str(m.get("role")), "content": str(m.get("content") or "")}
             for m in history if m.get("role") in ("user", "assistant") and str(m.get("content") or "").strip()]
    if turns and turns[-1]["role"] == "user" and turns[-1]["content"].strip() == question.strip():
        turns.pop()  # the page already stored the question being asked
    return turns


def clean_history(turns: Sequence[Mapping[str, str]]) -> list[dict]:
    """The last few turns, shortened; old citation numbers removed (they meant other sources)."""
    out = []
    for t in list(turns)[-HISTORY_MESSAGES:]:
        text = t["content"]
        if t["role"] == "assistant":
            text = remove_citations(text)
        text = text.strip()
        if len(text) > HISTORY_CHARS:
            text = text[:HISTORY_CHARS].rsplit(" ", 1)[0] + " …"
        out.append({"role": t["role"], "content": text})
    return out
