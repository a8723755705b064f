"""IME slips: a kanji typed for another of the same reading is read as the word meant, and a
real word is never 'corrected' into a word of the knowledge."""

from __future__ import annotations

import re

import pytest

from app.core.match import slips
from app.core.match.matcher import Matcher


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("送ったデータが額習に使われることはありますか", "policy.no-training-by-default"),
        ("再以託先の一覧はどこで見られますか", "faq.data-storage-location"),
        ("御社の従行員が API のデータを見ることはありますか", "policy.abuse-review-access"),
    ],
)
def test_a_slipped_kanji_is_read_as_the_word_meant(
    matcher: Matcher, question: str, entry: str
) -> None:
    assert matcher.ask(question).answer_ids == (entry,)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("額習", "学習"),
        ("認唱", "認証"),
        ("再以託", "再委託"),
        ("従行員", "従業員"),
        ("微調性", "微調整"),  # a slip just after a pair of the knowledge (微調)
    ],
)
def test_the_analyzer_reads_the_slip_as_the_knowledge_writes_it(
    matcher: Matcher, typed: str, meant: str
) -> None:
    assert matcher.analyzer._correct(f"{typed}について") == f"{meant}について"


@pytest.mark.parametrize(
    "text",
    [
        "ご教示いただけますでしょうか",  # 教示 is a word, though 教師 reads the same
        "事前に申請が必要ですか",
        "金融機関向けのサービスです",  # 機関 and 期間 share no kanji
        "機械学習のモデル",
        "担当者の範囲を教えてください",  # 担当 is a word: its 当 starts no slip (当者 → 当社)
        "DPAの締結可否を教えてください",  # nor 締結's 結 one of 結果 (結可)
        "BAAの提供有無",  # nor 提供's 供 one of 共有 (供有)
    ],
)
def test_real_words_stay_as_typed(matcher: Matcher, text: str) -> None:
    assert matcher.analyzer._correct(text) == text


def test_the_reading_table_is_kanji_then_kana_readings() -> None:
    lines = [
        line
        for line in slips.READINGS_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert len(lines) > 2000
    for line in lines:
        kanji, *readings = line.split(" ")
        assert re.fullmatch(r"[\u4e00-\u9fff]", kanji), line
        assert readings and all(re.fullmatch(r"[ぁ-ゖ]{1,4}", r) for r in readings), line


def test_the_word_list_is_sorted_for_bisection() -> None:
    words = [
        line
        for line in slips.WORDS_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert words == sorted(set(words))
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", w) for w in words)
