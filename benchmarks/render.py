"""How long showing an answer safely takes (core/render.py), against markdown-it's own HTML rendering.

A page redraws every answer of the conversation on each rerun, so the redraw time of an
answer already seen matters most. Prints one JSON object.

    python benchmarks/render.py [--repeat 200]
"""
from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from markdown_it import MarkdownIt  # noqa: E402 — after common: keep_local() runs before libraries load

from core.render import _tree, highlight_html, literal_markdown, safe_markdown  # noqa: E402 — after the sys.path and keep_local lines above

ANSWER = ("## Returns\n\n**Bikes** can be returned within *30 days* [1]. See https://northwind.example/returns.\n\n"
          "1. Keep the receipt [2]\n2. Bring the bike ![x](//evil.example/x.png)\n\n| Item | Days |\n|---|---|\n"
          "| Bike | 30 |\n\n") * 12


def per_call_ms(fn, repeat: int) -> float:
    return round(timeit.timeit(fn, number=repeat) / repeat * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    baseline = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def first_render():
        _tree.cache_clear()
        safe_markdown(ANSWER, cite=lambda n: f"<{n}>")

    common.emit({
        "answer_chars": len(ANSWER),
        "baseline_markdown_it_html_ms": per_call_ms(lambda: baseline.render(ANSWER), repeat),
        "safe_markdown_first_ms": per_call_ms(first_render, repeat),
        "safe_markdown_redraw_ms": per_call_ms(lambda: safe_markdown(ANSWER, cite=lambda n: f"<{n}>"), repeat),
        "highlight_html_ms": per_call_ms(lambda: highlight_html(ANSWER, ["returns", "bike", "receipt"]), repeat),
        "literal_markdown_file_name_ms": per_call_ms(lambda: literal_markdown("![x](https:evil.example?leak).pdf"),
                                                     repeat * 50),
    })


if __name__ == "__main__":
    main()
