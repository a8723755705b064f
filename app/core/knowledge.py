"""Load and validate the knowledge base: entries, topics, synonyms and the source document.

Every mistake is reported as a Problem naming file, entry and field, so an editor can fix the
TOML without reading code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.match.text import printable
from app.core.paths import knowledge_dir
from app.core.readings import READINGS_FILE, load_readings
from app.core.scope import (
    MessageBoilerplate,
    OutOfScopeTopic,
    load_boilerplate,
    load_out_of_scope,
)
from app.core.synonyms import SYNONYMS_FILE, load_synonyms
from app.core.tomldata import string as _str
from app.core.tomldata import strings, unknown_keys

ENTRY_KEYS = {"id", "topic", "source", "quote", "related", "workflow", "ja", "en"}
LANG_KEYS = {"title", "answer", "questions"}
MIN_QUESTIONS = 8
ID_RE = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$")
SOURCE_FILE = "source.md"
TOO_DEEP = "not usable TOML: arrays or tables nested too deeply"


def one_line(text: str) -> str:
    """Untrusted text for one line of a terminal: controls and line breaks escaped."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        # One line per problem, whatever a key in the file contains.
        return ": ".join(one_line(s) for s in (self.file, self.entry, self.field, self.message))


class KnowledgeError(Exception):
    """Raised when the knowledge base cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class LangText:
    title: str
    answer: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    source: str
    quote: str
    ja: LangText
    en: LangText
    related: tuple[str, ...] = ()
    workflow: str | None = None
    file: str = ""

    def text(self, lang: str) -> LangText:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Topic:
    id: str
    ja: str
    en: str

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass
class KnowledgeBase:
    entries: dict[str, Entry]
    topics: dict[str, Topic]
    synonyms: list[tuple[str, ...]]
    source_text: str
    root: Path
    workflows: dict[str, Path] = field(default_factory=dict)
    # Question boilerplate per language ("を教えてください", "how do i"): ignored when matching.
    boilerplate: tuple[str, ...] = ()
    # Subjects the policy does not cover (out_of_scope.toml): declined with a redirect.
    out_of_scope: dict[str, OutOfScopeTopic] = field(default_factory=dict)
    # Greetings, sign-offs and asking phrases of whole messages (boilerplate.toml).
    message: MessageBoilerplate = field(default_factory=MessageBoilerplate)
    # Kana readings of kanji words (readings.toml): 保存 = ほぞん.
    readings: dict[str, str] = field(default_factory=dict)
    # Phrases whose words come in any order (synonyms.toml `patterns`): (first term, regex).
    concept_patterns: list[tuple[str, str]] = field(default_factory=list)
    # Phrases that hold a term without meaning it (synonyms.toml `not_terms`): 委託先管理.
    not_terms: tuple[str, ...] = ()

    def get(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def by_topic(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {t: [] for t in self.topics}
        for entry in self.entries.values():
            groups.setdefault(entry.topic, []).append(entry)
        return {t: es for t, es in groups.items() if es}

    def topic_label(self, topic: str, lang: str) -> str:
        t = self.topics.get(topic)
        return t.label(lang) if t else topic


def _read_toml(path: Path, root: Path, problems: list[Problem]) -> dict[str, Any] | None:
    import tomli  # here: a knowledge base read from the cache parses no TOML

    rel = _rel(path, root)
    try:
        with path.open("rb") as fh:
            return tomli.load(fh)
    except tomli.TOMLDecodeError as exc:
        problems.append(Problem(rel, "-", "toml", f"not valid TOML: {exc}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "-", "toml", f"not valid UTF-8: {exc}"))
    except RecursionError:  # tomli refuses more than 400 levels this way
        problems.append(Problem(rel, "-", "toml", TOO_DEEP))
    except OSError as exc:
        problems.append(Problem(rel, "-", "file", f"cannot be read: {exc.strerror}"))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _lang_text(raw: Any, lang: str, add: Any) -> LangText:
    if not isinstance(raw, dict):
        add(lang, "missing" if raw is None else "must be a table")
        return LangText("", "", ())

    def add_lang(key: str, msg: str) -> None:
        add(f"{lang}.{key}", msg)

    unknown_keys(raw, LANG_KEYS, add_lang)
    title = _str(raw, "title", add_lang)
    answer = _str(raw, "answer", add_lang)
    questions = strings(raw, "questions", add_lang)
    if "questions" in raw and isinstance(raw["questions"], list):
        blanks = [i for i, q in enumerate(questions) if not q.strip()]
        for i in blanks:
            add_lang(f"questions[{i}]", "is empty")
        if len(questions) < MIN_QUESTIONS:
            add_lang("questions", f"has {len(questions)} examples; needs {MIN_QUESTIONS}")
        seen: set[str] = set()
        for q in questions:
            if q in seen:
                add_lang("questions", f"lists {q!r} twice")
            seen.add(q)
    elif "questions" not in raw:
        add_lang("questions", "missing")
    return LangText(title, answer, questions)


def _squash(text: str) -> str:
    # Runs of white space count as one space, so wrapping a quote in TOML cannot break it.
    return re.sub(r"\s+", " ", text).strip()


def _parse_entry(raw: Any, index: int, rel: str, problems: list[Problem]) -> Entry | None:
    label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    name = label or f"entry #{index + 1}"  # counted from 1, as an editor counts [[entry]]

    def add(fld: str, msg: str) -> None:
        problems.append(Problem(rel, name, fld, msg))

    if not isinstance(raw, dict):
        add("-", "must be a table ([[entry]])")
        return None
    unknown_keys(raw, ENTRY_KEYS, add)
    entry_id = _str(raw, "id", add)
    if entry_id and not ID_RE.fullmatch(entry_id):
        add("id", f"{entry_id!r} is not of the form 'group.name' (lower case, digits, '-')")
    topic = _str(raw, "topic", add)
    source = _str(raw, "source", add)
    quote = _str(raw, "quote", add)
    related = strings(raw, "related", add)
    workflow = _str(raw, "workflow", add, required=False) or None
    ja = _lang_text(raw.get("ja"), "ja", add)
    en = _lang_text(raw.get("en"), "en", add)
    return Entry(entry_id, topic, source, quote, ja, en, related, workflow, rel)


def _load_topics(path: Path, root: Path, problems: list[Problem]) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    if not path.exists():
        problems.append(Problem(_rel(path, root), "-", "file", "missing"))
        return topics
    data = _read_toml(path, root, problems)
    if data is None:
        return topics
    rel = _rel(path, root)
    raw_topics = data.get("topic", {})
    if not isinstance(raw_topics, dict):
        problems.append(Problem(rel, "-", "topic", "must be a table of [topic.NAME]"))
        return topics
    for tid, raw in raw_topics.items():

        def add(fld: str, msg: str, tid: str = tid) -> None:
            problems.append(Problem(rel, f"topic.{tid}", fld, msg))

        if not isinstance(raw, dict):
            add("-", "must be a table")
            continue
        topics[tid] = Topic(tid, _str(raw, "ja", add), _str(raw, "en", add))
    return topics


def entry_files(root: Path) -> list[Path]:
    folder = root / "entries"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base; raise KnowledgeError listing every problem found."""
    kb, problems = check_knowledge(root)
    if problems:
        raise KnowledgeError(problems)
    return kb


def check_knowledge(root: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    root = (root or knowledge_dir()).resolve()
    problems: list[Problem] = []
    source_path = root / SOURCE_FILE
    try:
        source_text = source_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(_rel(source_path, root), "-", "file", f"cannot be read: {exc}"))
        source_text = ""

    entries: dict[str, Entry] = {}
    files = entry_files(root)
    if not files:
        problems.append(Problem(_rel(root / "entries", root), "-", "-", "no *.toml entry files"))
    complete = True  # every entry file was read: only then is an unknown id a mistake
    for path in files:
        data = _read_toml(path, root, problems)
        if data is None:
            complete = False
            continue
        rel = _rel(path, root)
        for key in sorted(set(data) - {"entry"}):
            problems.append(Problem(rel, "-", key, "unknown top-level key (expected [[entry]])"))
        raw_entries = data.get("entry", [])
        if not isinstance(raw_entries, list):
            problems.append(Problem(rel, "-", "entry", "must be an array of tables ([[entry]])"))
            continue
        for i, raw in enumerate(raw_entries):
            entry = _parse_entry(raw, i, rel, problems)
            if entry is None or not entry.id:
                continue
            if entry.id in entries:
                other = entries[entry.id].file
                problems.append(Problem(rel, entry.id, "id", f"duplicate id (also in {other})"))
                continue
            entries[entry.id] = entry

    topics = _load_topics(root / "topics.toml", root, problems)
    synonyms, boilerplate, concept_patterns, not_terms = load_synonyms(
        root,
        lambda p: _read_toml(p, root, problems),
        _adder(root / SYNONYMS_FILE, root, problems),
    )
    workflows = {p.stem: p for p in sorted((root / "workflows").glob("*.toml"))}
    out_of_scope = load_out_of_scope(
        root,
        lambda p: _read_toml(p, root, problems),
        _adder(root / "out_of_scope.toml", root, problems),
    )
    message = load_boilerplate(
        root,
        lambda p: _read_toml(p, root, problems),
        _adder(root / "boilerplate.toml", root, problems),
    )
    readings = load_readings(
        root,
        lambda p: _read_toml(p, root, problems),
        _adder(root / READINGS_FILE, root, problems),
    )
    kb = KnowledgeBase(
        entries,
        topics,
        synonyms,
        source_text,
        root,
        workflows,
        boilerplate,
        out_of_scope,
        message,
        readings,
        concept_patterns,
        not_terms,
    )
    problems.extend(_cross_check(kb, complete))
    return kb, problems


def _adder(path: Path, root: Path, problems: list[Problem]) -> Any:
    rel = _rel(path, root)

    def add(entry: str, fld: str, msg: str) -> None:
        problems.append(Problem(rel, entry, fld, msg))

    return add


def _cross_check(kb: KnowledgeBase, complete: bool = True) -> Iterable[Problem]:
    """Problems between files; with an entry file unreadable (`complete` false), its entries'
    ids are not reported as unknown where others name them: the one real error is enough."""
    squashed_source = _squash(kb.source_text)
    headings = {
        line.lstrip("#").strip() for line in kb.source_text.splitlines() if line.startswith("#")
    }
    for e in kb.entries.values():
        if e.topic and kb.topics and e.topic not in kb.topics:
            yield Problem(e.file, e.id, "topic", f"unknown topic {e.topic!r} (see topics.toml)")
        if e.source and e.source.strip() not in headings:
            yield Problem(e.file, e.id, "source", "is not a heading of the source document")
        if e.quote and kb.source_text and _squash(e.quote) not in squashed_source:
            yield Problem(e.file, e.id, "quote", "is not verbatim in the source document")
        for rid in e.related:
            if rid not in kb.entries:
                if complete:
                    yield Problem(e.file, e.id, "related", f"unknown entry id {rid!r}")
            elif rid == e.id:
                yield Problem(e.file, e.id, "related", "an entry cannot be related to itself")
        if e.workflow and e.workflow not in kb.workflows:
            yield Problem(e.file, e.id, "workflow", f"unknown workflow {e.workflow!r}")
    for tid in kb.out_of_scope:
        if tid in kb.entries:
            yield Problem("out_of_scope.toml", tid, "id", "is also an entry id")
