"""Command palette: jump to any entry by typing its title in either language."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from app.core.i18n import current_language
from app.core.knowledge import Entry
from app.tui.localized import kotae
from app.tui.text import one_line
from app.tui.widgets.entry_list import filter_entries


def _other(lang: str) -> str:
    return "en" if lang == "ja" else "ja"


class EntryCommands(Provider):
    """Every entry, found by its title in Japanese or English; opens it in Browse."""

    def _entries(self) -> list[Entry]:
        return list(kotae(self.screen).kb.entries.values())

    def _help(self, entry: Entry, lang: str) -> str:
        # The palette reads help text as markup; titles come from knowledge files.
        return escape(one_line(entry.text(_other(lang)).title))

    async def discover(self) -> Hits:
        lang = current_language()
        app = kotae(self.screen)
        for entry in self._entries():
            title = one_line(entry.text(lang).title)
            yield DiscoveryHit(
                Content(title), partial(app.open_entry, entry.id), title, self._help(entry, lang)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = kotae(self.screen)
        ui = current_language()
        fuzzy: set[str] = set()
        for entry in self._entries():
            best: tuple[float, str, str] = (0.0, "", ui)
            for lang in (ui, _other(ui)):
                title = one_line(entry.text(lang).title)
                score = matcher.match(title)
                if score > best[0]:
                    best = (score, title, lang)
            score, title, lang = best
            if score > 0:
                fuzzy.add(entry.id)
                yield Hit(
                    score,
                    highlight(title, matcher.query, matcher),
                    partial(app.open_entry, entry.id),
                    title,
                    self._help(entry, lang),
                )
        # What Browse's filter finds besides: full-width letters (ｄｐａ), kana for kanji
        # (ほぞん), words of the body and the example questions, typos. Below the title hits.
        found = [e for e in filter_entries(app.kb, app.matcher, query) if e.id not in fuzzy]
        for n, entry in enumerate(found[:MORE]):
            title = one_line(entry.text(ui).title)
            yield Hit(
                0.5 - n * 0.05,
                Content(title),
                partial(app.open_entry, entry.id),
                title,
                self._help(entry, ui),
            )


MORE = 5  # entries the filter adds below the title matches


def highlight(text: str, query: str, matcher: object) -> Content:
    """Textual's own highlight parses the candidate as markup; this keeps the title literal."""
    content = Content(text)
    fuzzy = getattr(matcher, "fuzzy_search", None)
    if fuzzy is None:
        return content
    score, offsets = fuzzy.match(query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize("reverse", offset, offset + 1)
    return content
