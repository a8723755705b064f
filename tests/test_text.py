"""Normalisation: the lessons of DESIGN.md, plus properties that must hold for any input."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.core.match.text import fold_kana, normalise, printable


def test_half_width_katakana_becomes_hiragana() -> None:
    assert normalise("ﾃﾞｰﾀ") == normalise("データ") == "でーた"


def test_decomposed_voiced_kana_is_recomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "データ")
    assert len(decomposed) > len("データ")
    assert normalise(decomposed) == normalise("データ")


def test_full_width_latin_and_case() -> None:
    assert normalise("ＨＩＰＡＡ") == normalise("hipaa") == "hipaa"


def test_punctuation_becomes_space() -> None:
    assert normalise("保存期間は？！「API」") == "保存期間は api"


def test_country_us_is_not_the_pronoun() -> None:
    assert "usa" in normalise("Is my data stored in the US?").split()
    assert "usa" not in normalise("can you tell us more").split()


def test_fold_kana_keeps_length() -> None:
    text = "ファイルはいつまで残る？ヴ"
    assert len(fold_kana(text)) == len(text)


def test_printable_shows_escape_sequences_literally() -> None:
    shown = printable("\x1b[2Jhello\x00\u202e")
    assert "\x1b" not in shown and "\x00" not in shown and "\u202e" not in shown
    assert shown == "\\x1b[2Jhello\\x00\\u202e"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalise_output_has_no_controls_or_double_spaces(text: str) -> None:
    out = normalise(text)
    assert "  " not in out
    assert out == out.strip()
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in out)
