"""Untrusted text is shown safely."""
from core.render import highlight_html, literal_markdown, place_label, safe_markdown, stream_markdown


def test_highlight_escapes_html_and_marks_words():
    out = highlight_html("Returns <script>alert(1)</script> within 30 days", ["returns", "days"])
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>Returns</mark>" in out and "<mark>days</mark>" in out


def test_markdown_image_to_web_address_is_not_loaded():
    out = safe_markdown("See ![chart](https://evil.example/x.png?d=secret) and [click](http://evil.example/?q=prices)")
    assert "![" not in out and "](" not in out
    assert "image not shown" in out
    assert "`http://evil.example/?q=prices`" in out  # shown as text, not a link


def test_bare_urls_and_autolinks_become_plain_code():
    out = safe_markdown("Go to https://evil.example/a?b=c or <https://x.example> or www.evil.example")
    assert out.count("`") == 6


def test_raw_html_is_text():
    out = safe_markdown('<img src="https://evil.example/p.png"> **bold** [1]')
    assert "<img" not in out and "&lt;img" in out and "**bold** [1]" in out


def test_reference_style_image_and_definition_removed():
    out = safe_markdown("![logo][1]\n\n[1]: https://evil.example/logo.png")
    assert "evil.example" not in out


def test_place_labels():
    assert place_label(4) == "page 4"
    assert place_label(4, 5) == "pages 4-5"
    assert place_label(None, None, "Returns") == "section “Returns”"


def test_dollar_signs_stay_money_not_maths_but_code_is_untouched():
    out = safe_markdown("The Trail 500 costs $1299 or $1899 with `$HOME` unchanged")
    assert "\\$1299" in out and "\\$1899" in out
    assert "`$HOME`" in out  # inside code a backslash would show, so none is added


def test_literal_markdown_shows_a_file_name_exactly():
    out = literal_markdown("**Q1** [draft]_v2 $5 #1.pdf")
    assert out == "\\*\\*Q1\\*\\* \\[draft\\]\\_v2 \\$5 \\#1.pdf"


def test_streamed_pieces_stay_inert_however_the_text_is_cut():
    pieces = ["See ![x](ht", "tps://evil.example/p.png) and www", ".evil.example"]
    out = "".join(stream_markdown(p) for p in pieces)
    assert "![" not in out and "](" not in out
    assert "https://" not in out and "www.evil" not in out  # broken by an invisible space
    assert out.replace("\\", "").replace("\u200b", "") == "".join(pieces)


def test_an_address_ending_a_clause_keeps_its_punctuation_outside():
    out = safe_markdown("Ollama isn't running at http://127.0.0.1:11434; open it. See www.example.com.")
    assert "`http://127.0.0.1:11434`;" in out and "`www.example.com`." in out
