"""Small things a new user trips over: footers, repeated labels, fragments, links that open."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList
from textual.widgets._footer import FooterKey

from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher
from app.tui.app import KotaeApp
from app.tui.widgets.cards import AnswerCard, DeclineCard
from app.tui.widgets.prose import Prose
from tests.test_tui_wizard import DELETION, fill, make_app, next_step, settle, start_from_card


def footer_actions(app: KotaeApp) -> list[str]:
    return [key.action for key in app.screen.query(FooterKey)]


def plain_app(kb: KnowledgeBase, lang: str = "en") -> KotaeApp:
    app = KotaeApp(kb, lang=lang, config=Config())
    app.blink_cursor = False
    return app


async def test_the_done_page_offers_close_not_back_or_next(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    app = make_app(kb, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await start_from_card(pilot, "how do I request deletion of my data")
        for _step, answers in DELETION:
            await fill(pilot, answers)
            await next_step(pilot)
        await next_step(pilot)  # submit
        await settle(pilot)
        assert app.screen.request is not None
        assert "previous_step" not in footer_actions(app)
        # f8 does what the Close button beside it does, and says so.
        f8 = [k for k in app.screen.query(FooterKey) if k.action == "next_step"]
        assert [k.description for k in f8] == ["Close"]


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_requests_key_is_in_the_ask_footer_when_it_fits(kb: KnowledgeBase, lang: str) -> None:
    app = plain_app(kb, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "show_screen('requests')" in footer_actions(app)
        # Every key shown fits: the last one ends inside the screen.
        last = list(app.screen.query(FooterKey))[-1]
        assert last.region.right <= 120
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        assert keys and keys[-1].region.right <= 80


async def test_a_field_does_not_repeat_its_step_heading(kb: KnowledgeBase, tmp_path: Path) -> None:
    app = make_app(kb, tmp_path, lang="ja")
    async with app.run_test(size=(100, 40)) as pilot:
        await start_from_card(pilot, "データを削除してほしい")
        for step, answers in DELETION:
            if step == "note":
                break
            await fill(pilot, answers)
            await next_step(pilot)
        texts = [p.text.plain for p in app.screen.query(Prose) if p.display]
        assert texts.count("補足") == 1, texts


def test_matched_words_are_whole_words(kb: KnowledgeBase, matcher: Matcher) -> None:
    from app.core.words import whole_words

    question = "送ったデータは学習に使われますか"
    result = matcher.ask(question)
    shown = whole_words(question, result.candidates[0].matched)
    assert "使わ" not in shown and "送っ" not in shown, shown
    assert "使われます" in shown and "送った" in shown, shown
    assert whole_words("is my data deleted after 30 days", ("delet", "30")) == ("deleted", "30")
    # Words that overlap in the question are one: no 「入れて」 beside 「パソコンにAIを入れ」.
    text = "事務所のパソコンにAIを入れて使えますか"
    assert whole_words(text, ("パソコンにaiを入れ", "入")) == ("パソコンにAIを入れて",)
    # A verb form ends at its last kana: not 「送ったあ」 from 「送ったあと」, nor 「残るん」.
    text = "そちらに送ったあと、どのくらい残るんでしょうか"
    assert whole_words(text, ("送っ", "残る")) == ("送った", "残る")
    # The matcher reads an apostrophe or a hyphen as a space; the words are shown as written.
    text = "We haven't opted in. Is our data used?"
    assert whole_words(text, ("haven t opted in", "data")) == ("haven't opted in", "data")
    assert whole_words("Is it TLS-only?", ("tls only",)) == ("TLS-only",)


def test_each_of_two_answers_shows_the_words_of_its_own_part(matcher: Matcher) -> None:
    from app.core.answers import how_sure

    result = matcher.ask("監査対応として2点教えてください。保存期間の日数と、保存先の国です。")
    _, words = how_sure(result, "faq.european-datacenter")
    assert "保存先" in words and "保存期間" not in words, words


async def test_the_answer_card_shows_whole_words(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "ja")
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one(Input).insert_text_at_cursor("送ったデータは学習に使われますか")
        await pilot.press("enter")
        await settle(pilot)
        card = list(app.screen.query(AnswerCard))[-1]
        why = card.query_one(".card-why", Prose).text.plain
        assert "使われます" in why and "使わ," not in why and not why.endswith("使わ"), why


async def test_the_start_button_follows_the_answer_that_points_to_it(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one(Input).insert_text_at_cursor("how do I request deletion of my data")
        await pilot.press("enter")
        await settle(pilot)
        card = list(app.screen.query(AnswerCard))[-1]
        assert card.entry.id == "faq.deletion-request"
        children = list(card.children)
        body = card.query_one(".card-body")
        assert isinstance(children[children.index(body) + 1], Button)


async def test_a_decline_card_topic_opens_browse_there(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one(Input).insert_text_at_cursor("what is the weather in Osaka")
        await pilot.press("enter")
        await settle(pilot)
        card = list(app.screen.query(DeclineCard))[-1]
        topics = card.query_one(".topic-list")
        topics.focus()
        await pilot.press("left", "enter")  # from the first topic round to the last
        await settle(pilot, 3)
        assert app.current_mode == "browse"
        topic = list(kb.by_topic())[-1]
        assert app.screen.entry is not None and app.screen.entry.topic == topic


async def test_a_help_topic_entry_opens_in_browse(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "en")
    entry = kb.entries["faq.hipaa"]
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        link = next(
            w for w in app.screen.query(".help-entry") if getattr(w, "entry_id", "") == entry.id
        )
        link.focus()
        await pilot.press("enter")
        await settle(pilot, 3)
        assert app.current_mode == "browse"
        assert app.screen.entry is not None and app.screen.entry.id == entry.id


async def test_enter_in_the_browse_list_opens_the_entry(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+b")
        await settle(pilot)
        app.screen.query_one(OptionList).focus()
        await pilot.press("down", "down")
        await pilot.press("enter")
        await settle(pilot)
        focused = app.focused
        assert focused is not None
        assert app.screen.query_one("#detail") in focused.ancestors_with_self
        await pilot.press("escape")  # back to the list, not out of Browse
        assert app.current_mode == "browse" and app.focused is app.screen.entry_list


async def test_a_long_conversation_keeps_few_widgets(kb: KnowledgeBase) -> None:
    # Speed is measured in `make bench`; here only what makes it: few widgets, however long.
    from app.tui.widgets.conversation import Conversation

    app = plain_app(kb, "en")
    asked = ["how long do you keep my data", "保存期間は？", "do you train on my data"] * 6
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.screen.query_one(Input)
        for question in asked:
            box.value = question
            await box.action_submit()
            await pilot.pause()
        conversation = app.screen.query_one(Conversation)
        widgets = len(list(conversation.query("*")))
        assert widgets <= 120, widgets
        # Older exchanges are still there to read, one line each.
        shown = "\n".join(p.text.plain for p in conversation.query(Prose))
        assert shown.count("do you train on my data") >= 6


async def test_the_quote_is_built_when_opened(kb: KnowledgeBase) -> None:
    app = plain_app(kb, "en")
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one(Input).insert_text_at_cursor("how long do you keep my data")
        await pilot.press("enter")
        await settle(pilot)
        card = list(app.screen.query(AnswerCard))[-1]
        assert not card.query(".card-quote")
        toggle = card.query_one(".card-quote-toggle")
        toggle.focus()
        await pilot.press("enter")
        await settle(pilot)
        quote = card.query_one(".card-quote", Prose).text.plain
        assert card.entry.quote.strip()[:20] in quote
        await pilot.press("enter")
        await settle(pilot)
        assert not card.query(".card-quote")
