"""What every Kotae screen shares: header, footer, and redrawing on a language change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header

from app.core.i18n import _
from app.tui.keys import localize_bindings
from app.tui.localized import Localized, kotae
from app.tui.widgets.footer import KotaeFooter
from app.tui.widgets.textual_text import localize_header


@dataclass(frozen=True)
class Clip:
    """What the copy key copies: the text, its language, and what it is for the notice
    ("the answer 「…」", "the reference DEL-…"). Empty text: nothing to copy, `what` says why."""

    text: str
    lang: str
    what: str


class KotaeScreen(Localized, Screen[None]):
    TITLE_MSGID: ClassVar[str] = ""
    # False where no answer is shown: the copy and answer-language keys leave the footer.
    ANSWERS: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self._drawn_for: tuple[str, str] | None = None  # (interface language, answer pin)
        # Born with the app's current styles: otherwise Textual re-parses every stylesheet
        # of the app twice on the first switch to this screen (up to 90 ms), to style a
        # screen whose widgets get the current styles as they mount anyway.
        self._css_update_count = self.app._css_update_count

    def compose(self) -> ComposeResult:
        yield Header(icon="答")
        yield from self.compose_body()
        yield KotaeFooter(compact=True)

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self._localize_chrome()
        # The header icon sets its English tooltip when it mounts, after this screen.
        self.call_after_refresh(localize_header, self)

    def on_screen_resume(self) -> None:
        # Screens not on show when the language changed catch up when they come back.
        if self._drawn_for != kotae(self).language_state():
            self.localize()

    def _localize_chrome(self) -> None:
        self._drawn_for = kotae(self).language_state()
        localize_bindings(self)
        self.sub_title = _(self.TITLE_MSGID)
        localize_header(self)
        self.refresh_bindings()

    def localize(self) -> None:
        self._localize_chrome()
        for node in self.query("*"):
            if isinstance(node, Localized):
                node.localize()

    def can_copy(self) -> bool:
        """Whether the copy key belongs in the footer on this screen now."""
        return self.ANSWERS

    def to_copy(self) -> Clip | None:
        """What the copy key copies on this screen, if anything is shown yet."""
        return None
