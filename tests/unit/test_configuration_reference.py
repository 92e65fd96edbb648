"""docs/configuration.md and .env.example are the settings class, written out: a setting
added, renamed or redescribed without regenerating them fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuiot.entrypoints.settings import Settings
from cuiot.entrypoints.settings_doc import env_example, markdown
from cuiot.entrypoints.settings_errors import env_name

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = ("python -m cuiot.entrypoints.settings_doc > docs/configuration.md; "
              "python -m cuiot.entrypoints.settings_doc --env > .env.example")
FILES = {"docs/configuration.md": markdown, ".env.example": env_example}


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_says_what_it_does_and_shows_an_example(name):
    info = Settings.model_fields[name]
    assert info.description and info.examples, f"{name}: add description= and examples="


@pytest.mark.parametrize("path", sorted(FILES))
def test_every_setting_is_in_the_file(path):
    text = (ROOT / path).read_text()
    missing = [env_name(n) for n in Settings.model_fields if f"{env_name(n)}=" not in text]
    assert not missing, f"{path} lacks {missing}: run {REGENERATE}"


@pytest.mark.parametrize("path", sorted(FILES))
def test_the_file_is_what_the_generator_writes(path):
    assert (ROOT / path).read_text() == FILES[path](), f"{path} is out of date: run {REGENERATE}"


def test_each_example_is_a_value_the_settings_accept():
    examples = {name: info.examples[0] for name, info in Settings.model_fields.items()
                if info.examples}
    settings = Settings(**examples)
    assert settings.policy().escalation_timeouts["critical"].total_seconds() == 10
