"""Spelling correction: typos meet the knowledge's words (English and katakana), real words
stay themselves."""

from __future__ import annotations

import pytest

from app.core.match import lexicon
from app.core.match.matcher import Matcher
from bench.english_words import words


def _corrected(matcher: Matcher, text: str) -> str:
    return matcher.analyzer._correct(text)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("encripted", "encrypted"), ("agreemnt", "agreement"), ("contracters", "contractors")],
)
def test_a_typo_becomes_the_knowledge_word(matcher: Matcher, typed: str, meant: str) -> None:
    assert meant in matcher.analyzer.vocabulary  # else the case proves nothing
    assert _corrected(matcher, f"is it {typed}") == f"is it {meant}"


@pytest.mark.parametrize(("typed", "meant"), [("tsl", "tls"), ("sco", "soc"), ("dap", "dpa")])
def test_a_short_name_typed_with_two_letters_swapped_is_the_name(
    matcher: Matcher, typed: str, meant: str
) -> None:
    vocabulary = matcher.analyzer.vocabulary
    assert meant in vocabulary and typed not in vocabulary
    assert _corrected(matcher, f"{typed}経由だけ?") == f"{meant}経由だけ?"
    assert _corrected(matcher, f"is it {typed} only") == f"is it {meant} only"


@pytest.mark.parametrize(("word", "name"), [("her", "ehr"), ("sue", "use"), ("pvc", "vpc")])
def test_a_short_word_of_its_own_is_not_taken_for_a_swapped_name(
    matcher: Matcher, word: str, name: str
) -> None:
    assert lexicon.is_word(word) and word not in matcher.analyzer.vocabulary
    assert name in matcher.analyzer.concept_of  # else the case proves nothing
    assert _corrected(matcher, f"{word} data") == f"{word} data"


# mind is no inflection of mine, nor seed of see, nor employed of employee.
@pytest.mark.parametrize(
    "word", ["transmit", "retired", "spending", "though", "refuse", "mind", "seed", "employed"]
)
def test_a_real_word_is_never_turned_into_another(matcher: Matcher, word: str) -> None:
    assert word not in matcher.analyzer.vocabulary
    assert lexicon.is_word(word)
    assert _corrected(matcher, f"we {word} it") == f"we {word} it"


def test_a_real_word_still_meets_the_word_it_inflects(matcher: Matcher) -> None:
    vocabulary = matcher.analyzer.vocabulary
    assert "wipe" in vocabulary and "wiped" not in vocabulary
    assert _corrected(matcher, "need our data wiped asap") == "need our data wipe asap"


def test_transmit_is_not_read_as_in_transit_nor_retrained_as_retained(matcher: Matcher) -> None:
    sent = matcher.ask("do you transmit our content to other firms")
    assert sent.candidates[0].id != "faq.encryption-in-transit"
    retrained = matcher.ask("was the model retrained on our prompts?")
    assert retrained.candidates[0].id == "policy.no-training-by-default"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("サブプロセサー", "サブプロセッサー"), ("ビジネスアソシエイド", "ビジネスアソシエイト")],
)
def test_a_katakana_slip_becomes_the_knowledge_word(
    matcher: Matcher, typed: str, meant: str
) -> None:
    assert meant in matcher.analyzer.kana_words and typed not in matcher.analyzer.kana_words
    assert _corrected(matcher, f"{typed}について") == f"{meant}について"


@pytest.mark.parametrize(
    "text",
    # フリーランス is two sounds longer than フランス: no slip of it.
    ["ゼロリテンションモード", "リテンション", "ファイヤ", "ゼロリテンションの件", "フリーランス"],
)
def test_a_known_katakana_word_its_part_or_a_longer_word_stays(matcher: Matcher, text: str) -> None:
    assert _corrected(matcher, text) == text


def test_a_katakana_slip_still_finds_its_entry(matcher: Matcher) -> None:
    slipped = matcher.ask("ビジネスアソシエート契約は結べますか")
    assert slipped.decision == "answer" and slipped.answer_ids == ("faq.hipaa",)


def test_the_word_list_keeps_plain_lowercase_words_and_every_three_letter_one() -> None:
    kept = words(["Tokyo", "cafés", "it's", "wipe", "ok", "wiped", "x-ray", "wipe", "PVC", "her"])
    assert kept == ["her", "pvc", "wipe", "wiped"]


def test_the_word_list_is_searched_from_end_to_end() -> None:
    words = lexicon.WORDS_FILE.read_text(encoding="utf-8").split("\n")
    words = [w for w in words if w and not w.startswith("#")]
    assert words == sorted(words)  # bisection needs it
    for word in (words[0], words[1], words[len(words) // 2], words[-2], words[-1]):
        assert lexicon.is_word(word)
    for word in ("", "a" + words[0], words[-1] + "z", words[100] + "q", "retension", "# every"):
        assert not lexicon.is_word(word)
