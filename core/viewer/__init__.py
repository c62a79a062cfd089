"""Check a claim on the page as printed (no Streamlit here; ``ui/source_view.py`` shows it).

    pdf_page.PdfPages      a PDF's pages rendered with PDFium, the supporting lines found and marked
    docx_section.section_view   a Word file's section as safe HTML, tables as tables, marks added
    source.open_source     the document behind a passage (removed since? replaced since?)
    source.marks_for       which lines of a passage back up a claim (claim_for: what an answer says with it)
    support                passages cut into sentences for marking (``core.text`` does the cutting)
    textmatch              finding stored text among a page's characters
"""
from core.viewer.source import DocumentRemoved, Source, claim_for, marks_for, open_source, removed_sentence
from core.viewer.support import claims_citing, passage_sentences, tidy

__all__ = ["DocumentRemoved", "Source", "claim_for", "claims_citing", "marks_for", "open_source", "passage_sentences",
           "removed_sentence", "tidy"]
