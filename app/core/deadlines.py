"""Due dates of requests: the mechanism. The numbers per legal regime are in knowledge/regimes.toml.

Every period is counted from the day of receipt. A month is a calendar month: the same date in
the later month, or that month's last day when the date does not exist (31 Jan + 1 month = 28/29
Feb), as GDPR Art. 12(3) is read for "one month".

A regime's `basis` says what its due date is: a *legal deadline* where a law sets a period (it
cites the law), or an *internal target* where none does (APPI says only "without delay"). Every
face shows that label through `deadline_label` / `describe_due`, never the word "law" alone.

The day of receipt is the calendar day in the office time zone (config `timezone`, default
Asia/Tokyo), whatever the zone of the machine that files the request.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.i18n import N_, gettext_for
from app.core.knowledge import KnowledgeError, Problem, _read_toml, _rel
from app.core.messages import KotaeError, Localized, format_day, localized
from app.core.tomldata import Add, boolean, integer, lang_tables, pair_value, string, unknown_keys

FILE = "regimes.toml"
REGIME_KEYS = {
    "basis",
    "citation",
    "due",
    "extension",
    "extensions",
    "notice_before_due",
    "ja",
    "en",
}
BASES = ("statutory", "internal")
DEFAULT_TIMEZONE = "Asia/Tokyo"
_office_zone = ZoneInfo(DEFAULT_TIMEZONE)
MAX_MONTHS, MAX_DAYS, MAX_EXTENSIONS = 120, 3660, 12


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0

    def __add__(self, other: Period) -> Period:
        return Period(self.months + other.months, self.days + other.days)

    def __mul__(self, times: int) -> Period:
        return Period(self.months * times, self.days * times)

    def after(self, start: date) -> date:
        return add_months(start, self.months) + timedelta(days=self.days)


@dataclass(frozen=True)
class Regime:
    code: str
    due: Period
    extension: Period
    extensions: int  # how many extensions are allowed
    notice_before_due: bool  # an extension must be recorded before the original due date
    label: Localized
    note: Localized
    basis: str = "internal"  # statutory: a law sets the period; internal: our own target
    citation: Localized | None = None  # the provision, for statutory regimes
    extension_note: Localized | None = None  # what the law allows, in words (statutory)

    @property
    def statutory(self) -> bool:
        return self.basis == "statutory"


LABELS = {"statutory": N_("legal deadline"), "internal": N_("internal target")}


def deadline_label(regime: Regime, lang: str) -> str:
    """ "legal deadline" or "internal target", in `lang`: what a due date of this regime is."""
    return gettext_for(lang, LABELS["statutory" if regime.statutory else "internal"])


def describe_due(day: date | str, regime: Regime | None, lang: str) -> str:
    """ "2026-03-01 (legal deadline, GDPR Art. 12(3))" or "… (internal target)", in `lang`."""
    text = format_day(day, lang)
    if regime is None:
        return text
    what = deadline_label(regime, lang)
    if regime.statutory and regime.citation:
        what += ("、" if lang == "ja" else ", ") + regime.citation.get(lang)
    return f"{text}（{what}）" if lang == "ja" else f"{text} ({what})"


def format_period(period: Period, lang: str) -> str:
    parts = []
    if period.months:
        n = period.months
        parts.append(f"{n} か月" if lang == "ja" else f"{n} month" + ("s" if n != 1 else ""))
    if period.days:
        n = period.days
        parts.append(f"{n} 日" if lang == "ja" else f"{n} day" + ("s" if n != 1 else ""))
    return ("と" if lang == "ja" else " and ").join(parts)


def extension_rule(regime: Regime, lang: str) -> str:
    """What an extension of this regime allows, with the law's citation or the internal label."""
    if not regime.extensions:
        return gettext_for(lang, N_("No extension is allowed."))
    if regime.statutory and regime.extension_note and regime.citation:
        text = regime.extension_note.get(lang)
        cite = regime.citation.get(lang)
        return f"{text}（{cite}）" if lang == "ja" else f"{text} ({cite})"
    msgid = N_(
        "Extension of an internal target: {period}, at most {times} time(s); "
        "no law sets this period."
    )
    return gettext_for(lang, msgid).format(
        period=format_period(regime.extension, lang), times=regime.extensions
    )


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`; ValueError when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Tokyo)") from None


def set_timezone(name: str) -> None:
    """Count days of receipt in this time zone from now on (the faces call it from config)."""
    global _office_zone
    _office_zone = zone(name)


def office_time(at: datetime) -> datetime:
    """`at` on the office clock (a naive datetime is read as UTC, as the store keeps it)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(_office_zone)


def receipt_day(now: datetime | None = None) -> date:
    """The calendar day of `now` (default: this moment) in the office time zone.

    A naive datetime is read as wall-clock time in that zone.
    """
    if now is None:
        return datetime.now(_office_zone).date()
    return now.date() if now.tzinfo is None else now.astimezone(_office_zone).date()


def today() -> date:
    """Today in the office time zone: the day overdue requests are judged by."""
    return receipt_day()


class ExtensionRefused(KotaeError):
    """The regime allows no (further) extension of this request."""


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(received: date, regime: Regime, extensions: int = 0) -> date:
    """The due date of a request received on `received` after `extensions` extensions."""
    return (regime.due + regime.extension * extensions).after(received)


def extend(received: date, regime: Regime, extensions: int, reason: str, today: date) -> date:
    """The new due date after one more extension; raise ExtensionRefused when it is not allowed."""
    if not reason.strip():
        raise ExtensionRefused(localized(N_("Give a reason for the extension.")))
    if extensions >= regime.extensions:
        msgid = (
            N_("This request has already been extended; {regime} allows no further extension.")
            if regime.statutory
            else N_(
                "This request has already been extended; the internal target of {regime} "
                "allows no further extension."
            )
        )
        raise ExtensionRefused(localized(msgid, regime=regime.label))
    original = due_date(received, regime)
    if regime.notice_before_due and today > original:
        raise ExtensionRefused(
            localized(
                N_("Under {regime} an extension must be recorded by the due date ({date})."),
                regime=regime.label,
                date=original.isoformat(),
            )
        )
    return due_date(received, regime, extensions + 1)


def _period(raw: Any, key: str, add: Add) -> Period:
    if not isinstance(raw, dict) or not raw:
        add(key, "must be a table such as { months = 1 } or { days = 45 }")
        return Period()

    wrong: list[str] = []

    def add_at(fld: str, msg: str) -> None:
        wrong.append(fld)
        add(f"{key}.{fld}", msg)

    unknown_keys(raw, {"months", "days"}, add_at)
    # Bounded so that any due date stays a real calendar date.
    months = integer(raw, "months", add_at, maximum=MAX_MONTHS) or 0
    period = Period(months, integer(raw, "days", add_at, maximum=MAX_DAYS) or 0)
    if period == Period() and not wrong:
        add(key, "must add at least one day or month")
    return period


def check_regimes(root: Path) -> tuple[dict[str, Regime], list[Problem]]:
    """Read regimes.toml under the knowledge root; every mistake becomes a Problem."""
    path = root / FILE
    rel = _rel(path, root)
    problems: list[Problem] = []
    regimes: dict[str, Regime] = {}
    if not path.exists():
        return regimes, [Problem(rel, "-", "file", "missing")]
    data = _read_toml(path, root, problems)
    if data is None:
        return regimes, problems
    unknown_keys(data, {"regime"}, lambda f, m: problems.append(Problem(rel, "-", f, m)))
    table = data.get("regime", {})
    if not isinstance(table, dict):
        return regimes, [*problems, Problem(rel, "-", "regime", "must be [regime.CODE] tables")]
    for code, raw in table.items():

        def add(fld: str, msg: str, code: str = code) -> None:
            problems.append(Problem(rel, f"regime.{code}", fld, msg))

        if not isinstance(raw, dict):
            add("-", "must be a table")
            continue
        unknown_keys(raw, REGIME_KEYS, add)
        basis = string(raw, "basis", add)
        if basis and basis not in BASES:
            add("basis", f"must be one of {', '.join(BASES)}, not {basis!r}")
        statutory = basis == "statutory"
        citation = pair_value(raw.get("citation"), "citation", add, required=statutory)
        if citation is not None and basis == "internal":
            add("citation", "an internal target cites no law; remove it or use basis = statutory")
        texts = lang_tables(
            raw,
            {"label", "note", "extension"},
            {"label", "extension"} if statutory else {"label"},
            add,
        )
        allowed = integer(raw, "extensions", add, maximum=MAX_EXTENSIONS)
        regimes[code] = Regime(
            code=code,
            due=_period(raw.get("due"), "due", add),
            extension=_period(raw.get("extension"), "extension", add),
            extensions=1 if allowed is None else allowed,
            notice_before_due=boolean(raw, "notice_before_due", add, False),
            label=texts["label"],
            note=texts["note"],
            extension_note=texts["extension"],
            basis=basis if basis in BASES else "internal",
            citation=citation,
        )
    if "other" not in regimes:
        problems.append(Problem(rel, "regime.other", "-", "missing (the fallback regime)"))
    return regimes, problems


def load_regimes(root: Path) -> dict[str, Regime]:
    """The regimes by code; raise KnowledgeError listing every problem of the file."""
    regimes, problems = check_regimes(root)
    if problems:
        raise KnowledgeError(problems)
    return regimes
