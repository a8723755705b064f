"""What the matcher answers: the candidates it ranked and its decision, as plain data that every
face reads (CLI, TUI, web) without importing the matcher's machinery."""

from __future__ import annotations

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
    out_of_scope: str | None = None  # the out-of-scope topic id a decline recognised
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
