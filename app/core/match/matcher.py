"""Find the knowledge entry a question is about, or say honestly that there is none.

Two signals, both over normalised text with synonyms folded to one concept each:
- coverage: how much of the question (weighted by how rare each term is across entries) the
  entry's vocabulary explains. Words the knowledge base has never seen ("weather", 料金) keep
  coverage low, which is what lets out-of-scope questions be declined.
- closeness: rapidfuzz `ratio` against the entry's nearest example question, which rewards
  phrasing close to a known one without the substring traps of partial scorers.
The decision uses the blended score and the margin to the runner-up.
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.text import (
    MAX_QUERY_CHARS,
    fold_kana,
    is_hiragana,
    is_japanese,
    is_kanji,
    is_katakana,
    normalise_keep_script,
)

Decision = Literal["answer", "clarify", "decline"]

# Calibrated on the knowledge base's own example questions held out one at a time, against
# bench/calibration_oos.txt (off-topic questions, many sharing words with the policy); see
# bench/calibrate.py. Held out there: 64 % answered right, 3 % wrong, 95 % of off-topic declined.
ANSWER_AT = 0.50
CLARIFY_AT = 0.38
MARGIN = 0.06
# A lower score still answers when no other entry comes close.
CLEAR_LEAD_AT = 0.40
CLEAR_MARGIN = 0.15
COVERAGE_WEIGHT = 0.5
NEAREST_WEIGHT = 0.3
RATIO_WEIGHT = 0.2
# The blend is damped by coverage**COVERAGE_DAMPING: unexplained words lower confidence.
COVERAGE_DAMPING = 0.5
SHORTLIST = 12
# Hiragana-only pairs are mostly grammar (ですか, には): they count, but little.
HIRAGANA_WEIGHT = 0.1
MIXED_WEIGHT = 0.4  # a particle before a kanji (を指, は取) says less than two kanji
KANJI_WEIGHT = 0.5
FUZZY_WORD_CUTOFF = 88  # retension→retention (89) passes, weather→whether (86) does not
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # 0..1
    matched: tuple[str, ...] = ()  # the words of the question that matched this entry: the "why"
    # The signals behind the score: coverage, nearest-example cosine, ratio to that example.
    signals: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Result:
    query: str
    lang: str  # language of the question: "ja" or "en"
    decision: Decision
    confidence: float  # 0..1, confidence in the top candidate
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)  # best first
    suggestions: tuple[str, ...] = ()  # entry ids to offer on clarify / decline
    note: str = ""  # why the question could not be matched at all (empty, too long)

    @property
    def answer_id(self) -> str | None:
        return self.candidates[0].id if self.decision == "answer" and self.candidates else None

    @property
    def answer_ids(self) -> tuple[str, ...]:
        """Every entry the reply answers with, best first (a question may ask two things)."""
        return (self.answer_id,) if self.answer_id else ()


def detect_language(text: str) -> str:
    """Japanese when the question has any kana or kanji, else English."""
    return "ja" if any(is_japanese(ch) or "\uff66" <= ch <= "\uff9f" for ch in text) else "en"


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Light suffix stripping: enough to meet "deleted"/"deletes"/"deleting" at "delet".
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@dataclass
class _Doc:
    """What the matcher needs of one piece of text: weighted features and a canonical string."""

    features: dict[str, float]  # feature -> script weight (before idf)
    canonical: str  # folded text with concepts written as one token, boilerplate removed
    labels: dict[str, str]  # feature -> the words that produced it, for "why"


class Analyzer:
    """Turns text into features: synonym concepts, English words, Japanese character pairs."""

    def __init__(self, synonyms: Iterable[tuple[str, ...]], boilerplate: Iterable[str]) -> None:
        self.concept_of: dict[str, str] = {}
        for terms in synonyms:
            canon = normalise_keep_script(terms[0])
            for term in terms:
                form = fold_kana(normalise_keep_script(term))
                if form:
                    self.concept_of[form] = canon
        self._concepts = _alternation(self.concept_of)
        bp = {fold_kana(normalise_keep_script(p)) for p in boilerplate}
        self._boilerplate = _alternation(p for p in bp if p)
        # Boilerplate words are known words: never "corrected" into a policy term.
        self.stopwords = {w for p in bp for w in _ASCII_WORD.findall(p)}
        self.vocabulary: set[str] = set()
        self._vocab_list: list[str] = []
        self._run_cache: dict[str, list[tuple[str, float, str]]] = {}

    def clear_cache(self) -> None:
        self._run_cache.clear()

    def set_vocabulary(self, words: set[str]) -> None:
        words = words | {w for t in self.concept_of if t.isascii() for w in t.split()}
        self.vocabulary = words | self.stopwords
        self._vocab_list = sorted(w for w in words if len(w) >= 4)

    def _correct(self, text: str) -> str:
        """Replace unknown English words by the nearest known one (retension -> retention)."""

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if len(word) < 4 or word in self.vocabulary or _stem(word) in self.vocabulary:
                return word
            best = process.extractOne(
                word, self._vocab_list, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_CUTOFF
            )
            return best[0] if best else word

        return _ASCII_WORD.sub(fix, text) if self._vocab_list else text

    def analyze(self, text: str, query: bool = True) -> _Doc:
        """Features of a text. `query=False` (building the index) skips spelling correction."""
        kept = normalise_keep_script(text[:MAX_QUERY_CHARS])
        if query:
            kept = self._correct(kept)
        folded = fold_kana(kept)  # one character for one: positions line up with `kept`
        features: dict[str, float] = {}
        labels: dict[str, str] = {}
        pieces: list[str] = []
        rest = folded
        if self._concepts:
            spans = []
            for m in self._concepts.finditer(folded):
                form = m.group()
                key = "c:" + (self.concept_of.get(form) or self.concept_of[form[:-1]])
                features[key] = 1.0
                labels.setdefault(key, kept[m.start() : m.end()])
                spans.append((m.start(), m.end()))
            if spans:
                mask = list(folded)
                for a, b in spans:
                    mask[a:b] = " " * (b - a)
                rest = "".join(mask)
        if self._boilerplate:
            rest = self._boilerplate.sub(_blank, rest)
        # Runs of the remaining text, read against the unfolded copy to know their script.
        for m in _RUN.finditer(rest):
            self._run_features(m.group(), kept[m.start() : m.end()], features, labels, pieces)
        canon_tokens = sorted(k[2:] for k in features if k[0] == "c")
        return _Doc(features, " ".join(canon_tokens + pieces), labels)

    def _run_features(
        self,
        run: str,
        orig: str,
        features: dict[str, float],
        labels: dict[str, str],
        pieces: list[str],
    ) -> None:
        for part in _PART.finditer(run):
            chunk = part.group()
            pieces.append(chunk)
            if chunk[0].isascii():
                if len(chunk) == 1 and not chunk.isdigit():
                    pieces.pop()
                    continue  # the "s" of "what's", a stray "u"
                key = "w:" + _stem(chunk)
                features[key] = 1.0
                labels.setdefault(key, chunk)
                continue
            src = orig[part.start() : part.end()]
            for key, weight, label in self._japanese(src):
                if weight > features.get(key, 0.0):
                    features[key] = weight
                labels.setdefault(key, label)

    def _japanese(self, src: str) -> list[tuple[str, float, str]]:
        """Character features of one Japanese run, cached: example questions repeat words."""
        cached = self._run_cache.get(src)
        if cached is not None:
            return cached
        out: list[tuple[str, float, str]] = []
        if len(src) == 1:
            out.append(("u:" + fold_kana(src), HIRAGANA_WEIGHT if is_hiragana(src) else 1.0, src))
        else:
            # A long katakana word should not outweigh a two-kanji word just by its length.
            long_kana = len(src) >= 3 and all(is_katakana(c) for c in src)
            scale = min(1.0, 2 / (len(src) - 1)) if long_kana else 1.0
            for i in range(len(src) - 1):
                pair = src[i : i + 2]
                if is_hiragana(pair[0]):
                    weight = HIRAGANA_WEIGHT if is_hiragana(pair[1]) else MIXED_WEIGHT
                else:
                    weight = scale  # 遅い, 消す: a kanji with its okurigana is still the word
                out.append(("b:" + fold_kana(pair), weight, pair))
        # Single kanji carry meaning of their own (消 in 消したい and 消去).
        out.extend(("k:" + ch, KANJI_WEIGHT, ch) for ch in src if is_kanji(ch))
        if len(self._run_cache) < RUN_CACHE_SIZE:
            self._run_cache[src] = out
        return out


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


_RUN = re.compile(r"\S+")
_PART = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|[^a-z0-9]+")
RUN_CACHE_SIZE = 200_000


def _alternation(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for many terms, built as a trie so it stays fast with hundreds of terms.

    Japanese terms match anywhere; ASCII terms match whole words only. Japanese terms come
    first so "apiデータ" wins over "api" at the same place; within a trie longer wins.
    """
    terms = {t for t in terms if t}
    japanese = _trie({t for t in terms if not t.isascii()})
    ascii_ = _trie({t for t in terms if t.isascii()})
    parts = []
    if japanese:
        parts.append(japanese)
    if ascii_:
        # An optional plural "s" spares the synonym table every plural of a phrase.
        parts.append(rf"(?<![a-z0-9]){ascii_}s?(?![a-z0-9])")
    return re.compile("|".join(parts)) if parts else None


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


class Matcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.analyzer = Analyzer(kb.synonyms, kb.boilerplate)
        self.ids: list[str] = list(kb.entries)
        texts = [list(_entry_texts(e)) for e in kb.entries.values()]
        docs = [[self.analyzer.analyze(t, query=False) for t in ts] for ts in texts]
        # Spelling correction aims at the words the example questions use.
        self.analyzer.set_vocabulary(
            {
                w
                for entry_docs in docs
                for d in entry_docs
                for w in d.canonical.split()
                if w.isascii()
            }
        )
        # Entry level: which entries know a feature (coverage, idf).
        self._postings: dict[str, array[int]] = {}
        for i, entry_docs in enumerate(docs):
            for f in {f for d in entry_docs for f in d.features}:
                posting = self._postings.get(f)
                if posting is None:
                    posting = self._postings[f] = array("i")
                posting.append(i)
        n = len(self.ids)
        self._idf = {f: _idf(n, len(p)) for f, p in self._postings.items()}
        # A word no entry knows weighs as much as the rarest known one: enough to pull coverage
        # down for off-topic questions without letting one odd word sink a good match.
        self._unknown_idf = _idf(n, 1)
        # Example level: nearest example question by idf-weighted cosine.
        self._owner: list[int] = []
        self._norm: list[float] = []
        self._canonical: list[str] = []
        # Per feature: the examples that have it and its script weight there, as two compact
        # arrays (tuples of Python objects took ~10x the memory at 10,000 entries).
        self._ex_postings: dict[str, tuple[array[int], array[float]]] = {}
        for i, entry_docs in enumerate(docs):
            for d in entry_docs:
                if not d.features:
                    continue
                x = len(self._owner)
                norm = 0.0
                for f, s in d.features.items():
                    posting = self._ex_postings.get(f)
                    if posting is None:
                        posting = self._ex_postings[f] = (array("i"), array("f"))
                    posting[0].append(x)
                    posting[1].append(s)
                    norm += (s * self._idf[f]) ** 2
                self._owner.append(i)
                self._norm.append(math.sqrt(norm) or 1.0)
                self._canonical.append(d.canonical)
        # The run cache only speeds up the build; queries are few and short.
        self.analyzer.clear_cache()

    def rank(self, query: str, limit: int = 5) -> list[Candidate]:
        doc = self.analyzer.analyze(query)
        return self._rank(doc, limit)

    def _rank(self, doc: _Doc, limit: int) -> list[Candidate]:
        weights = {f: s * self._idf.get(f, self._unknown_idf) for f, s in doc.features.items()}
        total = sum(weights.values())
        qnorm = math.sqrt(sum(w * w for w in weights.values()))
        if total <= 0:
            return []
        covered: dict[int, float] = defaultdict(float)
        hits: dict[int, list[str]] = defaultdict(list)
        for f, w in weights.items():
            for i in self._postings.get(f, ()):
                covered[i] += w
                hits[i].append(f)
        dots: dict[int, float] = defaultdict(float)
        for f, w in weights.items():
            posting = self._ex_postings.get(f)
            if posting is not None:
                wi = w * self._idf[f]
                for x, s in zip(*posting, strict=True):
                    dots[x] += wi * s
        nearest: dict[int, tuple[float, int]] = {}
        for x, dot in dots.items():
            cos = dot / (qnorm * self._norm[x])
            i = self._owner[x]
            if cos > nearest.get(i, (0.0, -1))[0]:
                nearest[i] = (cos, x)
        pre = {
            i: COVERAGE_WEIGHT * covered[i] / total + NEAREST_WEIGHT * nearest.get(i, (0.0, 0))[0]
            for i in covered
        }
        shortlist = sorted(pre, key=lambda i: -pre[i])[: max(SHORTLIST, limit)]
        scored: list[tuple[float, int, tuple[float, float, float]]] = []
        for i in shortlist:
            cos, x = nearest.get(i, (0.0, -1))
            closeness = fuzz.ratio(doc.canonical, self._canonical[x]) / 100 if x >= 0 else 0.0
            signals = (covered[i] / total, cos, closeness)
            scored.append((blend(*signals), i, signals))
        scored.sort(key=lambda s: (-s[0], s[1]))
        out = []
        for score, i, signals in scored[:limit]:
            # Concepts, words and kanji pairs explain a match; particles and lone kanji do not.
            why = sorted(
                {doc.labels[f] for f in hits[i] if doc.features[f] >= 1.0 and f in doc.labels}
            )
            out.append(Candidate(self.ids[i], round(min(1.0, score), 3), tuple(why), signals))
        return out

    def ask(self, query: str) -> Result:
        lang = detect_language(query[:MAX_QUERY_CHARS])
        doc = self.analyzer.analyze(query)
        if not doc.features:
            return Result(query, lang, "decline", 0.0, (), (), "no-content")
        cands = tuple(self._rank(doc, 5))
        if not cands:
            return Result(query, lang, "decline", 0.0)
        top = cands[0].score
        decision = decide(top, cands[1].score if len(cands) > 1 else 0.0)
        if decision == "answer":
            suggestions: tuple[str, ...] = ()
        elif decision == "clarify":
            suggestions = tuple(c.id for c in cands if c.score >= top - 2 * MARGIN)[:3]
        else:
            suggestions = tuple(c.id for c in cands[:3])
        return Result(query, lang, decision, top, cands, suggestions)


def blend(
    coverage: float,
    nearest: float,
    closeness: float,
    weights: tuple[float, float, float] = (COVERAGE_WEIGHT, NEAREST_WEIGHT, RATIO_WEIGHT),
    damping: float = COVERAGE_DAMPING,
) -> float:
    """The score of an entry from its three signals (see the module docstring)."""
    a, b, c = weights
    return (a * coverage + b * nearest + c * closeness) * coverage**damping


def decide(top: float, second: float) -> Decision:
    lead = top - second
    if (top >= ANSWER_AT and lead >= MARGIN) or (top >= CLEAR_LEAD_AT and lead >= CLEAR_MARGIN):
        return "answer"
    return "clarify" if top >= CLARIFY_AT else "decline"


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _entry_texts(entry: Entry) -> Iterable[str]:
    for lang in ("ja", "en"):
        t = entry.text(lang)
        yield t.title
        yield from t.questions
