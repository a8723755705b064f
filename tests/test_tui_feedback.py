"""Feedback under every answer in the terminal UI, and the question log of Ask."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from app.core.knowledge import KnowledgeBase
from app.store import questions as ql
from app.store.sqlite import RequestStore
from app.tui.widgets.cards import AnswerCard
from app.tui.widgets.feedback import FeedbackBar, FeedbackComment
from tests.test_tui_app import SIZE, ask, last, make_app


def _data() -> Path:
    return Path(os.environ["KOTAE_DATA_DIR"])


def _stored() -> tuple[list[ql.Votes], list[ql.LoggedQuestion]]:
    with RequestStore(_data()) as store, ql.transaction(store) as con:
        return ql.votes(con), ql.questions(con)


async def _click(pilot, bar: FeedbackBar, which: str) -> None:  # type: ignore[no-untyped-def]
    text = str(bar.render())
    await pilot.click(bar, offset=(cell_len(text[: text.index(which)]) + 1, 0))
    await pilot.pause()


async def test_yes_is_stored_with_the_entry_and_channel(kb: KnowledgeBase) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How long is API data kept?")
        card = last(app, AnswerCard)
        bar = card.query_one(FeedbackBar)
        await _click(pilot, bar, "Yes")
        assert "Thank you" in str(bar.render())
        assert not app.screen.query(FeedbackComment)
    votes, logged = _stored()
    assert [(v.entry_id, v.yes, v.no) for v in votes] == [(card.entry.id, 1, 0)]
    assert logged == []  # an answered question is not kept by default


async def test_no_keeps_the_question_and_a_masked_comment(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    app = make_app(kb, "ja")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "保存期間は？")
        bar = last(app, AnswerCard).query_one(FeedbackBar)
        await _click(pilot, bar, "いいえ")
        box = app.screen.query_one(FeedbackComment)
        assert app.focused is box
        box.insert_text_at_cursor("ファイルの話です。連絡は 090-1234-5678 まで")
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.query(FeedbackComment)
        # The next thing typed is the next question: the question box has the focus again.
        assert app.focused is app.screen.query_one("#question")
    votes, logged = _stored()
    assert (votes[0].no, votes[0].comments) == (1, ("ファイルの話です。",))
    assert [(q.question, q.channel, q.reason) for q in logged] == [
        ("保存期間は?", "tui", "feedback-no")
    ]


async def test_declined_questions_are_logged_and_the_log_can_be_off(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "What is the price per token?")
        await pilot.pause()
    assert not (_data() / "kotae.sqlite3").exists()  # off in tests: nothing written
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "What is the price per token?")
        await pilot.pause()
        await ask(pilot, "How long is API data kept?")
        await pilot.pause()
    _, logged = _stored()
    assert [(q.question, q.decision, q.channel) for q in logged] == [
        ("What is the price per token?", "decline", "tui")
    ]


async def test_feedback_keys_and_escape(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "all")
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How long is API data kept?")
        bar = last(app, AnswerCard).query_one(FeedbackBar)
        bar.focus()
        await pilot.press("n")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(FeedbackComment)
        bar.focus()
        await pilot.press("y")  # one vote per answer
    votes, _ = _stored()
    assert (votes[0].yes, votes[0].no, votes[0].comments) == (0, 1, ())


async def test_typing_on_the_feedback_line_goes_to_the_question_box(kb: KnowledgeBase) -> None:
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How long is API data kept?")
        bar = last(app, AnswerCard).query_one(FeedbackBar)
        bar.focus()
        await pilot.press(*"what about files")
        await pilot.pause()
        box = app.screen.query_one("#question", Input)
        assert app.focused is box and box.value == "what about files"
        assert bar.vote is None  # no "y" or "n" was pressed on the line


async def test_insights_screen_adds_a_declined_question_as_an_example(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import OptionList

    from app.core.knowledge import load_knowledge

    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    logged = "Do prompts endure in your systems after the request?"
    paraphrase = "do the prompts endure in your systems once sent"
    app = make_app(load_knowledge(kb_copy))
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, logged)
        await pilot.pause()
        assert app.matcher.ask(paraphrase).decision != "answer"
        await pilot.press("f6")
        await pilot.pause()
        options = app.screen.query_one("#insights-questions", OptionList)
        assert any(logged in str(o.prompt) for o in options.options)
        assert app.focused is options
        await pilot.press("enter")  # the first question (the group heading is disabled)
        box = app.screen.query_one("#insights-entry", Input)
        assert app.focused is box
        assert box.value in app.kb.entries  # the group's closest entry, filled in
        box.value = "policy.retention-30-days"  # the editor checks it and names the right one
        await pilot.press("enter")
        await pilot.pause()
        from app.tui.screens.dialogs import ConfirmExample

        assert isinstance(app.screen, ConfirmExample)  # what goes where, before any edit
        shown = " ".join(str(p.render()) for p in app.screen.query("Prose"))
        assert logged in shown and "policy.retention-30-days" in shown
        assert f'"{logged}",' not in (kb_copy / "entries" / "policy.toml").read_text("utf-8")
        await pilot.press("enter")  # Add
        await pilot.pause()
        assert app.matcher.ask(paraphrase).answer_id == "policy.retention-30-days"
    text = (kb_copy / "entries" / "policy.toml").read_text(encoding="utf-8")
    assert f'"{logged}",' in text
    _, remaining = _stored()
    assert remaining == []


async def test_insights_screen_refuses_the_shipped_folder(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Do prompts endure in your systems after the request?")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        app.screen.query_one("#insights-questions").focus()
        await pilot.press("down")
        app.screen.query_one("#insights-entry", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # Add, in the confirmation
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("kotae knowledge copy" in m for m in messages)


async def test_insights_screen_shows_new_questions_and_escape_goes_back(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.tui.screens.ask import AskScreen
    from app.tui.screens.insights import InsightsScreen

    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    app = make_app(kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, InsightsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await ask(pilot, "What is the price per token?")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.query("#insights-questions")  # shown again: the new question is there


async def test_the_comment_box_is_brought_into_view_on_a_small_terminal(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    app = make_app(kb, "ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, "APIに送ったデータはどのくらいの期間保存されますか？")
        bar = last(app, AnswerCard).query_one(FeedbackBar)
        bar.focus()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        box = app.screen.query_one(FeedbackComment)
        assert app.focused is box
        # Wholly in the conversation: not under the question box or the footer.
        conversation = app.screen.query_one("#conversation")
        assert box.region.height > 0 and conversation.region.contains_region(box.region)
