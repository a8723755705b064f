"""The Requests screen: the queue with its deadlines, status changes, extension, export."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select

from app.core.deadlines import load_regimes
from app.core.knowledge import KnowledgeBase
from app.core.statuses import TRANSITIONS
from app.store.sqlite import RequestStore
from app.tui.app import KotaeApp
from app.tui.screens.dialogs import Export, Extension, StatusChange
from app.tui.screens.requests import RequestsScreen
from tests.test_tui_wizard import until

SIZE = (100, 32)
TODAY = date(2026, 2, 20)

DELETION = {
    "scope": ["account"],
    "email": "taro@example.com",
    "org_id": "org-abc123",
    "country": "DE",
    "note": "call me on +81 3 1234 5678",
    "ack_irreversible": True,
    "ack_legal_retention": True,
}
SOON = {**DELETION, "email": "hanako@example.jp", "country": "JP", "note": "[b]not bold[/b]"}
DPA = {
    "legal_name": "Example GmbH",
    "registered_address": "Hauptstr. 1, Berlin",
    "country": "DE",
    "org_id": "org-dpa001",
    "signatory_name": "Erika Muster",
    "signatory_title": "CEO",
    "signatory_email": "erika@example.de",
    "customer_role": "controller",
    "transfers": ["eea"],
    "us_processing": True,
}


async def settle(pilot: Pilot, times: int = 2) -> None:
    for _ in range(times):
        await pilot.pause()


def at(day: int, month: int = 2) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture
def data_dir(tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Three requests on fixed dates: one overdue, one due in two days, one not due soon."""
    monkeypatch.setenv("TZ", "UTC")  # received dates are local days
    time.tzset()
    regimes = load_regimes(kb.root)
    with RequestStore(tmp_path) as store:
        store.create_request(
            "deletion",
            DELETION,
            lang="en",
            regime=regimes["gdpr"],
            contact=DELETION["email"],
            now=at(5, 1),
            actor="agent",
            channel="web",
        )
        store.create_request(
            "deletion",
            SOON,
            lang="ja",
            regime=regimes["appi"],
            contact=SOON["email"],
            now=at(8),
            actor="agent",
        )
        store.create_request(
            "dpa",
            DPA,
            lang="en",
            regime=regimes["other"],
            contact=DPA["signatory_email"],
            now=at(18),
            actor="agent",
        )
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


def make_app(kb: KnowledgeBase, data_dir: Path, lang: str = "en") -> KotaeApp:
    app = KotaeApp(kb, lang=lang, data_dir=data_dir)
    app.blink_cursor = False
    app.today = TODAY
    app.export_dir = data_dir / "out"
    return app


async def open_requests(pilot: Pilot) -> RequestsScreen:
    await pilot.press("f5")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RequestsScreen)
    return screen


def table(app: KotaeApp) -> DataTable[Any]:
    return app.screen.query_one("#requests-table", DataTable)


def due(app: KotaeApp, reference: str) -> str:
    return str(table(app).get_cell(reference, "due").plain)


def detail_text(app: KotaeApp) -> str:
    return "\n".join(p.text.plain for p in app.screen.query("#request-detail Prose"))


async def test_the_queue_is_in_deadline_order_closed_last(
    kb: KnowledgeBase, data_dir: Path
) -> None:
    with RequestStore(data_dir) as store:
        store.transition("DEL-2026-000001", "canceled", note="duplicate", actor="agent")
        # Received a day after the DPA request, due a day before it.
        store.create_request(
            "deletion",
            SOON,
            lang="ja",
            regime=load_regimes(kb.root)["gdpr"],
            contact=SOON["email"],
            now=at(19),
            actor="agent",
        )
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        rows = table(app)
        order = [str(rows.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(4)]
        due_on = {r: app.screen.requests[r].due_on for r in order}
        open_rows = order[:3]
        assert order[-1] == "DEL-2026-000001"  # closed: last
        assert [due_on[r] for r in open_rows] == sorted(due_on[r] for r in open_rows)


async def test_the_list_marks_overdue_and_due_soon(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        rows = table(app)
        assert rows.row_count == 3
        overdue = rows.get_row("DEL-2026-000001")
        soon = rows.get_row("DEL-2026-000002")
        calm = rows.get_row("DPA-2026-000001")
        error, warning = app.theme_variables["text-error"], app.theme_variables["text-warning"]
        assert error in str(overdue[0].style) and due(app, "DEL-2026-000001").endswith("!")
        assert warning in str(soon[0].style)
        assert not str(calm[0].style)
        assert due(app, "DEL-2026-000001") == "Feb 5, 2026 !"  # Babel, in the interface locale
        assert table(app).get_cell("DEL-2026-000001", "requester").plain == "t***@example.com"
        text = detail_text(app)
        assert "(overdue)" in text
        assert "taro@example.com" not in text and "t***@example.com" in text
        assert "call me" not in text  # a personal note stays hidden…
        await pilot.press("r")
        await settle(pilot)
        assert "call me on +81 3 1234 5678" in detail_text(app)  # …until revealed

        await pilot.press("o")  # overdue only
        await settle(pilot)
        assert table(app).row_count == 1
        await pilot.press("o")
        app.screen.query_one("#filter-kind", Select).value = "dpa"
        await settle(pilot)
        assert table(app).row_count == 1
        assert table(app).get_row_at(0)[0].plain == "DPA-2026-000001"
        app.screen.query_one("#filter-status", Select).value = "legal_review"
        await settle(pilot)
        assert table(app).row_count == 0
        assert "No requests match the filters." in detail_text(app)


async def test_japanese_list_and_detail(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        assert app.screen.sub_title == "リクエスト"
        status = table(app).get_cell("DEL-2026-000001", "status").plain
        assert status == "受付済み" and due(app, "DEL-2026-000001") == "2026/02/05 !"
        assert "（期限超過）" in detail_text(app)
        assert "受付経路: ウェブサイト" in detail_text(app)  # filed by a customer on the web
        await pilot.press("f2")
        await settle(pilot)
        assert table(app).get_cell("DEL-2026-000001", "status").plain == "submitted"


async def test_status_change_with_a_note(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusChange)
        status = dialog.query_one("#status", Select)
        offered = {value for _label, value in status._options}
        assert offered == set(TRANSITIONS["deletion"]["submitted"])  # nothing else
        assert status.value == "identity_verified"  # the usual next step first
        assert not dialog.query_one("#reason-box").display
        status.value = "denied"
        await pilot.pause()
        assert dialog.query_one("#reason-box").display  # a denial needs a reason
        status.value = "identity_verified"
        await pilot.pause()
        await pilot.click("#ok")  # no note: the dialog stays and says why
        await settle(pilot)
        assert app.screen is dialog
        assert "Write what happened" in str(dialog.query_one(".dialog-error").render())
        assert app.focused is dialog.query_one("#note", Input)  # where the note is missing
        dialog.query_one("#note", Input).value = "ID checked"
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, RequestsScreen))
        text = detail_text(app)
        assert "submitted → identity verified — ID checked" in text
        assert table(app).get_cell("DEL-2026-000001", "status").plain == "identity verified"
    with RequestStore(data_dir) as store:
        assert store.get("DEL-2026-000001").status == "identity_verified"
        event = store.events("DEL-2026-000001")[-1]
        assert (event.from_status, event.to_status, event.note) == (
            "submitted",
            "identity_verified",
            "ID checked",
        )


async def test_a_refusal_from_the_store_is_an_error(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        await pilot.press("s")
        await settle(pilot)
        # Meanwhile someone else closes the request (another Kotae, the CLI).
        with RequestStore(data_dir) as other:
            other.transition("DEL-2026-000001", "canceled", actor="other")
        app.screen.query_one("#note", Input).value = "ID checked"
        await pilot.click("#ok")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "closed status" in errors[-1].message
        await pilot.press("s")  # a closed request offers no status change
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)


async def test_extension_with_a_reason(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        screen.select_reference("DPA-2026-000001")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, Extension)
        app.screen.query_one("#reason", Input).value = "complex"
        await pilot.press("enter")
        await settle(pilot)
        assert "due date extended — complex" in detail_text(app)
    with RequestStore(data_dir) as store:
        request = store.get("DPA-2026-000001")
        assert request.extensions == 1 and request.due_on > request.original_due_on


async def test_export_writes_redacted_markdown(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Export)
        await pilot.click("#ok")
        await settle(pilot)
        path = data_dir / "out" / "DEL-2026-000001.md"
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Data deletion request DEL-2026-000001")
        assert "t***@example.com" in text and "taro@example.com" not in text
        assert "call me" not in text
        assert str(path) in list(app._notifications)[-1].message
        # JSON with personal data, owner-only.
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        await pilot.click(dialog.query("#format RadioButton").last())
        dialog.query_one("#pii", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await settle(pilot)
        full = data_dir / "out" / "DEL-2026-000001.json"
        assert "taro@example.com" in full.read_text(encoding="utf-8")
        assert full.stat().st_mode & 0o077 == 0
    with RequestStore(data_dir) as store:
        notes = [e.note for e in store.events("DEL-2026-000001") if e.action == "exported"]
        assert notes == ["redacted", "include_pii"]


async def test_view_a_submitted_request_from_the_receipt(kb: KnowledgeBase, data_dir: Path) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await app.show_request("DPA-2026-000001")
        await settle(pilot)
        assert app.screen.selected == "DPA-2026-000001"
        assert detail_text(app).startswith("DPA-2026-000001 · DPA request")


def test_snapshot_requests(snap_compare: Any, kb: KnowledgeBase, data_dir: Path) -> None:
    assert snap_compare(make_app(kb, data_dir), terminal_size=SIZE, press=["f5"])


def test_snapshot_requests_ja(snap_compare: Any, kb: KnowledgeBase, data_dir: Path) -> None:
    assert snap_compare(make_app(kb, data_dir, "ja"), terminal_size=SIZE, press=["f5"])


async def test_no_requests_yet(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        assert table(app).row_count == 0
        assert "No requests yet." in detail_text(app)
        await pilot.press("s")  # nothing to change: a warning, no dialog
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_the_columns_that_fit_are_shown_and_follow_a_resize(
    kb: KnowledgeBase, data_dir: Path, lang: str
) -> None:
    app = make_app(kb, data_dir, lang)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_requests(pilot)
        wide = [str(c.key.value) for c in table(app).ordered_columns]
        assert wide == ["ref", "kind", "status", "due", "requester", "received", "assignee"]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        columns = table(app).ordered_columns
        keys = [str(c.key.value) for c in columns]
        # The reference says the kind; the detail pane shows the received date.
        assert keys[:4] == ["ref", "status", "due", "requester"] and "kind" not in keys
        assert sum(c.get_render_width(table(app)) for c in columns) <= 80
        await pilot.resize_terminal(140, 40)
        await settle(pilot)
        assert [str(c.key.value) for c in table(app).ordered_columns] == wide
