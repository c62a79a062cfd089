"""A conversation to keep or to print, telling the same truth as the screen.

Every warning an answer carried goes with it (not clearly supported sentences, sentences nothing
supports, sources matched by Groundwork, no citation, stopped, Ollama notices, general knowledge), each
citation as file, place and the quoted lines that back the answer up, and the owner's rating. Two forms:

- ``conversation_markdown``: a Markdown file. Model output, document text and file names go through
  ``core.render.safe_markdown``, so opening it in a Markdown viewer loads and links nothing.
- ``conversation_html``: one self-contained printable page (open it in a browser, print or save as PDF).
  Every piece of text is HTML-escaped, and its Content-Security-Policy lets it load nothing at all.

Both read answers through ``History.messages()`` (the typed ``result`` of each assistant message).
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Iterator, Optional

from core.answer.citations import dropped_sentence
from core.render import highlight_html, literal_markdown, safe_markdown
from core.types import AnswerResult, Feedback, Passage, StoredMessage
from core.text.claims import claims_for, quote_for, shorten

_MARKER = re.compile(r"\s*\[\d{1,3}\]")

NOT_FOUND = "I couldn't find this in your documents."
NO_CITATIONS = "This answer cites no source; check it against your documents."
UNSUPPORTED = "Not clearly supported by the cited page: "
NO_SOURCE = "Nothing in your documents says this: "
SAYS_NOTHING = "This sentence states nothing specific Groundwork could check against the cited page: "
MATCHED = "Source [{n}] was matched by Groundwork (the model didn't cite it) for: "
GENERAL = ("“Answer only from my documents” was off: parts of this answer may come from the model's general "
           "knowledge, not from your documents.")


def answer_warnings(result: AnswerResult) -> list[tuple[str, str]]:
    """(kind, sentence) for everything the screen says about an answer beside its text;
    kind is "warning" (check this) or "note" (how the answer went)."""
    out: list[tuple[str, str]] = []
    text = (result.answer or "").strip()
    if result.mode != "search_only" and not result.found and text != NOT_FOUND:
        out.append(("warning", NOT_FOUND))
    if result.notice and result.notice.strip() != text:
        out.append(("warning" if result.error_kind else "note", result.notice.strip()))
    matched = {m.sentence: m.n for m in result.matched}
    for sentence in result.unsupported:
        quoted = f"“{_bare(sentence)}”"
        if not _MARKER.search(sentence):
            out.append(("warning", NO_SOURCE + quoted))
        elif sentence in matched:
            out.append(("warning", f"{UNSUPPORTED}{quoted} Groundwork found it in source [{matched[sentence]}]."))
        else:
            out.append(("warning", UNSUPPORTED + quoted))
    out.extend(("warning", f"{SAYS_NOTHING}“{_bare(s)}”") for s in result.says_nothing)
    out.extend(("note", MATCHED.format(n=m.n) + f"“{_bare(m.sentence)}”") for m in result.matched
               if m.sentence not in result.unsupported)
    if result.found and result.no_citations:
        out.append(("warning", NO_CITATIONS))
    if result.general_knowledge:
        out.append(("note", GENERAL))
    if result.dropped_citations:
        out.append(("note", dropped_sentence(result.dropped_citations)))
    return out


def _bare(sentence: str) -> str:
    return " ".join(_MARKER.sub("", sentence or "").split())


def citation_quote(result: AnswerResult, passage: Passage) -> str:
    """The lines of a cited passage that back up what the answer says with it (the answer's own quote,
    the one shown on hover, when it has one), shortened."""
    if passage.quote:
        return shorten(passage.quote)
    answer = (result.answer or "") if result.mode != "search_only" else ""
    return quote_for(claims_for(answer, passage.n, result.matched), passage.text or "")


def rating_line(feedback: Optional[Feedback]) -> str:
    if feedback is None:
        return "Not rated."
    verdict = "helpful" if feedback.helpful else "not helpful"
    note = feedback.comment.strip()
    return f"Rated {verdict}: “{note}”." if note else f"Rated {verdict}."


def export_file_name(title: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title or "").strip("-")[:60].strip("-")
    return f"{stem or 'conversation'}.{extension}"


def _today() -> str:
    return datetime.now(timezone.utc).astimezone().date().isoformat()


def _place(p: Passage) -> str:
    return p.place.label()


def _answers(messages: list[StoredMessage]) -> Iterator[tuple[str, StoredMessage, AnswerResult]]:
    """(question, message, result) for each answer; the question is the one the answer recorded, else the
    user message before it."""
    question = ""
    for m in messages:
        if m.role == "user":
            question = m.content or ""
        elif m.result is not None:
            yield m.question or question, m, m.result
            question = ""


# --------------------------------------------------------------------------- Markdown


# A backslash before "_" inside a word ("Riverside\_Lease"): Markdown never reads such a "_" as
# emphasis, so the file reads cleanly without it.
_INWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])\\_(?=[^\W_])")


def _readable(markdown: str) -> str:
    """Escapes a reader would see but Markdown doesn't need: "_" inside words."""
    return _INWORD_UNDERSCORE.sub("_", markdown)


def _one(text: str) -> str:
    """One line of untrusted text (a file name, a place, a quote): a table can't start on a single line, so
    "|" (a spreadsheet's "Item: Rye | Price: 4.20") stays as written too."""
    return _readable(safe_markdown(" ".join((text or "").split()))).replace("\\|", "|")


def _name(text: str) -> str:
    """A file name as written (never read as Markdown), without escapes a reader would trip over."""
    return _readable(literal_markdown(" ".join((text or "").split()))).replace("\\|", "|").replace("\\:", ":")


def _answer_markdown(question: str, m: StoredMessage, result: AnswerResult) -> list[str]:
    lines = [f"**Question:** {_one(question)}", "", "**Answer:**", ""]
    lines += [_readable(safe_markdown((result.answer or "").strip())), ""]
    for kind, sentence in answer_warnings(result):  # one quote block each, so none runs into the next
        lines += [f"> {'⚠️' if kind == 'warning' else 'ℹ️'} {_one(sentence)}", ""]
    if result.citations:
        lines += ["**Sources**" if result.mode != "search_only" else "**Passages that matched**", ""]
        for c in result.citations:
            quote = citation_quote(result, c)
            lines.append(f"- [{c.n}] {_name(c.file)}, {_one(_place(c))}" + (f": \"{_one(quote)}\"" if quote else ""))
        lines.append("")
    lines += [f"_{rating_line(m.feedback)}_", "", "---", ""]
    return lines


def conversation_markdown(conversation: dict, messages: list[StoredMessage]) -> str:
    """``conversation``: ``History.conversation(id)``; ``messages``: ``History.messages(id)``."""
    answers = list(_answers(messages))
    lines = [f"# {_one(conversation.get('title') or 'Conversation')}", "",
             f"_Started {str(conversation.get('created_at') or '')[:10]}; exported from Groundwork on {_today()}; "
             f"{len(answers)} answer{'s' if len(answers) != 1 else ''}._", "", "---", ""]
    for question, m, result in answers:
        lines += _answer_markdown(question, m, result)
    return "\n".join(lines).rstrip().removesuffix("---").rstrip() + "\n"


# --------------------------------------------------------------------------- printable HTML

CSP = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body {font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2421;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;}
h1 {font-size: 1.5rem; margin-bottom: 0.2rem;}
.meta {color: #5f6661; font-size: 0.9rem; margin-top: 0;}
section {border-top: 1px solid #d9dcd9; margin-top: 1.4rem; padding-top: 0.8rem;}
.question {font-weight: 600;}
.label {color: #5f6661; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; margin: 0.6rem 0 0.1rem;}
.warning, .note {border-left: 4px solid; padding: 0.35rem 0.7rem; margin: 0.45rem 0; border-radius: 2px;}
.warning {border-color: #c98a00; background: #fff6dc;}
.note {border-color: #2f6f4f; background: #eef5f1;}
ul.sources {padding-left: 0; list-style: none;} ul.sources li {margin: 0.35rem 0;}
.place {font-weight: 600;}
blockquote {margin: 0.15rem 0 0 0; padding-left: 0.7rem; border-left: 3px solid #c9cec9; color: #333;}
.rating {color: #444; font-size: 0.9rem;}
@media print {
  @page {margin: 16mm;}
  body {max-width: none; margin: 0; font-size: 10.5pt;}
  section {break-inside: avoid;}
  .warning, .note {-webkit-print-color-adjust: exact; print-color-adjust: exact;}
}
"""


def _text_html(text: str) -> str:
    """Escaped text with line breaks; a model's **bold** kept as bold (added after escaping)."""
    escaped = highlight_html((text or "").strip(), [])
    return re.sub(r"\*\*([^*<>]+?)\*\*", r"<strong>\1</strong>", escaped)


def _answer_html(index: int, question: str, m: StoredMessage, result: AnswerResult) -> str:
    e = html.escape
    parts = [f"<section><p class='question'>{index}. {e(' '.join(question.split()))}</p>",
             "<p class='label'>Answer</p>", f"<p>{_text_html(result.answer)}</p>"]
    parts += [f"<p class='{kind}'>{'⚠️' if kind == 'warning' else 'ℹ️'} {e(sentence)}</p>"
              for kind, sentence in answer_warnings(result)]
    if result.citations:
        label = "Sources" if result.mode != "search_only" else "Passages that matched"
        parts.append(f"<p class='label'>{label}</p><ul class='sources'>")
        for c in result.citations:
            quote = citation_quote(result, c)
            parts.append(f"<li><span class='place'>[{int(c.n)}] {e(str(c.file))}, {e(_place(c))}</span>"
                         + (f"<blockquote>{e(quote)}</blockquote>" if quote else "") + "</li>")
        parts.append("</ul>")
    parts.append(f"<p class='rating'>{e(rating_line(m.feedback))}</p></section>")
    return "".join(parts)


def conversation_html(conversation: dict, messages: list[StoredMessage]) -> str:
    """One printable, self-contained HTML page (no scripts, no outside resources)."""
    e = html.escape
    title = str(conversation.get("title") or "Conversation")
    answers = list(_answers(messages))
    body = "".join(_answer_html(i, q, m, r) for i, (q, m, r) in enumerate(answers, 1))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{e(title)} — Groundwork</title>"
            f"<style>{STYLE}</style></head><body><h1>{e(title)}</h1>"
            f"<p class='meta'>Started {e(str(conversation.get('created_at') or '')[:10])}; exported from Groundwork "
            f"on {_today()}. Every answer lists the pages it came from; check them in your own files.</p>"
            f"{body}</body></html>\n")
