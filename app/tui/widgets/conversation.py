"""The scrolling conversation of the Ask screen; it keeps its history for the session."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget

from app.core.i18n import N_
from app.core.knowledge import Entry
from app.core.match.matcher import Candidate, Result
from app.core.words import whole_words
from app.tui.localized import kotae
from app.tui.widgets.cards import AnswerCard, ClarifyCard, DeclineCard, QuestionBubble, WelcomeCard

NOTES = {"related": N_("A related question"), "suggestion": N_("A suggestion")}


class Conversation(VerticalScroll):
    DEFAULT_CSS = """
    Conversation {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.last_result: Result | None = None

    def add_result(self, result: Result) -> None:
        """Show the question and the matcher's reply to it."""
        app = kotae(self)
        self.last_result = result
        lang = app.answer_lang_for(result.lang)
        widgets: list[Widget] = [QuestionBubble(result.query)]
        if result.decision == "answer" and result.answer_id in app.kb.entries:
            top = result.candidates[0]
            widgets.append(
                AnswerCard(
                    app.kb.entries[top.id],
                    lang,
                    confidence=result.confidence,
                    matched=whole_words(result.query, top.matched),
                )
            )
        elif result.decision == "clarify":
            widgets.append(ClarifyCard(result, lang))
        else:
            widgets.append(DeclineCard(result, lang))
        self._append(widgets)

    def add_entry(self, entry: Entry, lang: str, reason: str) -> None:
        """Show an entry the user picked, as if they had asked its title."""
        candidate = self._candidate(entry.id) if reason == "pick" else None
        card = AnswerCard(
            entry,
            lang,
            confidence=candidate.score if candidate else None,
            matched=whole_words(self.last_result.query, candidate.matched)
            if candidate and self.last_result
            else (),
            note=NOTES.get(reason, ""),
        )
        self._append([QuestionBubble(entry.text(lang).title), card])

    def _candidate(self, entry_id: str) -> Candidate | None:
        if self.last_result is None:
            return None
        return next((c for c in self.last_result.candidates if c.id == entry_id), None)

    def _append(self, widgets: list[Widget]) -> None:
        self.mount_all(widgets)
        # The new question goes to the top, so a long answer is read from its start.
        self.call_after_refresh(self.scroll_to_widget, widgets[0], top=True, animate=False)

    def clear(self) -> None:
        self.last_result = None
        self.remove_children([c for c in self.children if not isinstance(c, WelcomeCard)])

    def current_answer(self) -> AnswerCard | None:
        """The answer card holding focus, else the latest one."""
        focused = self.screen.focused
        for node in focused.ancestors_with_self if focused else ():
            if isinstance(node, AnswerCard):
                return node
        cards = list(self.query(AnswerCard))
        return cards[-1] if cards else None
