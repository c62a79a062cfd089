"""What a folder's pass tells the owner: one plain sentence each, the same on the page and the command line."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from core.labels import page_list, plural

ADDED = "New in the folder: {facts}."
REPLACED_PAGES = "Changed in the folder: {pages} changed."
REPLACED_ROWS = "Changed in the folder: {rows} changed."
REPLACED_SOME = "Changed in the folder: {n} of its parts changed."
REPLACED_SAME_TEXT = "Saved again in the folder; its text is the same."
RENAMED = "Renamed or moved in the folder (was {old}); its passages and history were kept."
REMOVED = "Deleted from the folder, so it was removed from your library."
REMOVED_CONFIRMED = "Deleted from the folder; removed after you confirmed it."
ONLINE_ONLY = ("This file is kept online only, not on this computer, so it was skipped. In OneDrive or Dropbox, "
               "right-click it and choose 'Always keep on this device' (in iCloud: 'Download Now'); "
               "the next check adds it.")
EMPTY = ("This file is empty (0 bytes), so it was skipped. If it is kept in OneDrive or Dropbox it may not be "
         "downloaded yet: right-click it and choose 'Always keep on this device'.")
STILL_COPYING = "This file is still being copied or saved, so it waits for the next check."
LOCKED = "This file couldn't be opened (it may be open in another program), so it waits for the next check."
TOO_BIG = "This file is larger than {mb} MB, the most Groundwork reads, so it was skipped."
SAME_AS = "This file is already in your library as {other}, so it wasn't added twice."
COULDNT_REACH = "Couldn't reach {folder} since {when}; nothing was changed."
REACH_HINT = " Check that the drive is connected and the folder is still there; the next check carries on."
REACHED_AGAIN = "Reached {folder} again; the library is back in step with it."
SUBFOLDER_UNREADABLE = ("Couldn't open {n} inside this folder; the documents from there were left as they were.")
WAITING_FOR_YOU = ("{n} from this folder are no longer there. To be safe nothing was removed: remove them or "
                   "keep them on the Documents page (or run python -m core sync with --confirm-removals).")
KEPT = "Kept in your library at your request; it is no longer kept in step with the folder."
LEFT_OUT = ("Its document was removed or replaced in the library by hand, so the folder's check leaves it out "
            "until the file changes.")
UNEXPECTED = ("Something unexpected stopped the last check of this folder; nothing was removed, and the next "
              "check tries again.")
OTHER_PASS = "Another check of your folders is running (perhaps from the command line); this one waits for it."


def when_label(iso: Optional[str], today: Optional[datetime] = None) -> str:
    """'10:42' today, '3 Dec 10:42' on another day, in this computer's time zone."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone()
    day = (today or datetime.now().astimezone()).date()
    return local.strftime("%H:%M") if local.date() == day else f"{local.day} {local.strftime('%b %H:%M')}"


def couldnt_reach(folder: str, since_iso: str) -> str:
    return COULDNT_REACH.format(folder=folder, when=when_label(since_iso))


def replaced_detail(old: dict, new: dict) -> str:
    """What changed between two versions' text, by page (or by part for files without pages)."""
    keys = set(old) | set(new)
    changed = [k for k in keys if old.get(k) != new.get(k)]
    if not changed:
        return REPLACED_SAME_TEXT
    pages = [k for k in changed if isinstance(k, int)]
    if pages and len(pages) == len(changed):
        return REPLACED_PAGES.format(pages=page_list(pages))
    blocks = sorted(k for k in changed if isinstance(k, tuple))
    if blocks and len(blocks) == len(changed):
        return REPLACED_ROWS.format(rows=_row_ranges(blocks))
    return REPLACED_SOME.format(n=len(changed))


def _row_ranges(blocks: list) -> str:
    """'rows 41–80' / 'rows 41–120 of Prices' / 'rows 41–80 and 161–200'; neighbouring blocks joined."""
    merged: list[list] = []
    for sheet, first, last in blocks:
        if merged and merged[-1][0] == sheet and merged[-1][2] + 1 >= first:
            merged[-1][2] = max(merged[-1][2], last)
        else:
            merged.append([sheet, first, last])
    parts = [f"{a}–{b}" + (f" of {sheet}" if sheet else "") for sheet, a, b in merged[:3]]
    more = f" and {len(merged) - 3} more places" if len(merged) > 3 else ""
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"rows {text}{more}"


def waiting_for_you(n: int) -> str:
    return WAITING_FOR_YOU.format(n=plural(n, "document"))
