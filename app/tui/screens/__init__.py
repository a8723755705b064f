"""The screens the app switches between, as data.

To add a screen, write it (a KotaeScreen subclass) and add a ScreenSpec here: it becomes a Textual
mode with a key binding (id "kotae.screen.<name>"), a command in the palette and a line in Help.
Screen modules are imported when first shown, which keeps start-up quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from textual.binding import Binding
from textual.screen import Screen

from app.core.i18n import N_
from app.tui.keys import screen_binding


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    title: str  # msgid
    key: str
    target: str  # "module:Class"
    tooltip: str = ""  # msgid, the longer text of Help
    in_footer: bool = True
    # Narrower than this, the footer has no room for the key (Help and the palette list it).
    footer_from: int = 0

    def factory(self) -> Callable[[], Screen]:
        def make() -> Screen:
            module, cls = self.target.split(":")
            return getattr(import_module(module), cls)()

        return make

    def binding(self) -> Binding:
        return screen_binding(self.name, self.key, self.title, self.tooltip, self.in_footer)


SCREENS: tuple[ScreenSpec, ...] = (
    # Escape goes back to Ask from the other screens, so its key stays out of the footer.
    ScreenSpec(
        "ask",
        N_("Ask"),
        "ctrl+n",
        "app.tui.screens.ask:AskScreen",
        N_("Ask a question"),
        in_footer=False,
    ),
    ScreenSpec(
        "browse",
        N_("Browse"),
        "ctrl+b",
        "app.tui.screens.browse:BrowseScreen",
        N_("Browse every entry by topic"),
    ),
    ScreenSpec(
        "requests",
        N_("Requests"),
        "f5",
        "app.tui.screens.requests:RequestsScreen",
        N_("The deletion and DPA requests taken, with their deadlines"),
        footer_from=96,
    ),
    ScreenSpec(
        "insights",
        N_("Insights"),
        "f6",
        "app.tui.screens.insights:InsightsScreen",
        N_("Questions Kotae could not answer; add one as an example"),
        in_footer=False,
    ),
    ScreenSpec("help", N_("Help"), "f1", "app.tui.screens.help:HelpScreen", N_("Keys and topics")),
)
HOME = "ask"


def modes() -> dict[str, Callable[[], Screen]]:
    return {spec.name: spec.factory() for spec in SCREENS}


def screen_bindings() -> tuple[Binding, ...]:
    return tuple(spec.binding() for spec in SCREENS)


def spec(name: str) -> ScreenSpec | None:
    return next((s for s in SCREENS if s.name == name), None)
