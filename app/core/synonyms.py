"""synonyms.toml: groups of words that mean one thing to the matcher, the phrases of one whose
words come in any order (`patterns`), the question boilerplate ignored when matching, and the
phrases that hold a term without meaning it (`not_terms`: 委託先管理 is no subprocessor)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from app.core.match.text import normalise
from app.core.tomldata import lang_lists, strings, unknown_keys

SYNONYMS_FILE = "synonyms.toml"
GROUP_KEYS = ("terms", "patterns")


class Synonyms(NamedTuple):
    groups: list[tuple[str, ...]]
    boilerplate: tuple[str, ...]
    patterns: list[tuple[str, str]]  # (first term of its group, regex)
    not_terms: tuple[str, ...]


def load_synonyms(root: Path, read: Any, add_problem: Any) -> Synonyms:
    """`read(path)` parses TOML or returns None; `add_problem(entry, field, message)` records a
    mistake."""
    groups: list[tuple[str, ...]] = []
    patterns: list[tuple[str, str]] = []
    path = root / SYNONYMS_FILE
    data = read(path) if path.exists() else None
    if data is None:
        return Synonyms(groups, (), patterns, ())
    for key in sorted(set(data) - {"group", "boilerplate", "not_terms"}):
        add_problem("-", key, "unknown top-level key")
    boilerplate = lang_lists(data, "boilerplate", lambda f, m: add_problem("boilerplate", f, m))
    not_terms = lang_lists(data, "not_terms", lambda f, m: add_problem("not_terms", f, m))
    raw_groups = data.get("group", [])
    if not isinstance(raw_groups, list):
        add_problem("-", "group", "must be an array of tables ([[group]])")
        return Synonyms(groups, boilerplate, patterns, not_terms)
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_groups):

        def add(fld: str, msg: str, i: int = i) -> None:
            add_problem(f"group #{i + 1}", fld, msg)

        if not isinstance(raw, dict):
            add("-", "must be a table")
            continue
        unknown_keys(raw, GROUP_KEYS, add)
        terms = strings(raw, "terms", add)
        if len(terms) < 2:
            add("terms", "needs at least two terms")
            continue
        empty = [t for t in terms if not normalise(t)]
        if empty:
            add("terms", f"{empty[0]!r} has no letter or digit to match")
            continue
        for term in terms:
            key = term.casefold()
            if key in seen and seen[key] != i:
                add("terms", f"{term!r} is already in group #{seen[key] + 1}")
            seen[key] = i
        groups.append(terms)
        for pattern in strings(raw, "patterns", add):
            try:
                re.compile(pattern)
            except re.error as err:
                add("patterns", f"{pattern!r} is no regular expression: {err}")
                continue
            patterns.append((terms[0], pattern))
    for phrase in not_terms:
        if phrase.casefold() in seen:
            add_problem(
                "not_terms", "-", f"{phrase!r} is a term of group #{seen[phrase.casefold()] + 1}"
            )
    return Synonyms(groups, boilerplate, patterns, not_terms)
