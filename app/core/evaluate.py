"""Score the matcher on a file of questions with expected entry ids: `kotae eval` and the bench.

One scoring rule for both, so their figures agree. A question is right when
- it expects entries and Kotae answers with exactly those (`id+id`: both answered), or
- it expects `none` and Kotae declines.
A clarification is wrong in scope; anything but a decline is wrong out of scope.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.core.answers import answer_ids
from app.core.match.result import detect_language

NONE = "none"
# Frozen test splits (sha256 of the file): only their totals are shown, never a question, so
# nobody tunes on them by reading their misses (tests/data/README.md).
FROZEN = {"b1babe5667d3050344886fa20d7122883c589dbe990ef65017f014cde055193d"}


def is_frozen(path: Path) -> bool:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() in FROZEN
    except OSError:
        return False


class EvalFileError(Exception):
    """The question file cannot be used; the message names the file and the line."""


class _Result(Protocol):
    decision: str
    confidence: float

    @property
    def answer_id(self) -> str | None: ...


class _Asker(Protocol):
    def ask(self, query: str) -> Any: ...


@dataclass(frozen=True)
class Row:
    question: str
    expected: tuple[str, ...]  # sorted entry ids; () means out of scope ("none")
    lang: str = ""  # "" means: detected from the question
    style: str = ""
    line: int = 0

    @property
    def expected_label(self) -> str:
        return "+".join(self.expected) or NONE


@dataclass(frozen=True)
class Outcome:
    row: Row
    lang: str
    decision: str
    answered: tuple[str, ...]
    confidence: float
    candidates: tuple[tuple[str, float], ...]  # top candidates (id, score), best first
    right: bool

    @property
    def got_label(self) -> str:
        if self.decision == "answer":
            return "+".join(self.answered)
        return self.decision


@dataclass
class Tally:
    n: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.right += ok


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)
    in_scope: Tally = field(default_factory=Tally)
    out_of_scope: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=dict)
    by_entry: dict[str, Tally] = field(default_factory=dict)  # expected label -> tally
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, got)

    @property
    def accuracy(self) -> float:
        return self.total.accuracy

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.right]

    def to_json(self, totals_only: bool = False) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {"n": t.n, "right": t.right, "accuracy": round(t.accuracy, 4)}

        totals = {
            "questions": self.total.n,
            "right": self.total.right,
            "accuracy": round(self.accuracy, 4),
            "in_scope": tally(self.in_scope),
            "out_of_scope": tally(self.out_of_scope),
            "by_lang": {k: tally(v) for k, v in sorted(self.by_lang.items())},
        }
        if totals_only:
            return totals
        return {
            **totals,
            "by_entry": {k: tally(v) for k, v in sorted(self.by_entry.items())},
            "confusions": [
                {"expected": e, "got": g, "count": c} for (e, g), c in self.confusion_pairs()
            ],
            "misses": [_outcome_json(o) for o in self.misses],
        }

    def confusion_pairs(self) -> list[tuple[tuple[str, str], int]]:
        return sorted(self.confusions.items(), key=lambda kv: (-kv[1], kv[0]))


def _outcome_json(o: Outcome) -> dict[str, Any]:
    return {
        "line": o.row.line,
        "question": o.row.question,
        "lang": o.lang,
        "expected": o.row.expected_label,
        "decision": o.decision,
        "answered": list(o.answered),
        "confidence": round(o.confidence, 3),
        "candidates": [{"id": i, "score": s} for i, s in o.candidates],
    }


def answered_ids(result: Any) -> tuple[str, ...]:
    """The entries a result answers with: several when the matcher answers a two-part question."""
    return tuple(sorted(answer_ids(result)))


def is_right(result: Any, expected: Sequence[str]) -> bool:
    if not expected:
        return bool(result.decision == "decline")
    return result.decision == "answer" and answered_ids(result) == tuple(sorted(expected))


def _as_row(row: Row | tuple[str, str, str]) -> Row:
    if isinstance(row, Row):
        return row
    lang, expected, question = row  # the bench's (lang, expected, question) tuples
    return Row(question, parse_expected(expected), lang)


def score_rows(matcher: _Asker, rows: Iterable[Row | tuple[str, str, str]]) -> Score:
    """Ask every question and tally the results. Rows are Row or (lang, expected, question)."""
    score = Score()
    for raw in rows:
        row = _as_row(raw)
        result = matcher.ask(row.question)
        ok = is_right(result, row.expected)
        lang = row.lang or detect_language(row.question)
        cands = tuple((c.id, c.score) for c in getattr(result, "candidates", ())[:3])
        outcome = Outcome(
            row, lang, result.decision, answered_ids(result), result.confidence, cands, ok
        )
        score.outcomes.append(outcome)
        score.total.add(ok)
        (score.in_scope if row.expected else score.out_of_scope).add(ok)
        score.by_lang.setdefault(lang, Tally()).add(ok)
        score.by_entry.setdefault(row.expected_label, Tally()).add(ok)
        if not ok:
            score.confusions[(row.expected_label, outcome.got_label)] += 1
    return score


# -- reading question files -------------------------------------------------------------------


def parse_expected(text: str) -> tuple[str, ...]:
    text = text.strip()
    if not text or text.lower() == NONE:
        return ()
    return tuple(sorted(p.strip() for p in text.split("+") if p.strip()))


def read_rows(path: Path) -> list[Row]:
    """Read a TSV (header with `question` and `expected`) or JSONL question file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalFileError(f"{path}: not valid UTF-8 ({exc.reason})") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    if path.suffix.lower() in (".jsonl", ".json") or first.lstrip().startswith("{"):
        rows = list(_read_jsonl(path, text))
    else:
        rows = list(_read_tsv(path, text))
    if not rows:
        raise EvalFileError(f"{path}: no questions")
    return rows


def _read_tsv(path: Path, text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = reader.fieldnames or []
    missing = [c for c in ("question", "expected") if c not in columns]
    if missing:
        raise EvalFileError(
            f"{path}: line 1: the header needs the columns question and expected "
            f"(tab-separated; optional: lang, style); missing: {', '.join(missing)}"
        )
    for rec in reader:
        line = reader.line_num
        question = (rec.get("question") or "").strip()
        if not question:
            if not any((v or "").strip() for v in rec.values() if isinstance(v, str)):
                continue  # a blank line
            raise EvalFileError(f"{path}: line {line}: the question is empty")
        if rec.get("expected") is None:  # the row stops before its expected column
            raise EvalFileError(
                f"{path}: line {line}: the expected column is missing (an entry id, id+id, "
                "or none for a question the policy does not answer)"
            )
        yield Row(
            question,
            parse_expected(rec.get("expected") or ""),
            (rec.get("lang") or "").strip(),
            (rec.get("style") or "").strip(),
            line,
        )


def _read_jsonl(path: Path, text: str) -> Iterator[Row]:
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}: line {line}: not valid JSON ({exc.msg})") from None
        if not isinstance(rec, dict):
            raise EvalFileError(f"{path}: line {line}: must be a JSON object")
        question = rec.get("question")
        if not isinstance(question, str) or not question.strip():
            raise EvalFileError(f"{path}: line {line}: question: must be a non-empty string")
        expected = rec.get("expected")
        if expected is None:
            ids: tuple[str, ...] = ()
        elif isinstance(expected, str):
            ids = parse_expected(expected)
        elif isinstance(expected, list) and all(isinstance(e, str) for e in expected):
            ids = tuple(sorted(expected))
        else:
            raise EvalFileError(
                f"{path}: line {line}: expected: must be an entry id, 'id+id', a list or 'none'"
            )
        lang, style = rec.get("lang") or "", rec.get("style") or ""
        yield Row(question.strip(), ids, str(lang), str(style), line)


def unknown_ids(rows: Iterable[Row], known: Iterable[str]) -> list[tuple[int, str]]:
    ids = set(known)
    return [(r.line, e) for r in rows for e in r.expected if e not in ids]


# -- comparing with another version of the knowledge ------------------------------------------


@dataclass(frozen=True)
class Comparison:
    before: Score
    after: Score
    fixed: list[tuple[Outcome, Outcome]]  # (before, after): wrong before, right now
    broken: list[tuple[Outcome, Outcome]]  # right before, wrong now


def compare(before: Score, after: Score) -> Comparison:
    fixed, broken = [], []
    for b, a in zip(before.outcomes, after.outcomes, strict=True):
        if a.right and not b.right:
            fixed.append((b, a))
        elif b.right and not a.right:
            broken.append((b, a))
    return Comparison(before, after, fixed, broken)


class RevisionError(Exception):
    """A git revision's knowledge folder cannot be extracted."""


@contextmanager
def knowledge_at_revision(rev: str, knowledge_root: Path) -> Iterator[Path]:
    """The knowledge folder as it was at git revision `rev`, extracted into a temporary folder."""
    root = knowledge_root.resolve()
    git = shutil.which("git")
    if git is None:
        raise RevisionError("git is not installed")

    def run(*args: str, cwd: Path = root) -> bytes:
        proc = subprocess.run([git, "-C", str(cwd), *args], capture_output=True)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RevisionError(message[-1] if message else f"git {args[0]} failed")
        return proc.stdout

    top = Path(run("rev-parse", "--show-toplevel").decode().strip())
    rel = root.relative_to(top.resolve()).as_posix() or "."
    archive = run("archive", "--format=tar", rev, "--", rel, cwd=top)
    with tempfile.TemporaryDirectory(prefix="kotae-eval-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / rel
