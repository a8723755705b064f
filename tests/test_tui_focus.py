"""Focus you can see, and keystrokes that are never lost to a quit."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input, Select

from app.core.knowledge import KnowledgeBase
from app.tui.screens.dialogs import StatusChange
from app.tui.widgets.cards import QuoteToggle
from tests.test_tui_requests import data_dir, make_app, open_requests, settle  # noqa: F401

SIZE = (100, 40)


def look(widget: Widget) -> tuple[str, ...]:
    parts = [widget, *widget.children] if isinstance(widget, Select) else [widget]
    out: list[str] = []
    for part in parts:
        s = part.styles
        out += [str(v) for v in (s.border, s.outline, s.background, s.background_tint)]
        out += [str(s.text_style), str(s.color)]
    return tuple(out)


async def unseen_focus(app: object, pilot: object) -> list[str]:
    # Every widget's look with nothing focused, taken once; then each in turn gets the focus
    # (the one before loses it, so it looks unfocused again).
    widgets = [w for w in app.screen.query("*") if w.focusable]  # type: ignore[attr-defined]
    app.set_focus(None)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    before = {w: look(w) for w in widgets}
    missing = []
    for widget in widgets:
        widget.focus()
        await pilot.pause()  # type: ignore[attr-defined]
        if look(widget) == before[widget]:
            missing.append(repr(widget))
    return missing


async def test_every_focusable_widget_shows_focus(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(Input)
        for question in ("how do I request deletion of my data", "weather in Osaka"):
            box.value = question
            await box.action_submit()
            await pilot.pause()
        missing = await unseen_focus(app, pilot)
        for key in ("ctrl+b", "f5", "f1"):
            await pilot.press(key)
            await settle(pilot)
            missing += await unseen_focus(app, pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        missing += await unseen_focus(app, pilot)
        assert missing == []


async def test_q_does_not_quit_from_the_conversation_or_a_dialog(
    kb: KnowledgeBase,
    data_dir: Path,  # noqa: F811
) -> None:
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(Input)
        box.value = "how long do you keep my data"
        await box.action_submit()
        await settle(pilot)
        app.screen.query(QuoteToggle).last().focus()
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert "^q" in list(app._notifications)[-1].message
        await open_requests(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatusChange)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, StatusChange)


async def test_status_dialog_starts_on_its_first_field(kb: KnowledgeBase, data_dir: Path) -> None:  # noqa: F811
    app = make_app(kb, data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests(pilot)
        await pilot.press("s")
        await settle(pilot)
        status = app.screen.query_one("#status", Select)
        assert app.focused is status
        await pilot.press("space")
        await settle(pilot)
        assert not status.expanded
        note = app.screen.query_one("#note", Input)
        assert any(edge[0] not in ("", "none", "hidden") for edge in note.styles.border)
