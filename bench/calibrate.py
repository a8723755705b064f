"""Calibrate the matcher's weights and thresholds without touching the labelled test set.

In-scope evidence: every example question of the knowledge base, held out of its own entry in
turn. Out-of-scope evidence: bench/calibration_oos.txt, off-topic questions many of which share
words with the policy. The signals of each candidate are collected once; blends and thresholds
are then searched offline. The settings in app/core/matcher.py were chosen from the top of this
search (differences there are within a few questions) among those that decline at least
MIN_DECLINED of the off-topic questions.

    .venv/bin/python -m bench.calibrate
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from app.core import matcher as m
from app.core.knowledge import KnowledgeBase, LangText, check_knowledge

HERE = Path(__file__).parent
MIN_DECLINED = 0.93
Signals = dict[str, tuple[float, float, float]]


def oos_questions() -> list[str]:
    lines = (HERE / "calibration_oos.txt").read_text(encoding="utf-8").splitlines()
    return [q for q in lines if q.strip() and not q.startswith("#")]


def _signals(matcher: m.Matcher, question: str) -> Signals:
    return {c.id: c.signals for c in matcher.rank(question, m.SHORTLIST)}


def held_out(kb: KnowledgeBase) -> list[tuple[str, str, Signals]]:
    """(expected id, question, candidate signals) for each example, held out of its entry."""
    rows = []
    for entry in kb.entries.values():
        for lang in ("ja", "en"):
            t = entry.text(lang)
            for q in t.questions:
                kept = tuple(x for x in t.questions if x != q)
                smaller = dataclasses.replace(entry, **{lang: LangText(t.title, t.answer, kept)})
                sub = dataclasses.replace(kb, entries={**kb.entries, entry.id: smaller})
                rows.append((entry.id, q, _signals(m.Matcher(sub), q)))
    return rows


def evaluate(
    rows: list[tuple[str, str, Signals]],
    weights: tuple[float, float, float],
    damping: float,
    answer_at: float,
    margin: float,
) -> tuple[float, float, float]:
    """(answered right, answered wrong) over in-scope rows, declined over out-of-scope rows."""
    right = wrong = declined = inscope = 0
    for expected, _, signals in rows:
        scored = sorted(
            ((m.blend(*s, weights=weights, damping=damping), eid) for eid, s in signals.items()),
            reverse=True,
        )
        top = scored[0][0] if scored else 0.0
        second = scored[1][0] if len(scored) > 1 else 0.0
        lead = top - second
        if (top >= answer_at and lead >= margin) or (
            top >= m.CLEAR_LEAD_AT and lead >= m.CLEAR_MARGIN
        ):
            decision = "answer"
        else:
            decision = "clarify" if top >= answer_at - 0.12 else "decline"
        if expected == "none":
            declined += decision == "decline"
        else:
            inscope += 1
            if decision == "answer":
                right += scored[0][1] == expected
                wrong += scored[0][1] != expected
    outside = len(rows) - inscope
    return right / inscope, wrong / inscope, declined / max(outside, 1)


def main() -> None:
    kb, _ = check_knowledge()  # matching needs the entries only
    rows = held_out(kb)
    matcher = m.Matcher(kb)
    oos = oos_questions()
    rows += [("none", q, _signals(matcher, q)) for q in oos]
    inscope = [r for r in rows if r[0] != "none"]
    top1 = sum(bool(s) and max(s, key=lambda k: m.blend(*s[k])) == e for e, _, s in inscope)
    print(
        f"held-out examples: {len(inscope)}, top-1: {top1 / len(inscope):.3f}; "
        f"off-topic: {len(oos)}"
    )
    current = (m.COVERAGE_WEIGHT, m.NEAREST_WEIGHT, m.RATIO_WEIGHT)
    right, wrong, declined = evaluate(rows, current, m.COVERAGE_DAMPING, m.ANSWER_AT, m.MARGIN)
    print(
        f"current settings: answered right {right:.3f}, wrong {wrong:.3f}, "
        f"off-topic declined {declined:.3f}"
    )
    found = []
    for a, b in itertools.product((0.3, 0.4, 0.5, 0.6), (0.2, 0.3, 0.4, 0.5)):
        c = round(1 - a - b, 2)
        if c < 0:
            continue
        for damping, answer_at, margin in itertools.product(
            (0.25, 0.5, 1.0), (0.45, 0.5, 0.55, 0.6), (0.03, 0.06)
        ):
            right, wrong, declined = evaluate(rows, (a, b, c), damping, answer_at, margin)
            if declined >= MIN_DECLINED:
                found.append(
                    (right - 2 * wrong, right, wrong, declined, a, b, c, damping, answer_at, margin)
                )
    found.sort(reverse=True)
    print(f"best settings declining >= {MIN_DECLINED:.0%} of off-topic questions:")
    print(" utility  right  wrong  declined | weights          damping  answer_at  margin")
    for u, r, w, d, a, b, c, damping, t, mg in found[:10]:
        print(
            f"{u:8.3f} {r:6.3f} {w:6.3f} {d:9.3f} | {a:.1f} {b:.1f} {c:.1f}  "
            f"{damping:12.2f} {t:10.2f} {mg:7.2f}"
        )


if __name__ == "__main__":
    main()
