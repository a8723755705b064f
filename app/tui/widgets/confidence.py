"""How sure the matcher is, as a bar and a locale-formatted percentage."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from app.core.i18n import _, current_language
from app.tui.localized import Localized
from app.tui.text import percent

BAR_CELLS = 10


def band(value: float) -> str:
    # Only the colour of the bar; whether to answer at all is the matcher's decision.
    return "high" if value >= 0.75 else "mid" if value >= 0.5 else "low"


class ConfidenceBar(Localized, Widget):
    COMPONENT_CLASSES = {"confidence--label", "confidence--filled", "confidence--empty"}
    DEFAULT_CSS = """
    ConfidenceBar {
        height: 1;
        width: auto;
        & > .confidence--label { color: $text-muted; }
        & > .confidence--empty { color: $text-muted 40%; }
        &.-high > .confidence--filled { color: $text-success; }
        &.-mid > .confidence--filled { color: $text-warning; }
        &.-low > .confidence--filled { color: $text-error; }
    }
    """

    def __init__(self, value: float, *, id: str | None = None) -> None:
        super().__init__(id=id, classes=f"-{band(value)}")
        self.value = value

    def render(self) -> Text:
        filled = round(max(0.0, min(1.0, self.value)) * BAR_CELLS)
        text = Text()
        text.append(_("Confidence") + " ", self.get_component_rich_style("confidence--label"))
        text.append("█" * filled, self.get_component_rich_style("confidence--filled"))
        text.append("░" * (BAR_CELLS - filled), self.get_component_rich_style("confidence--empty"))
        text.append(" " + percent(self.value, current_language()))
        return text

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.render().cell_len

    def localize(self) -> None:
        self.refresh(layout=True)
