"""Display helpers of the interface: literal text, locale numbers, Japanese-friendly wrapping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from app.tui.text import percent, plain, safe
from app.tui.widgets.prose import wrap


def lines(text: str, width: int, by_word: bool = False) -> list[str]:
    return [line.plain for line in wrap(Text(text), width, by_word)]


def test_control_characters_are_shown_not_sent() -> None:
    assert safe("\x1b[2J") == "␛[2J"
    assert safe("a\x07b\x7fc\x9bd") == "a␇b␡c\\x9bd"
    assert safe("line\nnext\ttab") == "line\nnext\ttab"


def test_plain_is_never_markup() -> None:
    text = plain("[red]x[/red] [link=https://example.com]y[/link]")
    assert text.plain == "[red]x[/red] [link=https://example.com]y[/link]"
    assert not text.spans


def test_percent_follows_the_locale() -> None:
    assert percent(0.873, "en") == "87%"
    assert percent(0.873, "ja") == "87%"
    assert percent(1.5, "en") == "100%"


def test_japanese_breaks_between_characters_not_at_the_one_space() -> None:
    text = "API で送信されたデータは、悪用と誤用を監視する目的で最大 30 日間保持されます。"
    out = lines(text, 30)
    assert out[0] == "API で送信されたデータは、悪用"  # filled to the edge, not cut at "最大 "
    assert all(cell_len(line) <= 30 for line in out)


def test_closing_punctuation_never_starts_a_line() -> None:
    assert lines("あいうえおかきくけこ。さしすせそ", 20) == ["あいうえおかきくけ", "こ。さしすせそ"]
    assert lines("あいうえおかきくけキー", 20) == ["あいうえおかきくけ", "キー"]
    # ...unless carrying the character before it would not fit either.
    assert lines("1、、", 3) == ["1、", "、"]


def test_english_wraps_at_spaces() -> None:
    out = lines("Data sent through the API is kept", 16)
    assert out == ["Data sent", "through the API", "is kept"]


def test_long_words_are_folded() -> None:
    assert lines("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_by_word_keeps_list_items_whole() -> None:
    text = "学習への利用\u00a0(4) · 保持と削除\u00a0(4) · 保存場所\u00a0(2)"
    out = lines(text, 30, by_word=True)
    assert out == ["学習への利用\u00a0(4) ·", "保持と削除\u00a0(4) · 保存場所\u00a0(2)"]


@given(
    st.text(alphabet="あいう、。漢字カナ ABC def 123 「」（）", max_size=80),
    st.integers(min_value=2, max_value=40),
)
def test_wrapping_loses_nothing_and_fits(text: str, width: int) -> None:
    out = lines(text, width)
    assert all(cell_len(line) <= width for line in out)
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
