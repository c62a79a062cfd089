"""The advice as a Markdown document and as a printable HTML page, both rendered from ``build_sections``.

All text is escaped. The HTML page is self-contained (inline CSS, no scripts, nothing loaded);
its only addresses are the source articles' links, which open only when clicked.
"""
from __future__ import annotations

import html
from typing import Any, Callable

from core.advisor.advice import Advice
from core.advisor.sections import Item, Section, build_sections

TITLE = "Groundwork advice: look things up, or train a model of your own?"


# --------------------------------------------------------------------------- Markdown


def _md(text: Any) -> str:
    """Text safe inside Markdown: no raw HTML, no links or images, no table breaks."""
    s = str(text if text is not None else "")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace("[", "\\[").replace("]", "\\]")  # a file name can never become a link or an image
    return s.replace("|", "\\|").replace("\n", " ")


def _md_lead(item: Item) -> str:
    return f"**{_md(item.label)}:** " if item.label else ""


def _md_tail(item: Item) -> str:
    tail = f" {_md(item.sources)}" if item.sources else ""
    return tail + (f"  \n  *{_md(item.note)}*" if item.note else "")


def _md_verdict(s: Section) -> list[str]:
    return [f"**{_md(s.title)}**", ""] + [_md_lead(i) + _md(i.text) + "\n" for i in s.items]


def _md_list(s: Section) -> list[str]:
    return [f"- {_md_lead(i)}{_md(i.text)}{_md_tail(i)}" for i in s.items]


def _md_facts(s: Section) -> list[str]:
    return [f"- **{_md(i.label)}: {_md(i.value)}**. {_md(i.note)}" for i in s.items]


def _md_chart(s: Section) -> list[str]:
    lines = [_md(s.intro)]
    if s.items:
        lines += ["", f"| Factor | {' | '.join(s.columns)} |", "|---|" + "---:|" * len(s.columns)]
        for i in s.items:
            cells = [str(i.value) if i.group == g else "" for g in s.columns]
            lines.append(f"| {_md(i.label)} | {' | '.join(cells)} |")
    return lines


def _md_steps(s: Section) -> list[str]:
    return [f"{n}. {_md(i.text)}" for n, i in enumerate(s.items, 1)]


def _md_checklist(s: Section) -> list[str]:
    return [f"- [{'x' if i.ok else ' '}] **{_md(i.label)}**: {_md(i.text)}" for i in s.items]


def _md_table(s: Section) -> list[str]:
    lines = ([_md(s.intro), ""] if s.intro else []) + [
        "| " + " | ".join(s.columns) + " |", "|" + "---|" * len(s.columns)]
    return lines + ["| " + " | ".join(_md(c) for c in i.cells) + " |" for i in s.items]


def _md_sources(s: Section) -> list[str]:
    return [f"- {i.label} [{_md(i.text)}]({i.link})" if i.link else f"- {i.label} {_md(i.text)}" for i in s.items]


_MD: dict[str, Callable[[Section], list[str]]] = {
    "verdict": _md_verdict, "facts": _md_facts, "reasons": _md_list, "chart": _md_chart,
    "text": lambda s: [_md(i.text) for i in s.items], "steps": _md_steps, "checklist": _md_checklist,
    "table": _md_table, "sources": _md_sources,
}


def report_markdown(advice: Advice) -> str:
    """The whole result as a Markdown document (all text escaped)."""
    out = [f"# {TITLE}", ""]
    for s in build_sections(advice):
        if s.kind != "verdict":
            out += [f"## {_md(s.title)}", ""]
        out += _MD[s.kind](s) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:52rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
.verdict{background:#eef6ff;border-left:4px solid #0969da;padding:.8rem 1rem;margin:1rem 0}
.verdict strong{font-size:1.1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}
.bar{display:inline-block;height:.8rem;vertical-align:middle}.g0{background:#0969da}.g1{background:#bf8700}
.chart td{border:none;padding:.15rem .4rem}.chart .lbl{width:40%}
.lead{font-size:.85rem;color:#57606a}
.ok{color:#1a7f37}.no{color:#cf222e}.small{font-size:.85rem;color:#57606a}
@media print{body{margin:0;max-width:none;font-size:11pt}.verdict{border:1px solid #0969da}
h2{break-after:avoid}tr,li{break-inside:avoid}.bar{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit}}
"""

def e(value: Any) -> str:
    return html.escape(str(value))


def _h_tail(item: Item) -> str:
    tail = f' <span class="small">{e(item.sources)}</span>' if item.sources else ""
    return tail + (f'<br><span class="small"><em>{e(item.note)}</em></span>' if item.note else "")


def _h_verdict(s: Section) -> list[str]:
    parts = [f'<div class="verdict"><strong>{e(s.title)}</strong>']
    parts += [f"<p>{'<strong>' + e(i.label) + ':</strong> ' if i.label else ''}{e(i.text)}</p>" for i in s.items]
    return parts + ["</div>"]


def _h_reasons(s: Section) -> list[str]:
    return ["<ul>"] + [f'<li><span class="lead">{e(i.label)}</span><br>{e(i.text)}{_h_tail(i)}</li>'
                       for i in s.items] + ["</ul>"]


def _h_facts(s: Section) -> list[str]:
    return ["<ul>"] + [f'<li><strong>{e(i.label)}: {e(i.value)}</strong>. <span class="small">{e(i.note)}</span></li>'
                       for i in s.items] + ["</ul>"]


def _h_chart(s: Section) -> list[str]:
    parts = [f"<p>{e(s.intro)}</p>"]
    if not s.items:
        return parts
    top = max([int(i.value) for i in s.items] + [1])
    parts.append('<table class="chart">')
    for i in s.items:
        g = s.columns.index(i.group) if i.group in s.columns else 0
        width = int(int(i.value) * 100 / top)
        parts.append(f'<tr><td class="lbl">{e(i.label)}</td><td><span class="bar g{g}" style="width:{width}px"></span> '
                     f"{e(i.value)} {e(i.group.lower())}</td></tr>")
    return parts + ["</table>"]


def _h_checklist(s: Section) -> list[str]:
    mark = {True: '<span class="ok">&#10003;</span>', False: '<span class="no">&#10007;</span>'}
    return ["<ul>"] + [f"<li>{mark[bool(i.ok)]} <strong>{e(i.label)}</strong>: {e(i.text)}</li>"
                       for i in s.items] + ["</ul>"]


def _h_table(s: Section) -> list[str]:
    parts = [f'<p class="small">{e(s.intro)}</p>'] if s.intro else []
    parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in s.columns) + "</tr>")
    parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in i.cells) + "</tr>" for i in s.items]
    return parts + ["</table>"]


def _h_sources(s: Section) -> list[str]:
    def one(i: Item) -> str:
        text = f'<a href="{e(i.link)}" rel="noreferrer noopener">{e(i.text)}</a>' if i.link else e(i.text)
        return f"<li>{e(i.label)} {text}</li>"
    return ['<ul class="small">'] + [one(i) for i in s.items] + ["</ul>"]


_HTML: dict[str, Callable[[Section], list[str]]] = {
    "verdict": _h_verdict, "facts": _h_facts, "reasons": _h_reasons, "chart": _h_chart,
    "text": lambda s: [f"<p>{e(i.text)}</p>" for i in s.items],
    "steps": lambda s: ["<ol>"] + [f"<li>{e(i.text)}</li>" for i in s.items] + ["</ol>"],
    "checklist": _h_checklist, "table": _h_table, "sources": _h_sources,
}


def report_html(advice: Advice) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, nothing loaded, all text escaped)."""
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(TITLE)}</title>", f"<style>{_CSS}</style></head><body>", f"<h1>{e(TITLE)}</h1>",
    ]
    for s in build_sections(advice):
        if s.kind != "verdict":
            parts.append(f"<h2>{e(s.title)}</h2>")
        parts += _HTML[s.kind](s)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
