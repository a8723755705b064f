"""The cards of a conversation: the question, an answer, a clarify choice, a decline.

Everything from the knowledge base or the user goes through `Prose` (plain Rich Text) or
`Content(...)`, so it is shown literally and never read as markup.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Collapsible

from app.core.i18n import _, current_language
from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.matcher import Result
from app.tui import keys
from app.tui.localized import Localized, kotae
from app.tui.messages import ShowEntry, StartWorkflow
from app.tui.text import number, safe
from app.tui.widgets.confidence import ConfidenceBar
from app.tui.widgets.feedback import FeedbackBar
from app.tui.widgets.prose import Prose

MAX_SUGGESTIONS = 3


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

    def __init__(self, entry: Entry, lang: str, reason: str) -> None:
        super().__init__(entry.text(lang).title, bullet="› ")
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


class AnswerCard(Card):
    """An entry's answer: title, text, confidence and why, the policy quote, related questions.

    Also the detail pane of Browse, where there is no confidence to show.
    """

    DEFAULT_CSS = """
    AnswerCard {
        & .card-meta { height: auto; margin: 1 0 0 0; }
        & .card-why { color: $text-muted; width: 1fr; margin: 0 0 0 2; }
        & Collapsible {
            margin: 1 0 0 0;
            padding: 0;
            border-top: none;
            background: transparent;
        }
        & CollapsibleTitle { padding: 0; }
        & Contents { padding: 0 0 0 2; }
        & .card-quote { color: $text; border-left: outer $primary 50%; padding: 0 0 0 1; }
        & .card-source { color: $text-muted; }
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
        if self.confidence is not None:
            with Horizontal(classes="card-meta"):
                yield ConfidenceBar(self.confidence)
                yield Prose(self._why(), classes="card-why")
        elif self.note:
            yield Prose(_(self.note), classes="card-note card-meta")
        if self.entry.workflow:
            yield Button(
                _("Start the request"), variant="primary", compact=True, classes="card-workflow"
            )
        with Collapsible(title=_("Policy text"), collapsed=not self.quote_open):
            yield Prose(self.entry.quote.strip(), classes="card-quote")
            yield Prose(_("Source") + ": " + self.entry.source, classes="card-source")
        related = [kb.entries[r] for r in self.entry.related if r in kb.entries]
        if related:
            yield Prose(_("Related questions"), classes="card-heading")
            for other in related:
                yield EntryLink(other, self.lang, "related")
        if self.confidence is not None or self.note:  # in the conversation, not in Browse
            yield FeedbackBar(self.entry.id, self.lang, self.confidence)

    def _why(self) -> str:
        if not self.matched:
            return ""
        return _("Why: {terms}").format(terms=", ".join(safe(m) for m in self.matched))

    @on(Collapsible.Toggled)
    def _remember_quote(self, event: Collapsible.Toggled) -> None:
        self.quote_open = not event.collapsible.collapsed

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
        yield Prose(_("Kotae has no answer to that in the policy."), classes="card-title")
        suggestions = [s for s in self.result.suggestions if s in kb.entries][:MAX_SUGGESTIONS]
        if suggestions:
            yield Prose(_("Perhaps one of these:"), classes="card-heading")
            for entry_id in suggestions:
                yield EntryLink(kb.entries[entry_id], self.lang, "suggestion")
        yield Prose(_("Kotae can answer questions on these topics:"), classes="card-heading")
        yield Prose(topic_list(kb, current_language()), by_word=True, classes="card-note")


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


def topic_list(kb: KnowledgeBase, lang: str) -> str:
    # No-break spaces inside a label keep it on one line; the list breaks between labels.
    parts = [
        f"{kb.topic_label(topic, lang)} ({number(len(entries), lang)})".replace(" ", "\u00a0")
        for topic, entries in kb.by_topic().items()
    ]
    return " · ".join(parts)
