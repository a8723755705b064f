"""Calibrate the matcher's decision thresholds without touching the labelled test set.

In-scope evidence: every example question of the knowledge base, held out of its own entry in
turn. Out-of-scope evidence: bench/calibration_oos.txt. Prints the held-out accuracy for a grid
of thresholds so the settings in app/core/matcher.py can be chosen and checked.

    .venv/bin/python -m bench.calibrate
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from app.core import matcher as m
from app.core.knowledge import KnowledgeBase, LangText, check_knowledge

HERE = Path(__file__).parent


def oos_questions() -> list[str]:
    lines = (HERE / "calibration_oos.txt").read_text(encoding="utf-8").splitlines()
    return [q for q in lines if q.strip() and not q.startswith("#")]


def held_out(kb: KnowledgeBase) -> list[tuple[str, str, m.Result]]:
    """(expected id, question, result) for each example question, held out of its entry."""
    rows = []
    for entry in kb.entries.values():
        for lang in ("ja", "en"):
            t = entry.text(lang)
            for q in t.questions:
                kept = tuple(x for x in t.questions if x != q)
                smaller = dataclasses.replace(entry, **{lang: LangText(t.title, t.answer, kept)})
                entries = dict(kb.entries)
                entries[entry.id] = smaller
                sub = dataclasses.replace(kb, entries=entries)
                rows.append((entry.id, q, m.Matcher(sub).ask(q)))
    return rows


def decide(r: m.Result, answer_at: float, clarify_at: float, margin: float) -> str:
    top = r.candidates[0].score if r.candidates else 0.0
    second = r.candidates[1].score if len(r.candidates) > 1 else 0.0
    lead = top - second
    if (top >= answer_at and lead >= margin) or (top >= m.CLEAR_LEAD_AT and lead >= m.CLEAR_MARGIN):
        return "answer"
    return "clarify" if top >= clarify_at else "decline"


def main() -> None:
    kb, _ = check_knowledge()  # matching needs entries only
    rows = held_out(kb)
    matcher = m.Matcher(kb)
    oos = [matcher.ask(q) for q in oos_questions()]
    top1 = sum(r.candidates and r.candidates[0].id == e for e, _, r in rows) / len(rows)
    print(f"held-out examples: {len(rows)}, top-1 by rank: {top1:.3f}; out of scope: {len(oos)}")
    print("answer_at clarify_at margin | answered-right answered-wrong | oos-declined oos-answered")
    for answer_at in (0.40, 0.45, 0.50, 0.55, 0.60):
        for margin in (0.0, 0.03, 0.06, 0.1):
            clarify_at = answer_at - 0.12
            right = wrong = 0
            for e, _, r in rows:
                if decide(r, answer_at, clarify_at, margin) == "answer":
                    right += r.candidates[0].id == e
                    wrong += r.candidates[0].id != e
            dec = sum(decide(r, answer_at, clarify_at, margin) == "decline" for r in oos)
            ans = sum(decide(r, answer_at, clarify_at, margin) == "answer" for r in oos)
            n, k = len(rows), len(oos)
            print(
                f"{answer_at:9.2f} {clarify_at:10.2f} {margin:6.2f} | "
                f"{right / n:14.3f} {wrong / n:14.3f} | {dec / k:12.3f} {ans / k:12.3f}"
            )
    misses = [(e, q, r) for e, q, r in rows if not r.candidates or r.candidates[0].id != e]
    print(f"\nmis-ranked held-out examples ({len(misses)}):")
    for e, q, r in misses[:60]:
        got = r.candidates[0].id if r.candidates else "-"
        print(f"  {e:34} <- {got:34} {r.confidence:.2f} {q}")
    print("\nout-of-scope, highest scores:")
    for r in sorted(oos, key=lambda r: -r.confidence)[:12]:
        top = r.candidates[0] if r.candidates else None
        print(f"  {r.confidence:.2f} {r.decision:8} {top.id if top else '-':34} {r.query}")


if __name__ == "__main__":
    main()
