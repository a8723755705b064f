"""`make bench`: accuracy against two baselines, latency at three sizes, build time, memory,
cold start. Figures are measured in one run so they can be compared with each other.

    .venv/bin/python -m bench [--quick]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from app.core.knowledge import Entry, KnowledgeBase, LangText, load_knowledge
from app.core.match.matcher import Matcher
from app.core.match.result import Candidate, Result
from app.core.match.text import normalise
from bench import realistic

ROOT = Path(__file__).resolve().parent.parent


# --- baselines -------------------------------------------------------------------------------


def _entry_text(e: Entry) -> str:
    """Title, answer and example questions in both languages: what the baselines index."""
    return " ".join(
        normalise(q)
        for lang in ("ja", "en")
        for q in (e.text(lang).title, e.text(lang).answer, *e.text(lang).questions)
    )


def wratio_baseline(kb: KnowledgeBase) -> Callable[[str], tuple[str, float]]:
    texts, ids = [], []
    for e in kb.entries.values():
        for lang in ("ja", "en"):
            for q in (e.text(lang).title, *e.text(lang).questions):
                texts.append(normalise(q))
                ids.append(e.id)

    def ask(q: str) -> tuple[str, float]:
        best = process.extractOne(normalise(q), texts, scorer=fuzz.WRatio)
        return (ids[best[2]], best[1] / 100) if best else ("", 0.0)

    return ask


def bm25_baseline(kb: KnowledgeBase) -> Callable[[str], tuple[str, float]]:
    """Okapi BM25 (k1=1.5, b=0.75) over character bigrams of title + answer + examples (both
    languages), one document per entry; the score is normalised by the question's own."""
    ids = list(kb.entries)
    docs = [Counter(_bigrams(_entry_text(e))) for e in kb.entries.values()]
    n = len(docs)
    avg = sum(sum(d.values()) for d in docs) / n
    lengths = [sum(d.values()) for d in docs]
    df: Counter[str] = Counter(g for d in docs for g in d)
    idf = {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in df.items()}

    def ask(q: str) -> tuple[str, float]:
        grams = set(_bigrams(normalise(q)))
        if not grams:
            return "", 0.0
        best, best_s = "", 0.0
        self_score = sum(idf.get(g, 0.0) * 2.5 for g in grams) or 1.0
        for i, d in enumerate(docs):
            s = 0.0
            for g in grams:
                tf = d.get(g, 0)
                if tf:
                    s += idf[g] * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * lengths[i] / avg))
            if s > best_s:
                best, best_s = ids[i], s
        return best, min(1.0, best_s / self_score)

    return ask


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2]]


def _as_result(question: str, pred: tuple[str, float], t: float) -> Result:
    pid, score = pred
    cands = (Candidate(pid, score),) if pid else ()
    if pid and score >= t:
        return Result(question, "", "answer", score, cands, answer_ids=(pid,), reason="baseline")
    return Result(question, "", "decline", score, cands, reason="baseline")


def baseline_results(
    ask: Callable[[str], tuple[str, float]], rows: list[realistic.Row]
) -> tuple[float, list[Result]]:
    """The baseline's results at its best single threshold on these very rows."""
    preds = [ask(r.question) for r in rows]
    best_t, best_ok = 0.0, -1
    for t in [i / 100 for i in range(101)]:
        ok = sum(
            realistic.right(r, _as_result(r.question, p, t))
            for r, p in zip(rows, preds, strict=True)
        )
        if ok > best_ok:
            best_t, best_ok = t, ok
    return best_t, [_as_result(r.question, p, best_t) for r, p in zip(rows, preds, strict=True)]


# --- accuracy --------------------------------------------------------------------------------


def _totals(rows: list[realistic.Row], results: list[Result]) -> realistic.Totals:
    totals = realistic.Totals()
    for r, res in zip(rows, results, strict=True):
        totals.add(r, res)
    return totals


def accuracy(kb: KnowledgeBase, name: str) -> None:
    rows = realistic.load(name)
    matcher = Matcher(kb)
    kotae = [matcher.ask(r.question) for r in rows]
    systems = {"kotae": kotae}
    thresholds = {}
    for label, make in (("BM25 bigrams", bm25_baseline), ("WRatio", wratio_baseline)):
        thresholds[label], systems[label] = baseline_results(make(kb), rows)
    path = realistic.SETS[name].relative_to(ROOT)
    print(f"-- {name}: {path} (sha256 {realistic.sha256(name)})")
    print(
        "   baselines use their best single threshold on this set: "
        + ", ".join(f"{k} t={v:.2f}" for k, v in thresholds.items())
    )
    groups: list[tuple[str, Callable[[realistic.Row], str]]] = [
        ("all", lambda r: "all"),
        ("lang", lambda r: r.lang),
        ("style", lambda r: r.style),
    ]
    print(f"   {'group':18} {'system':13} {realistic.HEADER[23:]}")
    for gname, key in groups:
        keys = sorted({key(r) for r in rows})
        for k in keys:
            idx = [i for i, r in enumerate(rows) if key(r) == k]
            sub = [rows[i] for i in idx]
            for sname, results in systems.items():
                t = _totals(sub, [results[i] for i in idx])
                label = f"{gname}={k}" if gname != "all" else "all"
                print(f"   {label:18} {t.line(sname)}")
    kotae_t = _totals(rows, kotae)
    clarified = sum(res.decision == "clarify" for res in kotae)
    two = sum(res.reason == "two_questions" for res in kotae)
    first_is_right = sum(
        res.decision == "decline" and bool(res.suggestions) and res.suggestions[0] in r.ids
        for r, res in zip(rows, kotae, strict=True)
    )
    print(
        f"   kotae: {clarified} clarify, {two} two-answer replies; declines whose first suggestion "
        f"was the expected entry: {first_is_right}; overall {kotae_t.overall:.3f}"
    )
    if name == "dev":
        for r, res in zip(rows, kotae, strict=True):
            if not realistic.right(r, res):
                top = ",".join(c.id for c in res.candidates[:2])
                print(
                    f"   MISS [{r.lang}/{r.style}] expected {r.expected}, got {res.decision} "
                    f"{','.join(res.answer_ids)} ({res.reason}; top {top}) | {r.question[:120]}"
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
    return dataclasses.replace(kb, entries=entries)


def _rss_mib() -> float:
    # Resident memory now (Linux); tracemalloc would slow the build it is measuring.
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def latency(kb: KnowledgeBase, questions: list[str], quick: bool) -> None:
    sizes = (len(kb.entries), 1_000) if quick else (len(kb.entries), 1_000, 10_000)
    print(
        f"{'entries':>8} {'build s':>8} {'load s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'index MiB':>10} {'cache MiB':>10}"
    )
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KOTAE_CACHE_DIR"] = folder  # never the user's cache for synthetic entries
        for size in sizes:
            big = synthetic_kb(kb, size)
            gc.collect()
            before = _rss_mib()
            t0 = time.perf_counter()
            matcher = Matcher(big)  # builds and saves the index
            build = time.perf_counter() - t0
            grown = _rss_mib() - before
            del matcher
            gc.collect()
            t0 = time.perf_counter()
            matcher = Matcher(big)  # loads it
            load = time.perf_counter() - t0
            saved = sum(f.stat().st_size for f in Path(folder).iterdir()) / 2**20
            times = []
            for q in questions:
                t = time.perf_counter()
                matcher.ask(q)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[int(len(times) * 0.95)]
            print(
                f"{size:8} {build:8.3f} {load:7.3f} {p50:7.2f} {p95:7.2f} {grown:10.1f} "
                f"{saved:10.1f}"
            )
            for f in Path(folder).iterdir():
                f.unlink()
            del matcher, big
        del os.environ["KOTAE_CACHE_DIR"]
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
    # The bench's questions (cold starts, the web load) are no one's: never log them, whatever
    # the user's config says. Child processes inherit this.
    os.environ["KOTAE_LOG_QUESTIONS"] = "off"
    kb = load_knowledge()
    print("== accuracy: overall = answered right or declined out of scope; a clarify is wrong ==")
    print("   (the test split is scored in totals only; misses are listed for dev)")
    # Every set of bench/realistic.py, the test split first.
    for name in ("test", *(n for n in realistic.SETS if n != "test")):
        accuracy(kb, name)
    print("\n== matcher latency and build (synthetic entries added to the real ones) ==")
    # Timed on the old set and dev (short and long questions alike).
    questions = [r.question for name in ("old", "dev") for r in realistic.load(name)]
    print(f"   {len(questions)} questions")
    latency(kb, questions, args.quick)
    print("\n== start-up ==")
    cold_start()
    try:
        from bench.tui_start import first_paint
    except ImportError:
        pass
    else:
        first_paint()
    from bench.tui_latency import tui_latency

    print("\n== terminal UI latency ==")
    tui_latency()
    print("\n== web: kotae serve --workers 2 on loopback (rate limits lifted) ==")
    from bench.web_load import run as web_load

    web_load()
    print("\n== request store throughput ==")
    from bench.store_bench import store_throughput

    store_throughput()
    print("\n== insights: grouping unanswered questions (development sets) ==")
    from app.core.insights import GROUP_AT
    from bench.insights_grouping import report

    report([GROUP_AT])


if __name__ == "__main__":
    main()
