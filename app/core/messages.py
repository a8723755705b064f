"""Text in both interface languages at once, and the error type that carries it.

Requests and wizard errors are shown to people working in either language (an agent may switch
the interface while a request is open), so a message is rendered for ja and en when it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.i18n import current_language, gettext_for


@dataclass(frozen=True)
class Localized:
    """One message in Japanese and English."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def __str__(self) -> str:
        return self.get(current_language())


def localized(msgid: str, **params: Any) -> Localized:
    """Translate an interface string (marked with N_ at the call site) into both languages.

    A parameter that is itself Localized is filled in with its text in the same language.
    """

    def render(lang: str) -> str:
        values = {k: v.get(lang) if isinstance(v, Localized) else v for k, v in params.items()}
        return gettext_for(lang, msgid).format(**values)

    return Localized(ja=render("ja"), en=render("en"))


class KotaeError(Exception):
    """An error a person can act on; the message exists in ja and en."""

    def __init__(self, text: Localized) -> None:
        super().__init__(text.en)
        self.text = text

    def message(self, lang: str) -> str:
        return self.text.get(lang)

    def __str__(self) -> str:
        return str(self.text)


def format_day(day: date | str, lang: str) -> str:
    """A date as people read it in `lang` (Babel's medium format: 2026/01/31, Jan 31, 2026)."""
    from babel.dates import format_date  # imported here: Babel is slow to load

    value = date.fromisoformat(day) if isinstance(day, str) else day
    return format_date(value, format="medium", locale=lang)
