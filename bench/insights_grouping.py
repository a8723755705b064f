"""Grouping of unanswered questions on the development set: pairwise precision and recall per
threshold, and the time to group MAX_GROUPED questions. Thresholds are chosen here, never on the
labelled groups of the test suite.

    .venv/bin/python -m bench.insights_grouping [--thresholds 0.05,0.07,0.1]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from app.core import insights
from app.core.knowledge import load_knowledge
from app.core.match.matcher import Matcher

DEV = Path(__file__).resolve().parent / "insights_dev.tsv"


def _dev() -> tuple[list[str], list[str]]:
    with DEV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["question"] for r in rows], [r["topic"] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.03,0.05,0.07,0.1,0.13,0.16,0.2")
    args = parser.parse_args()
    matcher = Matcher(load_knowledge())
    texts, topics = _dev()
    # A topic is one group whatever the language or wording of its questions.
    print(f"{len(texts)} questions, {len(set(topics))} topics")
    print("threshold  precision  recall  F1     groups")
    for th in (float(t) for t in args.thresholds.split(",")):
        groups = insights.group_texts(matcher, texts, th)
        p, r = insights.pairwise_scores(groups, topics)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{th:9.3f}  {p:9.3f}  {r:6.3f}  {f1:.3f}  {len(groups):6d}")
    many = (texts * (insights.MAX_GROUPED // len(texts) + 1))[: insights.MAX_GROUPED]
    start = time.perf_counter()
    insights.group_texts(matcher, many)
    elapsed = time.perf_counter() - start
    ms = elapsed * 1000
    print(f"grouping {len(many)} questions at GROUP_AT={insights.GROUP_AT}: {ms:.0f} ms")


if __name__ == "__main__":
    main()
