"""The footer, rebuilt once per frame however often the keys change.

Textual's Footer rebuilds all its keys after the next frame each time the screen's bindings
change, and opening a screen changes them several times (mount, focus, language, the header):
six rebuilds of every key on the first open of Browse. Here the rebuilds asked for before the
next frame are one.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KotaeFooter(Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._rebuild_pending:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuilt)
        super().bindings_changed(screen)

    def _rebuilt(self) -> None:
        self._rebuild_pending = False
