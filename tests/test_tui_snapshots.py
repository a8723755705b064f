"""Screenshots of the main screens in both languages (pytest-textual-snapshot).

Regenerate after a deliberate change with
`.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update`, then look at the SVGs.
Answers depend on the matcher and the knowledge files, so those snapshots move with them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from app.core.knowledge import KnowledgeBase
from app.tui.app import KotaeApp

SIZE = (100, 32)
QUESTIONS = {
    ("answer", "en"): "how long do you keep my data",
    ("answer", "ja"): "保存期間は？",
    ("decline", "en"): "what's the weather in Tokyo",
    ("decline", "ja"): "東京の天気は？",
}


def make_app(kb: KnowledgeBase, lang: str) -> KotaeApp:
    app = KotaeApp(kb, lang=lang)
    app.blink_cursor = False
    return app


def asking(question: str) -> Callable[[Pilot], Coroutine[Any, Any, None]]:
    async def run_before(pilot: Pilot) -> None:
        pilot.app.screen.query_one(Input).insert_text_at_cursor(question)
        await pilot.press("enter")
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("kind", ["answer", "decline"])
def test_ask(snap_compare: Any, kb: KnowledgeBase, kind: str, lang: str) -> None:
    app = make_app(kb, lang)
    question = QUESTIONS[kind, lang]
    assert snap_compare(app, terminal_size=SIZE, run_before=asking(question))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_browse(snap_compare: Any, kb: KnowledgeBase, lang: str) -> None:
    assert snap_compare(make_app(kb, lang), terminal_size=SIZE, press=["ctrl+b"])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_help(snap_compare: Any, kb: KnowledgeBase, lang: str) -> None:
    assert snap_compare(make_app(kb, lang), terminal_size=SIZE, press=["f1"])
