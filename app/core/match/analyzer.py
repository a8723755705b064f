"""Text to features for matching: synonym concepts, English words, Japanese character pairs.

Both the knowledge (when the index is built) and questions go through the same Analyzer, so
削除 / 消去 / delete meet as one concept and ほぞん meets 保存.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from app.core.match import slips
from app.core.match.lexicon import is_word
from app.core.match.patterns import TermTable, blank, matched_term
from app.core.match.text import (
    MAX_QUERY_CHARS,
    fold_kana,
    is_hiragana,
    is_kanji,
    is_katakana,
    normalise_keep_script,
)

# Hiragana-only pairs are mostly grammar (ですか, には): they count, but little.
HIRAGANA_WEIGHT = 0.1
MIXED_WEIGHT = 0.4  # a particle before a kanji (を指, は取) says less than two kanji
KANJI_WEIGHT = 0.5
READING_WEIGHT = 0.6
MAX_CORRECTIONS = 8
FUZZY_WORD_CUTOFF = 88  # retension→retention (89) passes, weather→whether (86) does not
# ゼロリテンソン→ゼロリテンション (80) and サブプロセサー→サブプロセッサー (93) pass; one
# changed letter of a four-letter word (75) does not.
FUZZY_KANA_CUTOFF = 80
KANA_WORD = re.compile("[\u30a1-\u30faー]{4,}")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# "30d", "30days": a count of days written short, as the knowledge writes it ("30 days").
_SHORT_DAYS = re.compile(r"(?<![a-z0-9])(\d+)(?:d|days)(?![a-z0-9])")
# Small kana typed for large ones (ふぁいる / ふあいる) and the reverse meet; one for one.
_SMALL = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
# Both folds as one table, so a text is translated once: ァ -> ぁ -> あ.
_FOLD_ALL = {
    code: ord(folded.translate(_SMALL))
    for code in range(0x3000, 0x3100)
    if (folded := fold_kana(chr(code)).translate(_SMALL)) != chr(code)
}


def fold(text: str) -> str:
    """Katakana to hiragana and small kana to large, one character for one."""
    return text.translate(_FOLD_ALL)


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Light suffix stripping: enough to meet "deleted"/"deletes"/"deleting" at "delet".
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _base_form(word: str, vocabulary: set[str]) -> str | None:
    """The known word that `word` inflects (wiped -> wipe, invoices -> invoice), if any."""
    for suffix in ("ing", "ed", "es", "s"):
        stem = word.removesuffix(suffix)
        if stem != word and len(stem) >= 3:
            for base in (stem, stem + "e"):
                if base in vocabulary:
                    return base
    return None


def _swapped(word: str, names: Iterable[str]) -> str | None:
    """The three-letter name of the synonym table that two neighbouring letters of an unknown
    word were typed the wrong way round in (tsl -> tls, sco -> soc), unless the word is one of
    its own (her is no ehr, PVC no VPC)."""
    for i in (0, 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped in names and not is_word(word):
            return swapped
    return None


@dataclass
class _Doc:
    """What the matcher needs of one piece of text: weighted features and a canonical string."""

    features: dict[str, float]  # feature -> script weight (before idf)
    canonical: str  # folded text with concepts written as one token, boilerplate removed
    labels: dict[str, str]  # feature -> the words that produced it, for "why"


class Analyzer:
    """Turns text into features: synonym concepts, English words, Japanese character pairs."""

    def __init__(
        self,
        synonyms: Iterable[tuple[str, ...]],
        boilerplate: Iterable[str],
        readings: dict[str, str] | None = None,
        patterns: Iterable[tuple[str, str]] = (),
        not_terms: Iterable[str] = (),
    ) -> None:
        # A question typed in kana (ほぞんきかん, ホゾン) is read as the knowledge writes it.
        # Small kana stay small here: でしょうか must not read as 使用 (しよう).
        self.reading_of = {
            fold_kana(normalise_keep_script(kana)): normalise_keep_script(word)
            for word, kana in (readings or {}).items()
        }
        self.concept_of: dict[str, str] = {}
        for terms in synonyms:
            canon = normalise_keep_script(terms[0])
            for term in terms:
                form = fold(normalise_keep_script(term))
                if form:
                    self.concept_of[form] = canon
        # Matched like terms, so the term inside is not; they name nothing ("").
        for phrase in not_terms:
            form = fold(normalise_keep_script(phrase))
            if form and form not in self.concept_of:
                self.concept_of[form] = ""
        self._bp_terms = sorted({fold(normalise_keep_script(p)) for p in boilerplate})
        # Written as a question reads once normalised; kana folded like the text they meet.
        self._pattern_src = [(normalise_keep_script(t), fold(p)) for t, p in patterns]
        self._tables()
        # Boilerplate words are known words: never "corrected" into a policy term.
        self.stopwords = {w for p in self._bp_terms for w in _ASCII_WORD.findall(p)}
        self.vocabulary: set[str] = set()
        self._vocab_list: list[str] = []
        self.kana_words = {
            w
            for terms in synonyms
            for t in terms
            for w in KANA_WORD.findall(normalise_keep_script(t))
        }
        self.kanji_pairs: set[str] = set()  # of the knowledge: others may be IME slips
        self._slip_words = slips.words_by_reading(self.reading_of)
        self._run_cache: dict[str, list[tuple[str, float, str]]] = {}
        self._ops_cache: dict[str, tuple[list[str], list[tuple[str, float, str]]]] = {}

    def _tables(self) -> None:
        self._concepts = TermTable(self.concept_of)
        self._patterns = [(canon, re.compile(p)) for canon, p in self._pattern_src]
        self._boilerplate = TermTable(self._bp_terms)
        self._readings = TermTable(self.reading_of)

    def state(self) -> tuple[Any, ...]:
        """Plain data (for marshal) from which `from_state` rebuilds this analyzer."""
        return (
            self.concept_of,
            self._pattern_src,
            self.reading_of,
            self._bp_terms,
            sorted(self.stopwords),
            sorted(self.vocabulary),
            sorted(self.kana_words),
            sorted(self.kanji_pairs),
        )

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> Analyzer:
        self = cls.__new__(cls)
        self.concept_of, patterns, self.reading_of, bp_terms, stopwords, vocabulary, kana, pairs = (
            state
        )
        self._pattern_src = [tuple(p) for p in patterns]
        self.kana_words = set(kana)
        self.kanji_pairs = set(pairs)
        self._slip_words = slips.words_by_reading(self.reading_of)
        self._bp_terms = list(bp_terms)
        self._tables()
        self.stopwords = set(stopwords)
        self.vocabulary = set(vocabulary)
        self._vocab_list = sorted(w for w in self.vocabulary - self.stopwords if len(w) >= 4)
        self._run_cache = {}
        self._ops_cache = {}
        return self

    def clear_cache(self) -> None:
        self._run_cache.clear()
        self._ops_cache.clear()

    def set_vocabulary(
        self, words: set[str], kana_words: Iterable[str] = (), kanji_pairs: Iterable[str] = ()
    ) -> None:
        """The knowledge's English words, katakana words and kanji pairs: a question's unknown
        word close to one of them, or of its reading, is taken for it."""
        self.kana_words |= set(kana_words)
        self.kanji_pairs |= set(kanji_pairs)
        words = words | {w for t in self.concept_of if t.isascii() for w in t.split()}
        self.vocabulary = words | self.stopwords
        self._vocab_list = sorted(w for w in words if len(w) >= 4)

    def _correct(self, text: str) -> str:
        """Replace unknown English words by the nearest known one (retension -> retention)."""

        tries = [0]

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            if len(word) == 3 and word not in self.vocabulary and word.isalpha():
                return _swapped(word, self.concept_of) or word
            if len(word) < 4 or word in self.vocabulary or _stem(word) in self.vocabulary:
                return word
            # A long message has many words the knowledge does not use; correcting a few is
            # enough and keeps a pasted e-mail fast with thousands of entries.
            tries[0] += 1
            if tries[0] > MAX_CORRECTIONS:
                return word
            if is_word(word):
                # A real word is not a typo (transmit is not transit), but it may be an
                # inflection of a known one: wiped -> wipe.
                return _base_form(word, self.vocabulary) or word
            best = process.extractOne(
                word, self._vocab_list, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_CUTOFF
            )
            return best[0] if best else word

        def fix_kana(m: re.Match[str]) -> str:
            word = m.group()
            known = self.kana_words
            if word in known or any(word in k for k in known):
                return word  # a known word or a part of one
            tries[0] += 1
            if tries[0] > MAX_CORRECTIONS:
                return word
            best = process.extractOne(
                word, known, scorer=fuzz.ratio, score_cutoff=FUZZY_KANA_CUTOFF
            )
            # ゼロリテンションモード is a known word with more written on, not a typo of it; a
            # slip adds or drops one sound at most (フリーランス is no フランス).
            if best and best[0] not in word and abs(len(best[0]) - len(word)) <= 1:
                return best[0]
            return word

        text = _SHORT_DAYS.sub(r"\1 days", text)
        if self._vocab_list:
            text = _ASCII_WORD.sub(fix, text)
        if not text.isascii():
            if self.kana_words:
                text = KANA_WORD.sub(fix_kana, text)
            text = slips.correct(text, self.kanji_pairs, self._slip_words)
        return text

    def concept_spans(self, norm: str) -> list[tuple[int, int]]:
        """Where a (normalised) text names a concept of the knowledge."""
        return self._concepts.spans(fold(norm)) if self._concepts else []

    def analyze(self, text: str, query: bool = True) -> _Doc:
        """Features of a text. `query=False` (building the index) skips spelling correction."""
        kept = normalise_keep_script(text[:MAX_QUERY_CHARS] if query else text)
        if query:
            kept = self._correct(kept)
        folded = fold(kept)  # one character for one: positions line up with `kept`
        features: dict[str, float] = {}
        labels: dict[str, str] = {}
        pieces: list[str] = []
        rest = folded
        spans: list[tuple[int, int]] = []
        if self._concepts:
            spans = self._concepts.spans(folded)
            for a, b in spans:
                canon = matched_term(folded[a:b], self.concept_of)
                if not canon:
                    continue  # a not-term: blanked, naming nothing
                key = "c:" + canon
                features[key] = 1.0
                labels.setdefault(key, kept[a:b])
            rest = blank(folded, spans)
        for canon, pattern in self._patterns:
            # 「事務所のパソコンにAIを入れて」: a phrase whose words come in any order.
            if (m := pattern.search(folded)) and "c:" + canon not in features:
                features["c:" + canon] = 1.0
                labels["c:" + canon] = kept[m.start() : m.end()]
        if self._boilerplate:
            rest = self._boilerplate.blanked(rest)
        # Runs of the remaining text, read against the unfolded copy to know their script.
        # A run holds no blanked character, so it is exactly fold() of its unfolded copy.
        # `rest` separates runs by single spaces only (normalised, then blanked with spaces), so
        # splitting on " " finds the runs a regex would, without a match object for each.
        end = -1
        for run in rest.split(" "):
            start, end = end + 1, end + 1 + len(run)
            if not run:
                continue
            orig = kept[start:end]
            ops = self._ops_cache.get(orig)
            if ops is None:
                ops = self._run_ops(run, orig)
                # Japanese parts have their own cache; keeping their runs too costs memory.
                if orig.isascii() and len(self._ops_cache) < RUN_CACHE_SIZE:
                    self._ops_cache[orig] = ops
            pieces.extend(ops[0])
            if query:
                for key, weight, label in ops[1]:
                    if weight > features.get(key, 0.0):
                        features[key] = weight
                    labels.setdefault(key, label)
            else:  # the index keeps no labels
                for key, weight, _ in ops[1]:
                    if weight > features.get(key, 0.0):
                        features[key] = weight
        if query and self.reading_of and not kept.isascii():
            # Kana written for a kanji word of the knowledge (ほぞん, ホゾン) also counts as
            # that word; the kana stays, as a reading may be a slice of grammar (しないように).
            kana = fold_kana(kept)
            for a, b in self._readings.spans(kana):
                word = self.reading_of[kana[a:b]]
                for key, weight in self.analyze(word, query=False).features.items():
                    weight *= READING_WEIGHT
                    if weight > features.get(key, 0.0):
                        features[key] = weight
                        labels.setdefault(key, kept[a:b])
        # Concept features come from the concept pattern (or, in a question, a reading): most
        # texts of the knowledge have none, and skip the sort.
        if query or spans:
            pieces = sorted(k[2:] for k in features if k[0] == "c") + pieces
        return _Doc(features, " ".join(pieces), labels)

    def _run_ops(self, run: str, orig: str) -> tuple[list[str], list[tuple[str, float, str]]]:
        """Pieces and (feature, weight, label) of one run, in order; cached, as words repeat.

        Replayed as "keep the larger weight, first label": English words weigh 1.0, the most a
        feature can, so this equals setting them.
        """
        pieces: list[str] = []
        ops: list[tuple[str, float, str]] = []
        for part in _PART.finditer(run):
            chunk = part.group()
            pieces.append(chunk)
            if chunk[0].isascii():
                if len(chunk) == 1 and not chunk.isdigit():
                    pieces.pop()
                    continue  # the "s" of "what's", a stray "u"
                ops.append(("w:" + _stem(chunk), 1.0, chunk))
                continue
            ops.extend(self._japanese(orig[part.start() : part.end()]))
        return pieces, ops

    def _japanese(self, src: str) -> list[tuple[str, float, str]]:
        """Character features of one Japanese run, cached: example questions repeat words."""
        cached = self._run_cache.get(src)
        if cached is not None:
            return cached
        out: list[tuple[str, float, str]] = []
        if len(src) == 1:
            out.append(("u:" + fold(src), HIRAGANA_WEIGHT if is_hiragana(src) else 1.0, src))
        else:
            # A long katakana word should not outweigh a two-kanji word just by its length.
            folded = fold(src)  # one character for one, so pairs line up with `src`
            hira = [ch in _HIRAGANA for ch in src]
            # 遅い, 消す: a kanji with its okurigana is still the word (1.0).
            weights = [
                (HIRAGANA_WEIGHT if nxt else MIXED_WEIGHT) if cur else 1.0
                for cur, nxt in itertools.pairwise(hira)
            ]
            if _ANY_KATAKANA.search(src):
                kana_len = _katakana_lengths(src)
                for i, n in enumerate(kana_len[:-1]):
                    if n >= 3 and kana_len[i + 1] == n and not hira[i]:
                        weights[i] = min(1.0, 2 / (n - 1))
            out = [
                ("b:" + folded[i : i + 2], weight, src[i : i + 2])
                for i, weight in enumerate(weights)
            ]
        # Single kanji carry meaning of their own (消 in 消したい and 消去).
        out.extend([("k:" + ch, KANJI_WEIGHT, ch) for ch in src if is_kanji(ch)])
        if len(self._run_cache) < RUN_CACHE_SIZE:
            self._run_cache[src] = out
        return out


def _katakana_lengths(src: str) -> list[int]:
    """For each character, the length of the katakana word it is part of (0 if none)."""
    out = [0] * len(src)
    i = 0
    while i < len(src):
        if is_katakana(src[i]):
            j = i
            while j < len(src) and is_katakana(src[j]):
                j += 1
            out[i:j] = [j - i] * (j - i)
            i = j
        else:
            i += 1
    return out


# The same classes as text.is_hiragana / is_katakana, for whole-run tests.
_HIRAGANA = frozenset(map(chr, range(0x3041, 0x30A0)))
_ANY_KATAKANA = re.compile("[\u30a1-\u30faー]")
_PART = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|[^a-z0-9]+")
RUN_CACHE_SIZE = 200_000
