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

SHIPPED = "b16fa3f52cbe17550c4f43ca6ce9444cc639ab98fbde644c9faa64d39eeca070"
SYNTHETIC_300 = "daaed251002391043626a2e0f9d238654cee0e0b4dc5d88e841953d5fa68f33f"


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
