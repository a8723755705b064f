"""Every visible string follows the interface language, Textual's own included."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Select
from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderIcon
from textual.widgets._select import SelectCurrent

from app.core.knowledge import KnowledgeBase
from tests.test_tui_requests import data_dir, make_app, open_requests, settle  # noqa: F401
from tests.test_tui_wizard import until

ENGLISH = ("Dismiss menu", "Search for themes…", "No matches found", "Open the command palette")


def footer(app: object) -> list[str]:
    return [k.description for k in app.screen.query(FooterKey)]  # type: ignore[attr-defined]


async def test_the_dropdown_key_is_in_japanese(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir, "ja")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_requests(pilot)
        screen.query_one("#filter-kind", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        shown = footer(app)
        assert "Dismiss menu" not in shown and "メニューを閉じる" in shown, shown


async def test_theme_picker_and_no_matches_in_japanese(
    kb: KnowledgeBase,
    data_dir: Path,  # noqa: F811
) -> None:
    app = make_app(kb, data_dir, "ja")
    async with app.run_test(size=(100, 32)) as pilot:
        app.action_change_theme()
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "テーマを検索…"
        await pilot.press(*"zqxj")

        def prompts() -> list[str]:
            options = app.screen.query_one(CommandList).options
            return [str(getattr(o.prompt, "renderable", o.prompt)) for o in options]

        assert await until(pilot, lambda: prompts() == ["一致するものはありません"]), prompts()


async def test_header_icon_tooltip_in_japanese(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir, "ja")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(HeaderIcon).tooltip == "コマンドパレットを開く"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.query_one(HeaderIcon).tooltip == "Open the command palette"


async def test_requests_filters_follow_f2(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir, "en")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_requests(pilot)
        await pilot.press("f2")
        await settle(pilot)
        shown = [str(s.query_one(SelectCurrent).label) for s in screen.query(Select)]
        assert shown == ["すべての種類", "すべての状態", "全員の"], shown


async def test_export_history_lines_are_translated(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir, "ja")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_requests(pilot)
        request = screen.requests["DEL-2026-000001"]
        screen._export(request, "markdown", False)
        screen._export(request, "json", True)
        await settle(pilot)
        history = "\n".join(p.text.plain for p in app.screen.query("#request-detail Prose"))
        assert "redacted" not in history and "include_pii" not in history, history
