"""The request wizard, driven as a person would: from an answer card to a stored request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Button, Input, RadioSet, Select, SelectionList, TextArea

from app.core.knowledge import KnowledgeBase
from app.store.sqlite import RequestStore
from app.tui.app import KotaeApp
from app.tui.screens.dialogs import ResumeDraft
from app.tui.screens.wizard import WizardScreen
from app.tui.widgets.cards import AnswerCard
from app.tui.widgets.fields import FieldBox
from app.tui.widgets.prose import Prose
from app.tui.widgets.toggles import WrappingCheckbox, WrappingRadioButton

SIZE = (100, 40)
TODAY = date(2026, 3, 2)


def make_app(kb: KnowledgeBase, data_dir: Path, lang: str = "en") -> KotaeApp:
    app = KotaeApp(kb, lang=lang, data_dir=data_dir)
    app.blink_cursor = False
    app.today = TODAY
    return app


async def settle(pilot: Pilot, times: int = 2) -> None:
    for _ in range(times):
        await pilot.pause()


async def start_from_card(pilot: Pilot, question: str) -> WizardScreen:
    """Ask, then press the card's "Start the request"."""
    app = pilot.app
    app.screen.query_one(Input).insert_text_at_cursor(question)
    await pilot.press("enter")
    await settle(pilot)
    card = list(app.screen.query(AnswerCard))[-1]
    await pilot.click(card.query_one(".card-workflow"))
    await settle(pilot)
    assert isinstance(app.screen, WizardScreen)
    return app.screen


def wizard(app: KotaeApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen), screen
    return screen


def step_id(app: KotaeApp) -> str | None:
    step = wizard(app).session.current_step
    return step.id if step else None


def box(app: KotaeApp, field_id: str) -> FieldBox:
    return app.screen.query_one(f"#field-{field_id}", FieldBox)


async def fill(pilot: Pilot, answers: dict[str, Any]) -> None:
    """Put answers into the fields of the current step, through their widgets."""
    app = pilot.app
    for field_id, value in answers.items():
        control = box(app, field_id).control
        if isinstance(control, Input):
            control.value = value
        elif isinstance(control, TextArea):
            control.text = value
        elif isinstance(control, Select):
            control.value = value
        elif isinstance(control, SelectionList):
            for item in value:
                control.select(item)
        elif isinstance(control, RadioSet):
            choices = [v for v, _label in wizard(app).workflow.choices(field_id, "en")]
            control.query(WrappingRadioButton)[choices.index(value)].value = True
        elif isinstance(control, WrappingCheckbox):
            control.value = value
    await pilot.pause()


async def first_two_steps(pilot: Pilot, app: KotaeApp, org_id: str = "org-abc123") -> None:
    """Start the deletion wizard and answer its first two steps."""
    app.start_workflow("deletion")
    await settle(pilot, 3)
    await fill(pilot, {"scope": ["account"]})
    await next_step(pilot)
    await fill(pilot, {"email": "taro@example.com", "org_id": org_id})
    await next_step(pilot)


async def to_residence(pilot: Pilot, app: KotaeApp) -> Select[str]:
    """Start the deletion wizard and answer its first two steps: the country step is next."""
    await first_two_steps(pilot, app)
    assert step_id(app) == "residence"
    select = box(app, "country").control
    assert isinstance(select, Select)
    return select


async def until(pilot: Pilot, check: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Wait until `check()` holds: what the app does after a timer or a screen change."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await pilot.pause(0.05)
    return check()


def _page_state(app: KotaeApp) -> list[object]:
    """What f8 changes: the screen, the widgets of the page, or the error lists of its fields."""
    screen = app.screen
    if not isinstance(screen, WizardScreen):
        return [screen]
    body = list(screen.query_one("#wizard-body").children)
    return [screen, *body, *(b.errors for b in screen.query(FieldBox))]


async def next_step(pilot: Pilot) -> None:
    """Press f8 and wait until the page has changed or shown its errors.

    A fixed number of pauses is not enough on a loaded machine: the key travels through
    several message queues before the step's page is rebuilt.
    """
    app = pilot.app
    before = _page_state(app)
    await pilot.press("f8")
    for _ in range(500):
        after = _page_state(app)
        changed = len(after) != len(before) or any(
            a is not b for a, b in zip(after, before, strict=True)
        )
        if (changed and len(after) > 1) or not isinstance(app.screen, WizardScreen):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def shown_text(app: KotaeApp) -> str:
    return "\n".join(p.bullet + p.text.plain for p in app.screen.query(Prose))


DELETION = [
    ("scope", {"scope": ["account", "files"]}),
    ("account", {"email": "taro@example.com", "org_id": "org-abc123"}),
    ("files", {"file_ids": "file-abc123, file-def456"}),
    ("residence", {"country": "DE"}),
    ("note", {"note": "[red]literal[/red]"}),
    ("acknowledge", {"ack_irreversible": True, "ack_legal_retention": True}),
]


async def test_deletion_from_the_english_answer_card(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_from_card(pilot, "how do I request deletion of my data")
        for expected, answers in DELETION:
            assert step_id(app) == expected
            await fill(pilot, answers)
            await next_step(pilot)
        assert step_id(app) == "review"
        review = shown_text(app)
        assert "taro@example.com" in review and "file-abc123, file-def456" in review
        assert "Germany (DE)" in review
        assert "GDPR" in review and "Due by Apr 2, 2026" in review
        assert "[red]literal[/red]" in review  # shown literally, not as markup
        await next_step(pilot)  # Submit
        screen = wizard(app)
        assert screen.request is not None
        reference = screen.request.reference
        assert reference.startswith("DEL-")
        assert reference in shown_text(app)
        await pilot.press("ctrl+y")  # the reference, for the ticket
        await pilot.pause()
        assert app.clipboard == reference
        await pilot.click("#view")
        await settle(pilot)
        assert app.current_mode == "requests"
        assert app.screen.selected == reference
    with RequestStore(tmp_path) as store:
        request = store.get(reference)
        assert request.regime == "gdpr"
        assert request.lang == "en"
        assert request.answers == {
            "scope": ["account", "files"],
            "email": "taro@example.com",
            "org_id": "org-abc123",
            "file_ids": ["file-abc123", "file-def456"],
            "country": "DE",
            "note": "[red]literal[/red]",
            "ack_irreversible": True,
            "ack_legal_retention": True,
        }
        assert store.get_draft("deletion") is None


async def test_deletion_from_the_japanese_answer_card(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await start_from_card(pilot, "データを削除したい")
        assert app.screen.sub_title == "データ削除リクエスト"
        assert "削除の対象" in shown_text(app)
        await fill(pilot, {"scope": ["account"]})
        await next_step(pilot)
        assert step_id(app) == "account"
        # Full-width input, as a Japanese IME leaves it, is normalised.
        await fill(pilot, {"email": "ｔａｒｏ＠example.com", "org_id": "org-jp0001"})
        await next_step(pilot)
        await fill(pilot, {"country": "JP"})
        await next_step(pilot)
        await next_step(pilot)  # the note is optional
        await fill(pilot, {"ack_irreversible": True, "ack_legal_retention": True})
        await next_step(pilot)
        assert step_id(app) == "review"
        assert "個人情報保護法" in shown_text(app)
        await next_step(pilot)
        request = wizard(app).request
        assert request is not None and request.reference.startswith("DEL-")
        assert "受付番号" in shown_text(app)
    with RequestStore(tmp_path) as store:
        stored = store.get(request.reference)
        assert stored.lang == "ja" and stored.regime == "appi"
        assert stored.answers is not None
        assert stored.answers["email"] == "taro@example.com"


async def test_a_bad_email_is_refused_then_fixed(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("deletion")
        await settle(pilot)
        await fill(pilot, {"scope": ["account"]})
        await next_step(pilot)
        email = box(app, "email")
        email.control.focus()
        await pilot.press(*"foo@")
        await fill(pilot, {"org_id": "org-abc123"})
        await next_step(pilot)
        assert step_id(app) == "account"  # refused
        error = email.query_one(".field-error", Prose)
        assert email.has_class("-invalid")
        assert error.text.plain == "Enter an email address such as name@example.com."
        await pilot.press("f2")  # the error follows the interface language
        await settle(pilot)
        assert "メールアドレス" in error.text.plain
        assert box(app, "email").field.label.ja in shown_text(app)
        email.control.value = "foo@example.com"
        await settle(pilot)
        assert not email.has_class("-invalid")  # cleared as soon as it is right
        await next_step(pilot)
        assert step_id(app) == "residence"
        assert wizard(app).session.value("email") == "foo@example.com"


async def test_dpa_in_english_with_its_implications(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot)
        steps = [
            ("entity", {"legal_name": "Example GmbH", "registration_number": "HRB 12345"}),
            ("address", {"registered_address": "Hauptstr. 1\n10115 Berlin", "country": "DE"}),
            # Needed three days on: before the 30-day internal target, which the review says.
            ("account", {"org_id": "org-dpa001", "needed_by": (TODAY + timedelta(3)).isoformat()}),
            (
                "contacts",
                {
                    "signatory_name": "Erika Muster",
                    "signatory_title": "CEO",
                    "signatory_email": "erika@example.de",
                },
            ),
            ("role", {"customer_role": "controller"}),
            ("transfers", {"transfers": ["eea", "ch"]}),
        ]
        for expected, answers in steps:
            assert step_id(app) == expected
            await fill(pilot, answers)
            await next_step(pilot)
        assert step_id(app) == "review"
        text = shown_text(app)
        assert "Module 2" in text and "Swiss addendum" in text
        assert "米国" in text  # the policy's own sentence on US storage, quoted
        assert "Wanted by" in text and "before the due date" in text
        await next_step(pilot)  # the confirmation is not ticked yet
        assert step_id(app) == "review"
        await fill(pilot, {"us_processing": True})
        await next_step(pilot)
        request = wizard(app).request
        assert request is not None and request.reference.startswith("DPA-")
        # Leaving the receipt by a screen key ends the form: Ask then shows Ask again.
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current_mode == "ask" and type(app.screen).__name__ == "AskScreen"
    with RequestStore(tmp_path) as store:
        answers = store.get(request.reference).answers
        assert answers is not None
        assert answers["customer_role"] == "controller"
        assert answers["transfers"] == ["eea", "ch"]
        assert answers["registered_address"] == "Hauptstr. 1\n10115 Berlin"


async def test_dpa_in_japanese(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path, "ja")
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot)
        await fill(pilot, {"legal_name": "株式会社例"})
        await next_step(pilot)
        await fill(pilot, {"registered_address": "東京都千代田区1-1", "country": "JP"})
        await next_step(pilot)
        await fill(pilot, {"org_id": "org-jp0002"})
        await next_step(pilot)
        await fill(
            pilot,
            {
                "signatory_name": "山田太郎",
                "signatory_title": "代表取締役",
                "signatory_email": "yamada@example.jp",
            },
        )
        await next_step(pilot)
        await fill(pilot, {"customer_role": "processor"})
        await next_step(pilot)
        await next_step(pilot)  # no transfers: no SCCs, so no module
        assert "モジュール 3" not in shown_text(app)
        await fill(pilot, {"us_processing": True})
        await next_step(pilot)
        request = wizard(app).request
        assert request is not None and request.lang == "ja"


async def test_stop_here_makes_no_request(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("deletion")
        await settle(pilot)
        await fill(pilot, {"scope": ["prompts"]})
        await next_step(pilot)
        assert step_id(app) == "prompts_info"
        text = shown_text(app)
        assert "How long API data is kept" in text  # the explanation panel
        assert "30 日間保持" in text  # with its verbatim quote
        await fill(pilot, {"prompts_continue": "stop"})
        await next_step(pilot)
        screen = wizard(app)
        assert screen.session.stopped
        shown = shown_text(app)
        assert "No request was made." in shown
        assert "unless the law requires otherwise" in shown  # from policy.retention-30-days
        assert str(app.screen.query_one("#next", Button).label) == "Close"
        await next_step(pilot)  # Close
        assert not isinstance(app.screen, WizardScreen)
    with RequestStore(tmp_path) as store:
        assert store.list_requests() == []
        assert store.get_draft("deletion") is None


async def test_a_draft_is_resumed_in_a_new_app(kb: KnowledgeBase, tmp_path: Path) -> None:
    first = make_app(kb, tmp_path)
    async with first.run_test(size=SIZE) as pilot:
        first.start_workflow("deletion")
        await settle(pilot)
        await fill(pilot, {"scope": ["account", "files"]})
        await next_step(pilot)
        await fill(pilot, {"email": "taro@example.com", "org_id": "org-abc123"})
        await next_step(pilot)
        assert step_id(first) == "files"
        box(first, "file_ids").control.value = "file-abc123"

        def saved_on_disk() -> bool:  # as another process would read it
            with RequestStore(tmp_path) as other:
                saved = other.get_draft("deletion")
            return saved is not None and saved["answers"].get("file_ids") == ["file-abc123"]

        # Typing is saved once it pauses (0.5 s); a loaded machine may take longer to get there.
        assert await until(pilot, saved_on_disk)
        box(first, "file_ids").control.focus()
        await pilot.press(*" file-")  # being typed when the app goes: may be lost
    # The app is gone; the draft was on disk already.
    second = make_app(kb, tmp_path)
    async with second.run_test(size=SIZE) as pilot:
        second.start_workflow("deletion")
        assert await until(pilot, lambda: isinstance(second.screen, ResumeDraft))
        # Whose draft and how far it got, the address masked: agents switch customers.
        shown = " ".join(str(p.render()) for p in second.screen.query(".dialog-detail"))
        assert "t***@example.com" in shown and "taro@" not in shown, shown
        assert "step 3 of" in shown and "Files to delete" in shown, shown
        await pilot.click("#resume")
        await settle(pilot)
        assert step_id(second) == "files"
        session = wizard(second).session
        assert session.value("scope") == ["account", "files"]
        assert session.value("email") == "taro@example.com"
        assert box(second, "file_ids").control.value == "file-abc123"
        await pilot.press("f7")  # back: the answers are in the fields
        await settle(pilot)
        assert box(second, "email").control.value == "taro@example.com"
        await pilot.press("escape")  # leave; the draft stays
        await settle(pilot)
        assert second.current_mode == "ask"
        assert not isinstance(second.screen, WizardScreen)
    with RequestStore(tmp_path) as store:
        draft = store.get_draft("deletion")
        assert draft is not None and draft["step"] == "account"


async def test_discarding_a_draft_starts_over(kb: KnowledgeBase, tmp_path: Path) -> None:
    with RequestStore(tmp_path) as store:
        store.save_draft("dpa", {"format": 1, "step": "account", "answers": {"legal_name": "X"}})
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.start_workflow("dpa")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert step_id(app) == "entity"
        assert wizard(app).session.answers == {}
    with RequestStore(tmp_path) as store:
        assert store.get_draft("dpa") is None


async def test_the_palette_starts_a_dpa_request(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"a DPA")
        for _ in range(40):  # the palette searches in a worker
            await pilot.pause(0.02)
            hits = app.screen.query_one(CommandList)
            if hits.option_count and "Start a DPA" in str(hits.get_option_at_index(0).prompt):
                break
        await pilot.press("enter")
        for _ in range(20):
            await pilot.pause(0.02)
            if isinstance(app.screen, WizardScreen):
                break
        assert wizard(app).workflow.id == "dpa"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_snapshot_wizard_step(
    snap_compare: Any, kb: KnowledgeBase, tmp_path: Path, lang: str
) -> None:
    """The files step, resumed from a draft: help, the policy's explanation, a refused answer."""
    with RequestStore(tmp_path) as store:
        answers = {"scope": ["files"], "email": "taro@example.com", "org_id": "org-abc123"}
        store.save_draft("deletion", {"format": 1, "step": "files", "answers": answers})
    app = make_app(kb, tmp_path, lang)

    async def run_before(pilot: Pilot) -> None:
        app.start_workflow("deletion")
        await settle(pilot)
        await pilot.click("#resume")
        await settle(pilot)
        await fill(pilot, {"file_ids": "file-abc123 report.pdf"})
        await next_step(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)
