"""Where a passage is inside its document: one frozen ``Place``, written one way everywhere.

A PDF passage has pages (``page``..``page_end``); a Word or text passage without page numbers
has the nearest heading (``section``); a spreadsheet passage has its sheet (``section``) and rows
(``row_start``..``row_end``, as the spreadsheet program numbers them). Every result type
(``Segment``, ``Chunk``, ``SearchResult``, ``Passage``) gives its ``place``; the screen, the command
line, the exports and the training data say it with ``label()``, and the prompt gives it to the
model as attributes of a numbered source (``prompt_attributes()``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

FIELDS = ("page", "page_end", "section", "row_start", "row_end")


@dataclass(frozen=True)
class Place:
    page: Optional[int] = None  # 1-based; None when the document has no page numbers
    page_end: Optional[int] = None
    section: Optional[str] = None  # the nearest heading; for a spreadsheet, the sheet's name
    row_start: Optional[int] = None  # spreadsheets: the rows, 1-based
    row_end: Optional[int] = None

    @classmethod
    def of(cls, source: Any) -> "Place":
        """The place of a result object, or of its dict form (a stored citation, a CLI result)."""
        if isinstance(source, Mapping):
            return cls(*(source.get(k) for k in FIELDS))
        return cls(*(getattr(source, k, None) for k in FIELDS))

    @property
    def is_rows(self) -> bool:
        return self.row_start is not None

    def label(self) -> str:
        """In words: 'page 4', 'pages 4–5', 'Sheet Prices, rows 12–30', 'section “Returns”'.

        Plain text: a caller that puts it inside Markdown escapes it there (labels carry headings).
        """
        if self.is_rows:
            rows = f"row {self.row_start}" if self.row_end in (None, self.row_start) else \
                f"rows {self.row_start}–{self.row_end}"
            return f"Sheet {self.section}, {rows}" if self.section else rows
        if self.page is not None:
            if self.page_end and self.page_end != self.page:
                return f"pages {self.page}–{self.page_end}"
            return f"page {self.page}"
        if self.section:
            return f"section “{self.section}”"
        return "start of document"

    def prompt_attributes(self) -> dict[str, str]:
        """The attributes a numbered source carries in the prompt: ``{"page": "4"}``, ``{"pages": "4-5"}``,
        ``{"sheet": "Prices", "rows": "12-30"}``, ``{"section": "Returns"}`` or none (raw values; the
        prompt escapes them)."""
        if self.is_rows:
            rows = f"{self.row_start}-{self.row_end}" if self.row_end not in (None, self.row_start) else \
                f"{self.row_start}"
            return ({"sheet": str(self.section)} if self.section else {}) | {"rows": rows}
        if self.page is not None:
            if self.page_end and self.page_end != self.page:
                return {"pages": f"{self.page}-{self.page_end}"}
            return {"page": str(self.page)}
        if self.section:
            return {"section": str(self.section)}
        return {}
