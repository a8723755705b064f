"""The search index: field-weighted BM25 (BM25F) over everything an entry says, plus an index of
single example questions for the nearest-example signal.

Documents are the entries followed by the out-of-scope topics, so a question about prices finds
the pricing topic as positively as a question about retention finds its entry. Fields: title,
answer, quote and example questions, both languages in each. The per-term BM25F contribution
does not depend on the question, so it is computed here once; a query only sums postings.

Everything is plain data (dicts, lists, bytes) so the index can be saved with marshal.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.core.knowledge import KnowledgeBase
from app.core.match import slips
from app.core.match.analyzer import KANA_WORD, Analyzer
from app.core.match.text import normalise_keep_script

FIELDS = ("title", "answer", "quote", "examples")
# Weights and length normalisation per field; chosen on held-out example questions
# (bench/calibrate.py), not on any labelled question set.
FIELD_WEIGHT = {"title": 1.0, "answer": 0.5, "quote": 0.3, "examples": 1.0}
FIELD_B = {"title": 0.3, "answer": 0.5, "quote": 0.5, "examples": 0.3}
K1 = 5.0
DEFINING_SHARE = 0.95
_ANY_WIDTH_KANA = re.compile("[\u30a1-\u30faー\uff66-\uff9f]{4,}")


def doc_fields(kb: KnowledgeBase) -> tuple[list[str], int, list[dict[str, list[str]]]]:
    """(doc ids, number of entries, texts per field per doc). Topics are ids 'oos:NAME'."""
    ids: list[str] = []
    fields: list[dict[str, list[str]]] = []
    for e in kb.entries.values():
        ids.append(e.id)
        fields.append(
            {
                "title": [e.ja.title, e.en.title],
                "answer": [e.ja.answer, e.en.answer],
                "quote": [e.quote],
                "examples": [*e.ja.questions, *e.en.questions],
            }
        )
    n_entries = len(ids)
    for t in kb.out_of_scope.values():
        if not (t.ja.questions or t.en.questions):
            continue  # known by its words alone; kept out of the ranking and its statistics
        ids.append("oos:" + t.id)
        fields.append(
            {"title": [t.ja.title, t.en.title], "examples": [*t.ja.questions, *t.en.questions]}
        )
    return ids, n_entries, fields


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def build(kb: KnowledgeBase, analyzer: Analyzer) -> dict[str, Any]:
    # The build allocates millions of small dicts and tuples and frees no cycles: the cyclic
    # collector's passes over them cost about a fifth of a large build, for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(kb, analyzer)
    finally:
        if enabled:
            gc.enable()


def _build(kb: KnowledgeBase, analyzer: Analyzer) -> dict[str, Any]:
    ids, n_entries, fields = doc_fields(kb)
    n = len(ids)
    # Texts repeat across entries (a shared quote, "…"); analysis is pure, so each distinct text
    # is analysed once. Only what the index keeps is remembered, not the labels.
    seen: dict[str, tuple[dict[str, float], str]] = {}
    for per_field in fields:
        for texts in per_field.values():
            for text in texts:
                if text not in seen:
                    a = analyzer.analyze(text, query=False)
                    seen[text] = (a.features, a.canonical)
    joined = " ".join([canon for _, canon in seen.values()])
    # Katakana words, half-width ones too; normalising only them is far cheaper than all text.
    written = set(_ANY_WIDTH_KANA.findall(" ".join(seen)))
    kana = {w for x in written for w in KANA_WORD.findall(normalise_keep_script(x))}
    analyzer.set_vocabulary(
        {w for w in set(joined.split()) if w.isascii()}, kana, slips.kanji_pairs(seen)
    )
    # Per doc and field: feature -> summed script weight; field lengths. The example questions'
    # postings are gathered in the same pass; their values need idf, so they follow.
    tf: list[list[dict[str, float]]] = []
    lengths: dict[str, list[float]] = {f: [] for f in FIELDS}
    ex_docs: dict[str, array[int]] = {}
    ex_weights: dict[str, list[float]] = {}
    ex_feats: list[dict[str, float]] = []
    owner, canonical = array("i"), []
    for d, per_field in enumerate(fields):
        doc_tf = []
        for fname in FIELDS:
            counts: dict[str, float] = {}
            for text in per_field.get(fname, ()):
                feats, canon = seen[text]
                if not counts:
                    counts = dict(feats)  # the same as adding each to 0.0
                else:
                    for f, s in feats.items():
                        counts[f] = counts.get(f, 0.0) + s
                if fname == "examples" and feats:
                    x = len(ex_feats)
                    for f, s in feats.items():
                        docs = ex_docs.get(f)
                        if docs is None:
                            ex_docs[f] = array("i", (x,))
                            ex_weights[f] = [s]
                        else:
                            docs.append(x)
                            ex_weights[f].append(s)
                    ex_feats.append(feats)
                    owner.append(d)
                    canonical.append(canon)
            doc_tf.append(counts)
            lengths[fname].append(sum(counts.values()))
        tf.append(doc_tf)
    avg = {f: (sum(v) / max(1, sum(1 for x in v if x))) or 1.0 for f, v in lengths.items()}
    # One pass gives each feature its documents (so its df) and BM25F term weight; the
    # saturated values need idf, so they follow per feature.
    post_docs: dict[str, array[int]] = {}
    post_tf: dict[str, list[float]] = {}
    per_field_of = [
        (lengths[fname], avg[fname], FIELD_B[fname], FIELD_WEIGHT[fname]) for fname in FIELDS
    ]
    for d, doc_tf in enumerate(tf):
        combined: dict[str, float] = {}
        for counts, (flen, favg, b, w) in zip(doc_tf, per_field_of, strict=True):
            if not counts:
                continue
            norm = 1 - b + b * flen[d] / favg
            for f, c in counts.items():
                combined[f] = combined.get(f, 0.0) + w * c / norm
        for f, t in combined.items():
            docs = post_docs.get(f)
            if docs is None:
                post_docs[f] = array("i", (d,))
                post_tf[f] = [t]
            else:
                docs.append(d)
                post_tf[f].append(t)
    idf = {f: _idf(n, len(docs)) for f, docs in post_docs.items()}
    k1 = K1 + 1
    postings = {
        f: (
            docs.tobytes(),
            array("f", [i * t * k1 / (K1 + t) for t in post_tf[f]]).tobytes(),
        )
        for (f, docs), i in zip(post_docs.items(), idf.values(), strict=True)
    }
    # Example level: nearest example question by idf-weighted cosine.
    ex_postings = {
        f: (docs.tobytes(), array("f", [s * idf[f] for s in ex_weights[f]]).tobytes())
        for f, docs in ex_docs.items()
    }
    norms = array("f")
    for feats in ex_feats:
        sq = 0.0
        for f, s in feats.items():
            sq += (s * idf[f]) ** 2
        norms.append(math.sqrt(sq) or 1.0)
    # Features that only out-of-scope topics use (azure, 料金): evidence of an off-topic question.
    oos_only = sorted(f for f, docs in post_docs.items() if docs[0] >= n_entries)
    # Each entry's titles as shares of their idf weight, to see how much of the subject an entry
    # names a question names too.
    titles = [
        [_shares(seen[t][0], idf) for t in per_field["title"]] for per_field in fields[:n_entries]
    ]
    return {
        "defining": _defining(ex_feats, owner, n_entries),
        "titles": titles,
        "oos_only": oos_only,
        "ids": ids,
        "n_entries": n_entries,
        "idf": idf,
        "unknown_idf": _idf(n, 1),
        "postings": postings,
        "ex_postings": ex_postings,
        "owner": owner.tobytes(),
        "norms": norms.tobytes(),
        "canonical": canonical,
        "analyzer": analyzer.state(),
    }


def _defining(feats: list[dict[str, float]], owner: array[int], n_entries: int) -> list[list[str]]:
    """Per entry, the concepts nearly all its example questions name (ファイル for the Files
    entry): a question that names none of them is seldom about that entry."""
    counts: dict[int, Counter[str]] = {}
    totals = [0] * n_entries
    for f, d in zip(feats, owner, strict=True):
        if d < n_entries:
            totals[d] += 1
            concepts = [k for k in f if k[0] == "c"]  # most texts have none
            if concepts:
                counts.setdefault(d, Counter()).update(concepts)
    return [
        sorted(k for k, n in counts.get(d, {}).items() if n >= DEFINING_SHARE * totals[d])
        for d in range(n_entries)
    ]


class Index:
    """The built index in memory; postings are unpacked lazily, on first use of a feature."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.ids: list[str] = data["ids"]
        self.n_entries: int = data["n_entries"]
        self.idf: dict[str, float] = data["idf"]
        self.unknown_idf: float = data["unknown_idf"]
        self._raw = data["postings"]
        self._raw_ex = data["ex_postings"]
        self.owner = _ints(data["owner"])
        self.norms = _floats(data["norms"])
        self.canonical: list[str] = data["canonical"]
        self.oos_only: frozenset[str] = frozenset(data["oos_only"])
        self.titles: list[list[dict[str, float]]] = data["titles"]  # feature -> share
        self.defining: list[list[str]] = data["defining"]
        self._post: dict[str, tuple[array[int], array[float]]] = {}
        self._ex: dict[str, tuple[array[int], array[float]]] = {}

    def postings(self, f: str) -> tuple[Iterable[int], Iterable[float]]:
        got = self._post.get(f)
        if got is None:
            raw = self._raw.get(f)
            if raw is None:
                return (), ()
            got = self._post[f] = (_ints(raw[0]), _floats(raw[1]))
        return got

    def ex_postings(self, f: str) -> tuple[Iterable[int], Iterable[float]]:
        got = self._ex.get(f)
        if got is None:
            raw = self._raw_ex.get(f)
            if raw is None:
                return (), ()
            got = self._ex[f] = (_ints(raw[0]), _floats(raw[1]))
        return got


def _shares(feats: dict[str, float], idf: dict[str, float]) -> dict[str, float]:
    """Each feature's share of the text's idf-weighted total."""
    total = sum(s * idf[f] for f, s in feats.items()) or 1.0
    return {f: s * idf[f] / total for f, s in feats.items()}


def _ints(raw: bytes) -> array[int]:
    a = array("i")
    a.frombytes(raw)
    return a


def _floats(raw: bytes) -> array[float]:
    a = array("f")
    a.frombytes(raw)
    return a
