"""The country field: a dropdown that can be searched while closed, in either language.

A closed Select ignores typing, and Textual's own search (open list only) compares the start of
the shown label: 「どいつ」 would not find ドイツ, nor "Germany" in the Japanese interface. Here
what is typed is compared, folded (kana to hiragana, case), with the country's names in both
languages, the kana readings of names written in kanji, and its code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from time import monotonic
from typing import Any

from textual.events import Key
from textual.message import Message
from textual.timer import Timer

from app.core.countries import Country
from app.core.i18n import _
from app.core.match.text import normalise
from app.tui.widgets.textual_text import LocalSelect

RESET_AFTER = 1.5  # seconds without typing start a new search
SAY_AFTER = 0.6  # "no country matches" once typing pauses, not once per key


def search_keys(country: Country) -> tuple[str, ...]:
    names = [country.ja, country.en, *country.kana.split(), *country.also.split(), country.code]
    return tuple(k for k in (normalise(n) for n in names) if k)


def find_country(typed: str, countries: Iterable[Country]) -> str | None:
    """The first country a name of which starts with the text, else one that contains it."""
    query = normalise(typed)
    if not query:
        return None
    ordered = list(countries)
    for test in (str.startswith, str.__contains__):
        for country in ordered:
            if any(test(key, query) for key in search_keys(country)):
                return country.code
    return None


class CountrySelect(LocalSelect[str]):
    def __init__(self, options: Any, countries: Mapping[str, Country], **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self.countries = countries
        self.typed = ""
        self._typed_at = 0.0
        self._no_match: Timer | None = None

    class Confirmed(Message):
        """Enter on a closed list with a country chosen: go on, as Enter does in a text box."""

    def on_key(self, event: Key) -> None:
        if self.expanded:
            return  # the open list has its own search
        if event.key == "enter" and not self.is_blank():
            # "germ" + Enter picked Germany; opening the list again would make Enter mean two
            # things. Down or up opens it; Enter opens it while nothing is chosen.
            event.stop()
            event.prevent_default()
            self.typed = ""
            self.post_message(self.Confirmed())
            return
        now = monotonic()
        if now - self._typed_at > RESET_AFTER:
            self.typed = ""
        if event.key == "backspace" and self.typed:
            self.typed = self.typed[:-1]
        elif event.character and event.character.isprintable() and event.is_printable:
            if event.character == " " and not self.typed:
                return
            self.typed += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        self._typed_at = now
        code = find_country(self.typed, self.countries.values())
        if self._no_match is not None:
            self._no_match.stop()
            self._no_match = None
        if code is None:
            # Nothing matches: no country stays chosen by a shorter prefix ("brit" → Brazil?),
            # and the agent is told what was typed, once typing pauses.
            self.clear()
            self._no_match = self.set_timer(SAY_AFTER, self._say_no_match)
        elif code != self.value:
            self.value = code

    def _say_no_match(self) -> None:
        self._no_match = None
        if self.typed:
            self.notify(_("No country matches “{typed}”.").format(typed=self.typed))
