"""One regular expression for many terms (concepts, boilerplate, readings, topic words),
built as a trie so it stays fast to compile and to match with hundreds of terms."""

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
    return terms.get(found) or terms[found[:-1]]


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
