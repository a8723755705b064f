"""What the matcher answers: the candidates it ranked and its decision, as plain data that every
face reads (CLI, TUI, web) without importing the matcher's machinery."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from app.core.match.text import is_japanese

Decision = Literal["answer", "clarify", "decline"]


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # 0..1: the decision model's probability that this entry answers
    matched: tuple[str, ...] = ()  # the words of the question that matched this entry: the "why"
    signals: tuple[float, ...] = ()  # the decision model's inputs (decision.FEATURES)


@dataclass(frozen=True)
class Result:
    query: str
    lang: str  # language of the question: "ja" or "en"
    decision: Decision
    confidence: float  # 0..1, confidence in the top candidate
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)  # best first
    suggestions: tuple[str, ...] = ()  # entry ids to offer on clarify / decline
    note: str = ""  # why the question could not be matched at all (empty, no content)
    answer_ids: tuple[str, ...] = ()  # one or two entries when decision == "answer"
    reason: str = ""  # short machine code: clear_lead, two_questions, out_of_scope_topic, …
    # The out-of-scope topic a decline recognised, or, beside an answer, the topic of a part of
    # the message that the answer leaves out.
    out_of_scope: str | None = None
    context: str | None = None  # the previous entry a follow-up was read with, if that was used
    # One per answer, in answer_ids order: the confidence and matched words of that answer (for
    # a two-part question, of its own half).
    answered: tuple[Candidate, ...] = ()

    def answered_as(self, entry_id: str) -> Candidate | None:
        """The candidate behind one answer: its own part's for a two-part question, else the
        ranked one (its confidence and matched words are what a face shows for that answer)."""
        return next((c for c in (*self.answered, *self.candidates) if c.id == entry_id), None)

    @property
    def answer_id(self) -> str | None:
        if self.decision != "answer":
            return None
        if self.answer_ids:
            return self.answer_ids[0]
        return self.candidates[0].id if self.candidates else None


@dataclass
class Evidence:
    """What the ranking found for one text: entry candidates and the best out-of-scope topic."""

    candidates: list[Candidate]
    oos_id: str | None  # best out-of-scope topic, if it scored at all
    oos_score: float
    top_score: float  # BM25F score of the best entry
    concepts: int = 0  # how many concepts of the knowledge (synonym groups) the text names


def detect_language(text: str) -> str:
    """Japanese when the question has any kana or kanji, else English."""
    return "ja" if any(is_japanese(ch) or "\uff66" <= ch <= "\uff9f" for ch in text) else "en"


MAX_SUGGESTIONS = 3


def answered(
    query: str,
    lang: str,
    cands: tuple[Candidate, ...],
    top: Candidate,
    unanswered: str | None = None,
) -> Result:
    """One entry answers the question. `unanswered`: the out-of-scope topic of another part of
    the message, which the answer leaves out ("…, and what does it cost?")."""
    return Result(
        query,
        lang,
        "answer",
        top.score,
        cands,
        (),
        answer_ids=(top.id,),
        reason="part_answered" if unanswered else "clear_lead",
        out_of_scope=unanswered,
        answered=(top,),
    )


def declined(
    query: str,
    lang: str,
    ev: Evidence,
    cands: tuple[Candidate, ...],
    topic: bool = False,
    topic_id: str | None = None,
) -> Result:
    """No entry answers: with an out-of-scope topic's redirect when `topic` (or the topic's
    evidence is near the best entry's), else with the best entries as suggestions.
    `topic_id` replaces the topic the ranking found."""
    confidence = cands[0].score if cands else 0.0
    if topic_id:
        ev = dataclasses.replace(ev, oos_id=topic_id)
    if ev.oos_id is not None and (
        topic or (ev.oos_score >= ev.top_score * 0.8 and ev.oos_score > 1.0)
    ):
        return Result(
            query,
            lang,
            "decline",
            confidence,
            cands,
            (),
            reason="out_of_scope_topic",
            out_of_scope=ev.oos_id,
        )
    # An entry sharing no word with the message, or only a number ("1" of "' OR 1=1"), is no
    # suggestion: a thank-you or a string of symbols gets the plain decline and the topics.
    worded = [c.id for c in cands if any(not w.isdigit() for w in c.matched)]
    suggestions = tuple(worded[:MAX_SUGGESTIONS])
    reason = "no_evidence" if not cands or cands[0].signals[1] < 1.0 else "low_confidence"
    return Result(query, lang, "decline", confidence, cands, suggestions, reason=reason)
