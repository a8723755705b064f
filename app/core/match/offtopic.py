"""Words that by themselves make a question an out-of-scope topic's (`words` of a topic in
knowledge/out_of_scope.toml): 「料金」, "price". The policy never answers a question about a
price, however much else of it the question names ("Does a BAA cost extra?")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.core.match.patterns import alternation_source, matched_term
from app.core.match.text import normalise_keep_script
from app.core.scope import OutOfScopeTopic


class TopicWords:
    def __init__(self, topics: Iterable[OutOfScopeTopic]) -> None:
        self._topic: dict[str, str] = {}
        for t in topics:
            for w in t.words:
                self._topic.setdefault(normalise_keep_script(w), t.id)
        self._pattern: re.Pattern[str] | None = None  # compiled at first use

    def topic_of(self, text: str) -> str | None:
        """The topic whose word the (normalised) text holds, if any."""
        if not self._topic:
            return None
        if self._pattern is None:
            # As a trie: hundreds of words compile in a third of the time of a plain "a|b|…".
            self._pattern = re.compile(alternation_source(self._topic))
        m = self._pattern.search(text)
        if m is None:
            return None
        return matched_term(m.group(), self._topic)
