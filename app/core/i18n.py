"""Interface strings through gettext, with catalogs kept as Babel .po files.

The .mo files are built from the .po sources (`make mo`); when one is missing or older than its
.po (an installed wheel, a fresh edit) the catalog is compiled in memory at start instead.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from pathlib import Path

from app.core.paths import locales_dir

DOMAIN = "kotae"
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "en"

_translations: dict[str, gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE


def _load(lang: str) -> gettext.NullTranslations:
    folder = locales_dir() / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        return _compile(po)
    return gettext.NullTranslations()


def _compile(po: Path) -> gettext.NullTranslations:
    # Babel is imported only on this slow path so `kotae ask` stays quick.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translations(lang: str) -> gettext.NullTranslations:
    if lang not in _translations:
        _translations[lang] = _load(lang)
    return _translations[lang]


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current


def _(message: str) -> str:
    """Translate into the current interface language (looked up at call time)."""
    return translations(_current).gettext(message)


def gettext_for(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current).ngettext(singular, plural, n)


def sentences(lang: str, *parts: str) -> str:
    """Sentences run on: a space after an English full stop, none after 。; empty ones left
    out."""
    return ("" if lang == "ja" else " ").join(p for p in parts if p)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def language_from_env(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return None


def choose_language(
    cli: str | None, config: str | None, env: Mapping[str, str] | None = None
) -> str:
    """--lang wins, then the config file, then the locale, then English."""
    for candidate in (cli, config):
        if candidate in LANGUAGES:
            return candidate
    return language_from_env(env) or DEFAULT_LANGUAGE
