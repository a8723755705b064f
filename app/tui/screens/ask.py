"""Ask: the home screen, a conversation with the matcher."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from app.core.answers import copy_text, redirect_line
from app.core.i18n import N_, _
from app.tui import keys
from app.tui.localized import kotae
from app.tui.messages import ShowEntry
from app.tui.screens.base import Clip, KotaeScreen
from app.tui.widgets.cards import AnswerCard, DeclineCard, WelcomeCard
from app.tui.widgets.conversation import Conversation
from app.tui.widgets.feedback import log_result
from app.tui.widgets.history_input import HistoryInput, as_question


class AskScreen(KotaeScreen):
    TITLE_MSGID = N_("Ask")
    AUTO_FOCUS = "#question"
    BINDINGS = [keys.CLEAR, keys.FOCUS_INPUT]
    DEFAULT_CSS = """
    AskScreen #question {
        dock: bottom;
        margin: 0 1;
    }
    """

    def compose_body(self) -> ComposeResult:
        yield Conversation(WelcomeCard(), id="conversation")
        yield HistoryInput(id="question")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(HistoryInput).cursor_blink = kotae(self).blink_cursor

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        # Back from another screen, the next keys are a question: focus was maybe left on a
        # card ("Start the request"), where typing went nowhere.
        self.query_one(HistoryInput).focus()

    @property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    @on(Input.Submitted, "#question")
    def _submitted(self, event: Input.Submitted) -> None:
        shown = event.value.strip()
        box = self.query_one(HistoryInput)
        box.value = ""
        if as_question(shown):
            box.remember(shown)
            self.ask(as_question(shown))

    def ask(self, question: str) -> None:
        # The last answered entry is context for a follow-up that is unclear on its own.
        result = kotae(self).matcher.ask(question, previous=self.conversation.previous)
        self.conversation.add_result(result)
        self.call_after_refresh(log_result, self, result)  # after the answer is painted

    @on(ShowEntry)
    def _show_entry(self, message: ShowEntry) -> None:
        entry = kotae(self).kb.entries.get(message.entry_id)
        if entry is not None:
            self.conversation.add_entry(entry, message.lang, message.reason)
        self.query_one(HistoryInput).focus()

    def action_clear(self) -> None:
        self.conversation.clear()
        self.query_one(HistoryInput).focus()

    def action_focus_input(self) -> None:
        self.query_one(HistoryInput).focus()

    def to_copy(self) -> Clip | None:
        cards = self.conversation.latest_reply()
        if not cards:
            return None
        answers = [c for c in cards if isinstance(c, AnswerCard)]
        lang = cards[0].lang
        if len(answers) > 1:
            # A two-part question: the customer's reply needs both answers.
            text = "\n".join(copy_text(c.entry, c.lang) for c in answers)
            return Clip(text, lang, _("both answers"))
        if answers:
            title = answers[0].entry.text(lang).title
            what = _("the answer 「{title}」").format(title=title)
            return Clip(copy_text(answers[0].entry, lang), lang, what)
        card = cards[0]
        if not isinstance(card, DeclineCard):
            return Clip("", lang, _("Nothing to copy yet: choose one of the answers offered."))
        if redirect := redirect_line(kotae(self).kb, card.result, lang):
            # Where to send the customer instead, as the decline card says it.
            return Clip(redirect + "\n", lang, _("where to ask instead"))
        return Clip("", lang, _("Nothing to copy: the policy does not answer this question."))
