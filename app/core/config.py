"""The user's config file: interface language, theme, answer language, key remapping, and for
a team the shared database, the agent's name and where the database password is kept.

Read from $KOTAE_CONFIG, else <user config dir>/kotae/config.toml. A missing default file means
defaults; a broken one raises ConfigError naming the file and the field, for the CLI to print.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.paths import user_dir

ENV_VAR = "KOTAE_CONFIG"
LANG_VALUES = ("ja", "en")
ANSWER_LANG_VALUES = ("auto", "ja", "en")
LOG_QUESTIONS_VALUES = ("unanswered", "all", "off")
KNOWN_FIELDS = (
    "lang",
    "theme",
    "answer_lang",
    "keys",
    "timezone",
    "database",
    "agent",
    "password_file",
    "log_questions",
    "question_log_days",
)
DEFAULT_TIMEZONE = "Asia/Tokyo"  # the office's: it decides the day a request is received
# Overrides `log_questions` (the bench and the test suite set it to "off").
LOG_ENV_VAR = "KOTAE_LOG_QUESTIONS"


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Config:
    lang: str | None = None  # None: follow the locale
    theme: str | None = None  # a Textual theme name; None: Textual's default
    answer_lang: str = "auto"  # auto: answer in the question's language
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), "ctrl+y,f9"
    path: Path | None = None  # where it was read from, for messages
    timezone: str = DEFAULT_TIMEZONE  # IANA name; days of receipt are counted in it
    database: str | None = None  # a postgresql:// URL; None: the local SQLite store
    agent: str | None = None  # the name events are recorded under; None: the OS user
    password_file: Path | None = None  # holds the database password (never the command line)
    # Which questions are kept, masked, for editors; and for how many days.
    log_questions: str = "unanswered"
    question_log_days: int = 30

    def log_mode(self) -> str:
        return effective_log_mode(self.log_questions)


def should_log(mode: str, decision: str) -> bool:
    """Whether `log_questions = mode` keeps a question the matcher decided `decision` on."""
    return mode == "all" or (mode == "unanswered" and decision in ("clarify", "decline"))


def effective_log_mode(configured: str) -> str:
    """`log_questions` unless $KOTAE_LOG_QUESTIONS overrides it (the bench, the tests)."""
    env = os.environ.get(LOG_ENV_VAR, "")
    return env if env in LOG_QUESTIONS_VALUES else configured


def default_path() -> Path:
    return user_dir("config") / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file at the default place gives the defaults."""
    explicit = path is not None or bool(os.environ.get(ENV_VAR))
    if path is None:
        env = os.environ.get(ENV_VAR)
        path = Path(env).expanduser() if env else default_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: config file not found")
        return Config()
    import tomli  # here: `kotae ask` reads no config file when there is none

    try:
        with path.open("rb") as fh:
            data = tomli.load(fh)
    except tomli.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not usable TOML: arrays or tables nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> Config:
    def fail(name: str, message: str) -> ConfigError:
        return ConfigError(f"{path}: {name}: {message}")

    for name in data:
        if name not in KNOWN_FIELDS:
            known = ", ".join(KNOWN_FIELDS)
            raise fail(name, f"unknown field (known fields: {known})")
    lang = _choice(data, "lang", LANG_VALUES, fail)
    answer_lang = _choice(data, "answer_lang", ANSWER_LANG_VALUES, fail) or "auto"
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise fail("theme", "must be a theme name such as 'textual-dark'")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise fail("keys", 'must be a table: [keys] followed by lines like kotae.copy = "f9"')
    for binding_id, key in keys.items():
        if not isinstance(key, str) or not key.strip():
            raise fail(f"keys.{binding_id}", 'must be a key such as "ctrl+y" or "f9,ctrl+y"')
    timezone = data.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(timezone, str) or not _known_zone(timezone):
        raise fail("timezone", "must be an IANA time zone such as 'Asia/Tokyo' or 'UTC'")
    database = _text(data, "database", fail, "must be a URL such as 'postgresql://agent@db/kotae'")
    if database and not database.split(":", 1)[0].lower().startswith(("postgres", "sqlite")):
        raise fail("database", "must be a postgresql://… or sqlite:///… URL")
    agent = _text(data, "agent", fail, "must be a name such as 'sato'")
    password_file = _text(data, "password_file", fail, "must be a file name")
    log_questions = _choice(data, "log_questions", LOG_QUESTIONS_VALUES, fail) or "unanswered"
    days = data.get("question_log_days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise fail("question_log_days", "must be a whole number of days from 1 to 3650")
    return Config(
        lang=lang,
        theme=theme,
        answer_lang=answer_lang,
        keys=dict(keys),
        timezone=timezone,
        path=path,
        database=database,
        agent=agent.strip() if agent else None,
        # A relative name is relative to the config file.
        password_file=path.parent / Path(password_file).expanduser() if password_file else None,
        log_questions=log_questions,
        question_log_days=days,
    )


def _text(data: dict[str, Any], name: str, fail: Any, hint: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(name, hint)
    return value


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _choice(data: dict[str, Any], name: str, allowed: tuple[str, ...], fail: Any) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if value not in allowed:
        options = " or ".join(repr(a) for a in allowed)
        raise fail(name, f"must be {options}, not {value!r}")
    return str(value)
