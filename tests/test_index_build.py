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

SHIPPED = "8fb479866eed8bf52a0a8b26bd1df7525e290dc39fb205198d832ed68e860a19"
SYNTHETIC_300 = "962ea9c5264462fa5ffdc2d4565786c06a3e9ead6c4db944f47c1cd62e68a19a"


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


def test_build_patterns_match_what_the_saved_ones_match(kb: KnowledgeBase) -> None:
    # A fresh analyzer scans with guarded patterns; one loaded from its state uses the plain
    # sources. Both must find the very same spans in the knowledge and in questions.
    from pathlib import Path

    from app.core.match.analyzer import fold
    from app.core.match.index import doc_fields
    from app.core.match.text import normalise_keep_script

    fresh = Analyzer(kb.synonyms, kb.boilerplate, kb.readings)
    saved = Analyzer.from_state(fresh.state())
    assert fresh._concepts is not None and saved._concepts is not None
    assert fresh._concepts.pattern != saved._concepts.pattern
    _, _, fields = doc_fields(synthetic_kb(kb, 300))
    texts = [t for per_field in fields for group in per_field.values() for t in group]
    data = Path(__file__).parent / "data"
    for name in ("questions.tsv", "realistic_dev.tsv"):
        texts += data.joinpath(name).read_text(encoding="utf-8").splitlines()
    texts += ["apiデータ xapi apis api's", "チャットgptの保存", "saves s3 a"]
    for text in texts:
        folded = fold(normalise_keep_script(text))
        for a, b in ((fresh._concepts, saved._concepts), (fresh._boilerplate, saved._boilerplate)):
            assert a is not None and b is not None
            assert [m.span() for m in a.finditer(folded)] == [m.span() for m in b.finditer(folded)]


def test_run_character_classes_agree_with_text_module() -> None:
    from app.core.match import analyzer
    from app.core.match.text import is_hiragana, is_katakana

    for code in range(0x3000, 0xA000):
        ch = chr(code)
        assert (ch in analyzer._HIRAGANA) == is_hiragana(ch)
        assert bool(analyzer._ANY_KATAKANA.match(ch)) == is_katakana(ch)
