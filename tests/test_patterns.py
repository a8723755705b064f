"""TermTable: the longest term at the leftmost place, Japanese terms anywhere, ASCII terms
as whole words with an optional plural "s" — the same by table and by regex."""

from __future__ import annotations

import pytest

from app.core.match.patterns import TermTable

TERMS = ["api", "apiデータ", "データ", "保存", "保存期間", "log", "logs in", "sub", "s3"]


@pytest.fixture(params=["table", "regex"])
def table(request: pytest.FixtureRequest) -> TermTable:
    return TermTable(TERMS, compile_after=10**9 if request.param == "table" else 0)


def found(table: TermTable, text: str) -> list[str]:
    return [text[a:b] for a, b in table.spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("保存期間は？", ["保存期間"]),  # the longest term at a place
        ("apiデータの保存", ["apiデータ", "保存"]),  # a Japanese term before an ASCII one
        ("the apis and api's logs", ["apis", "api", "logs"]),  # plural "s"; whole words
        ("rapid apix subs3 s3s", ["s3s"]),  # no term inside a word
        ("logs in to logs", ["logs in", "logs"]),  # the plural is not "logs in"'s
        ("データデータ", ["データ", "データ"]),
        ("", []),
    ],
)
def test_spans(table: TermTable, text: str, expected: list[str]) -> None:
    assert found(table, text) == expected


def test_first_and_blanked(table: TermTable) -> None:
    assert table.spans("x 保存 api", first=True) == [(2, 4)]
    assert table.blanked("x 保存 api!") == "x" + " " * 7 + "!"
    assert table.blanked("nothing here") == "nothing here"


def test_a_table_compiles_its_regex_only_after_many_scans() -> None:
    t = TermTable(TERMS, compile_after=3)
    for _ in range(3):
        assert found(t, "api") == ["api"]
        assert t._regex is None
    assert found(t, "api") == ["api"]
    assert t._regex is not None
    assert not TermTable([]) and not TermTable([""]).spans("x")
