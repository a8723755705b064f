"""The wizard at 80x24 as a support agent drives it: keys, going back, errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet, Select
from textual.widgets._select import SelectCurrent

from app.core.knowledge import KnowledgeBase
from app.core.workflow.engine import WizardSession, load_workflow
from app.tui.app import KotaeApp
from app.tui.screens.wizard import WizardScreen
from app.tui.widgets.prose import Prose
from tests.test_tui_small import footer_actions
from tests.test_tui_wizard import (
    box,
    fill,
    first_two_steps,
    make_app,
    next_step,
    settle,
    step_id,
    to_residence,
    wizard,
)

SIZE = (80, 24)


async def to_address(pilot: Pilot, app: KotaeApp) -> None:
    """Start the DPA wizard and name the company: the address step is next."""
    app.start_workflow("dpa")
    await settle(pilot, 3)
    await fill(pilot, {"legal_name": "Example KK"})
    await next_step(pilot)
    assert step_id(app) == "address"


async def back(pilot: object) -> None:
    await pilot.press("f7")  # type: ignore[attr-defined]
    await settle(pilot, 4)  # type: ignore[arg-type]


async def test_arrow_keys_start_from_the_chosen_answer(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Back on a choice already made, up moves to the option above the chosen one."""
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("deletion")
        await settle(pilot, 3)
        await fill(pilot, {"scope": ["account", "prompts"]})
        await next_step(pilot)
        await fill(pilot, {"prompts_continue": "continue"})
        await next_step(pilot)
        assert step_id(app) == "account"
        await back(pilot)
        assert step_id(app) == "prompts_info"
        assert isinstance(app.focused, RadioSet)
        await pilot.press("up", "space")
        await settle(pilot)
        assert box(app, "prompts_continue").raw() == "stop"


async def test_going_back_keeps_a_refused_answer(kb: KnowledgeBase, tmp_path: Path) -> None:
    """What was typed and refused is still there, with its error, after Back and Next."""
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_address(pilot, app)
        await fill(pilot, {"registered_address": "Tokyo", "country": "JP"})
        await next_step(pilot)
        assert step_id(app) == "account"
        await fill(pilot, {"org_id": "org-abc123", "needed_by": "2026-02-30"})
        await back(pilot)
        assert step_id(app) == "address"
        await next_step(pilot)
        assert step_id(app) == "account"
        assert box(app, "org_id").control.value == "org-abc123"
        date_box = box(app, "needed_by")
        assert isinstance(date_box.control, Input)
        assert date_box.control.value == "2026-02-30"
        assert "2026-02-30" in date_box.query_one(".field-error", Prose).text.plain
        await next_step(pilot)  # still refused: no step is skipped past it
        assert step_id(app) == "account"
        assert app.focused is date_box.control
        await fill(pilot, {"needed_by": "2026-03-30"})
        await next_step(pilot)
        assert step_id(app) == "contacts"
        assert wizard(app).session.answers["needed_by"] == "2026-03-30"


async def test_a_field_left_empty_is_not_flagged_after_back_and_next(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_residence(pilot, app)
        await back(pilot)  # without choosing a country
        await next_step(pilot)
        assert step_id(app) == "residence"
        country = box(app, "country")
        assert not country.errors and not country.has_class("-invalid")


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_label_equal_to_the_step_title_shows_once(
    kb: KnowledgeBase, tmp_path: Path, lang: str
) -> None:
    """ "Registered address" heads the step and labels its first field: once is enough."""
    app = make_app(kb, tmp_path, lang)
    async with app.run_test(size=SIZE) as pilot:
        await to_address(pilot, app)
        assert step_id(app) == "address"
        address = box(app, "registered_address").query_one(".field-label", Prose)
        country = box(app, "country").query_one(".field-label", Prose)
        assert not address.display
        assert country.display


async def test_a_refused_country_has_one_red_border(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await to_address(pilot, app)
        await fill(pilot, {"registered_address": "Tokyo"})
        await next_step(pilot)  # no country: refused
        country = box(app, "country")
        assert country.has_class("-invalid")
        select = country.query_one(Select)
        assert select.styles.border_top[0] in ("", "none")  # no frame around the frame
        current = select.query_one(SelectCurrent)
        kind, color = current.styles.border_top
        assert kind == "tall"
        assert color == Color.parse(app.current_theme.to_color_system().generate()["error"])
        # The error sits right under the dropdown: no empty line for a deadline note that
        # this country (a company's address) never has.
        assert not country.query_one(".field-implies", Prose).display
        error = country.query_one(".field-error", Prose)
        assert error.region.y == select.region.bottom


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Enter the legal name of the entity."),
        ("ja", "法人名（正式名称）を入力してください。"),
    ],
)
async def test_an_empty_required_field_says_what_to_enter(
    kb: KnowledgeBase, tmp_path: Path, lang: str, message: str
) -> None:
    app = make_app(kb, tmp_path, lang)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot, 3)
        await next_step(pilot)
        name = box(app, "legal_name")
        assert name.query_one(".field-error", Prose).text.plain == message
        assert app.focused is name.control


@pytest.mark.parametrize("name", ["deletion", "dpa"])
def test_no_required_field_falls_back_to_a_bare_required(kb: KnowledgeBase, name: str) -> None:
    """ "This field is required." does not say what to do; each field says it in its words."""
    workflow = load_workflow(name, kb)
    session = WizardSession(workflow, today=date(2026, 3, 2))
    for step in workflow.steps:
        for f in step.fields:
            empty: object = {"multi_choice": [], "confirm": False}.get(f.type, "")
            errors = [e for e in session.answer(f.id, empty) if e.field == f.id]
            for lang in ("en", "ja"):
                shown = [e.message(lang) for e in errors]
                assert "This field is required." not in shown, (f.id, lang)
                assert "この項目は必須です。" not in shown, (f.id, lang)


DPA_ANSWERS = [
    {"legal_name": "Example KK"},
    {"registered_address": "Tokyo", "country": "JP"},
    {"org_id": "org-abc123"},
    {"signatory_name": "Hanako", "signatory_title": "CEO", "signatory_email": "h@example.jp"},
    {"customer_role": "controller"},
    {},
    {"us_processing": True},
]


async def test_the_receipt_is_not_covered_by_a_toast(kb: KnowledgeBase, tmp_path: Path) -> None:
    """At 80x24 a toast lies over "View in Requests" and "Close" for five seconds, to say
    what the receipt under it says already: the receipt alone tells."""
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot, 3)
        assert "leave" in footer_actions(app)  # while filling in, leaving keeps the draft
        for answers in DPA_ANSWERS:
            await fill(pilot, answers)
            await next_step(pilot)
        screen = wizard(app)
        assert screen.request is not None
        assert screen.request.reference in "\n".join(p.text.plain for p in screen.query(Prose))
        assert list(app._notifications) == []
        assert app.focused is screen.query_one("#view")
        # No draft is left to keep: f8 Close, not also "esc Leave"; escape still closes.
        assert "leave" not in footer_actions(app)
        assert "next_step" in footer_actions(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "ask"
        assert not isinstance(app.screen, WizardScreen)


async def test_the_japanese_review_puts_no_space_after_the_deadline_note(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """「期限は 2026/04/01（社内目標） です。」 had a stray space after the closing bracket."""
    app = make_app(kb, tmp_path, "ja")
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot, 3)
        for answers in DPA_ANSWERS[:-1]:
            await fill(pilot, answers)
            await next_step(pilot)
        assert step_id(app) == "review"
        text = "\n".join(p.text.plain for p in app.screen.query(Prose))
        assert "（社内目標）です。" in text, text


@pytest.mark.parametrize(("lang", "hint"), [("en", "at least 4"), ("ja", "4 文字以上")])
async def test_a_short_organisation_id_is_told_the_rule_it_breaks(
    kb: KnowledgeBase, tmp_path: Path, lang: str, hint: str
) -> None:
    """ "org-jp1" is org- and letters and digits; the message must say what is missing."""
    app = make_app(kb, tmp_path, lang)
    async with app.run_test(size=SIZE) as pilot:
        await first_two_steps(pilot, app, org_id="org-jp1")
        org = box(app, "org_id")
        assert hint in org.query_one(".field-error", Prose).text.plain


async def test_enter_on_a_chosen_country_goes_on(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Typing "germ" chooses Germany; Enter then goes on as in a text box. With nothing
    chosen, Enter still opens the list."""
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        select = await to_residence(pilot, app)
        assert app.focused is select
        await pilot.press("enter")
        await settle(pilot)
        assert select.expanded  # nothing chosen: the list opens
        await pilot.press("escape")
        await settle(pilot)
        assert not select.expanded and step_id(app) == "residence"
        await pilot.press(*"germ")
        await settle(pilot)
        assert select.value == "DE"
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.02)
            if step_id(app) != "residence":
                break
        assert step_id(app) == "note"
        assert wizard(app).session.answers["country"] == "DE"


async def test_a_review_without_fields_scrolls_from_the_keyboard(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """At 80x24 the deletion review is taller than the screen and its focus is on Submit:
    page down must still bring up the deadline's rules below the fold."""
    app = make_app(kb, tmp_path, "ja")
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("deletion")
        await settle(pilot, 3)
        for answers in [
            {"scope": ["account"]},
            {"email": "taro@example.com", "org_id": "org-abc123"},
            {"country": "DE"},
            {},
            {"ack_irreversible": True, "ack_legal_retention": True},
        ]:
            await fill(pilot, answers)
            await next_step(pilot)
        assert step_id(app) == "review"
        await settle(pilot)
        body = app.screen.query_one("#wizard-body")
        assert body.max_scroll_y > 0
        assert app.focused is app.screen.query_one("#next")
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("pageup")
        await settle(pilot)
        assert body.scroll_y == 0
