"""The document library: atomic storage of read documents, and everything needed to read and search them.

    library.py   Library: open, store, remove, recover, rebuild the search index
    forget.py    after a removal or replacement: no trace left in the data folder
    reads.py     documents, pages, passages, counts; the search index interface
    vectors.py   the Chroma store, reopened when another process has written
    locks.py     the write lock (threads and processes, every system)
    visibility.py  documents only the owner sees ("Only me"): what one person may read
    view.py      LibraryView: the library as one staff member may read it (read-only)
"""
from core.library.library import Library, Stored, embed_text, title_of
from core.library.reads import DocumentInfo
from core.library.view import LibraryView

__all__ = ["DocumentInfo", "Library", "LibraryView", "Stored", "embed_text", "title_of"]
