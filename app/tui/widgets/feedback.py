"""'Did this answer your question? Yes / No' under an answer, and the question log of Ask.

One Static per card (the comment box is mounted only after "No"), so cards stay light. Votes go
to the request store with the entry, decision, confidence, channel and language; a "No" keeps
the question, masked, as the config's log_questions allows.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from app.core.i18n import N_, _
from app.core.records import StoreError
from app.tui.localized import Localized, kotae
from app.tui.widgets.history_input import HistoryInput

THANKS = N_("Thank you for the feedback.")


def _with_store(node: Any, work: Any) -> Any:
    """Run `work(con)` in one transaction of the request store; a store error is shown."""
    from app.store.questions import transaction

    app = kotae(node)
    try:
        with transaction(app.services.store) as con:
            return work(con)
    except StoreError as exc:
        app.notify(str(exc), severity="error")
        return None


def log_result(node: Any, result: Any) -> None:
    """Keep an Ask question as the config says (default: the unanswered ones)."""
    from app.store.questions import log_if_wanted, result_fields, should_log

    mode = kotae(node).config.log_mode()
    if not should_log(mode, result.decision):
        return
    _with_store(
        node,
        lambda con: log_if_wanted(con, mode, channel="tui", **result_fields(result)),
    )


class FeedbackComment(Input):
    """The optional comment after "No": Enter stores it (empty stores nothing), Escape skips."""

    BINDINGS = [Binding("escape", "skip", show=False)]

    def __init__(self, feedback_id: int) -> None:
        super().__init__(placeholder=_("What were you looking for? (optional, Enter)"))
        self.feedback_id = feedback_id

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            from app.store.questions import add_comment

            _with_store(self, lambda con: add_comment(con, self.feedback_id, text))
        self._done()

    def action_skip(self) -> None:
        self._done()

    def _done(self) -> None:
        # The next thing typed is most likely the next question: back to its box.
        _question_box(self).focus()
        self.remove()


def _question_box(node: Any) -> HistoryInput:
    return node.screen.query_one(HistoryInput)


class FeedbackBar(Localized, Static, can_focus=True):
    DEFAULT_CSS = """
    FeedbackBar {
        margin: 1 0 0 0;
        color: $text-muted;
        &:focus { background: $boost; color: $text; text-style: bold; }
    }
    FeedbackComment { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding("y", "vote(True)", show=False),
        Binding("n", "vote(False)", show=False),
    ]

    def __init__(self, entry_id: str, lang: str, confidence: float | None) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.lang = lang  # of the answer
        self.confidence = confidence or 0.0
        self.question = ""
        self.decision = "answer"
        self.question_lang = lang
        self.vote: bool | None = None
        self.feedback_id: int | None = None

    def on_mount(self) -> None:
        # The conversation's latest result is the question this card answers.
        for node in self.ancestors:
            result = getattr(node, "last_result", None)
            if result is not None:
                self.question, self.question_lang = result.query, result.lang
                if result.answer_id != self.entry_id:
                    self.decision = result.decision  # an entry picked from a clarify
                break
        self.localize()

    def localize(self) -> None:
        if self.vote is None:
            self.update(
                Content.from_markup(
                    "$q  [@click=vote(True)][u]$yes[/u] (y)[/]  /  "
                    "[@click=vote(False)][u]$no[/u] (n)[/]",
                    q=_("Did this answer your question?"),
                    yes=_("Yes"),
                    no=_("No"),
                )
            )
        else:
            self.update(Content(_(THANKS)))

    def on_key(self, event: events.Key) -> None:
        # Typing that is no vote was meant for the question box ("what about files?" after
        # Tabbing through a card): it goes there, not to the app's keys.
        if event.is_printable and event.character and event.character not in "yn":
            event.stop()
            event.prevent_default()
            box = _question_box(self)
            box.focus()
            box.insert_text_at_cursor(event.character)

    def action_vote(self, helpful: bool) -> None:
        if self.vote is not None:
            return
        from app.store.questions import record_feedback

        mode = kotae(self).config.log_mode()
        self.feedback_id = _with_store(
            self,
            lambda con: record_feedback(
                con,
                channel="tui",
                lang=self.question_lang,
                entry_id=self.entry_id,
                decision=self.decision,
                confidence=self.confidence,
                helpful=helpful,
                question=self.question,
                mode=mode,
            ),
        )
        if self.feedback_id is None:
            return
        self.vote = helpful
        self.localize()
        if not helpful and mode != "off" and self.parent is not None:
            box = FeedbackComment(self.feedback_id)
            self.parent.mount(box, after=self)
            box.focus()
            # On a short terminal the box lands below the fold: bring it into view once laid out.
            self.call_after_refresh(box.scroll_visible, animate=False)
