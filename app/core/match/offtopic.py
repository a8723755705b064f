"""Words that by themselves make a question an out-of-scope topic's (`words` of a topic in
knowledge/out_of_scope.toml): 「料金」, "price". The policy never answers a question about a
price, however much else of it the question names ("Does a BAA cost extra?")."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
            words = sorted(self._topic, key=len, reverse=True)
            self._pattern = re.compile(
                "|".join(
                    rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if w.isascii() else re.escape(w)
                    for w in words
                )
            )
        m = self._pattern.search(text)
        return self._topic[m.group()] if m else None
