"""Finding many terms in a text (concepts, boilerplate, readings, topic words): one regular
expression built as a trie, and a table of prefixes that finds the same spans without
compiling it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping


def alternation_source(terms: Iterable[str], guard: bool = False) -> str:
    """One regex for many terms, built as a trie so it stays fast with hundreds of terms.

    Japanese terms match anywhere; ASCII terms match whole words only. Japanese terms come
    first so "apiデータ" wins over "api" at the same place; within a trie longer wins.
    `guard` puts a lookahead for the terms' first characters in front of each trie: the same
    matches, found faster in long texts.
    """
    terms = {t for t in terms if t}
    japanese = {t for t in terms if not t.isascii()}
    ascii_ = {t for t in terms if t.isascii()}
    parts = []
    if japanese:
        parts.append(_first_chars(japanese, guard) + _trie(japanese))
    if ascii_:
        # An optional plural "s" spares the synonym table every plural of a phrase.
        trie = _first_chars(ascii_, guard) + _trie(ascii_)
        parts.append(rf"(?<![a-z0-9]){trie}s?(?![a-z0-9])")
    return "|".join(parts)


def matched_term(found: str, terms: Mapping[str, str]) -> str:
    """The value of the term a match of `alternation_source(terms)` found: the match itself,
    or, for an ASCII term, the match without the optional plural "s" it may carry."""
    value = terms.get(found)
    return value if value is not None else terms[found[:-1]]


def _first_chars(terms: set[str], guard: bool) -> str:
    if not guard:
        return ""
    return "(?=[" + "".join(re.escape(ch) for ch in sorted({t[0] for t in terms})) + "])"


def _trie(terms: set[str]) -> str:
    root: dict[str, dict] = {}
    for term in terms:
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: the longer term is tried first, the shorter one still matches.
        return f"(?:{body})?" if "" in node else body

    return build(root)


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


# A table scanned this often (building an index, a long session) compiles its regex: faster
# per text, but compiling it costs milliseconds that one question never needs to pay.
COMPILE_AFTER = 50


class TermTable:
    """The spans `re.compile(alternation_source(terms))` finds: by walking a table of the
    terms' prefixes, so that `kotae ask` compiles no large regex, then, once the table has been
    scanned COMPILE_AFTER times, by the regex."""

    def __init__(self, terms: Iterable[str], compile_after: int = COMPILE_AFTER) -> None:
        self._terms = [t for t in terms if t]
        self._regex: re.Pattern[str] | None = None
        self._scans_left = compile_after
        self._ja: dict[str, bool] = {}  # prefix -> is a whole term
        self._en: dict[str, bool] = {}
        for term in self._terms:
            table = self._en if term.isascii() else self._ja
            for k in range(1, len(term)):
                table.setdefault(term[:k], False)
            table[term] = True

    def __bool__(self) -> bool:
        return bool(self._ja or self._en)

    def spans(self, text: str, first: bool = False) -> list[tuple[int, int]]:
        """(start, end) of each match, left to right, as `finditer` gives them."""
        if self._regex is None and self._scans_left > 0:
            self._scans_left -= 1
        elif self._terms:
            if self._regex is None:
                self._regex = re.compile(alternation_source(self._terms, guard=True))
            if first:
                m = self._regex.search(text)
                return [m.span()] if m else []
            return [m.span() for m in self._regex.finditer(text)]
        ja, en = self._ja, self._en
        found: list[tuple[int, int]] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            end = 0
            if ch in ja:  # Japanese terms first, the longest, anywhere
                j = i + 1
                while j <= n and (whole := ja.get(text[i:j])) is not None:
                    if whole:
                        end = j
                    j += 1
            if not end and ch in en and (i == 0 or text[i - 1] not in _WORD_CHARS):
                ends = []
                j = i + 1
                while j <= n and (whole := en.get(text[i:j])) is not None:
                    if whole:
                        ends.append(j)
                    j += 1
                # A whole word, the longest first, with an optional plural "s".
                for e in reversed(ends):
                    if text[e : e + 1] == "s" and text[e + 1 : e + 2] not in _WORD_CHARS:
                        end = e + 1
                        break
                    if text[e : e + 1] not in _WORD_CHARS:
                        end = e
                        break
            if end:
                found.append((i, end))
                if first:
                    break
                i = end
            else:
                i += 1
        return found

    def blanked(self, text: str) -> str:
        """The text with every match replaced by as many spaces."""
        if self._regex is not None:
            return self._regex.sub(_spaces, text)
        return blank(text, self.spans(text))


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by as many spaces (positions stay where they were)."""
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _spaces(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())
