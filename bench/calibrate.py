"""Fit the matcher's decision model without touching the test split.

Training rows, each the signals of the top-ranked entry for one question:
- every example question of the knowledge, held out of its entry (4 folds over all entries and
  out-of-scope topics at once): right when the top entry is its entry;
- every example question of an entry with that whole entry removed from the index: never right,
  this is what a question the knowledge does not cover looks like, in the knowledge's own words;
- every out-of-scope example, held out (fold) and with its whole topic removed: never right;
- the off-topic questions of bench/calibration_oos.txt, against the full index;
- the dev split tests/data/realistic_dev.tsv, against the full index.
The fitted weights are printed and, with --write, saved to app/core/match/model_params.py.

    .venv/bin/python -m bench.calibrate [--write]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
from collections.abc import Iterable
from pathlib import Path

from app.core.knowledge import Entry, KnowledgeBase, LangText, check_knowledge
from app.core.match import decision, model_params
from app.core.match.decision import off_topic_lookalike, topic_over_entry
from app.core.match.matcher import Matcher
from app.core.scope import OutOfScopeTopic, ScopeText

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "realistic_dev.tsv"
PARAMS = ROOT / "app" / "core" / "match" / "model_params.py"
FOLDS = 4
# Example questions are short; customers wrap theirs in context, greetings and signatures. Each
# held-out example is also scored once wrapped, so the model learns that wrapping is not doubt.
CONTEXT = {
    "ja": [
        "弊社は物流業界向けの業務システムを開発している会社です。",
        "社内で生成 AI の導入を検討しており、情報システム部で確認を進めています。",
        "来月から新しいサービスを公開する予定です。",
        "取引先から質問を受けたので確認させてください。",
        "現在、社内向けのチャットボットを試験運用しています。",
        "上司から至急確認するように言われました。",
    ],
    "en": [
        "We are a small startup building a customer-support assistant.",
        "Our team is rolling out a new internal tool next quarter.",
        "I'm filling in a questionnaire from one of our enterprise customers.",
        "Legal asked me to double-check this before we sign anything.",
        "We have been testing the API for a few weeks now.",
        "Quick question from our engineering team.",
    ],
}
WRAP = {
    "ja": ("お世話になっております。", "よろしくお願いいたします。 山田 太郎 03-1234-5678"),
    "en": ("Hi team,", "Best regards, Alex | Example Ltd | +1 555 0100"),
}
ENTRY_OUT_WEIGHT = 0.2
WRAPPED_WEIGHT = 0.5
Row = tuple[str, tuple[float, ...], str, float]  # (expected, signals, top id, weight)


def _drop(questions: tuple[str, ...], fold: int) -> tuple[tuple[str, ...], list[str]]:
    kept = tuple(q for i, q in enumerate(questions) if i % FOLDS != fold)
    held = [q for i, q in enumerate(questions) if i % FOLDS == fold]
    return kept, held


def _fold_kb(kb: KnowledgeBase, fold: int) -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    held: list[tuple[str, str]] = []
    entries: dict[str, Entry] = {}
    for e in kb.entries.values():
        texts = {}
        for lang in ("ja", "en"):
            t = e.text(lang)
            kept, out = _drop(t.questions, fold)
            held += [(e.id, q) for q in out]
            texts[lang] = LangText(t.title, t.answer, kept)
        entries[e.id] = dataclasses.replace(e, **texts)
    topics: dict[str, OutOfScopeTopic] = {}
    for t in kb.out_of_scope.values():
        texts2 = {}
        for lang in ("ja", "en"):
            s = t.text(lang)
            kept, out = _drop(s.questions, fold)
            held += [("none", q) for q in out]
            texts2[lang] = ScopeText(s.title, s.redirect, kept)
        topics[t.id] = dataclasses.replace(t, **texts2)
    return dataclasses.replace(kb, entries=entries, out_of_scope=topics), held


def _wrapped(q: str, i: int) -> str:
    lang = "ja" if any("\u3040" <= ch <= "\u9fff" for ch in q) else "en"
    context = CONTEXT[lang][i % len(CONTEXT[lang])]
    if i % 2:
        hello, bye = WRAP[lang]
        return f"{hello} {context} {q} {bye}"
    return f"{context} {q}"


def _row(m: Matcher, expected: str, q: str, weight: float) -> Row | None:
    ev = m.evidence(q)
    if not ev.candidates:
        return None
    top = ev.candidates[0]
    # The matcher declines outright when an out-of-scope topic beats every entry.
    if topic_over_entry(top, ev):
        return (expected, top.signals, "oos", weight)
    if off_topic_lookalike(top, ev):
        return (expected, top.signals, "oos", weight)
    return (expected, top.signals, top.id, weight)


def collect(kb: KnowledgeBase, dev: Iterable[tuple[str, str]] = ()) -> dict[str, list[Row]]:
    sets: dict[str, list[Row]] = {
        "held": [],
        "wrapped": [],
        "entry_out": [],
        "topic_out": [],
        "dev": [],
    }
    for fold in range(FOLDS):
        sub, held = _fold_kb(kb, fold)
        m = Matcher(sub, use_cache=False)
        sets["held"] += [r for e, q in held if (r := _row(m, e, q, 1.0))]
        sets["wrapped"] += [
            r for i, (e, q) in enumerate(held) if (r := _row(m, e, _wrapped(q, i), WRAPPED_WEIGHT))
        ]
    for eid, e in kb.entries.items():
        sub = dataclasses.replace(kb, entries={k: v for k, v in kb.entries.items() if k != eid})
        m = Matcher(sub, use_cache=False)
        qs = [*e.ja.questions, *e.en.questions]
        sets["entry_out"] += [r for q in qs if (r := _row(m, "none", q, ENTRY_OUT_WEIGHT))]
    for tid, t in kb.out_of_scope.items():
        sub = dataclasses.replace(
            kb, out_of_scope={k: v for k, v in kb.out_of_scope.items() if k != tid}
        )
        m = Matcher(sub, use_cache=False)
        qs = [*t.ja.questions, *t.en.questions]
        sets["topic_out"] += [r for q in qs if (r := _row(m, "none", q, 1.0))]
    full = Matcher(kb, use_cache=False)
    sets["off_topic"] = [r for q in off_topic() if (r := _row(full, "none", q, 1.0))]
    for expected, q in dev:
        if "+" in expected:
            expected = expected.split("+")[0]
        if (r := _row(full, expected, q, 2.0)) is not None:
            sets["dev"].append(r)
    return sets


def off_topic() -> list[str]:
    """bench/calibration_oos.txt: off-topic questions written apart from every labelled set."""
    lines = (Path(__file__).parent / "calibration_oos.txt").read_text(encoding="utf-8")
    return [q for q in lines.splitlines() if q.strip() and not q.startswith("#")]


def load_dev() -> list[tuple[str, str]]:
    if not DEV.exists():
        return []
    with DEV.open(encoding="utf-8") as fh:
        return [(r["expected"], r["question"]) for r in csv.DictReader(fh, delimiter="\t")]


def report(name: str, rows: list[Row], params: list[float], at: float) -> None:
    inscope = [r for r in rows if r[0] != "none"]
    oos = [r for r in rows if r[0] == "none"]
    right = sum(r[2] == r[0] and decision.probability(r[1], params) >= at for r in inscope)
    wrong = sum(
        r[2] != r[0] and r[2] != "oos" and decision.probability(r[1], params) >= at for r in inscope
    )
    top1 = sum(r[2] == r[0] for r in inscope)
    declined = sum(r[2] == "oos" or decision.probability(r[1], params) < at for r in oos)
    print(
        f"{name:10} in scope {len(inscope):4}: top-1 {top1 / max(1, len(inscope)):.3f} "
        f"answered right {right / max(1, len(inscope)):.3f} "
        f"wrong {wrong / max(1, len(inscope)):.3f}"
        f" | out of scope {len(oos):4}: declined {declined / max(1, len(oos)):.3f}"
    )


def report_probs(name: str, rows: list[Row], at: float) -> None:
    """Like report, with each row's probability already in its last field."""
    inscope = [r for r in rows if r[0] != "none"]
    oos = [r for r in rows if r[0] == "none"]
    right = sum(r[2] == r[0] and r[3] >= at for r in inscope)
    declined = sum(r[2] == "oos" or r[3] < at for r in oos)
    n = len(rows)
    print(
        f"{name:10} answered right {right / max(1, len(inscope)):.3f} "
        f"| declined {declined / max(1, len(oos)):.3f} | overall {(right + declined) / n:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.calibrate")
    parser.add_argument("--write", action="store_true", help="save the fitted weights")
    args = parser.parse_args()
    kb, _ = check_knowledge()
    sets = collect(kb, load_dev())
    rows = [r for rs in sets.values() for r in rs]
    labels = [int(r[2] == r[0]) for r in rows]
    params = decision.fit([r[1] for r in rows], labels, [r[3] for r in rows])
    print("features:", ", ".join(decision.FEATURES))
    print("weights: ", ", ".join(f"{w:.3f}" for w in params))
    for name, rs in sets.items():
        report(name, rs, params, model_params.ANSWER_AT)
    # An honest figure for dev: fit without one half of it, score that half.
    base = [r for name, rs in sets.items() if name != "dev" for r in rs]
    cv: list[Row] = []
    for half in (0, 1):
        fit_rows = base + [r for i, r in enumerate(sets["dev"]) if i % 2 != half]
        p = decision.fit(
            [r[1] for r in fit_rows],
            [int(r[2] == r[0]) for r in fit_rows],
            [r[3] for r in fit_rows],
        )
        held = [r for i, r in enumerate(sets["dev"]) if i % 2 == half]
        cv += [(e, sig, top, float(decision.probability(sig, p))) for e, sig, top, _ in held]
    for at in (0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        report_probs(f"dev cv {at}", cv, at)
    if args.write:
        text = PARAMS.read_text(encoding="utf-8")
        start = text.index("WEIGHTS = (")
        end = text.index("\n)\n", start) + 3
        weights = "".join(f"    {w:.4f},\n" for w in params)
        PARAMS.write_text(
            text[:start] + f"WEIGHTS = (\n{weights})\n" + text[end:], encoding="utf-8"
        )
        print(f"written to {PARAMS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
