"""The question box: an Input that recalls earlier questions with up and down, and takes a
pasted e-mail whole."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from app.core.i18n import _
from app.tui import keys
from app.tui.localized import Localized

# A pasted line break, shown in the one-line box and asked as a line break again: the matcher
# reads greetings, signatures and contact lines by their lines.
LINE_MARK = " ⏎ "


def as_question(shown: str) -> str:
    """The question a box's text asks: its line marks back to line breaks."""
    return shown.replace(LINE_MARK, "\n").strip()


class HistoryInput(Localized, Input):
    BINDINGS = [keys.HISTORY_PREV, keys.HISTORY_NEXT]

    def __init__(self, *, id: str | None = None) -> None:
        # Focus comes back here with typing under way (from the feedback line): selecting the
        # box's text then would let the next key replace what was just typed.
        super().__init__(
            placeholder=_("Ask a question in Japanese or English…"), id=id, select_on_focus=False
        )
        self.history: list[str] = []
        self._index: int | None = None  # position while browsing the history
        self._draft = ""  # what was typed before browsing started

    def remember(self, question: str) -> None:
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._index = None
        self._draft = ""

    def action_history_prev(self) -> None:
        if not self.history:
            return
        if self._index is None:
            self._draft = self.value
            self._index = len(self.history) - 1
        elif self._index > 0:
            self._index -= 1
        self._show(self.history[self._index])

    def action_history_next(self) -> None:
        if self._index is None:
            return
        if self._index < len(self.history) - 1:
            self._index += 1
            self._show(self.history[self._index])
        else:
            self._index = None
            self._show(self._draft)

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only the first line of a paste; an e-mail's question is often the last.
        # Terminals send a pasted line break as CR, LF or both; splitlines takes them all.
        lines = [line.strip() for line in event.text.splitlines()]
        text = LINE_MARK.join(line for line in lines if line)
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)
        event.stop()
        event.prevent_default()  # Input's own handler would insert the first line again

    def _show(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    def localize(self) -> None:
        self.placeholder = _("Ask a question in Japanese or English…")
