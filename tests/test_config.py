"""The config file: defaults, valid values, and clear messages for broken files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_gives_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KOTAE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr("app.core.config.default_path", lambda: tmp_path / "none.toml")
    assert load_config() == Config()


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'lang = "ja"\ntheme = "textual-light"\nanswer_lang = "en"\n[keys]\n"kotae.copy" = "f9"\n',
    )
    config = load_config(path)
    assert config == Config("ja", "textual-light", "en", {"kotae.copy": "f9"}, path)


def test_env_var_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'lang = "en"\n')
    monkeypatch.setenv("KOTAE_CONFIG", str(path))
    assert load_config().lang == "en"


def test_env_var_naming_a_missing_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOTAE_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load_config()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('lang = "fr"\n', "lang: must be 'ja' or 'en', not 'fr'"),
        ('answer_lang = "de"\n', "answer_lang: must be 'auto' or 'ja' or 'en', not 'de'"),
        ("theme = 3\n", "theme: must be a theme name"),
        ('keys = "f9"\n', "keys: must be a table"),
        ('[keys]\n"kotae.copy" = 9\n', "keys.kotae.copy: must be a key"),
        ('colour = "red"\n', "colour: unknown field"),
        ('lang = "ja\n', "not valid TOML"),
    ],
)
def test_broken_file_names_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message


def test_config_does_not_import_textual() -> None:
    code = "import sys, app.core.config; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
