"""The cards of a conversation: the question, an answer, a clarify choice, a decline.

Everything from the knowledge base or the user goes through `Prose` (plain Rich Text) or
`Content(...)`, so it is shown literally and never read as markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from app.core.answers import redirect_line, unsure
from app.core.i18n import _, current_language
from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.result import Result
from app.tui import keys
from app.tui.localized import Localized, kotae
from app.tui.messages import OpenTopic, ShowEntry, StartWorkflow
from app.tui.text import number, plain
from app.tui.widgets.confidence import MetaLine
from app.tui.widgets.feedback import FeedbackBar
from app.tui.widgets.prose import Prose, break_offsets

MAX_SUGGESTIONS = 3
NBSP = "\u00a0"


class EntryLink(Prose, can_focus=True):
    """An entry's title to click (or focus and press enter): asks to show that entry.

    Not a Button: a Button label wraps only at spaces, which breaks Japanese titles badly.
    """

    BINDINGS = [keys.OPEN]
    DEFAULT_CSS = """
    EntryLink {
        width: auto;
        max-width: 100%;
        margin: 0 0 0 1;
        padding: 0 1;
        color: $text-accent;
        &:hover { background: $boost; text-style: underline; }
        &:focus {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    def __init__(self, entry: Entry, lang: str, reason: str, classes: str | None = None) -> None:
        super().__init__(entry.text(lang).title, bullet="› ", classes=classes)
        self.entry_id = entry.id
        self.lang = lang
        self.reason = reason

    def on_click(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        self.post_message(ShowEntry(self.entry_id, self.lang, self.reason))


class QuestionBubble(Prose):
    """What the user asked, exactly as typed (control characters made visible)."""

    DEFAULT_CSS = """
    QuestionBubble {
        width: auto;
        max-width: 90%;
        margin: 1 0 0 0;
        padding: 0 1;
        background: $primary 15%;
        border-left: outer $primary;
        color: $text;
    }
    """


class Card(Localized, Vertical):
    """A reply: a bordered block that redraws itself when the interface language changes."""

    DEFAULT_CSS = """
    Card {
        height: auto;
        max-width: 100;
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $primary 60%;
        background: $surface;
        & .card-title { text-style: bold; color: $text-primary; }
        & .card-heading { color: $text-muted; margin: 1 0 0 0; }
        & .card-note { color: $text-muted; }
        & .card-body { margin: 1 0 0 0; }
    }
    """

    def localize(self) -> None:
        self.refresh(recompose=True)


class QuoteToggle(Prose, can_focus=True):
    """ "▸ Policy text": enter or a click shows the quote under it, or hides it again."""

    BINDINGS = [keys.OPEN]
    DEFAULT_CSS = """
    QuoteToggle {
        width: auto;
        margin: 1 0 0 0;
        color: $text-muted;
        &:hover { background: $boost; }
        &:focus {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Toggled(Message):
        pass

    def __init__(self, opened: bool) -> None:
        super().__init__(self._label(opened), classes="card-quote-toggle")

    @staticmethod
    def _label(opened: bool) -> str:
        return ("▾ " if opened else "▸ ") + _("Policy text")

    def show_state(self, opened: bool) -> None:
        self.update(self._label(opened))

    def on_click(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        self.post_message(self.Toggled())


class AnswerCard(Card):
    """An entry's answer: title, text, confidence and why, the policy quote, related questions.

    Also the detail pane of Browse, where there is no confidence to show. The quote is built
    when it is opened: most are never read, and a long conversation holds many cards.
    """

    DEFAULT_CSS = """
    AnswerCard {
        & .card-meta { margin: 1 0 0 0; }
        & .card-quote {
            color: $text;
            border-left: outer $primary 50%;
            padding: 0 0 0 1;
            margin: 0 0 0 2;
        }
        & .card-source { color: $text-muted; margin: 0 0 0 2; }
        & .card-workflow { margin: 1 0 0 0; padding: 0 2; }
    }
    """

    def __init__(
        self,
        entry: Entry,
        lang: str,
        *,
        confidence: float | None = None,
        matched: tuple[str, ...] = (),
        note: str = "",
        classes: str | None = None,
    ) -> None:
        super().__init__(classes=classes)
        self.entry = entry
        self.lang = lang  # the language of the answer, which may differ from the interface's
        self.confidence = confidence
        self.matched = matched
        self.note = note  # msgid shown instead of a confidence, e.g. for a related question
        self.quote_open = False

    def compose(self) -> ComposeResult:
        kb = kotae(self).kb
        text = self.entry.text(self.lang)
        yield Prose(text.title, classes="card-title")
        yield Prose(text.answer, classes="card-body")
        if self.entry.workflow:  # right under the answer that says "follow the steps below"
            yield Button(
                _("Start the request"), variant="primary", compact=True, classes="card-workflow"
            )
        if self.confidence is not None:
            yield MetaLine(self.confidence, self.matched, classes="card-meta card-why")
        elif self.note:
            yield Prose(_(self.note), classes="card-note card-meta")
        yield QuoteToggle(self.quote_open)
        if self.quote_open:
            yield from self._quote()
        related = [kb.entries[r] for r in self.entry.related if r in kb.entries]
        if related:
            yield Prose(_("Related questions"), classes="card-heading")
            for other in related:
                yield EntryLink(other, self.lang, "related")
        if self.confidence is not None or self.note:  # in the conversation, not in Browse
            yield FeedbackBar(self.entry.id, self.lang, self.confidence)

    def _quote(self) -> list[Widget]:
        return [
            Prose(self.entry.quote.strip(), classes="card-quote"),
            Prose(_("Source") + ": " + self.entry.source, classes="card-source"),
        ]

    @on(QuoteToggle.Toggled)
    async def _toggle_quote(self, event: QuoteToggle.Toggled) -> None:
        event.stop()
        self.quote_open = not self.quote_open
        toggle = self.query_one(QuoteToggle)
        toggle.show_state(self.quote_open)
        if self.quote_open:
            await self.mount_all(self._quote(), after=toggle)
        else:
            await self.query(".card-quote, .card-source").remove()

    @on(Button.Pressed, ".card-workflow")
    def _start(self, event: Button.Pressed) -> None:
        event.stop()
        if self.entry.workflow:
            self.post_message(StartWorkflow(self.entry.workflow, self.entry.id))


class ResultCard(Card):
    """A reply about a matcher result that has no single answer."""

    def __init__(self, result: Result, lang: str) -> None:
        super().__init__()
        self.result = result
        self.lang = lang


class ClarifyCard(ResultCard):
    """The question fits several entries about equally: let the user pick."""

    def compose(self) -> ComposeResult:
        kb = kotae(self).kb
        yield Prose(_("Which of these do you mean?"), classes="card-title")
        for entry_id in choices(self.result, kb):
            yield EntryLink(kb.entries[entry_id], self.lang, "pick")


class DeclineCard(ResultCard):
    """No answer in the policy: say so plainly, then offer suggestions and the topics."""

    DEFAULT_CSS = """
    DeclineCard { border: round $warning 60%; }
    """

    def compose(self) -> ComposeResult:
        kb = kotae(self).kb
        headline = (
            _("Kotae found no clear answer to that in the policy.")
            if unsure(self.result)
            else _("Kotae has no answer to that in the policy.")
        )
        yield Prose(headline, classes="card-title")
        if redirect := redirect_line(kb, self.result, self.lang):
            # Where to send the customer instead: the topic's own redirect.
            yield Prose(redirect, classes="card-redirect")
        suggestions = [s for s in self.result.suggestions if s in kb.entries][:MAX_SUGGESTIONS]
        if suggestions:
            yield Prose(_("Perhaps one of these:"), classes="card-heading")
            for entry_id in suggestions:
                yield EntryLink(kb.entries[entry_id], self.lang, "suggestion")
        yield Prose(_("Kotae can answer questions on these topics:"), classes="card-heading")
        yield TopicList(kb, current_language(), classes="card-note")


class WelcomeCard(Card):
    DEFAULT_CSS = """
    WelcomeCard { border: none; background: transparent; }
    """

    def compose(self) -> ComposeResult:
        app = kotae(self)
        help_key = app.key_label(app.screen_binding("help"))
        yield Prose(
            _("Ask about the API data-usage policy, in Japanese or English."), classes="card-title"
        )
        yield Prose(
            _(
                "Kotae answers from the policy only, quotes the sentence it relies on, and says "
                "so when the policy does not cover a question. Press {key} for keys and topics."
            ).format(key=help_key),
            classes="card-note",
        )


def choices(result: Result, kb: KnowledgeBase) -> list[str]:
    """The entries a clarify card offers: the matcher's suggestions, else its top candidates."""
    ids = list(result.suggestions) or [c.id for c in result.candidates]
    return [i for i in ids if i in kb.entries][:4]


def topic_labels(kb: KnowledgeBase, lang: str) -> list[tuple[str, str]]:
    # No-break spaces inside a label keep it on one line; the list breaks between labels.
    return [
        (topic, f"{kb.topic_label(topic, lang)} ({number(len(entries), lang)})".replace(" ", NBSP))
        for topic, entries in kb.by_topic().items()
    ]


class TopicList(Prose, can_focus=True):
    """The topics as one wrapped line; left and right pick one, enter (or a click) opens it.

    One widget rather than a link per topic: a conversation keeps many decline cards.
    """

    SEPARATOR = " · "
    BINDINGS = [
        keys.OPEN,
        Binding("right", "move(1)", show=False),
        Binding("left", "move(-1)", show=False),
    ]
    DEFAULT_CSS = """
    TopicList { width: auto; max-width: 100%; }
    TopicList:focus { background: $boost; }
    """

    def __init__(self, kb: KnowledgeBase, lang: str, classes: str | None = None) -> None:
        self.topics = topic_labels(kb, lang)
        super().__init__(self.SEPARATOR.join(label for _t, label in self.topics), by_word=True)
        self.add_class("topic-list")
        if classes:
            self.add_class(*classes.split())
        self.cursor = 0

    def spans(self) -> list[tuple[int, int]]:
        """Where each topic's label starts and ends in the text."""
        out, at = [], 0
        for _topic, label in self.topics:
            out.append((at, at + len(label)))
            at += len(label) + len(self.SEPARATOR)
        return out

    def render(self) -> Text:
        text = plain(self.SEPARATOR.join(label for _t, label in self.topics))
        if self.has_focus and self.topics:
            start, end = self.spans()[self.cursor]
            text.stylize("reverse", start, end)
        self.text = text
        return super().render()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.topics:
            self.cursor = (self.cursor + step) % len(self.topics)
            self.refresh()

    def action_open(self) -> None:
        if self.topics:
            self.post_message(OpenTopic(self.topics[self.cursor][0]))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        at = self.offset_at(offset.x, offset.y)
        for index, (start, end) in enumerate(self.spans()):
            if start <= at < end + len(self.SEPARATOR):
                self.cursor = index
                self.action_open()
                return

    def offset_at(self, x: int, y: int) -> int:
        """The character under a cell of the wrapped text."""
        line = self.text.plain
        starts = [0, *break_offsets(line, self.content_region.width, by_word=True)]
        at = starts[min(y, len(starts) - 1)]
        cells = 0
        while at < len(line) and cells + cell_len(line[at]) <= x:
            cells += cell_len(line[at])
            at += 1
        return at
