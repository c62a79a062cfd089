"""Keeping the library in step with the owner's folders (issue 21).

    folders     the kept folders and their state (core.sync.folders)
    scan        a folder's files by size and time only; cloud placeholders; unreadable sub-folders
    passes      one pass: add, replace, rename, remove, with the safety rules (core.sync.passes)
    background  the app's pass at start, every few minutes and on "Check now" (core.sync.background)
    changelog   "What changed" (core.sync.changelog); the library writes to it too

Import the submodules directly: ``core.library`` imports ``core.sync.changelog``, so this file
imports nothing.
"""
