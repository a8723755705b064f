"""The Requests screen on a shared queue: mine / unassigned / everyone's, changes made by other
agents showing within seconds, and a stale change refused with the new state."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import test_tui_requests as screen_tests
from test_tui_requests import SIZE, make_app, open_requests, settle, table
from textual.widgets import Input, Select

from app.core.knowledge import KnowledgeBase
from app.store.sqlite import RequestStore
from app.tui.screens import requests as requests_screen
from app.tui.screens.dialogs import StatusChange

data_dir = screen_tests.data_dir  # the same three requests on fixed dates


async def _until(pilot, condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("the screen did not catch up")


async def test_others_changes_show_and_the_holder_filter(
    kb: KnowledgeBase,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(requests_screen, "POLL_SECONDS", 0.1)
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        me = app.services.store.agent
        assert table(app).get_cell("DEL-2026-000002", "assignee").plain == "—"
        with RequestStore(data_dir, agent="suzuki") as other:  # another agent's Kotae
            other.claim("DEL-2026-000002")
        await _until(
            pilot, lambda: table(app).get_cell("DEL-2026-000002", "assignee").plain == "suzuki"
        )
        app.services.store.claim("DEL-2026-000001")
        holder = app.screen.query_one("#filter-holder", Select)
        holder.value = "mine"
        await settle(pilot)
        assert [table(app).get_row_at(i)[0].plain for i in range(table(app).row_count)] == [
            "DEL-2026-000001"
        ]
        assert table(app).get_row_at(0)[6].plain == me
        holder.value = "unassigned"
        await settle(pilot)
        assert table(app).row_count == 1 and table(app).get_row_at(0)[0].plain == "DPA-2026-000001"


async def test_a_change_from_a_stale_view_is_refused_with_the_new_state(
    kb: KnowledgeBase,
    data_dir: Path,
) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatusChange)
        with RequestStore(data_dir, agent="suzuki") as other:  # meanwhile, on another machine
            other.assign("DEL-2026-000001", "suzuki")
        app.screen.query_one("#note", Input).value = "ID checked"
        await pilot.click("#ok")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "assigned to suzuki (version 2)" in errors[-1].message
        assert table(app).get_cell("DEL-2026-000001", "assignee").plain == "suzuki"  # shown at once
    with RequestStore(data_dir) as store:
        assert store.get("DEL-2026-000001").status == "submitted"  # nothing overwritten
