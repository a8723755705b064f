"""Every entry, grouped under its topic; narrowed by the matcher as the filter is typed."""

from __future__ import annotations

import re
import weakref

from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.matcher import Matcher
from app.core.match.text import normalise
from app.tui.text import plain
from app.tui.widgets.prose import Wrapped


def filter_entries(kb: KnowledgeBase, matcher: Matcher, query: str) -> list[Entry]:
    """Entries whose words start with what was typed (titles first), then the matcher's ranking.

    A filter is read while it is being typed: "ret", "encr", "ほぞ" must already find
    something, which the matcher (built for whole questions) does not.
    """
    if not query.strip():
        return list(kb.entries.values())
    found = literal_matches(kb, query)
    ranked = matcher.rank(query, limit=len(kb.entries))
    order = {c.id: n for n, c in enumerate(ranked)}
    ids = sorted(found, key=lambda i: (-found[i], order.get(i, len(order))))
    ids += [c.id for c in ranked if c.score > 0 and c.id not in found]
    return [kb.entries[i] for i in ids if i in kb.entries]


# What each part of an entry weighs when a typed word is found in it.
_FIELD_WEIGHTS = (3, 2, 1)  # titles, example questions, answer and quote
# One index per knowledge base (a dataclass, so not hashable): keyed by id, checked by weakref.
_indexes: dict[int, tuple[weakref.ref[KnowledgeBase], dict[str, tuple[str, ...]]]] = {}


def _index(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Per entry, its normalised titles, questions and body text, both languages together."""
    cached = _indexes.get(id(kb))
    if cached is not None and cached[0]() is kb:
        return cached[1]
    index = {
        e.id: (
            normalise(f"{e.ja.title} {e.en.title}"),
            normalise(" ".join((*e.ja.questions, *e.en.questions))),
            normalise(f"{e.ja.answer} {e.en.answer} {e.quote}"),
        )
        for e in kb.entries.values()
    }
    _indexes[id(kb)] = (weakref.ref(kb), index)
    return index


def _patterns(kb: KnowledgeBase, word: str) -> list[re.Pattern[str]]:
    """The word and its synonyms; kana also those of a term it begins (ほぞ → ほぞん → 保存)."""
    terms = {word}
    for group in kb.synonyms:
        folded = [normalise(t) for t in group]
        # Kana being typed reaches its kanji by prefix; a Latin word only as a whole word
        # ("ret" would otherwise bring in "hold" by way of "retention").
        if word in folded or (
            not word.isascii() and len(word) >= 2 and any(t.startswith(word) for t in folded)
        ):
            terms.update(t for t in folded if t)
    # Latin words match from the start of a word ("ret" is in "retention", not "secret").
    return [
        re.compile((r"(?<![a-z0-9])" if t.isascii() else "") + re.escape(t)) for t in sorted(terms)
    ]


def literal_matches(kb: KnowledgeBase, query: str) -> dict[str, int]:
    """Entries holding every typed word (as a word start or a synonym), with a weight."""
    words = normalise(query).split()
    if not words:
        return {}
    patterns = [_patterns(kb, w) for w in words]
    found: dict[str, int] = {}
    for entry_id, fields in _index(kb).items():
        total = 0
        for alternatives in patterns:
            best = max(
                (
                    weight
                    for weight, text in zip(_FIELD_WEIGHTS, fields, strict=True)
                    if any(p.search(text) for p in alternatives)
                ),
                default=0,
            )
            if not best:
                break
            total += best
        else:
            found[entry_id] = total
    return found


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
        /* No focus border, and room for the scrollbar kept whether it shows or not: option
           heights are measured at one width, and a narrower list would cut the last line. */
        &:focus { border: none; }
        scrollbar-gutter: stable;
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
