"""The built index is pinned by a digest, so making the build faster cannot change what it builds.

If a change to the analyzer or the knowledge is meant to change the index, update the digests
below in the same commit and say why.
"""

from __future__ import annotations

import hashlib
from typing import Any

from app.core.knowledge import KnowledgeBase
from app.core.match.analyzer import Analyzer
from app.core.match.index import build
from bench.__main__ import synthetic_kb

SHIPPED = "c9e288e57a67c48a6c638ea0afed6b79dd523943399d02e1c67007b15546b71d"
SYNTHETIC_300 = "4d81a70b9b1d99a6fc51e0922c26960e0593dca5857d581d0fe345ad12c60a55"


def _canonical(value: Any) -> Any:
    # Dict and set order depends on string hashing, which changes per process: sort them.
    # Hashed as repr, not marshal: marshal's output depends on object identity.
    if isinstance(value, dict):
        return tuple(sorted((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    return value


def digest(kb: KnowledgeBase) -> str:
    data = build(kb, Analyzer(kb.synonyms, kb.boilerplate, kb.readings))
    return hashlib.sha256(repr(_canonical(data)).encode()).hexdigest()


def test_shipped_knowledge_builds_the_same_index(kb: KnowledgeBase) -> None:
    assert digest(kb) == SHIPPED


def test_synthetic_entries_build_the_same_index(kb: KnowledgeBase) -> None:
    # Generated entries repeat texts and words, the case the build's caches are for.
    assert digest(synthetic_kb(kb, 300)) == SYNTHETIC_300
