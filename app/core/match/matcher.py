"""Find the knowledge entry (or two) a question is about, or say honestly that there is none.

1. The message is split into sentences; greetings, sign-offs, signatures, contact lines and
   emoji are dropped (splitter.py), and the asking sentences weigh more than the context.
2. Every entry and every out-of-scope topic is scored with BM25F over its title, answer, quote
   and example questions in both languages (index.py), on synonym concepts, English words and
   Japanese character pairs (analyzer.py). Context words no entry uses add nothing and take
   nothing away.
3. A logistic model over entry-independent signals (decision.py) says how likely the top entry
   is right: answer, clarify between close entries, or decline. A question whose best match is
   an out-of-scope topic is declined with that topic's redirect.
4. A message with two questions ("…, and how long …?") gets an answer for each when both halves
   are clearly answered by different entries (parts.py).
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.core.knowledge import KnowledgeBase
from app.core.match import cache, decision, model_params
from app.core.match.analyzer import Analyzer
from app.core.match.decision import off_topic_lookalike, topic_over_entry, vague
from app.core.match.followup import follow_up
from app.core.match.index import K1, Index, build
from app.core.match.offtopic import TopicWords
from app.core.match.parts import (
    answerable_part,
    clear_of_topics,
    strongest_part,
    two_questions,
)
from app.core.match.result import (
    MAX_SUGGESTIONS,
    Candidate,
    Evidence,
    Result,
    answered,
    declined,
    detect_language,
)
from app.core.match.splitter import Sentence, Splitter, kept_text
from app.core.match.text import MAX_QUERY_CHARS, normalise_keep_script

CONTEXT_WEIGHT = 0.7  # a sentence that does not ask, beside one that does
RECAP_WEIGHT = 0.15  # … and one that sums up an earlier answer: its subject is done with
SHORTLIST = 8
# With thousands of entries, skip the postings of low-weight words shared by most of them.
MAX_POSTING = 2000
NEAREST_MIX = 0.2
EXAMPLE_AS_WRITTEN = 0.95  # rapidfuzz ratio of the question to an example of the entry
EXAMPLE_LEAD = 0.3  # its cosine lead over the best other entry's nearest example
EXAMPLE_P = 0.9
# An entry whose defining concept the question lacks gives way to a runner-up this close.
SWAP_AT = 0.5


@dataclass
class Query:
    features: dict[str, float]  # feature -> weight (script weight x sentence weight)
    asking: dict[str, float]  # the asking sentences' features only
    labels: dict[str, str]
    canonical: str
    # Features only a recap sentence names ("削除の依頼方法はわかりました。"): they weigh a
    # little, but name no entry's title or defining concept.
    recap_only: frozenset[str] = frozenset()


class Matcher:
    def __init__(self, kb: KnowledgeBase, use_cache: bool = True) -> None:
        self.kb = kb
        data = cache.load(kb) if use_cache else None
        if data is None:
            analyzer = Analyzer(
                kb.synonyms, kb.boilerplate, kb.readings, kb.concept_patterns, kb.not_terms
            )
            data = build(kb, analyzer)
            analyzer.clear_cache()
            data["splitter"] = Splitter.forms(kb.message)
            if use_cache:
                cache.save(kb, data)
        else:
            analyzer = Analyzer.from_state(data["analyzer"])
        self.splitter = Splitter(None, data["splitter"])
        self.splitter.names_subject = self._names_subject
        self.analyzer = analyzer
        self.index = Index(data)
        self.ids = self.index.ids[: self.index.n_entries]
        self.topic_words = TopicWords(kb.out_of_scope.values())

    # --- query analysis ------------------------------------------------------------------

    def _names_subject(self, text: str) -> bool:
        """Whether the text names a concept of the knowledge (保存期間, training, …)."""
        return any(f.startswith("c:") for f in self.analyzer.analyze(text, query=False).features)

    def _query(
        self, text: str, split: bool = True, sentences: list[Sentence] | None = None
    ) -> Query:
        """`sentences`: the splitter's reading of `text`, when the caller has it already."""
        if not split:
            pieces = [(text[:MAX_QUERY_CHARS], True, False)]
        else:
            pieces = kept_text(self.splitter.split(text) if sentences is None else sentences)
        any_asking = any(a for _, a, _ in pieces)
        features: dict[str, float] = {}
        asking: dict[str, float] = {}
        labels: dict[str, str] = {}
        canon: list[str] = []
        recapped: set[str] = set()
        said: set[str] = set()
        for piece, is_asking, recap in pieces:
            doc = self.analyzer.analyze(piece)
            weight = 1.0 if is_asking or not any_asking else CONTEXT_WEIGHT
            recapping = recap and weight < 1.0
            if recapping:
                weight = RECAP_WEIGHT
            (recapped if recapping else said).update(doc.features)
            for f, s in doc.features.items():
                if s * weight > features.get(f, 0.0):
                    features[f] = s * weight
                if weight == 1.0 and s > asking.get(f, 0.0):
                    asking[f] = s
            for f, label in doc.labels.items():
                labels.setdefault(f, label)
            if weight == 1.0:
                canon.append(doc.canonical)
        canonical = " ".join(canon)[:MAX_QUERY_CHARS]
        return Query(features, asking, labels, canonical, frozenset(recapped - said))

    # --- ranking -------------------------------------------------------------------------

    def _evidence(self, q: Query, limit: int) -> Evidence:
        idx = self.index
        weights = q.features
        if not weights:
            return Evidence([], None, 0.0, 0.0)
        scores: dict[int, float] = defaultdict(float)
        hits: dict[int, list[str]] = defaultdict(list)
        self_score = 0.0
        unknown = 0.0
        for f, w in weights.items():
            idf = idx.idf.get(f)
            if idf is None:
                unknown += w * idx.unknown_idf
                self_score += w * idx.unknown_idf * (K1 + 1)
                continue
            self_score += w * idf * (K1 + 1)
            docs, vals = idx.postings(f)
            if len(docs) > MAX_POSTING and w * idf < 1.0:
                continue  # a word nearly every entry has: little evidence, much time
            for d, v in zip(docs, vals, strict=True):
                scores[d] += w * v
                hits[d].append(f)
        total_w = sum(w * idx.idf.get(f, idx.unknown_idf) for f, w in weights.items()) or 1.0
        oos_only = sum(w * idx.idf[f] for f, w in weights.items() if f in idx.oos_only) / total_w
        n_e = idx.n_entries
        entries = heapq.nsmallest(
            max(SHORTLIST, limit), (d for d in scores if d < n_e), key=lambda d: (-scores[d], d)
        )
        oos = max((d for d in scores if d >= n_e), key=lambda d: scores[d], default=None)
        oos_score = scores[oos] if oos is not None else 0.0
        if not entries:
            oos_id = idx.ids[oos][4:] if oos is not None else None
            return Evidence([], oos_id, oos_score, 0.0)
        short = entries[: max(SHORTLIST, limit)]
        nearest, oos_nearest = self._nearest(weights, set(short))
        # Re-rank the shortlist: BM25F share of the question plus closeness to one example.
        rank_score = {
            d: (1 - NEAREST_MIX) * scores[d] / (self_score or 1.0)
            + NEAREST_MIX * nearest.get(d, (0.0, -1))[0]
            for d in short
        }
        short.sort(key=lambda d: -rank_score[d])
        ask_total = sum(w * idx.idf.get(f, idx.unknown_idf) for f, w in q.asking.items()) or 1.0
        named = {f: w for f, w in weights.items() if f not in q.recap_only}
        out: list[Candidate] = []
        for d in short:
            s = scores[d]
            others = [o for o in short if o != d]
            r_other = rank_score[others[0]] if others else 0.0
            cos, x = nearest.get(d, (0.0, -1))
            cos_other = max((nearest.get(o, (0.0, -1))[0] for o in others), default=0.0)
            closeness = fuzz.ratio(q.canonical, idx.canonical[x]) / 100 if x >= 0 else 0.0
            hit = set(hits[d])
            ask_cov = sum(w * idx.idf[f] for f, w in q.asking.items() if f in hit) / ask_total
            r = rank_score[d]
            x_vec = (
                s / self_score if self_score else 0.0,
                math.log1p(s),
                (r - r_other) / r if r else 0.0,
                min(3.0, oos_score / s) if s else 3.0,
                cos,
                oos_nearest,
                closeness,
                ask_cov,
                unknown / total_w,
                cos - cos_other,
                oos_only,
                self._title_share(d, named),
            )
            p = decision.probability(x_vec)
            if closeness >= EXAMPLE_AS_WRITTEN and cos - cos_other >= EXAMPLE_LEAD:
                # The question is one of this entry's example questions as written, and no
                # other entry's example comes near: the knowledge itself says so.
                p = max(p, EXAMPLE_P)
            why = sorted({q.labels[f] for f in hit if weights[f] >= 0.5 and f in q.labels})
            out.append(Candidate(idx.ids[d], p, tuple(why), x_vec))
        # rank_score picks the shortlist; the decision model, which also weighs the asking
        # sentences, the titles and the out-of-scope topics, orders it (ties keep rank_score).
        ranked = sorted(zip(out, short, strict=True), key=lambda pair: -pair[0].score)
        if len(ranked) >= 2 and self._lacks_defining(ranked[0][1], named):
            second = ranked[1]
            if second[0].score >= max(
                model_params.ANSWER_AT, SWAP_AT * ranked[0][0].score
            ) and not self._lacks_defining(second[1], named):
                ranked[0], ranked[1] = second, ranked[0]
        out = [Candidate(c.id, round(c.score, 3), c.matched, c.signals) for c, _d in ranked]
        oos_id = idx.ids[oos][4:] if oos is not None else None
        concepts = sum(1 for f in weights if f[0] == "c")
        return Evidence(out[:limit], oos_id, oos_score, scores[ranked[0][1]], concepts)

    def _part_evidence(self, part: str) -> Evidence | None:
        """One part's ranking, or None when the part names an out-of-scope topic's subject."""
        q = self._query(part, split=False)
        if (
            not q.features
            or self._word_topic([normalise_keep_script(part)])
            or self._names_off_topic(q.features)
        ):
            return None
        return self._evidence(q, SHORTLIST)

    def _off_subject(
        self, sentences: list[Sentence], q: Query | None = None
    ) -> tuple[bool, str | None]:
        """Whether the asking sentences name a subject only out-of-scope topics know (a price,
        another vendor's service …), and the topic whose `words` name it, if one does. `q`:
        the query read from these sentences, when the caller has it."""
        asking = [s.text for s in sentences if s.asking] or [s.text for s in sentences]
        topic = self._word_topic(asking)
        if topic:
            return True, topic
        if q is None:
            q = self._query(" ".join(s.raw for s in sentences), sentences=sentences)
        return self._names_off_topic(q.asking), None

    def _word_topic(self, texts: list[str]) -> str | None:
        """The out-of-scope topic whose `words` one of the (normalised) texts holds."""
        spans = self.analyzer.concept_spans
        return next((t for text in texts if (t := self.topic_words.topic_of(text, spans))), None)

    def _names_off_topic(self, features: dict[str, float]) -> bool:
        """The text names a concept only out-of-scope topics know (a price, another vendor's
        service, a certification the policy does not name) — in its own words: a kana reading
        (かかく in 「…かかくにん」) is no price."""
        return any(
            f[0] == "c" and w >= 1.0 and f in self.index.oos_only for f, w in features.items()
        )

    def _lacks_defining(self, d: int, weights: dict[str, float]) -> bool:
        """The question names none of the concepts that define entry `d` (ファイル for Files)."""
        defining = self.index.defining[d]
        return bool(defining) and not any(f in weights for f in defining)

    def _title_share(self, d: int, weights: dict[str, float]) -> float:
        """How much of one of the entry's titles the question names (idf-weighted)."""
        titles = self.index.titles[d]
        return max((sum(v for f, v in t.items() if f in weights) for t in titles), default=0.0)

    def _nearest(
        self, weights: dict[str, float], wanted: set[int]
    ) -> tuple[dict[int, tuple[float, int]], float]:
        idx = self.index
        dots: dict[int, float] = defaultdict(float)
        qsq = 0.0
        for f, w in weights.items():
            idf = idx.idf.get(f, idx.unknown_idf)
            qsq += (w * idf) ** 2
            xs, vals = idx.ex_postings(f)
            wi = w * idf
            if len(xs) > MAX_POSTING * 4 and wi < 1.0:
                continue
            for x, v in zip(xs, vals, strict=True):
                dots[x] += wi * v
        qnorm = math.sqrt(qsq) or 1.0
        nearest: dict[int, tuple[float, int]] = {}
        oos_best = 0.0
        n_e = idx.n_entries
        for x, dot in dots.items():
            d = idx.owner[x]
            cos = dot / (qnorm * idx.norms[x])
            if d >= n_e:
                oos_best = max(oos_best, cos)
            elif d in wanted and cos > nearest.get(d, (0.0, -1))[0]:
                nearest[d] = (cos, x)
        return nearest, min(1.0, oos_best)

    def rank(self, query: str, limit: int = 5) -> list[Candidate]:
        return self._evidence(self._query(query), limit).candidates

    def evidence(self, query: str, limit: int = SHORTLIST) -> Evidence:
        """The ranking behind a decision (for calibration and the bench)."""
        return self._evidence(self._query(query), limit)

    # --- deciding ------------------------------------------------------------------------

    def ask(self, query: str, previous: str | None = None) -> Result:
        """Answer one question. `previous` is the id of the entry answered just before in the
        same conversation: a follow-up that is not clear on its own ("and for files?") is read
        again with that entry's title as context, and answered if that makes it clear."""
        result = self._ask(query)
        if previous is None or previous not in self.kb.entries or result.decision == "answer":
            return result
        return follow_up(
            result,
            self.kb.entries[previous],
            self._ask,
            lambda text: self._off_subject(self.splitter.split(text))[0],
        )

    def _ask(self, query: str) -> Result:
        lang = detect_language(query[:MAX_QUERY_CHARS])
        if not query.strip():
            return Result(query, lang, "decline", 0.0, note="no-content", reason="empty")
        sentences = self.splitter.split(query)  # read once: for the match and for two parts
        q = self._query(query, sentences=sentences)
        if not q.features:
            return Result(query, lang, "decline", 0.0, note="no-content", reason="no_content")
        ev = self._evidence(q, 5)
        cands = tuple(ev.candidates)
        if not cands:
            return declined(query, lang, ev, cands, topic_id=self._named(query, ev))
        top = cands[0]
        # Two clear questions are read part by part: each part makes its own case against the
        # out-of-scope topics, which the whole message's mixed words can make look alike.
        parts, loose = self.splitter.split_parts(sentences)
        # Both readings of the parts below rank the same parts: each is ranked once.
        part_evidence = functools.cache(self._part_evidence)
        two = two_questions(self.splitter, part_evidence, parts, loose, sentences, cands)
        # A topic close to the whole message declines it, unless each of its two questions
        # stands clear of the topics on its own.
        if (
            topic_over_entry(top, ev)
            and top.score < 0.9
            and not (two and clear_of_topics(parts, part_evidence, two))
        ):
            return declined(query, lang, ev, cands, topic_id=self._named(query, ev))
        if not two and off_topic_lookalike(top, ev):
            return declined(query, lang, ev, cands, True, self._named(query, ev))
        named, word_topic = self._off_subject(sentences, q)
        if not two and named:
            # "Can you sign a BAA, and what does it cost?": the part the policy answers is
            # answered; a message that only asks about a price (a vendor, …) is declined.
            kept = answerable_part(parts, loose, part_evidence, top)
            if kept is None:
                return declined(query, lang, ev, cands, topic=True, topic_id=word_topic)
            return answered(query, lang, cands, kept, unanswered=word_topic or ev.oos_id)
        if two:
            return Result(
                query,
                lang,
                "answer",
                min(c.score for c in two),
                cands,
                (),
                answer_ids=tuple(c.id for c in two),
                reason="two_questions",
                answered=two,
            )
        strong = strongest_part(parts, loose, part_evidence, top)
        if strong is not None:
            return answered(query, lang, cands, strong)
        if top.score >= model_params.ANSWER_AT:
            return answered(query, lang, cands, top)
        plausible = [c.id for c in cands if c.score >= model_params.CLARIFY_AT]
        reason = "close_candidates"
        if len(plausible) < 2 and len(cands) >= 2 and vague(top):
            # Every word is the policy's, but it fits several entries alike ("data", 「データ」).
            plausible, reason = [c.id for c in cands], "vague_question"
        if len(plausible) >= 2:
            suggestions = tuple(plausible[:MAX_SUGGESTIONS])
            return Result(query, lang, "clarify", top.score, cands, suggestions, reason=reason)
        return declined(query, lang, ev, cands, topic_id=self._named(query, ev))

    def _named(self, query: str, ev: Evidence) -> str | None:
        """The topic a declined message names by its words, when the ranking found a topic at
        all: its redirect fits better than the nearest topic's (「開示請求」 is no billing
        question for holding 請求)."""
        return self._word_topic([normalise_keep_script(query)]) if ev.oos_id else None
