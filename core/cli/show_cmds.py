"""``show``: a page of a document as printed, with a piece of text marked (the citation viewer, headless).

    python -m core show FILE --page N [--highlight TEXT] --png OUT.png [--json]

A PDF page is saved as a PNG; ``--json`` prints ``{"file", "page", "found", "boxes", "png", "scale",
"size"}``: ``boxes`` are ``[x0, y0, x1, y1]`` in PDF points from the top-left corner of the printed
page (times ``scale`` = pixels in the PNG), one per marked line; ``found`` is false when the text isn't
on the page, and then the PNG has no marks. A Word file has no printed pages: it prints
``{"file", "page", "found", "section", "html"}`` (the section as safe HTML) and saves no image.
"""
from __future__ import annotations

from pathlib import Path

from core.cli.common import emit, library_from
from core.errors import AppError, UsageError


def _word_section(lib, args) -> str:
    from core.viewer.docx_section import ANY_SECTION

    if args.section is not None:
        return args.section
    if args.page is not None:
        for segment in lib.segments(args.file):
            if segment["page"] == args.page:
                return segment["section"]
        if not args.highlight:
            raise UsageError(f"{args.file} has no page {args.page}; Word files keep page numbers only when "
                             "Word saved them. Name a section with --section instead.")
    return ANY_SECTION


def _show_word(lib, args, source) -> dict:
    from core.viewer.docx_section import section_view

    view = section_view(source.path, _word_section(lib, args), [args.highlight] if args.highlight else [],
                        loose=True)
    return {"file": source.file, "page": args.page, "found": view.found, "section": view.section, "html": view.html}


INSIDE_DATA = ("Groundwork doesn't save pictures inside its own data folder ({folder}), where they could "
               "overwrite your library; choose another place for --png.")


def _outside_data_folder(png: str, data_dir: Path) -> Path:
    """Where to save the picture, refused when it is inside the data folder (links followed)."""
    out = Path(png).expanduser()
    if out.resolve().is_relative_to(Path(data_dir).resolve()):
        raise UsageError(INSIDE_DATA.format(folder=data_dir))
    return out


def _show_pdf(args, source, data_dir: Path) -> dict:
    from core.viewer.pdf_page import PdfPages

    if args.page is None:
        raise UsageError("Say which page to show with --page N.")
    if not args.png:
        raise UsageError("Say where to save the page image with --png OUT.png.")
    out = _outside_data_folder(args.png, data_dir)
    with PdfPages(source.path) as pdf:
        shot = pdf.render(args.page, [args.highlight] if args.highlight else [], args.scale, loose=True)
    try:
        out.write_bytes(shot.png(compress_level=6))
    except OSError:
        raise AppError(f"Groundwork couldn't save the image to {out}; check that the folder exists and that "
                       "you can write to it.") from None
    return {"file": source.file, "page": args.page, "found": shot.marks.found,
            "boxes": [list(b) for b in shot.marks.boxes], "png": str(out), "scale": shot.scale,
            "size": [round(v, 2) for v in shot.marks.size]}


def _human(args, payload: dict) -> str:
    if "png" in payload:
        said = f"Page {payload['page']} of {payload['file']} saved to {payload['png']}"
    else:
        said = (f"Section “{payload['section'] or 'before the first heading'}” of {payload['file']} "
                "(Word files have no printed pages, so no image was saved)")
    if not args.highlight:
        return said + "."
    if payload["found"]:
        return said + "; the text is marked."
    return said + "; the text wasn't found there, so nothing is marked."


def cmd_show(args) -> int:
    from core.viewer import open_source

    lib = library_from(args)
    source = open_source(lib, args.file)
    if source.kind == "pdf":
        payload = _show_pdf(args, source, lib.settings.data_dir)
    elif source.kind == "docx":
        payload = _show_word(lib, args, source)
    else:
        raise UsageError(f"Groundwork can show the pages of PDF and Word files only, and {args.file} is neither.")
    emit(args, payload, lambda p: _human(args, p))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("show", parents=[common], help="a page of a document as printed, with text marked")
    p.add_argument("file", help="the document's name in your library")
    p.add_argument("--page", type=int, help="the page number (1 is the first page)")
    p.add_argument("--highlight", help="text to mark on the page")
    p.add_argument("--png", help="where to save the page image (PDF files)")
    p.add_argument("--section", help="Word files: the heading of the section to show")
    p.add_argument("--scale", type=float, default=1.5, help="pixels per point in the image (default 1.5)")
    p.set_defaults(func=cmd_show)
