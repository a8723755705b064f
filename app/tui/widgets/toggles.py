"""A checkbox and a radio button whose label wraps over several lines.

Textual's toggle buttons are one line high and cut a long label off; a Japanese confirmation
("…を理解しました。") is often wider than an 80-column terminal. The label is given as plain text
and never read as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox, RadioButton, RadioSet

from app.tui.text import safe
from app.tui.widgets.prose import wrap

BUTTON_CELLS = 3  # ▐X▌
LABEL_PADDING = 2  # one cell either side of the label


class WrappingToggle:
    """Mixin for a ToggleButton subclass: wrap the label, hang later lines under the first."""

    _label: Content

    def _lines(self, width: int) -> list[str]:
        room = max(4, width - BUTTON_CELLS - LABEL_PADDING)
        return [line.plain for line in wrap(Text(self._label.plain), room)] or [""]

    def render(self) -> Content:
        button = self._button  # type: ignore[attr-defined]
        label_style = self.get_visual_style("toggle--label")  # type: ignore[attr-defined]
        rows = []
        for i, line in enumerate(self._lines(self.size.width)):  # type: ignore[attr-defined]
            lead = button if i == 0 else Content(" " * BUTTON_CELLS)
            label = Content(line).pad(1, 1).stylize_before(label_style)
            rows.append(Content.assemble(lead, label))
        return Content("\n").join(rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))


class WrappingCheckbox(WrappingToggle, Checkbox):
    DEFAULT_CSS = """
    WrappingCheckbox { width: 1fr; height: auto; }
    """

    def __init__(self, label: str, value: bool = False, **kwargs: object) -> None:
        super().__init__(Content(safe(label)), value, **kwargs)  # type: ignore[arg-type]

    def set_label(self, label: str) -> None:
        self.label = Content(safe(label))


class WrappingRadioButton(WrappingToggle, RadioButton):
    DEFAULT_CSS = """
    WrappingRadioButton { height: auto; }
    """

    def __init__(self, label: str, value: bool = False, **kwargs: object) -> None:
        super().__init__(Content(safe(label)), value, **kwargs)  # type: ignore[arg-type]

    def set_label(self, label: str) -> None:
        self.label = Content(safe(label))


class ChoiceSet(RadioSet):
    """A RadioSet whose highlight starts on the chosen answer, as the arrow keys expect.

    Textual's starts on the first option whatever is pressed: back on a step answered before,
    up then space would choose the option below the answer instead of the one above it.
    """

    def on_mount(self) -> None:
        # After RadioSet's own mount handler, which highlights the first option.
        self.call_later(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index
