"""Adding files to the library: one pipeline (check, read, split, embed, store) for the app and the CLI."""
from core.ingest.pipeline import add_checked, add_files, check_batch, check_file
from core.ingest.reports import FileCheck, IngestReport

__all__ = ["FileCheck", "IngestReport", "add_checked", "add_files", "check_batch", "check_file"]
