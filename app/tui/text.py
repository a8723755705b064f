"""Display helpers: show untrusted text literally, and format numbers for the interface locale."""

from __future__ import annotations

import re

from rich.text import Text

from app.core.i18n import N_, _

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}  # each in its own language, on purpose
ANSWER_LANG_LABELS = {"auto": N_("auto"), "ja": "日本語", "en": "English"}

# C0 and C1 control characters other than newline and tab; ESC would start a terminal escape.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode control pictures: ESC -> ␛
    if code == 0x7F:
        return "␡"
    return f"\\x{code:02x}"


def safe(text: str) -> str:
    """Replace control characters with visible stand-ins."""
    return _CONTROL.sub(_picture, text)


def plain(text: str, style: str = "") -> Text:
    """A Rich Text that is never parsed as markup."""
    return Text(safe(text), style=style)


def one_line(text: str) -> str:
    return " ".join(safe(text).split())


def percent(value: float, lang: str) -> str:
    # Babel loads locale data on first use; keep it off the start-up path.
    from babel.numbers import format_percent

    return format_percent(max(0.0, min(1.0, value)), locale=lang)


def number(value: int, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=lang)


def answer_lang_label(pin: str) -> str:
    label = ANSWER_LANG_LABELS.get(pin, pin)
    return _(label) if pin == "auto" else label
