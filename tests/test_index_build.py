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

SHIPPED = "0a44e0f55461ce7613ca7b9930d1395ce1e72ca785a152f2357d190230b45665"
SYNTHETIC_300 = "95ac7bd3711d5b6bb7b6f3e7b3b6e8085baaf94bd3b17884e448e089407e2eb1"


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
    data = build(
        kb, Analyzer(kb.synonyms, kb.boilerplate, kb.readings, kb.concept_patterns, kb.not_terms)
    )
    return hashlib.sha256(repr(_canonical(data)).encode()).hexdigest()


def test_shipped_knowledge_builds_the_same_index(kb: KnowledgeBase) -> None:
    assert digest(kb) == SHIPPED


def test_synthetic_entries_build_the_same_index(kb: KnowledgeBase) -> None:
    # Generated entries repeat texts and words, the case the build's caches are for.
    assert digest(synthetic_kb(kb, 300)) == SYNTHETIC_300


def test_term_tables_find_what_their_regex_finds(kb: KnowledgeBase) -> None:
    # A question is scanned by walking a table of prefixes, the index build by the compiled
    # regex: both must find the very same spans in the knowledge and in questions.
    from pathlib import Path

    from app.core.match.analyzer import fold
    from app.core.match.index import doc_fields
    from app.core.match.offtopic import TopicWords
    from app.core.match.patterns import TermTable
    from app.core.match.text import fold_kana, normalise_keep_script

    analyzer = Analyzer(kb.synonyms, kb.boilerplate, kb.readings, kb.concept_patterns, kb.not_terms)
    topics = TopicWords(kb.out_of_scope.values())._topic
    _, _, fields = doc_fields(synthetic_kb(kb, 300))
    texts = [t for per_field in fields for group in per_field.values() for t in group]
    data = Path(__file__).parent / "data"
    for name in ("questions.tsv", "realistic_dev.tsv"):
        texts += data.joinpath(name).read_text(encoding="utf-8").splitlines()
    texts += ["apiデータ xapi apis api's", "チャットgptの保存", "saves s3 a", "ほぞんきかん"]
    folded = [fold(normalise_keep_script(t)) for t in texts]
    folded += [t.replace(" ", "") + "s" for t in folded[-500:]]
    for terms, scan in (
        (analyzer.concept_of, folded),
        (analyzer._bp_terms, folded),
        (analyzer.reading_of, [fold_kana(t) for t in folded]),
        (topics, folded),
    ):
        table, regex = TermTable(terms, compile_after=10**9), TermTable(terms, compile_after=0)
        found = 0
        for text in scan:
            spans = table.spans(text)
            assert spans == regex.spans(text), text
            assert table.spans(text, first=True) == regex.spans(text, first=True) == spans[:1]
            assert table.blanked(text) == regex.blanked(text)
            found += bool(spans)
        assert regex._regex is not None and table._regex is None
        assert found >= 40  # the texts do hold terms (kana readings: 48 of them)


def test_run_character_classes_agree_with_text_module() -> None:
    from app.core.match import analyzer
    from app.core.match.text import is_hiragana, is_katakana

    for code in range(0x3000, 0xA000):
        ch = chr(code)
        assert (ch in analyzer._HIRAGANA) == is_hiragana(ch)
        assert bool(analyzer._ANY_KATAKANA.match(ch)) == is_katakana(ch)
