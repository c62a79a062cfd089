"""Reading the prompt the app sent (as the stand-in Ollama received it): the one home of its grammar.

The answer module puts each passage in the last user message as
``<source n="1" file="Name.pdf" page="3">\\ntext\\n</source>``; replies scripted for the
stand-in use these helpers to quote and cite what they were actually given.
"""
from __future__ import annotations

import re

SOURCE_RE = re.compile(r'<source n="(\d+)" file="([^"]*)"([^>]*)>\n(.*?)\n</source>', re.S)


def sources_in(request: dict) -> list[dict]:
    """The numbered sources in a chat request: ``[{"n", "file", "where", "text"}]``, in prompt order."""
    return [{"n": int(n), "file": f, "where": w.strip(), "text": t}
            for n, f, w, t in SOURCE_RE.findall(request["messages"][-1]["content"])]


def number_of(request: dict, keyword: str) -> int:
    """The number of the first source whose text holds ``keyword``."""
    return next(s["n"] for s in sources_in(request) if keyword.lower() in s["text"].lower())


def sentence_with(text: str, needle: str = "") -> str:
    """The first sentence of ``text`` holding ``needle`` (else its opening), without the final full stop."""
    flat = " ".join(text.split())
    for s in re.split(r"(?<=[.!?])\s+", flat):
        if needle.lower() in s.lower():
            return s.rstrip(".")
    return flat[:160].rstrip(".")


def pieces(text: str, size: int = 5) -> list[str]:
    """A reply cut in small pieces, so citation markers are split across chunks like a real stream."""
    return [text[i:i + size] for i in range(0, len(text), size)]
