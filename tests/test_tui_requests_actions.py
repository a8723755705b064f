"""Requests: extending shows the new date and refuses early, export never overwrites, reveal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input

from app.core.deadlines import load_regimes
from app.core.knowledge import KnowledgeBase
from app.core.messages import format_day
from app.store.sqlite import RequestStore
from app.tui.screens.dialogs import Extension
from app.tui.screens.requests import RequestsScreen
from tests.test_tui_requests import (  # noqa: F401
    TODAY,
    data_dir,
    detail_text,
    make_app,
    open_requests,
    settle,
)

SIZE = (100, 32)


def said(app: object) -> str:
    return list(app._notifications)[-1].message  # type: ignore[attr-defined]


def dialog_text(app: object) -> str:
    return "\n".join(p.text.plain for p in app.screen.query("Prose"))  # type: ignore[attr-defined]


async def test_the_extend_dialog_shows_the_new_due_date(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        screen.select_reference("DPA-2026-000001")
        request = screen.requests["DPA-2026-000001"]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, Extension)
        regime = load_regimes(kb.root)["other"]
        new_due = (regime.due + regime.extension).after(request.received_on)
        assert format_day(new_due, "en") in dialog_text(app)


async def test_no_extension_left_is_refused_before_asking_a_reason(
    kb: KnowledgeBase,
    data_dir: Path,  # noqa: F811
) -> None:
    with RequestStore(data_dir) as store:
        store.extend("DPA-2026-000001", reason="complex", regimes=load_regimes(kb.root))
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        screen.select_reference("DPA-2026-000001")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert "no further extension" in said(app)


async def test_an_empty_reason_stays_in_the_dialog(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        screen.select_reference("DPA-2026-000001")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#reason", Input).value = "   "
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Extension)
        assert "Give a reason" in dialog_text(app)
        app.screen.query_one("#reason", Input).value = "complex case"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)


async def test_export_goes_to_the_data_dir_and_never_overwrites(
    kb: KnowledgeBase,
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cwd = tmp_path / "checkout"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app = make_app(kb, data_dir)
    app.export_dir = None  # the default
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        request = screen.requests["DEL-2026-000001"]
        screen._export(request, "markdown", False)
        await settle(pilot)
        first = data_dir / "exports" / "DEL-2026-000001.md"
        assert first.is_file() and str(first) in said(app)
        first.write_text("kept", encoding="utf-8")
        screen._export(request, "markdown", False)
        await settle(pilot)
        assert first.read_text(encoding="utf-8") == "kept"
        second = data_dir / "exports" / "DEL-2026-000001-2.md"
        assert second.is_file() and str(second) in said(app)
    assert os.listdir(cwd) == []


async def test_reveal_unmasks_one_request_and_is_recorded(
    kb: KnowledgeBase,
    data_dir: Path,  # noqa: F811
) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        screen.select_reference("DEL-2026-000001")
        await settle(pilot)
        assert "Contact: t***@example.com" in detail_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert "Contact: taro@example.com" in detail_text(app)
        assert "personal data shown" in detail_text(app)  # the history says who looked
        await pilot.press("r")
        await settle(pilot)
        assert "Contact: t***@example.com" in detail_text(app)
        await pilot.press("r")
        await settle(pilot)
        screen.select_reference("DPA-2026-000001")  # another row hides it again
        await settle(pilot)
        assert "Personal data is hidden" in detail_text(app)
        screen.select_reference("DEL-2026-000001")
        await settle(pilot)
        assert "Contact: t***@example.com" in detail_text(app)
    events = RequestStore(data_dir).events("DEL-2026-000001")
    assert [e.action for e in events].count("viewed") == 2


async def test_find_a_request_by_what_the_customer_wrote(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot)
        assert len(screen.requests) == 3
        await pilot.press("slash")
        assert app.focused is screen.query_one("#filter-find", Input)
        await pilot.press(*"ＨＡＮＡＫＯ@")  # full-width, any case: the e-mail is found
        await settle(pilot)
        assert list(screen.requests) == ["DEL-2026-000002"]
        assert "hanako@example.jp" not in detail_text(app)  # found, still masked
        screen.query_one("#filter-find", Input).value = "example gmbh"
        await settle(pilot)
        assert list(screen.requests) == ["DPA-2026-000001"]
        screen.query_one("#filter-find", Input).value = ""
        await pilot.press("q", "u")  # q types here, it does not quit
        await settle(pilot)
        assert screen.query_one("#filter-find", Input).value == "qu"
        assert app.is_running and screen.requests == {}
        assert "No requests match the filters." in detail_text(app)
        # Esc leaves the find box for the list, not the screen; the next key is a command.
        screen.query_one("#filter-find", Input).value = ""
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.query_one("#requests-table")
        await pilot.press("escape")  # from the list, Esc goes back to Ask
        await settle(pilot)
        assert app.screen is not screen
        # Back on the list, keys are commands again, not text for the find box.
        screen = await open_requests(pilot)
        assert app.focused is screen.query_one("#requests-table")
