"""What keeps the UI quick all day; the speed itself is measured in `make bench`."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.tui import memory
from app.tui.app import PRELOAD_AFTER, KotaeApp
from app.tui.widgets.footer import KotaeFooter
from app.tui.widgets.prose import break_offsets
from tests.test_tui_wizard import until


def make_app(kb: KnowledgeBase, data_dir: Path) -> KotaeApp:
    app = KotaeApp(kb, lang="en", config=Config(), data_dir=data_dir)
    app.blink_cursor = False
    return app


async def test_the_start_up_heap_is_frozen_while_open_and_given_back(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    young = gc.get_threshold()[0]
    app = make_app(kb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.sleep(PRELOAD_AFTER)
        # Built before the first question; the local store opened before Requests.
        assert await until(
            pilot, lambda: "matcher" in app.__dict__ and "store" in app.services.__dict__
        )
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= memory.YOUNG_THRESHOLD
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[0] == young


async def test_footer_changes_before_a_frame_rebuild_it_once(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    rebuilds = []
    textuals = Footer.bindings_changed  # schedules one rebuild of every key

    def counted(self: Footer, screen: Screen) -> None:
        rebuilds.append(screen)
        textuals(self, screen)

    app = make_app(kb, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(KotaeFooter)
        monkeypatch.setattr(Footer, "bindings_changed", counted)

        def burst(times: int) -> None:
            for _ in range(times):
                footer.bindings_changed(app.screen)

        footer.call_later(burst, 5)  # in the footer's own context, as the screen's signal is
        await pilot.pause()
        assert len(rebuilds) == 1
        await pilot.pause()
        footer.call_later(burst, 1)  # a later frame rebuilds again
        await pilot.pause()
        assert len(rebuilds) == 2
        await pilot.pause()
        assert footer.query(FooterKey)  # and the keys are there


def test_line_breaks_are_cached_and_unchanged_by_it() -> None:
    line = "保存期間は最大 30 日間です。retention applies to every endpoint."
    first = break_offsets(line, 12)
    assert break_offsets(line, 12) is first  # the same answer, not computed again
    assert first == break_offsets.__wrapped__(line, 12)
