"""Due dates per legal regime, and the one extension each allows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.core.deadlines import (
    ExtensionRefused,
    Regime,
    add_months,
    check_regimes,
    due_date,
    extend,
    load_regimes,
)
from app.core.paths import knowledge_dir
from app.store.sqlite import RequestStore


@pytest.fixture(scope="module")
def regimes() -> dict[str, Regime]:
    return load_regimes(knowledge_dir())


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_calendar_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("regime", "received", "due"),
    [
        ("gdpr", date(2026, 1, 31), date(2026, 2, 28)),
        ("gdpr", date(2024, 1, 31), date(2024, 2, 29)),
        ("gdpr", date(2026, 5, 15), date(2026, 6, 15)),
        ("uk_gdpr", date(2026, 1, 31), date(2026, 2, 28)),
        ("ccpa", date(2026, 1, 1), date(2026, 2, 15)),
        ("appi", date(2026, 1, 1), date(2026, 1, 15)),
        ("appi", date(2026, 12, 25), date(2027, 1, 8)),
        ("other", date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_due_date_at_intake(
    regimes: dict[str, Regime], regime: str, received: date, due: date
) -> None:
    assert due_date(received, regimes[regime]) == due


@pytest.mark.parametrize(
    ("regime", "received", "extended"),
    [
        ("gdpr", date(2026, 1, 31), date(2026, 4, 30)),  # one month + two further months
        ("uk_gdpr", date(2026, 1, 10), date(2026, 4, 10)),
        ("ccpa", date(2026, 1, 1), date(2026, 4, 1)),  # 45 + 45 days
        ("appi", date(2026, 1, 1), date(2026, 2, 14)),  # 14 + 30 days
        ("other", date(2026, 1, 1), date(2026, 3, 2)),  # 30 + 30 days
    ],
)
def test_one_extension_then_a_second_is_refused(
    regimes: dict[str, Regime], regime: str, received: date, extended: date
) -> None:
    rules = regimes[regime]
    assert extend(received, rules, 0, "complex request", received) == extended
    with pytest.raises(ExtensionRefused) as refused:
        extend(received, rules, 1, "still complex", received)
    assert "already been extended" in refused.value.message("en")
    assert "延長済み" in refused.value.message("ja")
    assert rules.label.get("en") in refused.value.message("en")


def test_an_extension_needs_a_reason(regimes: dict[str, Regime]) -> None:
    with pytest.raises(ExtensionRefused):
        extend(date(2026, 1, 1), regimes["gdpr"], 0, "   ", date(2026, 1, 2))


@pytest.mark.parametrize(
    ("regime", "allowed"), [("gdpr", False), ("ccpa", False), ("appi", True), ("other", True)]
)
def test_notice_must_come_before_the_original_due_date(
    regimes: dict[str, Regime], regime: str, allowed: bool
) -> None:
    received = date(2026, 1, 1)
    late = due_date(received, regimes[regime]) + timedelta(days=3)
    if allowed:
        assert extend(received, regimes[regime], 0, "late", late) > late
    else:
        with pytest.raises(ExtensionRefused, match="due date"):
            extend(received, regimes[regime], 0, "late", late)


def test_store_records_the_extension_and_refuses_the_second(
    tmp_path: Path, regimes: dict[str, Regime]
) -> None:
    with RequestStore(tmp_path) as store:
        received = datetime(2026, 1, 31, 10, 0)
        request = store.create_request(
            "deletion",
            {"email": "a@example.com"},
            lang="en",
            regime=regimes["gdpr"],
            now=received,
        )
        assert request.due_on == date(2026, 2, 28)
        later = datetime(2026, 2, 10, 9, 0)
        extended = store.extend(
            request.reference, reason="many systems", regimes=regimes, now=later, actor="agent"
        )
        assert (extended.due_on, extended.original_due_on) == (date(2026, 4, 30), date(2026, 2, 28))
        assert extended.extensions == 1
        with pytest.raises(ExtensionRefused):
            store.extend(request.reference, reason="again", regimes=regimes, now=later)
        assert store.get(request.reference).due_on == date(2026, 4, 30)
        event = store.events(request.reference)[-1]
        assert (event.action, event.note, event.actor) == ("extended", "many systems", "agent")


def test_closed_requests_are_not_extended(tmp_path: Path, regimes: dict[str, Regime]) -> None:
    with RequestStore(tmp_path) as store:
        ref = store.create_request("dpa", {}, lang="en", regime=regimes["other"]).reference
        store.transition(ref, "canceled", note="sent by mistake")
        with pytest.raises(ExtensionRefused, match="closed"):
            store.extend(ref, reason="x", regimes=regimes)


def test_shipped_regimes_are_complete() -> None:
    regimes, problems = check_regimes(knowledge_dir())
    assert problems == []
    assert set(regimes) == {"gdpr", "uk_gdpr", "ccpa", "appi", "other"}
    assert all(r.extensions == 1 for r in regimes.values())


def test_broken_regimes_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "regimes.toml").write_text(
        '[regime.gdpr]\ndue = { weeks = 4 }\nextension = "two months"\nja = { label = "GDPR" }\n',
        encoding="utf-8",
    )
    problems = check_regimes(tmp_path)[1]
    found = {(p.entry, p.field) for p in problems}
    assert {
        ("regime.gdpr", "due.weeks"),
        ("regime.gdpr", "extension"),
        ("regime.gdpr", "en"),
        ("regime.other", "-"),
    } <= found
    (tmp_path / "regimes.toml").write_text("[regime.gdpr\n", encoding="utf-8")
    assert [p.field for p in check_regimes(tmp_path)[1]] == ["toml"]


# -- legal deadlines and internal targets ------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def test_statutory_regimes_cite_their_law_and_the_rest_are_internal_targets(
    regimes: dict[str, Regime],
) -> None:
    from app.core.deadlines import deadline_label

    basis = {code: r.basis for code, r in regimes.items()}
    assert basis == {
        "gdpr": "statutory",
        "uk_gdpr": "statutory",
        "ccpa": "statutory",
        "appi": "internal",
        "other": "internal",
    }
    assert "Art. 12(3)" in regimes["gdpr"].citation.get("en")
    assert "12 条 3 項" in regimes["gdpr"].citation.get("ja")
    assert "1798.130" in regimes["ccpa"].citation.get("en")
    assert "7021" in regimes["ccpa"].citation.get("en")
    assert regimes["appi"].citation is None
    assert deadline_label(regimes["gdpr"], "en") == "legal deadline"
    assert deadline_label(regimes["gdpr"], "ja") == "法定期限"
    assert deadline_label(regimes["appi"], "en") == "internal target"
    assert deadline_label(regimes["other"], "ja") == "社内目標"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('basis = "statutory"\n', "", "basis"),
        ('basis = "statutory"\n', 'basis = "law"\n', "basis"),
        ('citation = { ja = "GDPR 第 12 条 3 項", en = "GDPR Art. 12(3)" }\n', "", "citation"),
    ],
)
def test_check_requires_a_basis_and_a_citation_for_statutory_regimes(
    kb_copy: Path, old: str, new: str, field: str
) -> None:
    path = kb_copy / "regimes.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = check_regimes(kb_copy)[1]
    assert [(p.entry, p.field) for p in problems] == [("regime.gdpr", field)]


def test_an_internal_target_extends_once_and_says_so(regimes: dict[str, Regime]) -> None:
    from app.core.deadlines import describe_due, extension_rule

    received = date(2026, 1, 1)
    assert extend(received, regimes["appi"], 0, "busy", received) == date(2026, 2, 14)
    assert "internal target" in extension_rule(regimes["appi"], "en")
    assert "社内目標" in extension_rule(regimes["appi"], "ja")
    gdpr = extension_rule(regimes["gdpr"], "en")
    assert "GDPR Art. 12(3)" in gdpr and "two further months" in gdpr
    assert "first month" in gdpr
    ccpa = extension_rule(regimes["ccpa"], "en")
    assert "once" in ccpa.lower() and "45 days" in ccpa and "1798.130" in ccpa
    due = describe_due(date(2026, 2, 28), regimes["gdpr"], "en")
    assert due.startswith("Feb 28, 2026") and "legal deadline" in due and "Art. 12(3)" in due
    assert "internal target" in describe_due(date(2026, 2, 28), regimes["other"], "en")


def test_the_same_due_date_whatever_the_machine_time_zone(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    # 20:00 UTC on 31 January is already 1 February in Tokyo, the default office time zone.
    code = (
        "from datetime import datetime, UTC\n"
        "from app.core.deadlines import load_regimes\n"
        "from app.core.paths import knowledge_dir\n"
        "from app.store.sqlite import RequestStore\n"
        "import sys\n"
        "regimes = load_regimes(knowledge_dir())\n"
        "with RequestStore(sys.argv[1]) as store:\n"
        "    r = store.create_request('deletion', {}, lang='en', regime=regimes['gdpr'],\n"
        "                             now=datetime(2026, 1, 31, 20, 0, tzinfo=UTC))\n"
        "    print(r.received_on, r.due_on)\n"
    )
    seen = set()
    for tz in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        env = {**os.environ, "TZ": tz}
        env.pop("KOTAE_CONFIG", None)
        proc = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / tz.replace("/", "_"))],
            capture_output=True,
            cwd=REPO,
            env=env,
            timeout=60,
            check=True,
        )
        seen.add(proc.stdout.decode().strip())
    assert seen == {"2026-02-01 2026-03-01"}


def test_wording_does_not_present_internal_targets_as_law(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli.main import main

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "legal due dates" not in readme
    assert "the one extension the legal regime allows" not in readme
    deletion = (REPO / "knowledge" / "workflows" / "deletion.toml").read_text(encoding="utf-8")
    assert "The law of the country you live in decides" not in deletion
    assert "お住まいの国の法律によって決まります" not in deletion
    assert main(["requests", "--help"]) == 0
    assert main(["requests", "extend", "--help"]) == 0
    assert "extend the due date once, as the law allows" not in capsys.readouterr().out


def test_office_time_is_the_configured_clock() -> None:
    from datetime import UTC, datetime

    from app.core import deadlines

    at = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    try:
        deadlines.set_timezone("Asia/Tokyo")
        assert deadlines.office_time(at).strftime("%H:%M %Z") == "19:00 JST"
        assert deadlines.office_time(at.replace(tzinfo=None)).hour == 19  # naive is UTC
        deadlines.set_timezone("UTC")
        assert deadlines.office_time(at).strftime("%H:%M %Z") == "10:00 UTC"
    finally:
        deadlines.set_timezone(deadlines.DEFAULT_TIMEZONE)
