"""Browse: every entry by topic, a filter, and a detail pane that can show both languages."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList

from app.core.answers import copy_text
from app.core.i18n import N_, _, current_language
from app.core.knowledge import Entry
from app.tui import keys, memory
from app.tui.localized import kotae
from app.tui.messages import ShowEntry
from app.tui.screens.base import Clip, KotaeScreen
from app.tui.widgets.cards import AnswerCard
from app.tui.widgets.entry_list import EntryList, filter_entries
from app.tui.widgets.prose import Prose

WIDE = 140  # columns from which the list stays beside two language columns


class BrowseScreen(KotaeScreen):
    TITLE_MSGID = N_("Browse")
    AUTO_FOCUS = "#filter"
    BINDINGS = [keys.FILTER, keys.SIDE_BY_SIDE, keys.BACK]
    DEFAULT_CSS = """
    BrowseScreen {
        #browse { height: 1fr; }
        #browse-list {
            width: 38%;
            min-width: 24;
            max-width: 50;
            border-right: vkey $foreground 20%;
        }
        #filter { margin: 0 0 1 0; }
        #detail { width: 1fr; padding: 0 1; }
        #detail:focus { padding-left: 0; border-left: outer $accent; }
        .detail-columns { height: auto; }
        .detail-columns > AnswerCard { width: 1fr; margin-right: 1; }
        .detail-empty { color: $text-muted; margin: 1; }
        &.-list-hidden #browse-list { display: none; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.side_by_side = False
        self.entry: Entry | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="browse"):
            with Vertical(id="browse-list"):
                yield Input(placeholder=_("Filter…"), id="filter")
                yield EntryList(id="entries")
            yield VerticalScroll(id="detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#filter", Input).cursor_blink = kotae(self).blink_cursor
        self._fill_list()

    @property
    def entry_list(self) -> EntryList:
        return self.query_one(EntryList)

    def _fill_list(self) -> None:
        app = kotae(self)
        query = self.query_one("#filter", Input).value
        # The matcher is built on first use; an empty filter does not need it.
        entries = (
            filter_entries(app.kb, app.matcher, query)
            if query.strip()
            else list(app.kb.entries.values())
        )
        self.entry_list.show(app.kb, entries, current_language())
        keep = self.entry is not None and self.entry_list.select_id(self.entry.id)
        if not keep and not self.entry_list.select_first():
            self.show(None)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill_list()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.entry_list.focus()

    @on(OptionList.OptionHighlighted, "#entries")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry_id = event.option.id
        if entry_id is not None:
            self.show(kotae(self).kb.entries.get(entry_id))

    @on(OptionList.OptionSelected, "#entries")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        # Enter opens the entry: the detail takes the keys (scroll, the quote, related links).
        if event.option.id is not None:
            self.show(kotae(self).kb.entries.get(event.option.id))
            self.query_one("#detail", VerticalScroll).focus()

    def show(self, entry: Entry | None) -> None:
        """Put an entry in the detail pane (and, side by side, in the other language too)."""
        self.entry = entry
        app = kotae(self)
        detail = self.query_one("#detail", VerticalScroll)
        detail.remove_children()
        memory.release_removed_lines()  # a card per highlighted entry, all day
        if entry is None:
            detail.mount(Prose(_("No entry matches the filter."), classes="detail-empty"))
            return
        lang = app.answer_lang_for(current_language())
        if self.side_by_side:
            other = "en" if lang == "ja" else "ja"
            detail.mount(
                Horizontal(
                    AnswerCard(entry, lang), AnswerCard(entry, other), classes="detail-columns"
                )
            )
        else:
            detail.mount(AnswerCard(entry, lang))
        detail.scroll_home(animate=False)

    def open_entry(self, entry_id: str) -> None:
        """Show an entry, clearing the filter if it hides it."""
        entry = kotae(self).kb.entries.get(entry_id)
        if entry is None:
            return
        # Shown first: the cleared filter's change event refills the list later and keeps the
        # entry on show, which must be this one, not the one the filter had selected.
        self.show(entry)
        if not self.entry_list.select_id(entry_id):
            self.query_one("#filter", Input).value = ""
            self._fill_list()
            self.entry_list.select_id(entry_id)
        self.entry_list.focus()

    def open_topic(self, topic: str) -> None:
        """Show the whole list with the cursor on the topic's first entry."""
        first = next((e for e in kotae(self).kb.entries.values() if e.topic == topic), None)
        if first is not None:
            self.open_entry(first.id)

    @on(ShowEntry)
    def _show_entry(self, message: ShowEntry) -> None:
        message.stop()
        self.open_entry(message.entry_id)

    def action_focus_filter(self) -> None:
        if self.has_class("-list-hidden"):
            self.action_toggle_side_by_side()
        self.query_one("#filter", Input).focus()

    def action_toggle_side_by_side(self) -> None:
        self.side_by_side = not self.side_by_side
        self._fit_columns()
        self.show(self.entry)

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        # Two languages side by side need the width of the list on a narrow terminal.
        hide = self.side_by_side and self.size.width < WIDE
        if hide and self.query_one("#browse-list").has_focus_within:
            self.set_focus(None)
        self.set_class(hide, "-list-hidden")

    def action_back(self) -> None:
        # From an opened entry, back to the list; from the list, back to Ask.
        if self.query_one("#detail").has_focus_within and not self.has_class("-list-hidden"):
            self.entry_list.focus()
            return
        kotae(self).action_show_screen("ask")

    def localize(self) -> None:
        self._localize_chrome()
        self.query_one("#filter", Input).placeholder = _("Filter…")
        self._fill_list()
        self.show(self.entry)

    def to_copy(self) -> Clip | None:
        if self.entry is None:
            return None
        lang = kotae(self).answer_lang_for(current_language())
        what = _("the answer 「{title}」").format(title=self.entry.text(lang).title)
        return Clip(copy_text(self.entry, lang), lang, what)
