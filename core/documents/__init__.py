"""Reading documents: bytes in, pages or sections of text plus triage facts out.

``read_document(name, data, settings, progress=None)`` is the entry point
(``reader.py``). One module per concern:

- ``names``      safe display names (``safe_name``)
- ``sniff``      what a file is, from its content first (``file_kind``)
- ``messages``   every sentence a person may see
- ``limits``     limits checked before heavy work (zip sizes, text budget)
- ``pdf``        PDF pages: text layer (pypdf), or OCR for scanned pages
- ``pdf_pages``  PDFium's view of a page: text, pictures, ruled tables, rendering
- ``ocr``        text recognition (RapidOCR, models inside the wheel)
- ``images``     PNG/JPEG photos and scans, one page each
- ``docx``       Word files: headings as sections, tables as header-value lines
- ``xlsx``, ``csvfile``, ``sheets``, ``cellformat``  spreadsheets, row by row
- ``text``       .txt and .md, headings as sections
"""
from core.documents.names import safe_name
from core.documents.reader import read_document
from core.documents.sniff import EXPLAINED_EXTENSIONS, KINDS, READABLE_EXTENSIONS, file_kind

__all__ = ["EXPLAINED_EXTENSIONS", "KINDS", "READABLE_EXTENSIONS", "file_kind", "read_document", "safe_name"]
