"""How sure the matcher is that an entry answers a question: a small logistic model over
signals that mean the same for any entry, so an entry added by an editor needs no refit.

The model is fit in pure Python by bench/calibrate.py on example questions of the knowledge held
out of their entry, questions about an entry removed from the index altogether (what a question
the knowledge does not cover looks like), out-of-scope topics' examples with the topic removed,
and the dev split of the labelled questions — never the test split. The fitted numbers live in
`app/core/match/model_params.py`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.core.match import model_params
from app.core.match.result import Candidate, Evidence

FEATURES = (
    "coverage",  # share of the question's BM25F weight the entry explains
    "evidence",  # log(1 + BM25F score): absolute evidence, not diluted by context words
    "margin",  # lead over the best other entry, relative to the score
    "oos_ratio",  # best out-of-scope topic's score over this entry's
    "nearest",  # cosine to the entry's nearest example question
    "oos_nearest",  # cosine to the nearest out-of-scope example
    "closeness",  # rapidfuzz ratio to that nearest example
    "asking",  # share of the asking sentences' weight the entry knows
    "unknown",  # share of the question's weight no document knows
    "nearest_lead",  # nearest-example cosine minus the best other entry's
    "oos_only",  # share of the question's weight only out-of-scope topics know
    "title",  # share of one of the entry's titles the question names
)


# How an answer's confidence is shown, the same in every face. Measured on the dev split,
# questions.tsv and bench/multi_dev.tsv: answers at 0.8 or more were right 98 % of the time,
# at 0.55-0.8 about 87 %, below that about 78 %.
HIGH_AT = 0.8
MEDIUM_AT = 0.55


def band(confidence: float) -> str:
    """ "high", "medium" or "low": only how sure an answer looks; whether to answer at all is
    the matcher's decision."""
    return "high" if confidence >= HIGH_AT else "medium" if confidence >= MEDIUM_AT else "low"


def probability(x: Sequence[float], params: Sequence[float] | None = None) -> float:
    w = params if params is not None else model_params.WEIGHTS
    z = w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[int],
    weights: Sequence[float] | None = None,
    ridge: float = 1.0,
    iterations: int = 25,
) -> list[float]:
    """Weighted logistic regression by Newton's method (IRLS) with an L2 penalty."""
    k = len(rows[0]) + 1
    xs = [[1.0, *r] for r in rows]
    sw = weights or [1.0] * len(rows)
    beta = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y, s in zip(xs, labels, sw, strict=True):
            z = sum(a * b for a, b in zip(beta, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            g = s * (y - p)
            h = s * p * (1 - p)
            for i in range(k):
                grad[i] += g * x[i]
                hi = h * x[i]
                row = hess[i]
                for j in range(i, k):
                    row[j] += hi * x[j]
        for i in range(k):
            for j in range(i):
                hess[i][j] = hess[j][i]
            if i:  # no penalty on the intercept
                grad[i] -= ridge * beta[i]
                hess[i][i] += ridge
        step = _solve(hess, grad)
        beta = [b + d for b, d in zip(beta, step, strict=True)]
        if max(abs(d) for d in step) < 1e-6:
            break
    return beta


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the system is small and positive definite)."""
    n = len(b)
    m = [[*row, v] for row, v in zip(a, b, strict=True)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f:
                for j in range(c, n + 1):
                    m[r][j] -= f * m[c][j]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(m[r][r]) < 1e-12:
            continue
        out[r] = (m[r][n] - sum(m[r][j] * out[j] for j in range(r + 1, n))) / m[r][r]
    return out


# When to decline or hedge whatever the model says ------------------------------------------

VAGUE_COVERAGE = 0.7  # share of the question the entries explain, for "which of these?"
OOS_OVER = 0.9  # an out-of-scope topic this close to the best entry declines outright…
NEAREST_OVER = 0.2  # …unless an example of the entry is this much closer than the topic's
# Declined as out of scope: nearest out-of-scope example this much closer than the entry's, and
# the topic's BM25F score at least this share of the entry's.
LOOKALIKE_LEAD = 0.1
LOOKALIKE_SCORE = 0.6


def vague(top: Candidate) -> bool:
    """Every word is the policy's and the entries explain most of it, yet no entry is sure:
    "data retention", 「データ」. Better asked which than declined as if off-topic."""
    coverage, _, _, oos_ratio = top.signals[:4]
    unknown = top.signals[8]
    return unknown == 0 and coverage >= VAGUE_COVERAGE and oos_ratio < 1


def topic_over_entry(top: Candidate, ev: Evidence) -> bool:
    """An out-of-scope topic scores about as well as the best entry and reads at least as much
    like one of its examples: "How much does the API cost?". A question that is one of the
    entry's examples in other words ("do you train on my data", beside a topic about what the
    models were trained on) goes to the decision model instead."""
    nearest, oos_nearest = top.signals[4], top.signals[5]
    return (
        ev.oos_id is not None
        and ev.oos_score >= OOS_OVER * ev.top_score
        and oos_nearest >= nearest - NEAREST_OVER
    )


def off_topic_lookalike(top: Candidate, ev: Evidence) -> bool:
    """Shares the policy's words ("fine-tune", 「ファイル」) but reads like an out-of-scope
    example clearly more than like any example of the entry: "How do I fine-tune a model?"."""
    nearest, oos_nearest = top.signals[4], top.signals[5]
    return (
        ev.oos_id is not None
        and oos_nearest >= nearest + LOOKALIKE_LEAD
        and ev.oos_score >= LOOKALIKE_SCORE * ev.top_score
    )
