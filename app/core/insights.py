"""Insights for knowledge editors: what people asked that Kotae could not answer.

Declined and clarified questions are grouped by similarity using the matcher's own features
(synonym concepts, English words by their first letters, Japanese character pairs without
particle pairs) weighted by the matcher's idf, so that two questions group when they would
look alike to the matcher. Each question is then read as its NEIGHBOURS most similar
questions, so that paraphrases sharing no word meet through the questions between them, and
grouped by average-linkage agglomerative clustering on the cosine of these neighbourhoods,
stopped at GROUP_AT.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.i18n import N_
from app.core.match.decision import MEDIUM_AT
from app.core.match.text import (
    fold_kana,
    is_hiragana,
    is_katakana,
    normalise_keep_script,
)

# Chosen with `python -m bench.insights_grouping` on the development sets only (the test
# suite's labelled groups were not used): the best F1 of pairwise precision and recall summed
# over the three sets, 0.10 (the best on two of them, 0.11 on the third). insights_dev.tsv (16
# topics, 217 questions; a topic is one group across languages): 0.70 / 0.29 (0.82 / 0.26 at
# 0.15). insights_dev2.tsv (32 labels, 288 questions, each language its own group, near topics
# sharing words): 0.40 / 0.26; insights_dev3.tsv (28 labels, 252 questions, written apart):
# 0.34 / 0.26. Their wrong pairs share a rare word ("sponsor visas" / "sponsor hackathons")
# that these features cannot tell apart. Grouping 600 questions takes about 300 ms on 2 cores.
GROUP_AT = 0.10
NEIGHBOURS = 10
MAX_GROUPED = 600  # newest questions grouped; the clustering is quadratic in their number
LOW_CONFIDENCE = MEDIUM_AT  # what the faces label "Low confidence"
CLOSE_AT = 0.15  # cosine; below it the "closest" entry shares little more than a particle
EXAMPLES = 5


# English function words: unknown to the knowledge base, they would weigh as much as its rarest
# word and make any two English questions look alike.
_FUNCTION_WORDS = frozenset(
    "a an the i me my we our us you your it its this that these those there is are was were be "
    "been am do does did can could will would should shall may might must to of in on for at by "
    "with from and or but not no if so what which who whom how when where why please get got "
    "have has had any some all just".split()
)


# Particles: a pair of one of them with a kanji is grammar, not subject.
_PARTICLES = frozenset("のをにはがでともへやかな")
_PREFIX = 5  # letters an English word is grouped by


def _katakana_pairs(text: str) -> set[str]:
    """Character pairs of the katakana words of a text, folded as the analyzer folds them."""
    runs = "".join(ch if is_katakana(ch) else " " for ch in normalise_keep_script(text))
    return {fold_kana(w[i : i + 2]) for w in runs.split() for i in range(len(w) - 1)}


def _inflection(feature: str, katakana: set[str]) -> bool:
    """A pair of hiragana that no katakana word of the question spelled: an ending or a
    particle (して, ます, には) that joins any two Japanese questions, not a subject."""
    pair = feature[2:]
    return (
        feature.startswith("b:")
        and all(is_hiragana(ch) or ch == "ー" for ch in pair)
        and pair not in katakana
    )


def _particle_pair(feature: str) -> bool:
    """A particle next to a kanji or the end of a katakana word (量の, を承, ーの): the word
    has features of its own, the pair only says that a particle followed, and it joins
    unrelated questions."""
    pair = feature[2:]
    if not feature.startswith("b:") or len(pair) != 2:
        return False
    a, b = pair
    return (b in _PARTICLES and not is_hiragana(a)) or (a in _PARTICLES and not is_hiragana(b))


def _grouping_key(feature: str) -> str:
    """English words meet at their first letters (invite / invitation, embed / embedding),
    past the matcher's own stemming: a truncation stemmer, with no list of words."""
    if feature.startswith("w:") and len(feature) > 2 + _PREFIX:
        return "p:" + feature[2 : 2 + _PREFIX]
    return feature


def _vector(matcher: Any, text: str) -> dict[str, float]:
    doc = matcher.analyzer.analyze(text)
    katakana = _katakana_pairs(text)
    # The matcher's own idf: from its index, or (older matchers) its attributes.
    index = getattr(matcher, "index", matcher)
    idf = getattr(index, "idf", None) or getattr(matcher, "_idf", {})
    unknown = getattr(index, "unknown_idf", None) or getattr(matcher, "_unknown_idf", 1.0)
    kept = {
        f: w
        for f, w in doc.features.items()
        if not (f.startswith("w:") and f[2:] in _FUNCTION_WORDS)
        and not _inflection(f, katakana)
        and not _particle_pair(f)
    }
    # A question written all in hiragana keeps its pairs: they are all it has.
    vec: dict[str, float] = {}
    for f, w in (kept or doc.features).items():
        key = _grouping_key(f)
        vec[key] = max(vec.get(key, 0.0), w * idf.get(f, unknown))
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {f: v / norm for f, v in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def cluster(vectors: Sequence[dict[str, float]], threshold: float = GROUP_AT) -> list[list[int]]:
    """Average-linkage agglomerative clustering; groups of indexes, largest first."""
    n = len(vectors)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # sims[i][k] == sims[k][i]: the average similarity between the members of two live clusters.
    sims: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    heap: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            s = _cosine(vectors[i], vectors[j])
            if s > 0:
                sims[i][j] = sims[j][i] = s
                if s >= threshold:
                    heap.append((-s, i, j))
    heapq.heapify(heap)
    while heap:
        neg, i, j = heapq.heappop(heap)
        if i not in members or j not in members or sims[i].get(j) != -neg:
            continue  # stale: one side has been merged since
        a, b = len(members[i]), len(members[j])
        merged = {
            k: (a * sims[i].get(k, 0.0) + b * sims[j].get(k, 0.0)) / (a + b)
            for k in (sims[i].keys() | sims[j].keys()) - {i, j}
        }
        for k in sims.pop(j):
            sims[k].pop(j, None)
        for k in sims[i]:
            sims[k].pop(i, None)
        members[i].extend(members.pop(j))
        sims[i] = merged
        for k, s in merged.items():
            sims[k][i] = s
            if s >= threshold:
                heapq.heappush(heap, (-s, min(i, k), max(i, k)))
    return sorted((sorted(m) for m in members.values()), key=lambda g: (-len(g), g[0]))


def neighbourhoods(
    vectors: Sequence[dict[str, float]], k: int = NEIGHBOURS
) -> list[dict[str, float]]:
    """Each question as its k most similar questions (itself among them), weighted by similarity.

    Two questions alike in words are alike here too, and so are two that share no word but
    are both like the same third ones: "how much does it cost" and "price per token" meet
    through "what's the price of the API".
    """
    similar: list[list[tuple[float, int]]] = [[] for _ in vectors]
    for i, v in enumerate(vectors):
        for j in range(i, len(vectors)):
            s = _cosine(v, vectors[j])
            if s > 0:
                similar[i].append((s, j))
                if j != i:
                    similar[j].append((s, i))
    out = []
    for pairs in similar:
        near = heapq.nlargest(k, pairs)
        norm = math.sqrt(sum(s * s for s, _j in near)) or 1.0
        out.append({str(j): s / norm for s, j in near})
    return out


def group_texts(matcher: Any, texts: Sequence[str], threshold: float = GROUP_AT) -> list[list[int]]:
    return cluster(neighbourhoods([_vector(matcher, t) for t in texts]), threshold)


@dataclass(frozen=True)
class Group:
    count: int
    examples: tuple[tuple[int, str], ...]  # (logged question id, masked text), distinct texts
    question_ids: tuple[int, ...]
    decisions: dict[str, int]
    closest: str | None  # the entry closest to the group's questions
    closest_score: float
    topic: str | None = None  # the out-of-scope topic the matcher recognised in most of them


@dataclass
class Insights:
    groups: list[Group] = field(default_factory=list)
    votes: list[Any] = field(default_factory=list)  # app.store.questions.Votes, most "no" first
    low_confidence: list[Any] = field(default_factory=list)  # logged answers below LOW_CONFIDENCE
    questions: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "groups": [
                {
                    "count": g.count,
                    "examples": [{"id": i, "question": t} for i, t in g.examples],
                    "question_ids": list(g.question_ids),
                    "decisions": g.decisions,
                    "closest": g.closest,
                    "closest_score": g.closest_score,
                    "out_of_scope": g.topic,
                }
                for g in self.groups
            ],
            "most_no_votes": [
                {"entry_id": v.entry_id, "yes": v.yes, "no": v.no, "comments": list(v.comments)}
                for v in self.votes
                if v.no
            ],
            "low_confidence": [
                {
                    "id": q.id,
                    "question": q.question,
                    "answer_id": q.answer_id,
                    "confidence": q.confidence,
                }
                for q in self.low_confidence
            ],
        }


def build(matcher: Any, logged: Sequence[Any], votes: Sequence[Any] = ()) -> Insights:
    """Insights from logged questions (app.store.questions.LoggedQuestion, newest first)."""
    unanswered = [q for q in logged if q.decision != "answer"][:MAX_GROUPED]
    groups = []
    examples = _entry_vectors(matcher)
    vectors = [_vector(matcher, q.question) for q in unanswered]
    for idx in cluster(neighbourhoods(vectors)):
        members = [unanswered[i] for i in idx]
        results = [matcher.ask(q.question) for q in members]
        closest, score = _closest([vectors[i] for i in idx], examples, _ranked(results))
        topics = Counter(getattr(r, "out_of_scope", None) for r in results)
        topic = next((t for t, _n in topics.most_common() if t), None)
        groups.append(
            Group(
                len(members),
                tuple({q.question: (q.id, q.question) for q in reversed(members)}.values())[::-1][
                    :EXAMPLES
                ],
                tuple(q.id for q in members),
                dict(Counter(q.decision for q in members)),
                closest if score >= CLOSE_AT else None,
                round(score, 3),
                topic,
            )
        )
    low = sorted(
        (q for q in logged if q.decision == "answer" and q.confidence < LOW_CONFIDENCE),
        key=lambda q: q.confidence,
    )
    return Insights(groups, list(votes), low, len(logged))


def _entry_vectors(matcher: Any) -> dict[str, list[dict[str, float]]]:
    """Each entry's title and example questions as vectors, in both languages."""
    kb = matcher.kb
    out: dict[str, list[dict[str, float]]] = {}
    for entry in kb.entries.values():
        texts = [
            t
            for lang in ("ja", "en")
            for t in (entry.text(lang).title, *entry.text(lang).questions)
        ]
        out[entry.id] = [_vector(matcher, t) for t in texts]
    return out


def _ranked(results: Sequence[Any]) -> str | None:
    """The entry the matcher ranks highest over the group's questions (reciprocal ranks).

    The ranking, not the score: a declined question has a probability near zero for every
    entry, but its candidates are still in order, and the order knows the whole message (its
    asking sentences, synonyms, titles). On the dev sets' unanswered in-scope questions the
    first candidate was the expected entry 18 times of 28, the nearest example 13.
    """
    votes: Counter[str] = Counter()
    for result in results:
        for rank, candidate in enumerate(getattr(result, "candidates", ())):
            votes[candidate.id] += 1 / (rank + 1)
    return votes.most_common(1)[0][0] if votes else None


def _closest(
    members: Sequence[dict[str, float]],
    examples: dict[str, list[dict[str, float]]],
    chosen: str | None = None,
) -> tuple[str | None, float]:
    """The entry to suggest (`chosen`, else the one whose nearest example is most like the
    questions) and how like its nearest example the group's questions are, on average: the
    cosine over the matcher's features, so that CLOSE_AT can say "no entry is close"."""

    def likeness(vectors: list[dict[str, float]]) -> float:
        total = sum(max((_cosine(m, v) for v in vectors), default=0.0) for m in members)
        return total / (len(members) or 1)

    if chosen in examples:
        return chosen, likeness(examples[chosen])
    best, best_score = None, 0.0
    for entry_id, vectors in examples.items():
        score = likeness(vectors)
        if score > best_score:
            best, best_score = entry_id, score
    return best, best_score


def pairwise_scores(groups: Sequence[Sequence[int]], labels: Sequence[str]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping against labels (for tests and tuning)."""
    together = {(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]}
    together = {(min(p), max(p)) for p in together}
    same = {
        (i, j)
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
        if labels[i] == labels[j]
    }
    tp = len(together & same)
    precision = tp / len(together) if together else 1.0
    recall = tp / len(same) if same else 1.0
    return precision, recall


def low_confidence_none(log_mode: str) -> str:
    """What an empty "answered with low confidence" list means under `log_questions`: answers
    are kept only with "all", so otherwise none were recorded, not none were given (a msgid)."""
    if log_mode == "all":
        return N_("none")
    return N_('not recorded: answers are kept only with log_questions = "all"')
