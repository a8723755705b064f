"""The matcher finds the right entry in either language, or declines; it never breaks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher, detect_language

DATA = Path(__file__).parent / "data" / "questions.tsv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_labelled_set_is_large_and_independent(kb: KnowledgeBase) -> None:
    rows = _rows()
    langs = [r["lang"] for r in rows]
    assert len(rows) >= 300
    assert langs.count("ja") >= 120 and langs.count("en") >= 120 and langs.count("mixed") > 0
    assert sum(r["expected"] == "none" for r in rows) >= 50
    assert {r["expected"] for r in rows} - {"none"} == set(kb.entries)
    examples = {
        q for e in kb.entries.values() for lang in ("ja", "en") for q in e.text(lang).questions
    }
    copied = [r["question"] for r in rows if r["question"] in examples]
    assert copied == []


def test_top1_in_scope_and_declines_out_of_scope(matcher: Matcher) -> None:
    rows = _rows()
    inscope = [r for r in rows if r["expected"] != "none"]
    oos = [r for r in rows if r["expected"] == "none"]
    top1 = [
        r for r in inscope if (c := matcher.rank(r["question"], 1)) and c[0].id == r["expected"]
    ]
    declined = [r for r in oos if matcher.ask(r["question"]).decision == "decline"]
    assert len(top1) / len(inscope) >= 0.95, f"top-1 {len(top1)}/{len(inscope)}"
    assert len(declined) / len(oos) >= 0.90, f"declined {len(declined)}/{len(oos)}"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("保存期間は？", "policy.retention-30-days"),
        ("ほぞんきかん", "policy.retention-30-days"),  # hiragana written for kanji
        ("ﾃﾞｰﾀ 削除したい", "faq.deletion-request"),  # half-width katakana
        ("ＨＩＰＡＡ", "faq.hipaa"),  # full-width latin
        ("retention polcy", "policy.retention-30-days"),  # misspelt
        ("HIPPA", "faq.hipaa"),
        ("TLS", "faq.encryption-in-transit"),  # keyword only
        ("is my data used for training?", "policy.no-training-by-default"),
        ("データは学習に使われますか", "policy.no-training-by-default"),
        ("Do you have a data center in Europe?", "faq.european-datacenter"),
        ("DPA を結びたい", "faq.dpa"),
        ("Can I host the models myself?", "faq.self-hosting"),
    ],
)
def test_answers(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.answer_id) == ("answer", expected), result.candidates[:3]


@pytest.mark.parametrize(
    "question",
    [
        "How much does the API cost?",
        "I forgot my password",
        "What's the weather in Tokyo?",
        "Hi there",
        "train schedule",
        "データベースのバックアップ",
        "こんにちは",
        "料金はいくら？",
        "パスワードを忘れた",
        "",
        "   \t ",
    ],
)
def test_declines(matcher: Matcher, question: str) -> None:
    result = matcher.ask(question)
    assert result.decision == "decline"
    assert result.answer_id is None
    assert len(result.suggestions) <= 3


def test_matched_terms_explain_the_answer(matcher: Matcher) -> None:
    top = matcher.rank("保存期間を教えてください", 1)[0]
    assert top.id == "policy.retention-30-days"
    assert "期間" in top.matched
    assert all("教えて" not in m for m in top.matched)


def test_clarify_offers_the_close_entries(matcher: Matcher) -> None:
    result = matcher.ask("データ")
    assert result.decision == "clarify"
    assert 2 <= len(result.suggestions) <= 3
    ids = [c.id for c in result.candidates]
    assert set(result.suggestions) <= set(ids)


def test_language_detection() -> None:
    assert detect_language("保存期間は？") == "ja"
    assert detect_language("API data の retention は？") == "ja"
    assert detect_language("how long is data kept?") == "en"
    assert detect_language("ﾃﾞｰﾀ") == "ja"


def test_huge_question_is_bounded(matcher: Matcher) -> None:
    result = matcher.ask("保存期間 " * 20_000)
    assert result.decision in ("answer", "clarify", "decline")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_scores_stay_in_range(matcher: Matcher, text: str) -> None:
    result = matcher.ask(text)
    scores = [c.score for c in result.candidates]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert 0.0 <= result.confidence <= 1.0
    assert result.decision in ("answer", "clarify", "decline")
    assert (result.answer_id is not None) == (result.decision == "answer")
