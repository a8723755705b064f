"""The wizard at 80x24: the focused question is always on screen; the step count holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Button

from app.core.knowledge import KnowledgeBase
from app.tui.widgets.wizard_parts import StepHeading
from tests.test_tui_wizard import DELETION, fill, make_app, settle, step_id

COUNT = re.compile(r"(?:Step (\d+) of (~?\d+)|ステップ (\d+)/((?:約)?\d+))")


def step_count(app: object) -> tuple[int, str]:
    heading = app.screen.query_one(StepHeading)  # type: ignore[attr-defined]
    text = "\n".join(p.text.plain for p in heading.query("Prose"))
    found = COUNT.search(text)
    assert found, text
    n = found.group(1) or found.group(3)
    total = found.group(2) or found.group(4)
    return int(n), total


def assert_focus_on_screen(app: object, where: str) -> None:
    focused = app.focused  # type: ignore[attr-defined]
    assert focused is not None, where
    body = app.screen.query_one("#wizard-body")  # type: ignore[attr-defined]
    region = focused.region
    inside = body.region if body in focused.ancestors else app.screen.region  # type: ignore[attr-defined]
    assert region.height > 0, where
    assert inside.contains_region(region) or (
        # A tall control (a long list) shows its top at least.
        region.y >= inside.y and region.y < inside.bottom
    ), f"{where}: {focused!r} at {region} outside {inside}"


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_every_step_shows_its_focused_question_at_80x24(
    kb: KnowledgeBase, tmp_path: Path, lang: str
) -> None:
    app = make_app(kb, tmp_path, lang)
    counts: list[tuple[int, str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_workflow("deletion")
        await settle(pilot, 3)
        for expected, answers in DELETION:
            assert step_id(app) == expected
            await settle(pilot)
            assert_focus_on_screen(app, f"{lang} {expected}")
            counts.append(step_count(app))
            await fill(pilot, answers)
            await settle(pilot)  # the fields' change messages are handled before F8 checks them
            await pilot.press("f8")
            for _ in range(20):  # a loaded machine may take more frames to show the next step
                await settle(pilot)
                if step_id(app) != expected:
                    break
        assert step_id(app) == "review"
        counts.append(step_count(app))
        assert isinstance(app.focused, Button) or app.focused is not None
        assert_focus_on_screen(app, f"{lang} review")
    final = len(counts)
    for _n, total in counts:
        # A count that may still change says so ("~7"); one that does not is the real one.
        assert total[0] in "~約" or int(total) == final, counts
    assert [n for n, _t in counts] == list(range(1, final + 1))
    assert counts[-1][1].isdigit()


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_step_under_a_long_explanation_shows_its_question(
    kb: KnowledgeBase, tmp_path: Path, lang: str
) -> None:
    app = make_app(kb, tmp_path, lang)
    async with app.run_test(size=(80, 24)) as pilot:
        app.start_workflow("deletion")
        await settle(pilot, 3)
        await fill(pilot, {"scope": ["prompts"]})
        await pilot.press("f8")
        await settle(pilot, 3)
        assert step_id(app) == "prompts_info"
        assert_focus_on_screen(app, f"{lang} prompts_info")
