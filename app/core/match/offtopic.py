"""Words that by themselves make a question an out-of-scope topic's (`words` of a topic in
knowledge/out_of_scope.toml): 「料金」, "price". The policy never answers a question about a
price, however much else of it the question names ("Does a BAA cost extra?")."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.match.patterns import TermTable, matched_term
from app.core.match.text import normalise_keep_script
from app.core.scope import OutOfScopeTopic


class TopicWords:
    def __init__(self, topics: Iterable[OutOfScopeTopic]) -> None:
        self._topic: dict[str, str] = {}
        for t in topics:
            for w in t.words:
                self._topic.setdefault(normalise_keep_script(w), t.id)
        self._table: TermTable | None = None  # built at first use

    def topic_of(self, text: str, within: Iterable[tuple[int, int]] = ()) -> str | None:
        """The topic whose word the (normalised) text holds, if any. A word inside one of the
        `within` spans (a phrase of the knowledge: "download the model") does not count."""
        if not self._topic:
            return None
        if self._table is None:
            self._table = TermTable(self._topic)
        covered = list(within)
        for a, b in self._table.spans(text, first=not covered):
            if not any(c <= a and b <= d for c, d in covered):
                return matched_term(text[a:b], self._topic)
        return None
