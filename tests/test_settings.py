"""core.settings: the Ollama address a person types, and which environment variable wins over the file."""
from __future__ import annotations

import pytest

from core.errors import UsageError
from core.settings import check_host, env_override, load_settings, save_setting, settings_path


class TestCheckHost:
    @pytest.mark.parametrize("typed,kept", [
        ("", "http://127.0.0.1:11434"),
        ("192.168.1.20", "http://192.168.1.20:11434"),
        ("  gpu-box.local:11500 ", "http://gpu-box.local:11500"),
        ("https://ollama.example.lan", "https://ollama.example.lan:11434"),
        ("http://[::1]:11434/", "http://[::1]:11434"),
    ])
    def test_addresses_are_normalised(self, typed, kept):
        assert check_host(typed) == kept

    @pytest.mark.parametrize("typed", ["my computer", "ftp://host:21", "http://host:99999", "http://:11434",
                                       "http://host:1/?q=1", "host$%:1"])
    def test_what_cannot_be_an_address_is_refused_in_one_sentence(self, typed):
        with pytest.raises(UsageError) as caught:
            check_host(typed)
        assert caught.value.user_message.startswith("That doesn't look like an address")


class TestEnvironmentWins:
    def test_the_variable_that_sets_a_setting_is_named(self):
        assert env_override("ollama_host", {"OLLAMA_HOST": "http://x:1"}) == "OLLAMA_HOST"
        assert env_override("model", {"GROUNDWORK_MODEL": "qwen2.5:3b"}) == "GROUNDWORK_MODEL"
        assert env_override("data_dir", {"GROUNDWORK_DATA_DIR": "/d"}) == "GROUNDWORK_DATA_DIR"
        assert env_override("ollama_host", {"OLLAMA_HOST": ""}) is None  # empty: not set
        assert env_override("answer_style", {"OLLAMA_HOST": "http://x:1"}) is None

    def test_saved_address_is_used_unless_the_variable_is_set(self, settings):
        save_setting(settings, "ollama_host", check_host("10.0.0.5"))
        assert settings_path(settings).exists()
        assert load_settings(environ={}, data_dir=settings.data_dir).ollama_host == "http://10.0.0.5:11434"
        env = {"OLLAMA_HOST": "http://127.0.0.1:9"}
        assert load_settings(environ=env, data_dir=settings.data_dir).ollama_host == "http://127.0.0.1:9"
