"""Checking and showing one answer of a wizard field, per field type.

`check_value` turns what a person typed (or a value from an answers file) into the stored form:
strings stripped and NFKC-normalised where full-width input is common (ｔａｒｏ＠example.com), lists
deduplicated, dates as YYYY-MM-DD, a ticked box as True. The stored form checks again unchanged,
so a draft can be re-checked when it is resumed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.countries import Country
from app.core.i18n import N_, gettext_for
from app.core.messages import Localized, format_day, localized
from app.core.privacy import REDACTED, mask_email
from app.core.workflow.schema import FIELD_TYPES, FieldDef

# A dot-atom local part and a host name (RFC 5321 without quoted parts or IP literals), letters
# of any script allowed: no leading, trailing or double dots, no <>, commas or invisible marks.
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
EMAIL_RE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[\w-]+)")
ORG_RE = re.compile(r"^org-[A-Za-z0-9]{4,64}$")
FILE_ID_RE = re.compile(r"^file-[A-Za-z0-9_-]{4,64}$")
DATE_SHAPE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
LIST_SPLIT_RE = re.compile(r"[\s,、，;；]+")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DEFAULT_MAX = {"text": 200, "long_text": 5000, "email": 254, "org_id": 80}
DEFAULT_MAX_ITEMS = 100
TRUE_WORDS = {"true", "yes", "y", "1", "on", "はい"}
FALSE_WORDS = {"false", "no", "n", "0", "off", "いいえ", ""}


@dataclass(frozen=True)
class FieldError:
    """A problem with one answer. `message(lang)` gives it in ja or en."""

    field: str
    code: str
    text: Localized

    def message(self, lang: str) -> str:
        return self.text.get(lang)

    def __str__(self) -> str:
        return f"{self.field}: {self.text}"


Err = Callable[..., FieldError]  # (code, msgid, **params) -> FieldError
Checked = tuple[Any, list[FieldError]]  # (stored value or None, errors)


class Checker:
    """Checks answers of fields against their rules; knows the country list and today's date."""

    def __init__(self, countries: Mapping[str, Country], today: date | None = None) -> None:
        self.countries = countries
        self.today = today or date.today()

    def check_value(self, f: FieldDef, raw: Any) -> Checked:
        """(stored value or None when unanswered, errors). Errors mean nothing should be stored."""

        def err(code: str, msgid: str, **params: Any) -> FieldError:
            return FieldError(f.id, code, f.errors.get(code) or localized(msgid, **params))

        if _blank(raw) or (raw is False and f.type == "confirm"):
            if f.type == "confirm" and f.required:
                return None, [err("unticked", N_("Tick this box to go on."))]
            if f.required:
                return None, [err("required", N_("This field is required."))]
            return None, []
        if f.type not in FIELD_TYPES:  # reported by `kotae check`; load_workflow refuses it
            return None, [err("type", N_("This field cannot be answered."))]
        value, errors = getattr(self, f"_{f.type}")(f, raw, err)
        return (None if errors else value), errors

    def _text(self, f: FieldDef, raw: Any, err: Err, single_line: bool = True) -> Checked:
        if not isinstance(raw, str):
            return None, [err("type", N_("Enter text."))]
        value = raw.strip().replace("\r\n", "\n")
        errors = []
        if single_line and "\n" in value:
            errors.append(err("single_line", N_("Enter this on one line.")))
        if CONTROL_RE.search(value.replace("\t", " ")):
            errors.append(err("invalid", N_("Remove the control characters.")))
        if f.pattern and not re.fullmatch(f.pattern, value):
            # Full-width letters and digits typed with a Japanese IME (１２３ＡＢ) are the same
            # characters: a value the pattern accepts once folded is kept folded.
            folded = unicodedata.normalize("NFKC", value)
            if re.fullmatch(f.pattern, folded):
                value = folded
        errors += self._length(f, value, err)
        if f.pattern and not re.fullmatch(f.pattern, value):
            errors.append(err("pattern", N_("This is not in the expected form.")))
        return value, errors

    def _long_text(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        return self._text(f, raw, err, single_line=False)

    def _length(self, f: FieldDef, value: str, err: Err) -> list[FieldError]:
        longest = f.max_length or DEFAULT_MAX.get(f.type, 200)
        if f.min_length and len(value) < f.min_length:
            return [err("min_length", N_("Enter at least {n} characters."), n=f.min_length)]
        if len(value) > longest:
            return [err("max_length", N_("Enter at most {n} characters."), n=longest)]
        return []

    def _identifier(
        self, f: FieldDef, raw: Any, err: Err, regex: re.Pattern[str], msgid: str
    ) -> Checked:
        if not isinstance(raw, str):
            return None, [err("type", N_("Enter text."))]
        value = unicodedata.normalize("NFKC", raw).strip()
        if not regex.fullmatch(value):
            return None, [err("invalid", msgid)]
        return self._text(f, value, err)

    def _email(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        value, errors = self._identifier(
            f, raw, err, EMAIL_RE, N_("Enter an email address such as name@example.com.")
        )
        if errors:
            return None, errors
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}", []

    def _org_id(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        msgid = N_(
            "Enter an organisation ID: org- followed by at least 4 letters or digits, "
            "such as org-AbC123."
        )
        return self._identifier(f, raw, err, ORG_RE, msgid)

    def _file_ids(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        items = _as_list(raw)
        if items is None:
            return None, [err("type", N_("Enter one or more file IDs."))]
        values: list[str] = []
        bad: list[str] = []
        for item in items:
            value = unicodedata.normalize("NFKC", item).strip()
            if not FILE_ID_RE.fullmatch(value) or (
                f.pattern and not re.fullmatch(f.pattern, value)
            ):
                bad.append(_clip(value))
            elif value not in values:
                values.append(value)
        # Every wrong item in one message: a face shows one message per field.
        if len(bad) == 1:
            return values, [
                err("invalid", N_("“{value}” is not a file ID (file-…)."), value=bad[0])
            ]
        if bad:
            listed = ", ".join(bad)
            return values, [
                err("invalid", N_("These are not file IDs (file-…): {values}."), values=listed)
            ]
        return values, self._count(f, values, err)

    def _count(self, f: FieldDef, values: list[Any], err: Err) -> list[FieldError]:
        least = f.min_items if f.min_items is not None else (1 if f.required else 0)
        most = f.max_items or DEFAULT_MAX_ITEMS
        if len(values) < least:
            return [err("min_items", N_("Give at least {n}."), n=least)]
        if len(values) > most:
            return [err("max_items", N_("Give at most {n}."), n=most)]
        return []

    def _choice(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        if not isinstance(raw, str):
            return None, [err("type", N_("Choose one of the options."))]
        value = unicodedata.normalize("NFKC", raw).strip()
        if f.choice(value) is None:
            return None, [self._bad_choice(f, value, err)]
        return value, []

    def _multi_choice(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        items = _as_list(raw, split=False)
        if items is None:
            return None, [err("type", N_("Choose from the options."))]
        chosen = {unicodedata.normalize("NFKC", i).strip() for i in items}
        errors = [self._bad_choice(f, v, err) for v in sorted(chosen) if f.choice(v) is None]
        values = [c.value for c in f.choices if c.value in chosen]  # the order of the form
        return values, errors or self._count(f, values, err)

    def _bad_choice(self, f: FieldDef, value: str, err: Err) -> FieldError:
        return err(
            "choice",
            N_("“{value}” is not one of the options: {options}."),
            value=_clip(value),
            options=", ".join(c.value for c in f.choices),
        )

    def _country(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        if not isinstance(raw, str):
            return None, [err("type", N_("Choose a country."))]
        value = unicodedata.normalize("NFKC", raw).strip().upper()
        if value not in self.countries:
            msgid = N_("“{value}” is not a country code of the list (JP, DE, US…).")
            return None, [err("invalid", msgid, value=_clip(value))]
        return value, []

    def _date(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        day = _as_date(raw)
        if day is None and isinstance(raw, str) and DATE_SHAPE_RE.fullmatch(_date_text(raw)):
            msgid = N_("There is no such date: {value}.")
            return None, [err("invalid", msgid, value=_clip(_date_text(raw)))]
        if day is None:
            return None, [err("invalid", N_("Enter a date as YYYY-MM-DD."))]
        lo, hi = self._limit(f.min_date), self._limit(f.max_date)
        if lo and day < lo:
            return None, [err("too_early", N_("The date must be {date} or later."), date=lo)]
        if hi and day > hi:
            return None, [err("too_late", N_("The date must be {date} or earlier."), date=hi)]
        return day.isoformat(), []

    def _limit(self, spec: str | None) -> date | None:
        if spec is None:
            return None
        return self.today if spec == "today" else date.fromisoformat(spec)

    def _confirm(self, f: FieldDef, raw: Any, err: Err) -> Checked:
        if isinstance(raw, str) and raw.strip().casefold() in TRUE_WORDS | FALSE_WORDS:
            raw = raw.strip().casefold() in TRUE_WORDS
        if not isinstance(raw, bool):
            return None, [err("type", N_("Answer yes or no."))]
        if not raw and f.required:
            return None, [err("unticked", N_("Tick this box to go on."))]
        return (True if raw else None), []


def _blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(isinstance(i, str) and not i.strip() for i in raw)
    return False


def _as_list(raw: Any, split: bool = True) -> list[str] | None:
    if isinstance(raw, str):
        return [p for p in LIST_SPLIT_RE.split(raw) if p] if split else [raw]
    if isinstance(raw, list | tuple) and all(isinstance(i, str) for i in raw):
        return [i for i in raw if i.strip()]
    return None


def _as_date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    text = _date_text(raw)
    try:
        return date.fromisoformat(text) if DATE_SHAPE_RE.fullmatch(text) else None
    except ValueError:
        return None


def _date_text(raw: str) -> str:
    """YYYY-MM-DD from the ways people type a date: 2027/1/5, 2027.01.05, 2027年1月5日."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if found := _LOOSE_DATE.fullmatch(text):
        year, month, day = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)


def _clip(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def display_value(
    f: FieldDef, value: Any, lang: str, countries: Mapping[str, Country], redact: bool = False
) -> str:
    """An answer as shown in a summary or an export, in `lang`."""
    if value is None:
        return "—"
    if redact and f.pii:
        return mask_email(value) if f.type == "email" else gettext_for(lang, REDACTED)
    sep = "、" if lang == "ja" else ", "
    if f.type == "choice":
        c = f.choice(value)
        return c.label.get(lang) if c else str(value)
    if f.type == "multi_choice":
        return sep.join(c.label.get(lang) for c in f.choices if c.value in value)
    if f.type == "file_ids":
        return ", ".join(value)
    if f.type == "country":
        country = countries.get(value)
        return f"{country.label(lang)} ({value})" if country else str(value)
    if f.type == "date":
        return format_day(value, lang)
    if f.type == "confirm":
        return gettext_for(lang, N_("Yes"))
    return str(value)
