"""Browse: the filter narrows as you type, the list is never cut, Enter opens the entry."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher
from app.tui.app import KotaeApp
from app.tui.widgets.entry_list import filter_entries

PARTIAL = [
    ("ret", "policy.retention-30-days"),
    ("rete", "policy.retention-30-days"),
    ("reten", "policy.retention-30-days"),
    ("encr", "faq.encryption-in-transit"),
    ("hip", "faq.hipaa"),
    ("subproc", "faq.data-storage-location"),
    ("ほぞ", "faq.data-storage-location"),
]
# Found today; they must stay found.
WHOLE = [
    ("retentio", "policy.retention-30-days"),
    ("ホゾン", "faq.data-storage-location"),
    ("暗号", "faq.encryption-in-transit"),
    ("HIPAA", "faq.hipaa"),
]


def make_app(kb: KnowledgeBase, lang: str = "en") -> KotaeApp:
    app = KotaeApp(kb, lang=lang, config=Config())
    app.blink_cursor = False
    return app


@pytest.mark.parametrize(("query", "expected"), PARTIAL)
def test_the_filter_narrows_as_you_type(
    kb: KnowledgeBase, matcher: Matcher, query: str, expected: str
) -> None:
    found = [e.id for e in filter_entries(kb, matcher, query)]
    assert expected in found[:3], found
    assert len(found) < len(kb.entries)


@pytest.mark.parametrize(("query", "expected"), WHOLE)
def test_whole_words_are_still_found(
    kb: KnowledgeBase, matcher: Matcher, query: str, expected: str
) -> None:
    found = [e.id for e in filter_entries(kb, matcher, query)]
    assert expected in found[:3], found


def test_a_word_prefix_does_not_match_inside_other_words(
    kb: KnowledgeBase, matcher: Matcher
) -> None:
    # "ret" starts "retention"; it must not pull in every entry with "secret" or "interpret".
    found = [e.id for e in filter_entries(kb, matcher, "ret")]
    assert "policy.retention-30-days" in found
    assert "faq.security-certifications" not in found


async def test_typing_in_the_filter_narrows_the_list(kb: KnowledgeBase) -> None:
    app = make_app(kb, "ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        for key in "enc":
            await pilot.press(key)
            await pilot.pause()
            listed = [o.id for o in app.screen.entry_list.options if o.id]
            assert listed, f"nothing listed after {app.screen.query_one('#filter', Input).value!r}"
        assert listed[0] == "faq.encryption-in-transit"


async def listed_text(pilot: object, app: KotaeApp) -> str:
    """Every line the Browse list paints, top to bottom, without spaces."""
    entries = app.screen.entry_list  # type: ignore[attr-defined]
    seen: dict[int, str] = {}
    for top in range(0, max(1, entries.virtual_size.height), max(1, entries.size.height)):
        entries.scroll_to(y=top, animate=False)
        await pilot.pause()  # type: ignore[attr-defined]
        for y in range(entries.size.height):
            seen[entries.scroll_offset.y + y] = entries.render_line(y).text
    return "".join(seen[k] for k in sorted(seen)).replace(" ", "")


@pytest.mark.parametrize(
    ("start", "size"), [("en", (80, 24)), ("en", (100, 32)), ("ja", (100, 32))]
)
async def test_no_title_is_cut_after_a_language_switch_or_resize(
    kb: KnowledgeBase, start: str, size: tuple[int, int]
) -> None:
    app = make_app(kb, start)
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        for step in ("f2", "resize", "back"):
            if step == "f2":
                await pilot.press("f2")
            else:
                await pilot.resize_terminal(size[0] + (17 if step == "resize" else 0), size[1])
            await pilot.pause()
            await pilot.pause()
            text = await listed_text(pilot, app)
            cut = [
                e.text(app.lang).title
                for e in kb.entries.values()
                if e.text(app.lang).title.replace(" ", "") not in text
            ]
            assert cut == [], f"after {step}"


async def test_opening_an_entry_the_filter_hides_shows_that_entry(kb: KnowledgeBase) -> None:
    from app.tui.widgets.cards import AnswerCard

    app = make_app(kb, "en")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press(*"hipaa")
        await pilot.pause()
        screen = app.screen
        assert screen.entry.id == "faq.hipaa"  # type: ignore[attr-defined]
        screen.open_entry("faq.encryption-in-transit")  # type: ignore[attr-defined]
        for _ in range(5):  # the cleared filter's change event arrives after
            await pilot.pause()
        cards = list(screen.query(AnswerCard))
        assert [c.entry.id for c in cards] == ["faq.encryption-in-transit"]
        assert screen.entry.id == "faq.encryption-in-transit"  # type: ignore[attr-defined]
