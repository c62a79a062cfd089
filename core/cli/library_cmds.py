"""``ingest``, ``library`` and ``remove``: what is in the library."""
from __future__ import annotations

import sys

from core.cli.common import collect_paths, emit, library_from, stderr_progress
from core.errors import UsageError
from core.labels import pages_label


def cmd_ingest(args) -> int:
    from core.ingest import add_files  # imported here: every other command starts faster without it

    lib = library_from(args)
    items = [(p.name, p) for p in collect_paths(args.paths)]  # each read when its turn comes, not all first
    if not items:
        from core.documents.kinds import kinds_in_words
        from core.documents.messages import NONE_READABLE

        raise UsageError(NONE_READABLE.format(kinds=kinds_in_words()))
    reports = add_files(lib, items, stderr_progress(args), only_owner=args.only_owner)
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)

    def human(payload):
        lines = []
        for r in payload["files"]:
            lines.append(f"{r['status']:>9}  {r['file']}  ({pages_label(r['pages'])}, {r['chunks']} passages)"
                         if r["status"] != "failed" else f"   failed  {r['file']}: {r['error']}")
            lines.extend(f"           warning: {w}" for w in r["warnings"])
        if args.only_owner and any(r["status"] != "failed" for r in payload["files"]):
            lines.append("Marked Only me: your staff never find, see or count these documents.")
        return "\n".join(lines)

    emit(args, {"files": [r.as_dict() for r in reports]}, human)
    return 0


def cmd_library(args) -> int:
    docs = library_from(args).documents()

    def human(payload):
        if not payload["documents"]:
            return "Your library is empty. Add files with: python -m core ingest PATH"
        return "\n".join(
            f"{d['file']}  {d['type']}  {pages_label(d['pages'])}  {d['chunks']} passages  added {d['added_at']}"
            + "".join(f"\n    warning: {w}" for w in d["warnings"])
            for d in payload["documents"]
        )

    emit(args, {"documents": [d.as_dict() for d in docs]}, human)
    return 0


def cmd_remove(args) -> int:
    library_from(args).remove(args.name)
    emit(args, {"removed": args.name}, lambda p: f"Removed {p['removed']} from your library.")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("ingest", parents=[common], help="add PDF/Word files or folders to the library")
    p.add_argument("paths", nargs="+")
    p.add_argument("--only-owner", action="store_true",
                   help="mark the documents Only me: staff never find, see or count them")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("library", parents=[common], help="list documents")
    p.set_defaults(func=cmd_library)
    p = sub.add_parser("remove", parents=[common], help="remove a document by name")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
