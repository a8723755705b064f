"""The knowledge files around the entries that shape matching: out-of-scope topics
(`out_of_scope.toml`) and message boilerplate (`boilerplate.toml`). Loaded and checked here so
`kotae check` names file, topic and field of every mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.tomldata import LANGS, lang_lists, unknown_keys
from app.core.tomldata import string as _str

OUT_OF_SCOPE_FILE = "out_of_scope.toml"
BOILERPLATE_FILE = "boilerplate.toml"
MIN_TOPIC_QUESTIONS = 6
TOPIC_ID = re.compile(r"^[a-z][a-z0-9-]*$")
BOILERPLATE_KINDS = (
    "greeting",
    "signoff",
    "introduction",
    "asking",
    "wanting",
    "contact",
    "question_start",
    "filler",
    "recap",
)


@dataclass(frozen=True)
class ScopeText:
    title: str
    redirect: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class OutOfScopeTopic:
    """A subject the policy does not cover, with a polite pointer to where it is answered."""

    id: str
    ja: ScopeText
    en: ScopeText
    # Words that by themselves make a question this topic's, whatever else it names (料金,
    # price): the policy never answers a question about them.
    words: tuple[str, ...] = ()

    def text(self, lang: str) -> ScopeText:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class MessageBoilerplate:
    """Phrases per kind (greeting, signoff, …), both languages together."""

    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, kind: str) -> tuple[str, ...]:
        return self.phrases.get(kind, ())


def load_out_of_scope(root: Path, read: Any, add_problem: Any) -> dict[str, OutOfScopeTopic]:
    """Topics from out_of_scope.toml (optional file). `read(path)` parses TOML or returns None;
    `add_problem(entry, field, message)` records a mistake."""
    path = root / OUT_OF_SCOPE_FILE
    topics: dict[str, OutOfScopeTopic] = {}
    if not path.exists():
        return topics
    data = read(path)
    if data is None:
        return topics
    for key in sorted(set(data) - {"topic"}):
        add_problem("-", key, "unknown top-level key (expected [[topic]])")
    raw_topics = data.get("topic", [])
    if not isinstance(raw_topics, list):
        add_problem("-", "topic", "must be an array of tables ([[topic]])")
        return topics
    for i, raw in enumerate(raw_topics):
        name = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        label = name or f"topic #{i + 1}"

        def add(fld: str, msg: str, label: str = label) -> None:
            add_problem(label, fld, msg)

        if not isinstance(raw, dict):
            add("-", "must be a table ([[topic]])")
            continue
        unknown_keys(raw, {"id", "words", *LANGS}, add)
        tid = _str(raw, "id", add)
        if tid and not TOPIC_ID.match(tid):
            add("id", f"{tid!r} must be lower case letters, digits and '-'")
        words = _words(raw, add)
        # A topic its words define needs no example questions.
        texts = [_scope_text(raw.get(lang), lang, add, not words) for lang in LANGS]
        if not tid:
            continue
        if tid in topics:
            add("id", "duplicate topic id")
            continue
        topics[tid] = OutOfScopeTopic(tid, texts[0], texts[1], words)
    return topics


def _words(raw: dict[str, Any], add: Any) -> tuple[str, ...]:
    return _strings(raw.get("words", []), "words", add) or ()


def _strings(value: Any, key: str, add: Any) -> tuple[str, ...] | None:
    """A list of strings, blank ones left out; None when it is no list of strings. Blank and
    repeated ones are reported as `key[index]` and `key`."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        add(key, "must be a list of strings")
        return None
    seen: set[str] = set()
    for j, v in enumerate(value):
        if not v.strip():
            add(f"{key}[{j}]", "is empty")
        elif v in seen:
            add(key, f"lists {v!r} twice")
        seen.add(v)
    return tuple(v for v in value if v.strip())


def _scope_text(raw: Any, lang: str, add: Any, need_questions: bool = True) -> ScopeText:
    if not isinstance(raw, dict):
        add(lang, "missing" if raw is None else "must be a table")
        return ScopeText("", "", ())

    def add_lang(key: str, msg: str) -> None:
        add(f"{lang}.{key}", msg)

    unknown_keys(raw, {"title", "redirect", "questions"}, add_lang)
    title = _str(raw, "title", add_lang)
    redirect = _str(raw, "redirect", add_lang)
    raw_questions = raw.get("questions")
    if raw_questions is None and not need_questions:
        return ScopeText(title, redirect, ())
    questions = _strings(raw_questions, "questions", add_lang)
    if questions is None:
        return ScopeText(title, redirect, ())
    if need_questions and len(raw_questions) < MIN_TOPIC_QUESTIONS:
        add_lang("questions", f"has {len(raw_questions)} examples; needs {MIN_TOPIC_QUESTIONS}")
    return ScopeText(title, redirect, questions)


def load_boilerplate(root: Path, read: Any, add_problem: Any) -> MessageBoilerplate:
    path = root / BOILERPLATE_FILE
    if not path.exists():
        return MessageBoilerplate()
    data = read(path)
    if data is None:
        return MessageBoilerplate()
    phrases: dict[str, tuple[str, ...]] = {}
    for kind in sorted(set(data) - set(BOILERPLATE_KINDS)):
        add_problem(kind, "-", f"unknown table (expected one of {', '.join(BOILERPLATE_KINDS)})")
    for kind in BOILERPLATE_KINDS:
        phrases[kind] = lang_lists(data, kind, lambda f, m, kind=kind: add_problem(kind, f, m))
    return MessageBoilerplate(phrases)
