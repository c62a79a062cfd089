"""Setup's "Let my staff use Groundwork from their computers" switch, through Streamlit's AppTest: refused
in one sentence without an owner account; with one, the office listener opens at once (a real TLS
listener on 127.0.0.2) and the page shows the address and its QR code; off closes it."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import load_settings
from tests.browser import free_port
from tests.apptest import page, texts
from tests.cli import core
from tests.sharing_helpers import OFFICE, add_owner, listening

KEY = "setup_sharing"


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


@pytest.fixture
def signed_in_owner(monkeypatch):
    """With sharing on everyone signs in, and AppTest has no browser to hold a sign-in cookie: here the run is
    the owner's, as core.runtime.current_access finds it for a signed-in owner's browser."""
    from core import runtime
    from core.access import Access

    monkeypatch.setattr(runtime, "current_access", lambda: Access(name="Ann", role="owner"))


@pytest.fixture
def port(data_dir) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    chosen = free_port()
    (data_dir / "settings.json").write_text(json.dumps({"sharing_port": chosen, "sharing_address": OFFICE}))
    return chosen



def setup() -> AppTest:
    return page("setup.py").run()


def shown(at: AppTest) -> str:
    return texts(at) + "\n" + "\n".join(c.value for c in at.code)


def test_the_switch_is_off_by_default_and_refused_without_an_owner_account(port):
    at = setup()
    assert at.toggle(key=KEY).value is False
    assert "Off: Groundwork can be opened only on this computer" in shown(at)
    at.toggle(key=KEY).set_value(True).run()
    assert [w.value for w in at.warning] == ["Create your owner account first, in the People section of this page, "
                                             "then turn this on."]
    assert at.toggle(key=KEY).value is False
    assert load_settings().sharing is False and not listening(port)
    assert not at.exception


def test_with_an_owner_the_switch_opens_the_office_address_and_closes_it(port, settings, signed_in_owner):
    add_owner(settings)
    at = setup()
    at.toggle(key=KEY).set_value(True).run()
    assert not at.exception
    assert load_settings().sharing is True
    assert listening(port)  # opened by the switch itself, before the page was drawn again
    text = shown(at)
    assert "Your staff can use Groundwork now" in text
    assert "On another computer in the office, type this address in the browser" in text
    assert [c.value for c in at.code][0].startswith("https://") and ":8443" not in text
    assert any(c.value.endswith(f":{port}") for c in at.code)
    assert "the browser warns that the connection isn't private" in text
    images = at.get("image")
    assert len(images) == 1 and images[0].captions == ["Or scan this with a phone or tablet on the office Wi-Fi."]

    at.toggle(key=KEY).set_value(False).run()
    assert load_settings().sharing is False
    assert not listening(port)
    assert "Your staff can use Groundwork now" not in shown(at)


def test_the_switch_shows_a_change_made_with_core_share(port, settings, signed_in_owner):
    add_owner(settings)
    at = setup()
    assert core("share", "on").returncode == 0
    at.run()
    assert at.toggle(key=KEY).value is True
    assert core("share", "off").returncode == 0
    at.run()
    assert at.toggle(key=KEY).value is False
