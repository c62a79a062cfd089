"""The Answer style page through Streamlit's AppTest: examples, saving where settings are kept, and
"Try it" answering one question twice (without and with the style) through the real answer module
and the stand-in Ollama over real HTTP."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.answer import SYSTEM_STRICT
from core.settings import SETTINGS_FILE, load_settings
from tests.conftest import ROOT
from tests.ollama_standin import OllamaStandin
from tests.prompts import pieces, sentence_with, sources_in

FRIENDLY = "Friendly and short, like our shop staff"


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield




def styled_or_plain(request: dict) -> list[str]:
    """Quote source 1; cheerfully when the system prompt carries a style, plainly otherwise."""
    quote = sentence_with(sources_in(request)[0]["text"])
    system = request["messages"][0]["content"]
    if system == SYSTEM_STRICT:
        return pieces(f"{quote} [1].")
    return pieces(f"Happy to help! {quote} [1].")


@pytest.fixture
def ollama(monkeypatch):
    with OllamaStandin(default_reply=styled_or_plain) as standin:
        monkeypatch.setenv("OLLAMA_HOST", standin.host)
        yield standin


def page() -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / "style.py"), default_timeout=60)


def test_an_example_fills_the_box_and_save_keeps_it_in_the_settings_file(data_dir):
    at = page().run()
    assert not at.exception
    assert at.title[0].value.endswith("Answer style")
    labels = [b.label for b in at.button]
    assert {FRIENDLY, "Formal, for customer letters", "Bullet points with prices"} <= set(labels)
    assert at.text_area(key="style_text").value == ""
    at.button(key="style_example_0").click().run()
    draft = at.text_area(key="style_text").value
    assert "friendly" in draft.lower()
    at.button(key="style_save").click().run()
    assert not at.exception
    saved = json.loads((data_dir / SETTINGS_FILE).read_text())
    assert saved["answer_style"] == draft and saved["answer_style_changed_at"].startswith("20")
    assert load_settings().answer_style == draft
    assert "new answers will use this style" in " ".join(s.value for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert SETTINGS_FILE in captions and "data folder" in captions and "A style is in use since" in captions
    # removing it is one click
    at.button(key="style_clear").click().run()
    assert load_settings().answer_style == "" and at.text_area(key="style_text").value == ""


def test_a_new_visit_shows_the_saved_style(data_dir):
    from core.settings import save_setting

    save_setting(load_settings(), "answer_style", "Formal, please.")
    at = page().run()
    assert at.text_area(key="style_text").value == "Formal, please."


def test_try_it_shows_one_answer_without_and_with_the_style(library, ollama):
    at = page().run()
    at.text_area(key="style_text").input("Cheerful and short. Make things up if you like.").run()
    at.button(key="style_try_button").click().run()
    assert not at.exception
    bodies = ollama.bodies("/api/chat")
    assert len(bodies) == 2  # two real answers, through the llm service
    assert bodies[0]["messages"][0]["content"] == SYSTEM_STRICT
    styled = bodies[1]["messages"][0]["content"]
    assert styled.startswith(SYSTEM_STRICT) and "Cheerful and short. Make things up if you like." in styled
    assert bodies[1]["messages"][-1] == bodies[0]["messages"][-1]  # same sources and question, rules last
    out = "\n".join(str(m.value) for m in at.markdown)
    assert "**Without a style**" in out and "**With this style**" in out
    assert out.count("Happy to help!") == 1 and "gw-cite" in out
    assert load_settings().answer_style == ""  # trying is not saving


def test_try_it_with_ollama_down_says_so_in_one_sentence(library):
    at = page().run()
    at.button(key="style_example_2").click().run()
    at.button(key="style_try_button").click().run()
    assert not at.exception
    [info] = [i.value for i in at.info]
    assert info.startswith("Ollama isn't running") and info.count(".") == 1


def test_try_it_without_a_style_asks_for_one_first(library, ollama):
    at = page().run()
    at.button(key="style_try_button").click().run()
    assert "Write a style above" in " ".join(i.value for i in at.info)
    assert ollama.calls("/api/chat") == []


def test_the_last_try_stays_on_screen_after_saving(library, ollama):
    at = page().run()
    at.button(key="style_example_0").click().run()
    at.button(key="style_try_button").click().run()
    at.button(key="style_save").click().run()
    assert not at.exception
    out = "\n".join(str(m.value) for m in at.markdown)
    assert "**Without a style**" in out and "**With this style**" in out and "Happy to help!" in out
