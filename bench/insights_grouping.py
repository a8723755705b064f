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


def _topic(label: str) -> str:
    """The topic without its language: rate-limit-en and rate-limit-ja are one topic."""
    return label.rsplit("-", 1)[0] if label.endswith(("-en", "-ja")) else label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.03,0.05,0.07,0.1,0.13,0.16,0.2")
    args = parser.parse_args()
    matcher = Matcher(load_knowledge())
    texts, labels = _dev()
    topics = [_topic(label) for label in labels]
    print(f"{len(texts)} questions, {len(set(labels))} labels, {len(set(topics))} topics")
    print("threshold  P(label) R(label)  F1     P(topic) R(topic)  groups")
    for th in (float(t) for t in args.thresholds.split(",")):
        groups = insights.group_texts(matcher, texts, th)
        p, r = insights.pairwise_scores(groups, labels)
        tp, tr = insights.pairwise_scores(groups, topics)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{th:9.3f}  {p:8.3f} {r:8.3f}  {f1:.3f}  {tp:8.3f} {tr:8.3f}  {len(groups):6d}")
    many = (texts * (insights.MAX_GROUPED // len(texts) + 1))[: insights.MAX_GROUPED]
    start = time.perf_counter()
    insights.group_texts(matcher, many)
    elapsed = time.perf_counter() - start
    ms = elapsed * 1000
    print(f"grouping {len(many)} questions at GROUP_AT={insights.GROUP_AT}: {ms:.0f} ms")


if __name__ == "__main__":
    main()
