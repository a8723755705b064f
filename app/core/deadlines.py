"""Due dates of requests: the mechanism. The numbers per legal regime are in knowledge/regimes.toml.

Every period is counted from the day of receipt. A month is a calendar month: the same date in
the later month, or that month's last day when the date does not exist (31 Jan + 1 month = 28/29
Feb), as GDPR Art. 12(3) is read for "one month".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.core.i18n import N_
from app.core.knowledge import KnowledgeError, Problem, _read_toml, _rel
from app.core.messages import KotaeError, Localized, localized
from app.core.tomldata import Add, boolean, integer, lang_tables, unknown_keys

FILE = "regimes.toml"
MAX_MONTHS, MAX_DAYS, MAX_EXTENSIONS = 120, 3660, 12
REGIME_KEYS = {"due", "extension", "extensions", "notice_before_due", "ja", "en"}


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
        raise ExtensionRefused(
            localized(
                N_("This request has already been extended; {regime} allows no further extension."),
                regime=regime.label,
            )
        )
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
        texts = lang_tables(raw, {"label", "note"}, {"label"}, add)
        allowed = integer(raw, "extensions", add, maximum=MAX_EXTENSIONS)
        regimes[code] = Regime(
            code=code,
            due=_period(raw.get("due"), "due", add),
            extension=_period(raw.get("extension"), "extension", add),
            extensions=1 if allowed is None else allowed,
            notice_before_due=boolean(raw, "notice_before_due", add, False),
            label=texts["label"],
            note=texts["note"],
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
