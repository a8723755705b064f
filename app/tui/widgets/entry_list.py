"""Every entry, grouped under its topic; narrowed by the matcher as the filter is typed."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.matcher import Matcher
from app.tui.text import plain
from app.tui.widgets.prose import Wrapped


def filter_entries(kb: KnowledgeBase, matcher: Matcher, query: str) -> list[Entry]:
    """Entries the matcher scores above zero for the query, best first; all when it is blank."""
    if not query.strip():
        return list(kb.entries.values())
    ranked = matcher.rank(query, limit=len(kb.entries))
    return [kb.entries[c.id] for c in ranked if c.score > 0 and c.id in kb.entries]


def grouped(kb: KnowledgeBase, entries: list[Entry]) -> dict[str, list[Entry]]:
    """Group by topic; topics keep the order of their first (best) entry."""
    groups: dict[str, list[Entry]] = {}
    if len(entries) == len(kb.entries):
        order = list(kb.by_topic())
        groups = {t: [] for t in order}
    for entry in entries:
        groups.setdefault(entry.topic, []).append(entry)
    return {t: es for t, es in groups.items() if es}


class EntryList(OptionList):
    DEFAULT_CSS = """
    EntryList {
        height: 1fr;
        border: none;
        padding: 0 0 0 1;
        /* No focus border: it would narrow the list after option heights were measured. */
        &:focus { border: none; }
        & > .option-list--option-disabled {
            color: $text-primary;
            text-style: bold underline;
        }
    }
    """

    def show(self, kb: KnowledgeBase, entries: list[Entry], lang: str) -> None:
        """Replace the options; topic headers are disabled options, so the cursor skips them."""
        options: list[Option] = []
        for topic, members in grouped(kb, entries).items():
            options.append(Option(plain(kb.topic_label(topic, lang)), disabled=True))
            options.extend(Option(Wrapped(plain(e.text(lang).title)), id=e.id) for e in members)
        self.clear_options()
        self.add_options(options)

    def select_first(self) -> bool:
        for index, option in enumerate(self.options):
            if not option.disabled:
                self.highlighted = index
                return True
        return False

    def select_id(self, entry_id: str) -> bool:
        try:
            self.highlighted = self.get_option_index(entry_id)
        except OptionDoesNotExist:  # filtered out
            return False
        return True

    @property
    def entry_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None
