"""``sync``, ``folders`` and ``changes``: keeping the library in step with folders, and what changed."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

from core.cli.common import emit, library_from
from core.errors import UsageError

ACTION_WORDS = {"added": "added", "replaced": "replaced", "renamed": "renamed", "removed": "removed",
                "skipped": "skipped", "failed": "failed", "unreachable": "not reached", "reached": "reached",
                "waiting": "asks first", "kept": "kept", "only_owner": "only me",
                "for_everyone": "for everyone"}


def _line(c: dict, head: str = "", by: str = "") -> str:
    name = f"{c['previous']} -> {c['file']}" if c.get("previous") else c["file"]
    text = f"{head}{ACTION_WORDS.get(c['action'], c['action']):>11}  {name}" + (f"  (by {by})" if by else "")
    return text + (f"\n{' ' * (len(head) + 13)}{c['detail']}" if c.get("detail") else "")


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def cmd_sync(args) -> int:
    from core.sync import folders
    from core.sync.passes import sync_all

    lib = library_from(args)
    paths = None
    if args.folders:
        paths = []
        for raw in args.folders:  # a folder not kept yet is kept from now on
            paths.append(folders.add(lib.db, raw, lib.settings.data_dir).path)
    elif not folders.folders(lib.db):
        raise UsageError("No folders are kept in step yet; name one: python -m core sync FOLDER")

    def progress(message: str) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{message[:78]:<78}", end="", file=sys.stderr, flush=True)

    reports = sync_all(lib, paths, confirm_removals=args.confirm_removals, progress=progress) or []
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)

    def human(payload):
        out = []
        for r in payload["folders"]:
            out.append(f"{r['folder']}: {r['message']}")
            out.extend(_line(c) for c in r["changes"])
            if r["waiting_for_you"]:
                out.append("  Waiting for your yes before removing:")
                out.extend(f"    {p}" for p in r["waiting_for_you"])
        return "\n".join(out)

    emit(args, {"folders": [r.as_dict() for r in reports]}, human)
    return 0 if all(r.reached for r in reports) else 1


def cmd_folders(args) -> int:
    from core.sync import folders

    lib = library_from(args)
    if args.action in ("add", "remove") and not args.folder:
        raise UsageError(f"Name the folder: python -m core folders {args.action} FOLDER")
    if args.action == "add":
        f = folders.add(lib.db, args.folder, lib.settings.data_dir)
        emit(args, {"added": f.path}, lambda p: f"Now keeping {p['added']} in step; run python -m core sync "
                                                "(or open Groundwork) to bring its files in.")
        return 0
    if args.action == "remove":
        f = folders.remove(lib.db, args.folder)
        emit(args, {"removed": f.path}, lambda p: f"No longer keeping {p['removed']} in step; its documents "
                                                  "stay in your library.")
        return 0

    def human(payload):
        if not payload["folders"]:
            return "No folders are kept in step. Add one with: python -m core folders add FOLDER"
        lines = []
        for f in payload["folders"]:
            state = f["problem"] or (f"checked {f['last_checked']}" if f["last_checked"] else "not checked yet")
            lines.append(f"{f['folder']}  {f['documents']} documents  {state}")
        return "\n".join(lines)

    emit(args, {"folders": [f.as_dict() for f in folders.folders(lib.db)]}, human)
    return 0


def parse_since(text: str) -> str:
    """'2026-12-01' or '2026-12-01 09:30' (this computer's time) -> a UTC ISO time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("Give the date like 2026-12-01, or with a time like 2026-12-01T09:30.") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def cmd_changes(args) -> int:
    from core.sync.changelog import changes

    since = parse_since(args.since) if args.since else None
    lib = library_from(args)
    found = changes(lib.db.conn(), since, limit=args.limit)

    def human(payload):
        if not payload["changes"]:
            return "Nothing changed" + (" since then." if since else " yet.")
        return "\n".join(_line(c, f"{_local(c['at'])}  ", c["by"]) for c in payload["changes"])

    emit(args, {"changes": [c.as_dict() for c in found]}, human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("sync", parents=[common], help="bring the library in step with folders (one pass)")
    p.add_argument("folders", nargs="*", help="folders (kept in step from now on); none: every kept folder")
    p.add_argument("--confirm-removals", action="store_true",
                   help="remove documents even when a large share of a folder's files is gone")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("folders", parents=[common], help="the folders kept in step: add, remove, list")
    p.add_argument("action", choices=["add", "remove", "list"])
    p.add_argument("folder", nargs="?")
    p.set_defaults(func=cmd_folders)
    p = sub.add_parser("changes", parents=[common], help="what changed in the library, newest first")
    p.add_argument("--since", help="only changes from this date (2026-12-01) or time (2026-12-01T09:30)")
    p.add_argument("--limit", type=int, default=500, help="at most this many (default 500)")
    p.set_defaults(func=cmd_changes)
