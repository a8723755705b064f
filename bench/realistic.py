"""Scoring on the labelled question sets, the same everywhere (bench, tests, calibration).

A row is right when the decision is `answer` and the answered ids equal `expected` (for
`id+id`, both answered, in any order), or when `expected` is `none` and the decision is
`decline`. A clarify is wrong in scope and not a decline out of scope.

    .venv/bin/python -m bench.realistic [dev]      # dev misses; the test split prints totals only
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.core.match.matcher import Matcher
from app.core.match.result import Result

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
SETS = {
    "dev": DATA / "realistic_dev.tsv",
    "test": DATA / "realistic_test.tsv",
    "old": DATA / "questions.tsv",
    # Two-in-one and casual questions written apart from the dev and test splits, to tune on.
    "multi": HERE / "multi_dev.tsv",
    "casual": HERE / "casual_dev.tsv",
    # Written from the policy and the entries' titles only, like the labelled splits.
    "fresh": HERE / "fresh_dev.tsv",
    "fresh2": HERE / "fresh2_dev.tsv",
    # Written the same way later, and measured before any change made after it arrived.
    "fresh3": HERE / "fresh3_dev.tsv",
    "fresh4": HERE / "fresh4_dev.tsv",
    "fresh5": HERE / "fresh5_dev.tsv",
    "fresh6": HERE / "fresh6_dev.tsv",
    "fresh7": HERE / "fresh7_dev.tsv",
    "fresh8": HERE / "fresh8_dev.tsv",
    "fresh9": HERE / "fresh9_dev.tsv",
    "fresh10": HERE / "fresh10_dev.tsv",
    "fresh11": HERE / "fresh11_dev.tsv",
    "fresh12": HERE / "fresh12_dev.tsv",
    "fresh13": HERE / "fresh13_dev.tsv",
    "fresh14": HERE / "fresh14_dev.tsv",
    "fresh15": HERE / "fresh15_dev.tsv",
    "fresh16": HERE / "fresh16_dev.tsv",
    "fresh17": HERE / "fresh17_dev.tsv",
    "fresh18": HERE / "fresh18_dev.tsv",
    "fresh19": HERE / "fresh19_dev.tsv",
    "fresh20": HERE / "fresh20_dev.tsv",
    "fresh21": HERE / "fresh21_dev.tsv",
    "fresh22": HERE / "fresh22_dev.tsv",
    "fresh23": HERE / "fresh23_dev.tsv",
    "fresh24": HERE / "fresh24_dev.tsv",
    "fresh25": HERE / "fresh25_dev.tsv",
    "fresh26": HERE / "fresh26_dev.tsv",
    "fresh27": HERE / "fresh27_dev.tsv",
    "fresh28": HERE / "fresh28_dev.tsv",
    "fresh29": HERE / "fresh29_dev.tsv",
    "fresh30": HERE / "fresh30_dev.tsv",
    "fresh31": HERE / "fresh31_dev.tsv",
    "fresh32": HERE / "fresh32_dev.tsv",
    "fresh33": HERE / "fresh33_dev.tsv",
    "fresh34": HERE / "fresh34_dev.tsv",
    "fresh35": HERE / "fresh35_dev.tsv",
    "fresh36": HERE / "fresh36_dev.tsv",
    "fresh37": HERE / "fresh37_dev.tsv",
    "fresh38": HERE / "fresh38_dev.tsv",
    "hardneg": HERE / "hardneg_dev.tsv",
}


@dataclass(frozen=True)
class Row:
    question: str
    expected: str  # "none", "id" or "id+id"
    lang: str
    style: str

    @property
    def ids(self) -> frozenset[str]:
        return frozenset() if self.expected == "none" else frozenset(self.expected.split("+"))


def load(name: str) -> list[Row]:
    with SETS[name].open(encoding="utf-8") as fh:
        return [
            Row(r["question"], r["expected"], r["lang"], r.get("style") or "-")
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def sha256(name: str) -> str:
    return hashlib.sha256(SETS[name].read_bytes()).hexdigest()


def right(row: Row, result: Result) -> bool:
    if row.expected == "none":
        return result.decision == "decline"
    answered = frozenset(result.answer_ids or ((result.answer_id,) if result.answer_id else ()))
    return result.decision == "answer" and answered == row.ids


def top1(row: Row, result: Result) -> bool:
    return bool(result.candidates) and result.candidates[0].id in row.ids


@dataclass
class Totals:
    n: int = 0
    inscope: int = 0
    oos: int = 0
    answered: int = 0  # in scope answered right
    declined: int = 0  # out of scope declined
    first: int = 0  # in scope: right entry ranked first

    def add(self, row: Row, result: Result) -> None:
        self.n += 1
        if row.expected == "none":
            self.oos += 1
            self.declined += result.decision == "decline"
        else:
            self.inscope += 1
            self.answered += right(row, result)
            self.first += top1(row, result)

    @property
    def overall(self) -> float:
        return (self.answered + self.declined) / max(1, self.n)

    def line(self, label: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a / b:6.3f}" if b else "     -"

        return (
            f"{label:22} {self.n:5} {self.overall:8.3f} {pct(self.first, self.inscope):>7} "
            f"{pct(self.answered, self.inscope):>9} {pct(self.declined, self.oos):>9}"
        )


HEADER = f"{'':22} {'n':>5} {'overall':>8} {'top-1':>7} {'answered':>9} {'declined':>9}"


def evaluate(
    ask: Callable[[str], Result], rows: Iterable[Row]
) -> tuple[Totals, list[tuple[Row, Result]]]:
    totals = Totals()
    pairs = []
    for row in rows:
        result = ask(row.question)
        totals.add(row, result)
        pairs.append((row, result))
    return totals, pairs


def breakdown(pairs: list[tuple[Row, Result]], key: Callable[[Row], str]) -> dict[str, Totals]:
    out: dict[str, Totals] = {}
    for row, result in pairs:
        out.setdefault(key(row), Totals()).add(row, result)
    return dict(sorted(out.items()))


def main() -> None:
    import signal

    from app.core.knowledge import load_knowledge

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `… | head` ends quietly

    name = sys.argv[1] if len(sys.argv) > 1 else "dev"
    matcher = Matcher(load_knowledge())
    totals, pairs = evaluate(matcher.ask, load(name))
    print(HEADER)
    print(totals.line(name))
    if name == "test":
        return  # the test split is scored, never read for misses
    for row, result in pairs:
        if not right(row, result):
            top = [(c.id, c.score) for c in result.candidates[:2]]
            print(
                f"MISS [{row.style}] exp={row.expected} got={result.decision}:"
                f"{','.join(result.answer_ids)} {result.reason} {top} | {row.question[:150]}"
            )


if __name__ == "__main__":
    main()
