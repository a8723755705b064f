"""The terminal interface, driven as a person would: keys in, widgets out."""

from __future__ import annotations

import pytest
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from app.core.answers import copy_text
from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.core.match.result import Candidate, Result
from app.tui.app import KotaeApp, run_tui
from app.tui.widgets.cards import (
    AnswerCard,
    ClarifyCard,
    DeclineCard,
    EntryLink,
    QuestionBubble,
)
from app.tui.widgets.conversation import Conversation
from app.tui.widgets.prose import Prose
from tests.test_tui_wizard import until

SIZE = (100, 40)


def make_app(kb: KnowledgeBase, lang: str = "en", **config: object) -> KotaeApp:
    app = KotaeApp(kb, lang=lang, config=Config(**config))  # type: ignore[arg-type]
    app.blink_cursor = False
    return app


async def ask(pilot: Pilot, question: str, typed: bool = False) -> None:
    """Ask through the question box; typing key by key costs ~60 ms a key, so most tests paste."""
    if typed:
        await pilot.press(*question)
    else:
        pilot.app.screen.query_one(Input).insert_text_at_cursor(question)
    await pilot.press("enter")
    await pilot.pause()


def last(app: KotaeApp, cls: type) -> object:
    found = list(app.screen.query(cls))
    assert found, f"no {cls.__name__} on screen"
    return found[-1]


def footer_text(app: KotaeApp) -> str:
    return " ".join(key.description for key in app.screen.query(FooterKey))


def prose_text(app: KotaeApp) -> str:
    return "\n".join(p.bullet + p.text.plain for p in app.screen.query(Prose))


async def test_japanese_question_gets_the_retention_card(kb: KnowledgeBase) -> None:
    app = make_app(kb, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "保存期間は？", typed=True)
        card = last(app, AnswerCard)
        assert card.entry.id == "policy.retention-30-days"
        assert card.lang == "ja"
        assert card.confidence is not None and card.confidence > 0
        # Pilot drops full-width punctuation (it has no key name); a terminal sends it.
        assert last(app, QuestionBubble).text.plain.startswith("保存期間は")


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("Do you use API calls to train? Is it TLS only?", "two parts"),
        ("学習には使われますか？暗号化は TLS ですか？", "2 つに分かれている"),
    ],
)
async def test_a_two_part_question_says_so_above_its_two_cards(
    kb: KnowledgeBase, question: str, note: str
) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, question)
        await pilot.pause()
        cards = list(app.screen.query(AnswerCard))
        assert len(cards) == 2
        # Each card its own part's confidence.
        assert cards[0].confidence != cards[1].confidence
        notes = [str(w.render()) for w in app.screen.query(".two-parts")]
        assert len(notes) == 1 and note in notes[0]  # in the answer's language


async def test_an_answer_names_the_part_the_policy_does_not_cover(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Do you use API calls to train? Is TLS 1.2 the minimum?")
        await pilot.pause()
        assert [c.entry.id for c in app.screen.query(AnswerCard)] == [
            "policy.no-training-by-default"
        ]
        notes = [str(w.render()) for w in app.screen.query(".unanswered-part")]
        title = kb.out_of_scope["security-other"].text("en").title
        assert len(notes) == 1 and title in notes[0]


async def test_english_question_gets_an_english_answer(kb: KnowledgeBase) -> None:
    app = make_app(kb, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how long do you keep my data")
        card = last(app, AnswerCard)
        assert card.entry.id == "policy.retention-30-days"
        assert card.lang == "en"  # the question's language, not the interface's


async def test_out_of_scope_question_is_declined_with_topics(kb: KnowledgeBase) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "what's the weather in Tokyo")
        card = last(app, DeclineCard)
        assert not app.screen.query(AnswerCard)
        assert len(card.query(EntryLink)) <= 3
        text = "\n".join(p.text.plain for p in card.query(Prose)).replace("\xa0", " ")
        assert "no answer" in text
        for topic in kb.by_topic():
            assert kb.topic_label(topic, "en") in text


async def test_an_unsure_decline_does_not_say_the_policy_has_no_answer(kb: KnowledgeBase) -> None:
    # Declined for want of a clear match, with the entry it may be about first: the policy may
    # well answer it in other words.
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "do you train on my api messages?")
        card = last(app, DeclineCard)
        text = " ".join(p.text.plain for p in card.query(Prose)).replace("\xa0", " ")
        assert "no clear answer" in text and "has no answer" not in text, text
        assert card.query(EntryLink).first().entry_id == "policy.no-training-by-default"


@pytest.mark.parametrize(
    ("lang", "question"),
    [("en", "How much does the API cost?"), ("ja", "API の料金はいくらですか")],
)
async def test_a_recognised_off_topic_question_says_where_to_go(
    kb: KnowledgeBase, lang: str, question: str
) -> None:
    app = make_app(kb, lang)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, question)
        card = last(app, DeclineCard)
        text = " ".join(p.text.plain for p in card.query(Prose)).replace("\xa0", " ")
        pricing = kb.out_of_scope["pricing"].text(lang)
        assert f"{pricing.title}: {pricing.redirect}" in text.replace("\n", "")


async def test_a_vague_question_asks_which_one_then_shows_the_pick(kb: KnowledgeBase) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "data")
        card = last(app, ClarifyCard)
        links = list(card.query(EntryLink))
        assert len(links) >= 2
        picked = links[1].entry_id
        links[1].focus()
        await pilot.press("enter")
        await pilot.pause()
        answer = last(app, AnswerCard)
        assert answer.entry.id == picked
        score = next(c.score for c in card.result.candidates if c.id == picked)
        assert answer.confidence == score
        assert isinstance(app.focused, Input)  # back to the question box


async def test_clarify_card_from_a_given_result(kb: KnowledgeBase) -> None:
    ids = ["policy.retention-30-days", "policy.files-endpoint-retention"]
    result = Result(
        "keep", "en", "clarify", 0.5, tuple(Candidate(i, 0.5, ("keep",)) for i in ids), tuple(ids)
    )
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Conversation).add_result(result)
        await pilot.pause()
        links = list(last(app, ClarifyCard).query(EntryLink))
        assert [link.entry_id for link in links] == ids
        await pilot.click(links[0])
        await pilot.pause()
        card = last(app, AnswerCard)
        assert card.entry.id == ids[0]
        assert card.matched == ("keep",)


async def test_following_a_related_question(kb: KnowledgeBase) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how long do you keep my data")
        first = last(app, AnswerCard)
        link = first.query(EntryLink).first()
        assert link.entry_id in first.entry.related
        link.focus()
        await pilot.press("enter")
        await pilot.pause()
        shown = last(app, AnswerCard)
        assert shown is not first
        assert shown.entry.id == link.entry_id
        assert shown.confidence is None  # chosen, not matched
        assert last(app, QuestionBubble).text.plain == shown.entry.en.title


async def test_switching_language_changes_every_visible_string(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one(Input)
        assert "Copy" in footer_text(app)
        assert box.placeholder.startswith("Ask a question")
        await pilot.press("f2")
        await pilot.pause()
        assert "コピー" in footer_text(app) and "Copy" not in footer_text(app)
        assert "English" in footer_text(app)  # the key offers the other language
        assert box.placeholder == "日本語または英語で質問を入力…"
        assert app.screen.sub_title == "質問"
        assert "API データ使用ポリシー" in prose_text(app)  # the welcome card

        await pilot.press("f1")
        await pilot.pause()
        assert "キー操作" in prose_text(app)
        assert "ヘルプ" not in footer_text(app)  # Help hides its own key
        await pilot.press("f2")
        await pilot.pause()
        assert "Keys" in prose_text(app) and "キー操作" not in prose_text(app)
        assert "Back" in footer_text(app)

        await pilot.press("escape")  # Ask, drawn in Japanese, catches up
        await pilot.pause()
        assert app.screen.query_one(Input).placeholder.startswith("Ask a question")
        assert "Copy" in footer_text(app)


async def test_cards_already_shown_follow_the_language(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how long do you keep my data")
        assert "Related questions" in prose_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "関連する質問" in prose_text(app)
        card = last(app, AnswerCard)
        assert card.lang == "en"  # the answer itself stays in the question's language


async def test_answer_language_can_be_pinned(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Answers: auto" in footer_text(app)
        await pilot.press("f3")
        await pilot.pause()
        assert "Answers: 日本語" in footer_text(app)
        await ask(pilot, "how long do you keep my data")
        assert last(app, AnswerCard).lang == "ja"


async def test_copy_hands_the_answer_text_to_the_clipboard(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+y")  # nothing to copy yet: a warning, no crash
        assert app.clipboard == ""
        await ask(pilot, "保存期間は？")
        await pilot.press("ctrl+y")
        entry = kb.entries["policy.retention-30-days"]
        assert app.clipboard == copy_text(entry, "ja")


async def test_copy_key_can_be_remapped_in_the_config(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en", keys={"kotae.copy": "f9"})
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how long do you keep my data")
        await pilot.press("f9")
        assert app.clipboard == copy_text(kb.entries["policy.retention-30-days"], "en")
        assert "f9" in [key.key for key in app.screen.query(FooterKey)]


async def test_markup_and_escapes_typed_as_a_question_show_literally(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "[red]x[/red]", typed=True)
        bubble = last(app, QuestionBubble)
        assert bubble.text.plain == "[red]x[/red]"
        assert not bubble.text.spans
        await ask(pilot, "[link=https://example.com]y[/link] [/]")
        assert last(app, QuestionBubble).text.plain == "[link=https://example.com]y[/link] [/]"
        box = app.screen.query_one(Input)
        box.value = "\x1b[2J clear"
        await pilot.press("enter")
        await pilot.pause()
        assert last(app, QuestionBubble).text.plain == "␛[2J clear"


async def test_a_pasted_e_mail_is_asked_whole_with_its_lines(kb: KnowledgeBase) -> None:
    from textual import events

    email = (
        "Hello Kotae team,\r\n\r\nWe are reviewing vendors this quarter.\r"  # a bare CR too
        "How long do you keep the data we send through the API?\r\n\r\n"
        "Best regards,\r\nJane Doe | Acme GmbH | +49 30 1234567"
    )
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(Input)
        box.post_message(events.Paste(email))
        await pilot.pause()
        assert box.value.startswith("Hello Kotae team,") and box.value.count("Hello") == 1
        assert "How long do you keep" in box.value and "Jane Doe" in box.value
        await pilot.press("enter")
        await pilot.pause()
        card = last(app, AnswerCard)
        assert card.entry.id == "policy.retention-30-days"  # type: ignore[attr-defined]
        # The question is shown with its line breaks, as it was asked.
        assert "\nHow long do you keep" in last(app, QuestionBubble).text.plain  # type: ignore[attr-defined]


async def test_a_long_pasted_question_scrolls_to_its_answer(kb: KnowledgeBase) -> None:
    long_mail = "We are reviewing vendors. " * 120 + "How long do you keep the data we send?"
    app = make_app(kb, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, long_mail)
        await pilot.pause()
        conversation = app.screen.query_one(Conversation)
        card = last(app, AnswerCard)
        top = conversation.scroll_offset.y
        # The card's first line is in view, not only the question.
        assert top <= card.virtual_region.y < top + conversation.size.height  # type: ignore[attr-defined]


async def test_back_on_ask_the_keys_go_to_the_question_box(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How long do you keep API data?")
        await pilot.press("tab", "tab")
        assert not isinstance(app.focused, Input)
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press(*"files")
        assert app.screen.query_one(Input).value == "files"


async def test_history_recalls_earlier_questions(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "first")
        await ask(pilot, "second")
        box = app.screen.query_one(Input)
        await pilot.press(*"dra")
        await pilot.press("up")
        assert box.value == "second"
        await pilot.press("up", "up")
        assert box.value == "first"
        await pilot.press("down")
        assert box.value == "second"
        await pilot.press("down")
        assert box.value == "dra"


async def test_clear_empties_the_conversation(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "how long do you keep my data")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not app.screen.query(QuestionBubble)
        assert not app.screen.query(AnswerCard)


async def test_q_types_in_the_box_and_quits_only_from_a_screen_without_text(
    kb: KnowledgeBase,
) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        assert app.screen.query_one(Input).value == "q"
        assert app.is_running
        app.screen.set_focus(None)
        await pilot.press("q")  # Ask holds a conversation: q says which key quits
        await pilot.pause()
        assert app.is_running
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_start_the_request_posts_start_workflow(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(kb, "en")
    started: list[tuple[str, str]] = []
    original = app.start_workflow

    def record(workflow_name: str, entry_id: str) -> None:
        started.append((workflow_name, entry_id))
        original(workflow_name, entry_id)

    monkeypatch.setattr(app, "start_workflow", record)
    entry = next(e for e in kb.entries.values() if e.workflow)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(Conversation).add_entry(entry, "en", "pick")
        await pilot.pause()
        button = last(app, AnswerCard).query_one(".card-workflow")
        await pilot.click(button)
        await pilot.pause()
        assert started == [(entry.workflow, entry.id)]


async def test_browse_lists_every_entry_and_filters(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        screen = app.screen
        listed = [o.id for o in screen.entry_list.options if o.id]
        assert sorted(listed) == sorted(kb.entries)
        headers = [o for o in screen.entry_list.options if o.disabled]
        assert len(headers) == len(kb.by_topic())
        await pilot.press(*"files endpoint")
        await pilot.pause()
        narrowed = [o.id for o in screen.entry_list.options if o.id]
        assert narrowed[0] == "policy.files-endpoint-retention"
        assert len(narrowed) < len(kb.entries)
        assert screen.entry.id == "policy.files-endpoint-retention"
        await pilot.press("ctrl+y")
        assert app.clipboard == copy_text(kb.entries["policy.files-endpoint-retention"], "en")

        screen.query_one("#filter", Input).value = "xqzv"
        await pilot.pause()
        assert not screen.entry_list.options
        assert screen.entry is None
        assert "No entry matches the filter." in prose_text(app)


async def test_browse_shows_both_languages_side_by_side(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        cards = list(app.screen.query(AnswerCard))
        assert [c.lang for c in cards] == ["en", "ja"]
        assert cards[0].entry is cards[1].entry


def palette_ready(app: KotaeApp) -> bool:
    """The command palette has found something and highlighted it."""
    lists = app.screen.query(CommandList)
    return bool(lists) and lists.first().highlighted is not None


async def test_palette_jumps_to_an_entry_by_its_japanese_title(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    entry = kb.entries["faq.hipaa"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*entry.ja.title[:6])
        assert await until(pilot, lambda: palette_ready(app))  # it searches in a worker
        await pilot.press("enter")
        assert await until(pilot, lambda: app.current_mode == "browse")
        assert app.screen.entry is not None and app.screen.entry.id == entry.id


@pytest.mark.parametrize(
    ("typed", "entry_id"), [("ｄｐａ", "faq.dpa"), ("ほぞんきかん", "policy.retention-30-days")]
)
async def test_palette_finds_what_browse_finds(
    kb: KnowledgeBase, typed: str, entry_id: str
) -> None:
    # Full-width letters as a Japanese IME types them, kana for kanji: not in any title as such.
    app = make_app(kb, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = typed
        assert await until(pilot, lambda: palette_ready(app))
        await pilot.press("enter")
        assert await until(pilot, lambda: app.current_mode == "browse")
        assert app.screen.entry is not None and app.screen.entry.id == entry_id


def test_run_tui_rejects_unknown_key_ids(kb: KnowledgeBase, capsys: pytest.CaptureFixture) -> None:
    code = run_tui(kb, "en", Config(keys={"kotae.nope": "f9"}))
    assert code == 2
    assert "keys.kotae.nope" in capsys.readouterr().err


async def test_theme_and_remapped_keys_come_from_the_config(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en", theme="textual-light", keys={"kotae.copy": "f9"})
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-light"
        await pilot.press("f1")
        await pilot.pause()
        help_text = prose_text(app)
        assert "f9" in help_text and "Copy the answer to the clipboard" in help_text


async def test_an_unknown_theme_is_a_warning_not_a_crash(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en", theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme != "no-such-theme"
        assert app.screen.query(Input)


async def test_palette_switches_the_interface_language(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Interface")
        assert await until(pilot, lambda: palette_ready(app))
        await pilot.press("enter")
        assert await until(pilot, lambda: app.lang == "ja")
        assert app.screen.query_one(Input).placeholder == "日本語または英語で質問を入力…"


async def test_help_offers_no_copy_key_it_cannot_honour(kb: KnowledgeBase) -> None:
    app = make_app(kb, "en")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How long do you keep API data?")
        assert "Copy" in footer_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert "Copy" not in footer_text(app)
