"""Text that wraps well in Japanese as well as in English.

Rich and Textual break lines only at spaces, so a Japanese sentence with one space in it
("最大 30 日間…") breaks at that space and leaves a short line. Here every CJK character is a
break opportunity, ASCII words stay whole, and closing punctuation never starts a line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from app.tui.text import plain

# An ASCII word with its trailing spaces, or any other single character with its trailing spaces.
_TOKEN = re.compile(r"[\x21-\x7e]+[ \t]*|[^ \t][ \t]*|[ \t]+")
# Space-separated words only, for lists whose items must not be split ("保存場所 (2) · …");
# a " · " separator stays at the end of the item before it.
_WORD = re.compile(r"[^ \t]+(?:[ \t]+·)?[ \t]*|[ \t]+")
# Characters that must not begin a line (a light form of Japanese kinsoku shori).
NO_LINE_START = set(
    "、。，．,.!?！？)）]］｝」』】〉》〕’”・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々:;：；"
)


@lru_cache(maxsize=4096)
def break_offsets(line: str, width: int, by_word: bool = False) -> tuple[int, ...]:
    """Offsets at which to break one paragraph so that each piece fits in width cells.

    Cached: layout asks again for every paragraph of a widget whose text grew by one line
    (the conversation's earlier exchanges), and the answer only depends on these three.
    """
    width = max(1, width)
    pattern = _WORD if by_word else _TOKEN
    offsets: list[int] = []
    used = 0  # cells on the current line
    start = 0  # offset of the current line
    last_token = 0  # offset of the last token placed on the current line
    for match in pattern.finditer(line):
        token = match.group()
        shown = cell_len(token.rstrip())
        if used and used + shown > width:
            cut = match.start()
            # Carry the previous character along rather than start a line with "。",
            # as long as the two still fit on a line.
            carried = cell_len(line[last_token:cut]) + shown
            if token[0] in NO_LINE_START and last_token > start and carried <= width:
                cut = last_token
            offsets.append(cut)
            start = cut
            used = cell_len(line[cut : match.start()])
        while shown > width:  # a word longer than the line: fold it
            fit, cells = 0, 0
            for ch in token:
                if cells + cell_len(ch) > width - used:
                    break
                cells += cell_len(ch)
                fit += 1
            fit = max(fit, 1)
            cut = match.end() - len(token) + fit
            offsets.append(cut)
            start, used = cut, 0
            token = token[fit:]
            shown = cell_len(token.rstrip())
        last_token = match.end() - len(token)
        used += cell_len(token)
    return tuple(offsets)


def wrap(text: Text, width: int, by_word: bool = False) -> list[Text]:
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        offsets = break_offsets(paragraph.plain, width, by_word)
        for piece in paragraph.divide(offsets) if offsets else [paragraph]:
            piece.rstrip()
            lines.append(piece)
    return lines


class Wrapped:
    """A Rich renderable of `wrap`, for widgets that take renderables (OptionList prompts)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n").join(wrap(self.text, options.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(4, longest), min(longest, options.max_width))


class Prose(Widget):
    """A block of text (user or knowledge text is never read as markup) that wraps by character
    where the language does."""

    DEFAULT_CSS = """
    Prose {
        height: auto;
    }
    """

    def __init__(
        self,
        text: str | Text,
        *,
        by_word: bool = False,
        bullet: str = "",
        bullet_style: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.text = plain(text) if isinstance(text, str) else text
        self.by_word = by_word  # break only at spaces
        self.bullet = bullet  # hangs in front of the first line; later lines are indented
        self.bullet_style = bullet_style
        # Layout asks for the lines more than once per frame; wrapping is the costly part.
        self._wrapped: tuple[Text, int, list[Text]] | None = None

    def update(self, text: str | Text) -> None:
        self.text = plain(text) if isinstance(text, str) else text
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Text]:
        cached = self._wrapped
        if cached is not None and cached[0] is self.text and cached[1] == width:
            return cached[2]
        lines = self._wrap(width)
        self._wrapped = (self.text, width, lines)
        return lines

    def _wrap(self, width: int) -> list[Text]:
        indent = cell_len(self.bullet)
        lines = wrap(self.text, width - indent, self.by_word)
        if indent:
            lines = [
                Text(self.bullet if i == 0 else " " * indent, self.bullet_style) + line
                for i, line in enumerate(lines)
            ]
        return lines

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        longest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return min(longest + cell_len(self.bullet), container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))
