"""Issue 22, item 11: the Markdown export reads cleanly (no escapes a reader trips over), and a citation
that pointed at nothing is noted once. Real History on SQLite; the answer goes through core.answer's finish."""
from __future__ import annotations

import html

from markdown_it import MarkdownIt

from core.answer.results import finish
from core.exports import conversation_html, conversation_markdown
from core.history import History
from core.types import Passage

LEASE = "Rent is due on the first day of each month. The deposit is two months' rent."
SHEET = "Item: Rye loaf | Price: 4.20\nItem: Sourdough loaf | Price: 4.50"
NOTE = "One citation pointed at a source that doesn't exist and was removed."


def export_markdown(history: History, conv) -> str:
    """What the chat page's Markdown download holds."""
    return conversation_markdown(history.conversation(conv), history.messages(conv))


def export_html(history: History, conv) -> str:
    """What the chat page's printable download holds."""
    return conversation_html(history.conversation(conv), history.messages(conv))


def stored(settings, raw: str, sources: list[Passage]):
    history = History(settings.db_path)
    conv = history.new_conversation()
    history.add_message(conv, "user", "When is rent due?")
    result = finish(raw, sources, query="When is rent due?", num_ctx=4096, trimmed=0)
    history.add_answer(conv, "When is rent due?", result)
    return history, conv, result


def test_file_names_and_table_cells_read_as_written(settings):
    sources = [Passage(1, "Riverside_Lease_scanned.pdf", 2, None, None, LEASE, "c1"),
               Passage(2, "Till_export_March.csv", 1, None, None, SHEET, "c2")]
    history, conv, _ = stored(settings, "Rent is due on the first day of each month [1]. "
                                        "A rye loaf costs 4.20 [2].", sources)
    md = export_markdown(history, conv)
    assert "Riverside_Lease_scanned.pdf" in md and "Riverside\\_Lease" not in md
    assert "Till_export_March.csv" in md
    assert "Rye loaf | Price: 4.20" in md and "\\|" not in md
    # and it still renders as a list of sources with the names intact (no emphasis, no table)
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "Riverside_Lease_scanned.pdf" in rendered and "Till_export_March.csv" in rendered
    assert "<table>" not in rendered


def test_a_citation_to_nothing_is_noted_once(settings):
    sources = [Passage(1, "Riverside_Lease_scanned.pdf", 2, None, None, LEASE, "c1")]
    history, conv, result = stored(settings, "Rent is due on the first day of each month [1]. Also see [99].",
                                   sources)
    assert "[99]" not in result.answer and result.dropped_citations == 1
    md = export_markdown(history, conv)
    assert md.count(NOTE) == 1
    assert html.unescape(export_html(history, conv)).count(NOTE) == 1
    # stored and read back (a restart) keeps the note
    again = History(settings.db_path).messages(conv)[-1].result
    assert again.dropped_citations == 1


def test_no_note_when_every_citation_points_somewhere(settings):
    sources = [Passage(1, "Lease.pdf", 2, None, None, LEASE, "c1")]
    history, conv, result = stored(settings, "Rent is due on the first day of each month [1].", sources)
    assert result.dropped_citations == 0 and "doesn't exist" not in export_markdown(history, conv)
