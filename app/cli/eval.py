"""`kotae eval FILE`: how well the knowledge base answers a file of labelled questions.

For editors: accuracy overall, by language and by entry, the confusions and every miss; with
`--compare REV` what a change fixed and what it broke. Questions asked here are never logged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.i18n import _
from app.core.knowledge import KnowledgeError, load_knowledge
from app.core.match.matcher import Matcher
from app.core.match.text import printable
from app.core.paths import knowledge_dir

if TYPE_CHECKING:
    from app.core.evaluate import Outcome, Score

EXIT_OK, EXIT_BELOW, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


def add_eval_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help=_("score the knowledge base on a file of labelled questions"))
    p.add_argument("file", type=Path, help=_("TSV (question, expected[, lang, style]) or JSONL"))
    p.add_argument("--json", action="store_true", help=_("print one JSON object"))
    p.add_argument("--min", type=float, metavar="X", help=_("exit 1 when accuracy is below X"))
    p.add_argument(
        "--totals-only",
        action="store_true",
        help=_("print totals, no questions (always so for a frozen test split)"),
    )
    p.add_argument(
        "--compare",
        metavar="REV",
        help=_("another knowledge folder or a git revision to compare with"),
    )


def run_eval(args: argparse.Namespace) -> int:
    # Imported here: the parser is built on every `kotae` start, `kotae ask` included.
    from app.core.evaluate import (
        EvalFileError,
        RevisionError,
        is_frozen,
        read_rows,
        score_rows,
        unknown_ids,
    )

    if args.min is not None and not 0.0 <= args.min <= 1.0:
        print(_("--min must be between 0 and 1."), file=sys.stderr)
        return EXIT_USAGE
    if not args.file.is_file():
        print(_("Cannot read {file}: no such file").format(file=args.file), file=sys.stderr)
        return EXIT_INPUT
    try:
        rows = read_rows(args.file)
        kb = load_knowledge(args.knowledge)
    except EvalFileError as exc:
        print(printable(str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(
            _("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror),
            file=sys.stderr,
        )
        return EXIT_INPUT
    unknown = unknown_ids(rows, kb.entries)
    for line, entry_id in unknown:
        print(
            _("{file}: line {n}: unknown entry id {id}").format(
                file=args.file, n=line, id=printable(entry_id)
            ),
            file=sys.stderr,
        )
    if unknown and not args.compare:
        # A row that expects an entry the knowledge lacks can never be right: scoring it would
        # report a figure that only measures the typo. With --compare the other knowledge may
        # have it (an entry renamed), and what the rename broke is the point.
        return EXIT_USAGE
    score = score_rows(Matcher(kb), rows)
    if is_frozen(args.file) and not args.totals_only:
        args.totals_only = True
        print(
            _("{file} is a frozen test split: only totals are shown.").format(file=args.file),
            file=sys.stderr,
        )
    report = score.to_json(args.totals_only)
    before: Score | None = None
    if args.compare:
        try:
            before = _score_other(args.compare, args.knowledge, rows)
        except (RevisionError, KnowledgeError) as exc:
            detail = (
                "; ".join(str(p) for p in exc.problems)
                if isinstance(exc, KnowledgeError)
                else str(exc)
            )
            print(
                _("Cannot compare with {rev}: {error}").format(
                    rev=printable(args.compare), error=printable(detail)
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
    try:
        _output(args, report, score, before)
    except BrokenPipeError:  # `kotae eval … | head`: the reader has gone, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    if args.min is not None and score.accuracy < args.min:
        print(
            _("Accuracy {acc:.3f} is below --min {min:.3f}.").format(
                acc=score.accuracy, min=args.min
            ),
            file=sys.stderr,
        )
        return EXIT_BELOW
    return EXIT_OK


def _output(args: argparse.Namespace, report: dict, score: Score, before: Score | None) -> None:
    from app.core.evaluate import compare

    if args.json:
        if before is not None:
            cmp = compare(before, score)
            report["compare"] = {
                "rev": args.compare,
                "accuracy_before": round(before.accuracy, 4),
                "fixed": len(cmp.fixed),
                "broken": len(cmp.broken),
            }
            if not args.totals_only:
                report["compare"]["fixed"] = [_change_json(b, a) for b, a in cmp.fixed]
                report["compare"]["broken"] = [_change_json(b, a) for b, a in cmp.broken]
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_report(score, args.totals_only)
        if before is not None:
            _print_compare(args.compare, before, score, args.totals_only)
    sys.stdout.flush()


def _score_other(rev: str, knowledge: Path | None, rows: list) -> Score:
    from app.core.evaluate import knowledge_at_revision, score_rows

    folder = Path(rev).expanduser()
    if folder.is_dir():
        return score_rows(Matcher(load_knowledge(folder)), rows)
    with knowledge_at_revision(rev, knowledge or knowledge_dir()) as extracted:
        return score_rows(Matcher(load_knowledge(extracted)), rows)


def _change_json(before: Outcome, after: Outcome) -> dict[str, object]:
    return {
        "line": after.row.line,
        "question": after.row.question,
        "expected": after.row.expected_label,
        "before": before.got_label,
        "after": after.got_label,
    }


def _ratio(n: int, right: int) -> str:
    return f"{right / n if n else 0.0:.3f}  ({right}/{n})"


def _print_report(score: Score, totals_only: bool = False) -> None:
    out = sys.stdout
    print(_("Accuracy: {value}").format(value=_ratio(score.total.n, score.total.right)), file=out)
    print(
        _("  in scope: {a}   out of scope: {b}").format(
            a=_ratio(score.in_scope.n, score.in_scope.right),
            b=_ratio(score.out_of_scope.n, score.out_of_scope.right),
        )
    )
    print(_("By language:"))
    for lang, t in sorted(score.by_lang.items()):
        print(f"  {lang:8} {_ratio(t.n, t.right)}")
    if totals_only:
        return
    print(_("By entry (expected):"))
    width = max((len(k) for k in score.by_entry), default=10)
    for entry_id, t in sorted(score.by_entry.items(), key=lambda kv: (kv[1].accuracy, kv[0])):
        print(f"  {printable(entry_id):{width}} {_ratio(t.n, t.right)}")
    pairs = score.confusion_pairs()
    if pairs:
        print(_("Confusions (expected -> got):"))
        for (exp, got), count in pairs:
            print(f"  {count:4}  {printable(exp)} -> {printable(got)}")
    misses = score.misses
    print(_("Misses: {n}").format(n=len(misses)))
    for o in misses:
        print(f"  [{o.row.line}] {printable(o.row.question)}")
        cands = ", ".join(f"{printable(i)} {s:.2f}" for i, s in o.candidates) or "-"
        print(
            "      "
            + _("expected {expected}; got {got} ({confidence:.2f}); candidates: {cands}").format(
                expected=printable(o.row.expected_label),
                got=printable(o.got_label),
                confidence=o.confidence,
                cands=cands,
            )
        )


def _print_compare(rev: str, before: Score, after: Score, totals_only: bool = False) -> None:
    from app.core.evaluate import compare

    cmp = compare(before, after)
    print()
    print(
        _("Compared with {rev}: accuracy {before:.3f} -> {after:.3f}").format(
            rev=printable(rev), before=before.accuracy, after=after.accuracy
        )
    )
    for title, changes in ((_("Fixed: {n}"), cmp.fixed), (_("Broken: {n}"), cmp.broken)):
        print(title.format(n=len(changes)))
        for b, a in [] if totals_only else changes:
            print(f"  [{a.row.line}] {printable(a.row.question)}")
            print(
                "      "
                + _("expected {expected}; was {before}, now {after}").format(
                    expected=printable(a.row.expected_label),
                    before=printable(b.got_label),
                    after=printable(a.got_label),
                )
            )
