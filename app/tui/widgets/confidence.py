"""How sure the matcher is and why: a bar, a locale-formatted percentage and the matched words.

One wrapping line of text rather than a bar widget beside a text widget: a conversation holds
many cards, and every widget in it costs layout time on each new answer.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from app.core.i18n import _, current_language
from app.core.match.decision import band
from app.tui.text import percent, safe
from app.tui.widgets.prose import Prose

BAR_CELLS = 10


def meta_text(value: float, matched: tuple[str, ...], style: Callable[[str], Style]) -> Text:
    """ "Confidence ███████░░░ 70%  Why: …" with styles from the widget's component classes."""
    filled = round(max(0.0, min(1.0, value)) * BAR_CELLS)
    text = Text()
    text.append(_("Confidence") + " ", style("meta--muted"))
    text.append("█" * filled, style(f"meta--{band(value)}"))  # the web's words, as a colour
    text.append("░" * (BAR_CELLS - filled), style("meta--empty"))
    text.append(" " + percent(value, current_language()))
    if matched:
        why = _("Why: {terms}").format(terms=", ".join(safe(m) for m in matched))
        text.append("  " + why, style("meta--muted"))
    return text


class MetaLine(Prose):
    COMPONENT_CLASSES = {"meta--muted", "meta--empty", "meta--high", "meta--medium", "meta--low"}
    DEFAULT_CSS = """
    MetaLine {
        & > .meta--muted { color: $text-muted; }
        & > .meta--empty { color: $text-muted 40%; }
        & > .meta--high { color: $text-success; }
        & > .meta--medium { color: $text-warning; }
        & > .meta--low { color: $text-error; }
    }
    """

    def __init__(self, value: float, matched: tuple[str, ...], classes: str | None = None) -> None:
        super().__init__(meta_text(value, matched, lambda _name: Style()), classes=classes)
        self.value = value
        self.matched = matched

    def render(self) -> Text:
        self.text = meta_text(self.value, self.matched, self.get_component_rich_style)
        return super().render()
