"""The country picker: search it while closed, in either language or in kana; see its deadline."""

from __future__ import annotations

from pathlib import Path

from textual.events import Key
from textual.widgets import Select

from app.core.deadlines import due_date, load_regimes
from app.core.knowledge import KnowledgeBase
from app.core.messages import format_day
from app.tui.widgets.country import SAY_AFTER
from tests.test_tui_wizard import TODAY, box, fill, make_app, next_step, settle, to_residence


async def type_text(pilot: object, select: Select[str], text: str) -> None:
    """As a terminal delivers committed IME text: one key event per character."""
    for ch in text:
        select.post_message(Key(ch if ch.isascii() and ch.isalnum() else "x", ch))
        await pilot.pause()  # type: ignore[attr-defined]


SEARCHES = [
    ("どいつ", "DE"),
    ("にほん", "JP"),
    ("Germany", "DE"),
    ("ふらんす", "FR"),
    ("かんこく", "KR"),
    ("uk", "GB"),  # other names people type (`also` in countries.toml)
    ("britain", "GB"),
    ("holland", "NL"),
    ("brazq", None),  # "bra" finds Brazil, "brazq" nothing: then nothing stays chosen
    ("atlantis", None),  # nothing from "atl" on: said once, not for every key
]


async def test_typing_on_the_closed_picker_finds_the_country(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    # One app for every search: each starts from an empty picker, as after a pause in typing.
    app = make_app(kb, tmp_path, "ja")
    async with app.run_test(size=(100, 40)) as pilot:
        select = await to_residence(pilot, app)
        select.focus()
        await pilot.pause()
        for typed, code in SEARCHES:
            select.clear()
            select.typed = ""
            said_before = len(app._notifications)
            await type_text(pilot, select, typed)
            await settle(pilot)
            assert not select.expanded, typed
            if code is None:
                assert select.is_blank(), typed
                await pilot.pause(SAY_AFTER + 0.3)
                # Said once, when typing pauses: not one notice per key ("braz", "brazq", …).
                said = [n.message for n in list(app._notifications)[said_before:]]
                assert len(said) == 1 and typed in said[0], said
            else:
                assert select.value == code, typed


async def test_a_picked_country_shows_its_regime_and_due_date(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    app = make_app(kb, tmp_path, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        select = await to_residence(pilot, app)
        select.value = "DE"
        await settle(pilot)
        regime = load_regimes(kb.root)["gdpr"]
        shown = box(app, "country").query_one(".field-implies").text.plain
        assert regime.label.get("en") in shown
        assert format_day(due_date(TODAY, regime), "en") in shown


async def test_a_dpa_address_country_implies_no_deadline(kb: KnowledgeBase, tmp_path: Path) -> None:
    # The DPA's deadline does not follow the company's country: nothing is implied there.
    app = make_app(kb, tmp_path, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        app.start_workflow("dpa")
        await settle(pilot, 3)
        await fill(pilot, {"legal_name": "Example GmbH"})
        await next_step(pilot)
        select = box(app, "country").control
        assert isinstance(select, Select)
        select.value = "DE"
        await settle(pilot)
        assert box(app, "country").query_one(".field-implies").text.plain == ""
