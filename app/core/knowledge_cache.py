"""The parsed knowledge base saved with marshal, so `kotae ask` does not parse the knowledge's
TOML files at every start (importing the parser and reading the files was about a tenth of a
cold run).

The key is a hash of every file under the knowledge folder (names and bytes), of the loading
code's source and of the Python version: any edit is read afresh. Only a knowledge base without
problems is saved, so `kotae check` and a malformed file report exactly as before. A missing,
stale or corrupt file is parsed again without a word; the folder is the index cache's.
"""

from __future__ import annotations

import marshal
import sys
from pathlib import Path
from typing import Any

from app.core.files import blake2b, prune, write_atomic
from app.core.knowledge import Entry, KnowledgeBase, LangText, Topic, load_knowledge
from app.core.paths import cache_dir, knowledge_dir
from app.core.scope import MessageBoilerplate, OutOfScopeTopic, ScopeText

FORMAT = 2
KEEP = 4  # as the index cache
# The code a parsed knowledge base depends on: a change to any of it is read afresh.
_CODE = (
    "knowledge.py",
    "knowledge_cache.py",
    "scope.py",
    "synonyms.py",
    "readings.py",
    "tomldata.py",
)


def key(root: Path) -> str | None:
    """The hash of everything the knowledge base is read from; None when a file cannot be read."""
    h = blake2b(digest_size=20)
    h.update(f"{FORMAT} {sys.version} {root}".encode())
    here = Path(__file__).parent
    try:
        for name in _CODE:
            h.update((here / name).read_bytes())
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            h.update(f"\0{path.relative_to(root)}\0{len(data)}\0".encode())
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()


def load_knowledge_cached(root: Path | None = None) -> KnowledgeBase:
    """load_knowledge, from the cache when the knowledge has not changed since it was saved."""
    root = (root or knowledge_dir()).resolve()
    k = key(root)
    if k is None:
        return load_knowledge(root)
    folder = cache_dir()
    path = folder / f"knowledge-{k}.marshal"
    try:
        return _from_plain(marshal.loads(path.read_bytes()), root)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        pass
    kb = load_knowledge(root)  # raises KnowledgeError, which nothing here hides
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, marshal.dumps(_plain(kb)))
    except (OSError, ValueError):
        return kb  # an unwritable cache costs only the parse
    prune(folder, "knowledge-", KEEP)
    return kb


def _lang(t: LangText | ScopeText) -> tuple[Any, ...]:
    return (t.title, t.answer if isinstance(t, LangText) else t.redirect, t.questions)


def _plain(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "entries": [
            (
                e.id,
                e.topic,
                e.source,
                e.quote,
                _lang(e.ja),
                _lang(e.en),
                e.related,
                e.workflow,
                e.file,
            )
            for e in kb.entries.values()
        ],
        "topics": [(t.id, t.ja, t.en) for t in kb.topics.values()],
        "synonyms": kb.synonyms,
        "source_text": kb.source_text,
        "workflows": [(name, str(p.relative_to(kb.root))) for name, p in kb.workflows.items()],
        "boilerplate": kb.boilerplate,
        "out_of_scope": [
            (t.id, _lang(t.ja), _lang(t.en), t.words) for t in kb.out_of_scope.values()
        ],
        "message": kb.message.phrases,
        "readings": kb.readings,
        "concept_patterns": kb.concept_patterns,
        "not_terms": kb.not_terms,
    }


def _from_plain(data: dict[str, Any], root: Path) -> KnowledgeBase:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a knowledge cache of this format")
    entries = {}
    for eid, topic, source, quote, ja, en, related, workflow, file in data["entries"]:
        entries[eid] = Entry(
            eid, topic, source, quote, LangText(*ja), LangText(*en), related, workflow, file
        )
    return KnowledgeBase(
        entries,
        {tid: Topic(tid, ja, en) for tid, ja, en in data["topics"]},
        data["synonyms"],
        data["source_text"],
        root,
        {name: root / rel for name, rel in data["workflows"]},
        data["boilerplate"],
        {
            tid: OutOfScopeTopic(tid, ScopeText(*ja), ScopeText(*en), words)
            for tid, ja, en, words in data["out_of_scope"]
        },
        MessageBoilerplate(data["message"]),
        data["readings"],
        data["concept_patterns"],
        data["not_terms"],
    )
