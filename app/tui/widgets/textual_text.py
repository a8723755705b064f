"""Textual's own interface strings, in the interface language.

Textual writes a few English strings of its own: the dropdown's "Dismiss menu" key, the theme
picker's placeholder, the palette's "No matches found" and the header icon's tooltip. They are
translated here by subclassing and by setting attributes; Textual itself is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets import Select
from textual.widgets._header import HeaderIcon
from textual.widgets._select import SelectCurrent, SelectOverlay, SelectType
from textual.widgets.option_list import Option

from app.core.i18n import N_, _
from app.tui.keys import localize_bindings
from app.tui.localized import Localized

PALETTE_TOOLTIP = N_("Open the command palette")
THEME_PLACEHOLDER = N_("Search for themes…")
NO_MATCHES = N_("No matches found")


class LocalSelectOverlay(Localized, SelectOverlay):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", N_("Dismiss menu"))]

    def on_mount(self) -> None:
        localize_bindings(self)

    def localize(self) -> None:
        localize_bindings(self)


class LocalSelect(Select[SelectType], Generic[SelectType], inherit_bindings=False):
    """A Select whose dropdown speaks the interface language, and that space does not open
    (space is typed while searching a closed list, "United States")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,down,up", "show_overlay", N_("Show menu"), show=False)
    ]
    DEFAULT_CSS = """
    LocalSelect.-textual-compact:focus > SelectCurrent {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    """

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield LocalSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )

    def replace_options(self, options: Iterable[tuple[Any, SelectType]]) -> None:
        """New option labels (another language) keeping the value, the shown label redrawn."""
        options = list(options)
        values = [v for _label, v in options]
        value = self.value
        target = value if value in values else values[0]
        with self.prevent(Select.Changed):
            self.set_options(options)
            # An unchanged value keeps its old label on show; passing by another redraws it.
            if len(values) > 1:
                self.value = values[1] if target == values[0] else values[0]
            self.value = target


class LocalCommandPalette(CommandPalette):
    """The command palette with its "No matches found" in the interface language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As CommandPalette's own, with the message translated.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_(NO_MATCHES), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def localize_header(node: DOMNode) -> None:
    for icon in node.query(HeaderIcon):
        icon.tooltip = _(PALETTE_TOOLTIP)
