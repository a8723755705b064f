"""`make bench`: accuracy against two baselines, latency at three sizes, build time, memory,
cold start. Figures are measured in one run so they can be compared with each other.

    .venv/bin/python -m bench [--quick]
"""

from __future__ import annotations

import argparse
import csv
import gc
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from app.core.knowledge import Entry, KnowledgeBase, LangText, load_knowledge
from app.core.match.matcher import Matcher
from app.core.match.text import normalise

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.tsv"


def load_rows() -> list[tuple[str, str, str]]:
    with QUESTIONS.open(encoding="utf-8") as fh:
        return [
            (r["lang"], r["expected"], r["question"]) for r in csv.DictReader(fh, delimiter="\t")
        ]


# --- baselines -------------------------------------------------------------------------------


def _examples(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    texts, ids = [], []
    for e in kb.entries.values():
        for lang in ("ja", "en"):
            for q in (e.text(lang).title, *e.text(lang).questions):
                texts.append(normalise(q))
                ids.append(e.id)
    return texts, ids


def wratio_baseline(kb: KnowledgeBase) -> Callable[[str], tuple[str, float]]:
    texts, ids = _examples(kb)

    def ask(q: str) -> tuple[str, float]:
        best = process.extractOne(normalise(q), texts, scorer=fuzz.WRatio)
        return (ids[best[2]], best[1] / 100) if best else ("", 0.0)

    return ask


def bm25_baseline(kb: KnowledgeBase) -> Callable[[str], tuple[str, float]]:
    """Okapi BM25 (k1=1.5, b=0.75) over character bigrams, one document per entry."""
    ids = list(kb.entries)
    docs = []
    for e in kb.entries.values():
        text = " ".join(
            normalise(q)
            for lang in ("ja", "en")
            for q in (e.text(lang).title, *e.text(lang).questions)
        )
        docs.append(Counter(_bigrams(text)))
    n = len(docs)
    avg = sum(sum(d.values()) for d in docs) / n
    df: Counter[str] = Counter(g for d in docs for g in d)
    idf = {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in df.items()}

    def ask(q: str) -> tuple[str, float]:
        grams = set(_bigrams(normalise(q)))
        if not grams:
            return "", 0.0
        best, best_s = "", 0.0
        self_score = sum(idf.get(g, 0.0) * 2.5 for g in grams) or 1.0
        for i, d in enumerate(docs):
            length = sum(d.values())
            s = 0.0
            for g in grams:
                tf = d.get(g, 0)
                if tf:
                    s += idf[g] * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * length / avg))
            if s > best_s:
                best, best_s = ids[i], s
        return best, min(1.0, best_s / self_score)

    return ask


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2]]


def best_threshold(
    preds: list[tuple[str, float]], rows: list[tuple[str, str, str]]
) -> tuple[float, float]:
    """The threshold that maximises overall accuracy (answer right, or decline out of scope)."""
    best_acc, best_t = 0.0, 0.0
    for t in [i / 100 for i in range(0, 101)]:
        ok = sum(
            (s < t) if exp == "none" else (s >= t and pid == exp)
            for (pid, s), (_, exp, _) in zip(preds, rows, strict=True)
        )
        if ok / len(rows) > best_acc:
            best_acc, best_t = ok / len(rows), t
    return best_acc, best_t


def accuracy(kb: KnowledgeBase, rows: list[tuple[str, str, str]]) -> None:
    matcher = Matcher(kb)
    inscope = [r for r in rows if r[1] != "none"]
    oos = [r for r in rows if r[1] == "none"]
    results = [matcher.ask(q) for _, _, q in rows]
    top1 = sum(
        bool(r.candidates) and r.candidates[0].id == exp
        for r, (_, exp, _) in zip(results, rows, strict=True)
        if exp != "none"
    )
    answered = sum(
        r.answer_id == exp for r, (_, exp, _) in zip(results, rows, strict=True) if exp != "none"
    )
    clarified = sum(
        r.decision == "clarify" and exp in r.suggestions
        for r, (_, exp, _) in zip(results, rows, strict=True)
        if exp != "none"
    )
    declined = sum(
        r.decision == "decline"
        for r, (_, exp, _) in zip(results, rows, strict=True)
        if exp == "none"
    )
    overall = (answered + declined) / len(rows)
    print(f"questions: {len(rows)} ({len(inscope)} in scope, {len(oos)} out of scope)")
    print(f"{'system':34} {'overall':>8} {'top-1':>7} {'answered':>9} {'oos declined':>13}")
    print(
        f"{'kotae':34} {overall:8.3f} {top1 / len(inscope):7.3f} {answered / len(inscope):9.3f} "
        f"{declined / len(oos):13.3f}   (+{clarified} clarified with the right entry offered)"
    )
    for name, make in (
        ("extractOne WRatio", wratio_baseline),
        ("BM25 char bigrams", bm25_baseline),
    ):
        ask = make(kb)
        preds = [ask(q) for _, _, q in rows]
        acc, t = best_threshold(preds, rows)
        top = sum(p[0] == exp for p, (_, exp, _) in zip(preds, rows, strict=True) if exp != "none")
        ans = sum(
            p[0] == exp and p[1] >= t
            for p, (_, exp, _) in zip(preds, rows, strict=True)
            if exp != "none"
        )
        dec = sum(p[1] < t for p, (_, exp, _) in zip(preds, rows, strict=True) if exp == "none")
        label = f"{name} (best t={t:.2f})"
        print(
            f"{label:34} {acc:8.3f} {top / len(inscope):7.3f} {ans / len(inscope):9.3f} "
            f"{dec / len(oos):13.3f}"
        )
    by_lang: dict[str, list[bool]] = {}
    for r, (lang, exp, _) in zip(results, rows, strict=True):
        ok = r.decision == "decline" if exp == "none" else r.answer_id == exp
        by_lang.setdefault(lang, []).append(ok)
    print(
        "kotae by language: "
        + ", ".join(f"{k} {sum(v) / len(v):.3f} (n={len(v)})" for k, v in sorted(by_lang.items()))
    )


# --- speed -------------------------------------------------------------------------------


_KANJI = "保存期間削除学習利用暗号認証契約企業顧客送信処理監視請求場所地域規則対象範囲目的履歴記録"
_KANA = "でーたふぁいるもでるあかうんとさーびすぽりしー"
_WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
).split()


def synthetic_kb(kb: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """The real entries plus generated ones whose questions mix kanji pairs, kana and words."""
    rng = random.Random(seed)
    entries = dict(kb.entries)
    template = next(iter(kb.entries.values()))
    while len(entries) < size:
        n = len(entries)
        ja_terms = ["".join(rng.sample(_KANJI, 2)) for _ in range(4)]
        en_terms = [rng.choice(_WORDS) + rng.choice(_WORDS) for _ in range(4)]
        ja_q = tuple(
            f"{rng.choice(ja_terms)}の{rng.choice(ja_terms)}{rng.choice(_KANA)}について{i}"
            for i in range(8)
        )
        en_q = tuple(
            f"what about {rng.choice(en_terms)} and {rng.choice(en_terms)} {i}" for i in range(8)
        )
        entries[f"gen.e{n}"] = Entry(
            f"gen.e{n}",
            template.topic,
            template.source,
            template.quote,
            LangText(ja_terms[0], "…", ja_q),
            LangText(en_terms[0], "…", en_q),
        )
    return KnowledgeBase(
        entries, kb.topics, kb.synonyms, kb.source_text, kb.root, kb.workflows, kb.boilerplate
    )


def _rss_mib() -> float:
    # Resident memory now (Linux); tracemalloc would slow the build it is measuring.
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def latency(kb: KnowledgeBase, rows: list[tuple[str, str, str]], quick: bool) -> None:
    sizes = (len(kb.entries), 1_000) if quick else (len(kb.entries), 1_000, 10_000)
    questions = [q for _, _, q in rows]
    print(f"{'entries':>8} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'index MiB':>10}")
    for size in sizes:
        big = synthetic_kb(kb, size)
        gc.collect()
        before = _rss_mib()
        t0 = time.perf_counter()
        matcher = Matcher(big)
        build = time.perf_counter() - t0
        grown = _rss_mib() - before
        times = []
        for q in questions:
            t = time.perf_counter()
            matcher.ask(q)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[int(len(times) * 0.95)]
        print(f"{size:8} {build:8.3f} {p50:7.2f} {p95:7.2f} {grown:10.1f}")
        del matcher, big
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MiB")


def cold_start(runs: int = 7) -> None:
    cmd = [sys.executable, "-m", "app", "ask", "保存期間は？"]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the file cache, not the process
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append((time.perf_counter() - t) * 1000)
    base = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        base.append((time.perf_counter() - t) * 1000)
    print(
        f"cold start `kotae ask`: median {statistics.median(times):.0f} ms over {runs} runs "
        f"(bare `python -c pass`: {statistics.median(base):.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-entry size")
    args = parser.parse_args()
    kb = load_knowledge()
    rows = load_rows()
    print("== accuracy (tests/data/questions.tsv) ==")
    accuracy(kb, rows)
    print("\n== matcher latency and build (synthetic entries added to the real ones) ==")
    latency(kb, rows, args.quick)
    print("\n== start-up ==")
    cold_start()
    try:
        from bench.tui_start import first_paint
    except ImportError:
        pass
    else:
        first_paint()
    print("\n== web: kotae serve --workers 2 on loopback (rate limits lifted) ==")
    from bench.web_load import run as web_load

    web_load()


if __name__ == "__main__":
    main()
