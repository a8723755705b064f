"""Words that by themselves make a question an out-of-scope topic's (`words` of a topic in
knowledge/out_of_scope.toml): 「料金」, "price". The policy never answers a question about a
price, however much else of it the question names ("Does a BAA cost extra?")."""

from __future__ import annotations

from collections.abc import Callable, Iterable

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

    def topic_of(
        self, text: str, within: Callable[[str], list[tuple[int, int]]] | None = None
    ) -> str | None:
        """The topic whose word the (normalised) text holds, if any. A word inside one of the
        spans `within(text)` gives (a phrase of the knowledge: "download the model") does not
        count; they are asked for only when the text holds a topic word at all."""
        if not self._topic:
            return None
        if self._table is None:
            self._table = TermTable(self._topic)
        found = self._table.spans(text, first=within is None)
        covered = within(text) if found and within is not None else []
        for a, b in found:
            if not any(c <= a and b <= d for c, d in covered):
                return matched_term(text[a:b], self._topic)
        return None
