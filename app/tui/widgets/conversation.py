"""The scrolling conversation of the Ask screen; it keeps its history for the session.

Only the latest exchanges stay as full cards. Older ones fold into one line each ("question →
answer title") in a single widget at the top: every widget in the conversation costs layout
time on each new answer, so a day of questions must not make the next answer slower.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from app.core.answers import context_line, how_sure, unanswered_part
from app.core.i18n import N_, _, gettext_for
from app.core.knowledge import Entry
from app.core.match.result import Candidate, Result
from app.core.words import whole_words
from app.tui import memory
from app.tui.localized import Localized, kotae
from app.tui.widgets.cards import AnswerCard, ClarifyCard, DeclineCard, QuestionBubble, WelcomeCard
from app.tui.widgets.prose import Prose

NOTES = {"related": N_("A related question"), "suggestion": N_("A suggestion")}
LIVE = 3  # exchanges kept as full cards: more than a screenful at 80x24


@dataclass(frozen=True)
class Past:
    question: str
    entry_ids: tuple[str, ...]  # the entries answered, none for a decline or a choice
    lang: str
    decision: str


class Earlier(Localized, Prose):
    """Earlier exchanges, one line each, in one widget."""

    DEFAULT_CSS = """
    Earlier { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self) -> None:
        super().__init__("", classes="earlier")
        self.past: list[Past] = []

    def on_mount(self) -> None:
        self.localize()

    def add(self, past: Past) -> None:
        self.past.append(past)
        self.localize()

    def _line(self, past: Past) -> str:
        kb = kotae(self).kb
        titles = [kb.entries[i].text(past.lang).title for i in past.entry_ids if i in kb.entries]
        if titles:
            reply = " / ".join(titles)
        elif past.decision == "clarify":
            reply = _("(several possible answers)")
        else:
            reply = _("(no answer in the policy)")
        return f"› {' '.join(past.question.split())} → {reply}"

    def localize(self) -> None:
        lines = [_("Earlier in this conversation:")] + [self._line(p) for p in self.past]
        self.update("\n".join(lines))


class Conversation(VerticalScroll):
    DEFAULT_CSS = """
    Conversation {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        /* A bar in place of the left padding: focus shows, nothing moves. */
        &:focus { padding-left: 0; border-left: outer $accent; }
        & > .two-parts { margin: 1 0 0 0; color: $text-muted; }
        & > .unanswered-part { margin: 1 0 0 0; padding: 0 1; border: round $warning 60%; }
    }
    """

    def __init__(self, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.last_result: Result | None = None
        self.previous: str | None = None  # entry answered last: context for a follow-up
        self.live: list[tuple[list[Widget], Past]] = []  # oldest first

    def add_result(self, result: Result) -> None:
        """Show the question and the matcher's reply to it."""
        app = kotae(self)
        self.last_result = result
        lang = app.answer_lang_for(result.lang)
        widgets: list[Widget] = [QuestionBubble(result.query)]
        if result.context in app.kb.entries:
            note = context_line(app.kb, result, lang)
            widgets.append(Static(note, classes="follow-up"))
        ids = tuple(i for i in result.answer_ids if i in app.kb.entries)
        if result.decision == "answer" and len(ids) > 1:
            # At 80x24 the second card starts below the screen: say that it is there.
            note = gettext_for(lang, N_("Your question has two parts; here is an answer to each."))
            widgets.append(Static(note, classes="two-parts"))
        if result.decision == "answer" and ids:
            for entry_id in ids:
                confidence, matched = how_sure(result, entry_id)
                entry = app.kb.entries[entry_id]
                widgets.append(AnswerCard(entry, lang, confidence=confidence, matched=matched))
            if rest := unanswered_part(app.kb, result, lang):
                widgets.append(Static(rest, classes="unanswered-part"))
        elif result.decision == "clarify":
            widgets.append(ClarifyCard(result, lang))
        else:
            widgets.append(DeclineCard(result, lang))
        self._append(widgets, Past(result.query, ids, lang, result.decision))

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
        title = entry.text(lang).title
        self._append([QuestionBubble(title), card], Past(title, (entry.id,), lang, "answer"))

    def _candidate(self, entry_id: str) -> Candidate | None:
        if self.last_result is None:
            return None
        return next((c for c in self.last_result.candidates if c.id == entry_id), None)

    def _append(self, widgets: list[Widget], past: Past) -> None:
        if past.entry_ids:
            self.previous = past.entry_ids[0]
        self.live.append((widgets, past))
        self.mount_all(widgets)
        while len(self.live) > LIVE:
            self._fold(*self.live.pop(0))
        self.call_after_refresh(self._scroll_to_reply, widgets)

    def _scroll_to_reply(self, widgets: list[Widget]) -> None:
        # The new question goes to the top, so a long answer is read from its start; a pasted
        # e-mail taller than a third of the view would push the answer off it, so the reply
        # goes to the top instead.
        target = widgets[0]
        if len(widgets) > 1 and target.outer_size.height > self.size.height // 3:
            target = widgets[1]
        self.scroll_to_widget(target, top=True, animate=False)

    def _fold(self, widgets: list[Widget], past: Past) -> None:
        earlier = self.query(Earlier)
        if earlier:
            earlier.first().add(past)
        else:
            line = Earlier()
            line.past.append(past)
            self.mount(line, before=widgets[0])
        for widget in widgets:
            widget.remove()
        memory.release_removed_lines()

    def clear(self) -> None:
        self.last_result = None
        self.previous = None
        self.live = []
        self.remove_children([c for c in self.children if not isinstance(c, WelcomeCard)])
        memory.release_removed_lines()

    def latest_reply(self) -> list[AnswerCard | ClarifyCard | DeclineCard]:
        """The cards the copy key copies: the answer card holding focus, else every card of
        the latest reply (both answers of a two-part question; a decline is a reply too)."""
        focused = self.screen.focused
        for node in focused.ancestors_with_self if focused else ():
            if isinstance(node, AnswerCard):
                return [node]
        if not self.live:
            return []
        widgets, _past = self.live[-1]
        return [w for w in widgets if isinstance(w, AnswerCard | ClarifyCard | DeclineCard)]
