"""Help: every key, and what Kotae can and cannot answer."""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from app.core.i18n import N_, _, current_language
from app.tui import keys
from app.tui.localized import kotae
from app.tui.messages import ShowEntry
from app.tui.screens import screen_bindings
from app.tui.screens.base import KotaeScreen
from app.tui.widgets.cards import EntryLink
from app.tui.widgets.prose import Prose

KEY_COLUMN = 14


class HelpScreen(KotaeScreen):
    TITLE_MSGID = N_("Help")
    ANSWERS = False  # no answer here to copy or re-language
    BINDINGS = [keys.BACK]
    DEFAULT_CSS = """
    HelpScreen {
        #help { padding: 0 2; }
        #help:focus { padding-left: 1; border-left: outer $accent; }
        .help-heading { text-style: bold; color: $text-primary; margin: 1 0 0 0; }
        .help-text { margin: 0 0 0 2; }
        .help-group { margin: 0 0 0 2; text-style: bold; }
        .help-item { margin: 0 0 0 4; }
    }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield from self._sections()

    def _sections(self) -> ComposeResult:
        yield Prose(_("Keys"), classes="help-heading")
        yield from self._keys()
        yield Prose(_("What Kotae can answer"), classes="help-heading")
        yield Prose(
            _("Questions about the API data-usage policy, in Japanese or English."),
            classes="help-text",
        )
        yield Prose(_("What Kotae cannot answer"), classes="help-heading")
        yield Prose(
            _(
                "Anything the policy does not cover. Kotae answers from the policy text only and "
                "shows the sentence each answer rests on. When a question is not covered it says "
                "so and suggests related questions instead of guessing. It cannot see or change "
                "anyone's account."
            ),
            classes="help-text",
        )
        yield Prose(_("Topics and questions"), classes="help-heading")
        yield from self._topics()

    def _keys(self) -> ComposeResult:
        app = kotae(self)
        for group in keys.help_groups(screen_bindings()):
            yield Prose(_(group.title), classes="help-group")
            for binding in group.bindings:
                label = app.key_label(binding)
                bullet = label + " " * max(1, KEY_COLUMN - cell_len(label))
                yield Prose(
                    keys.explain(binding), bullet=bullet, bullet_style="bold", classes="help-item"
                )

    def _topics(self) -> ComposeResult:
        kb = kotae(self).kb
        lang = current_language()
        for topic, entries in kb.by_topic().items():
            yield Prose(kb.topic_label(topic, lang), classes="help-group")
            for entry in entries:
                yield EntryLink(entry, lang, "help", classes="help-entry help-item")

    def localize(self) -> None:
        self._localize_chrome()
        body = self.query_one("#help", VerticalScroll)
        body.remove_children()
        body.mount_all(list(self._sections()))

    @on(ShowEntry)
    def _open(self, message: ShowEntry) -> None:
        message.stop()
        app = kotae(self)
        app.call_later(app.open_entry, message.entry_id)

    def action_back(self) -> None:
        kotae(self).action_show_screen("ask")
