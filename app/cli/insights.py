"""`kotae insights …`: what people asked that Kotae could not answer, for knowledge editors.

Also the question log of a single `kotae ask` (`log_asked`). The store is imported only when a
question is actually kept, so `kotae ask` stays quick.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, err
from app.core.i18n import _
from app.core.match.text import printable


def _duration(text: str) -> timedelta:
    m = re.fullmatch(r"\s*(\d{1,5})\s*([dhw]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(_("use a number of days such as 7d, 12h or 2w"))
    n, unit = int(m.group(1)), m.group(2) or "d"
    return {"d": timedelta(days=n), "h": timedelta(hours=n), "w": timedelta(weeks=n)}[unit]


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 0:
        raise argparse.ArgumentTypeError(_("must be a whole number of days"))
    return int(text)


def add_insights_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "insights", help=_("questions Kotae could not answer, and answers that did not help")
    )
    parser.add_argument(
        "--since", type=_duration, default=timedelta(days=7), metavar="7d", help=_("how far back")
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))
    sub = parser.add_subparsers(dest="insights_command", metavar="COMMAND")
    p = sub.add_parser("add", help=_("add a logged question as an example question of an entry"))
    p.add_argument("question_id", type=int, metavar="ID", help=_("the number shown by insights"))
    p.add_argument(
        "entry_id", metavar="ENTRY", help=_("an entry id (faq.dpa) or an out-of-scope topic id")
    )
    p.add_argument(
        "--lang", dest="example_lang", choices=("ja", "en"), help=_("default: the question's")
    )
    p = sub.add_parser("purge", help=_("delete logged questions older than the kept days"))
    p.add_argument(
        "--older-than",
        type=_days,
        metavar="DAYS",
        help=_("default: question_log_days of the config (30)"),
    )


def _config() -> Any:
    from app.core.config import load_config

    return load_config()


def _store(data_dir: Path | None, channel: str = "cli") -> Any:
    """The configured store: the shared PostgreSQL database, else the local SQLite one."""
    from app.store.factory import choose_database, open_store

    config = _config()
    return open_store(
        choose_database(None, config.database),
        data_dir=data_dir,
        channel=channel,
        agent=config.agent,
        password_file=config.password_file,
    )


def run_insights(args: argparse.Namespace) -> int:
    from app.core.config import ConfigError
    from app.core.knowledge import KnowledgeError
    from app.core.records import StoreError

    try:
        config = _config()
        if args.insights_command is None:
            return _report(args)
        if args.insights_command == "add":
            return _add(args)
        if args.insights_command == "purge":
            from app.store.questions import purge_questions

            days = config.question_log_days if args.older_than is None else args.older_than
            with _store(args.data_dir) as store:
                n = purge_questions(store, days)
            print(
                _("Purged {n} logged question(s) and comment(s) older than {days} days.").format(
                    n=n, days=days
                )
            )
            return EXIT_OK
    except ConfigError as exc:
        err(str(exc))
        return EXIT_USAGE
    except KnowledgeError as exc:
        for problem in exc.problems:
            err(str(problem))
        return EXIT_INVALID
    except StoreError as exc:
        err(str(exc))
        return EXIT_INVALID
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from app.core.knowledge_edit import EditRefused, add_example
    from app.core.match.result import detect_language
    from app.store.questions import delete_question, get_question, transaction

    with _store(args.data_dir) as store:
        with transaction(store) as con:
            logged = get_question(con, args.question_id)
        if logged is None:
            err(_("There is no logged question #{id}.").format(id=args.question_id))
            return EXIT_NOT_FOUND
        lang = args.example_lang or (
            logged.lang if logged.lang in ("ja", "en") else detect_language(logged.question)
        )
        try:
            path = add_example(args.knowledge, args.entry_id, lang, logged.question)
        except EditRefused as exc:
            err(str(exc))
            return EXIT_INVALID
        with transaction(store) as con:
            delete_question(con, logged.id)
    print(
        _("Added to {file} ({id}, {lang}): {question}").format(
            file=path, id=args.entry_id, lang=lang, question=printable(logged.question)
        )
    )
    print(
        _(
            "The knowledge check passed; a running `kotae serve` uses the new example from its "
            "next request, anything else from its next start."
        )
    )
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from app.core import insights
    from app.core.knowledge import load_knowledge
    from app.core.match.matcher import Matcher
    from app.store.questions import questions, transaction, votes

    kb = load_knowledge(args.knowledge)
    since = datetime.now(UTC) - args.since
    with _store(args.data_dir) as store, transaction(store) as con:
        logged, tally = questions(con, since), votes(con, since)
    report = insights.build(Matcher(kb), logged, tally)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return EXIT_OK
    print(
        _("Questions kept since {date}: {n}").format(
            date=since.strftime("%Y-%m-%d %H:%M UTC"), n=report.questions
        )
    )
    print()
    print(_("Unanswered questions, grouped (largest first):"))
    if not report.groups:
        print("  " + _("none"))
    for g in report.groups:
        closest = (
            _("closest entry: {id} ({score:.2f})").format(id=g.closest, score=g.closest_score)
            if g.closest
            else _("no entry is close")
        )
        if g.topic:
            closest += "; " + _("out of scope: {topic}").format(topic=g.topic)
        print(f"  [{g.count}] {closest}")
        for qid, text in g.examples:
            print(f"      #{qid} {printable(text)}")
    print()
    print(_('Entries with the most "no" votes:'))
    shown = [v for v in report.votes if v.no]
    if not shown:
        print("  " + _("none"))
    for v in shown[:10]:
        print("  " + _("{id}: no {no}, yes {yes}").format(id=v.entry_id, no=v.no, yes=v.yes))
        for comment in v.comments[:3]:
            print(f"      “{printable(comment)}”")
    print()
    print(_("Answered with low confidence:"))
    if not report.low_confidence:
        print("  " + _(insights.low_confidence_none(_config().log_mode())))
    for q in report.low_confidence[:20]:
        print(f"  #{q.id} {q.confidence:.2f} {q.answer_id}  {printable(q.question)}")
    print()
    print(_("Add a question as an example: kotae --knowledge DIR insights add ID ENTRY"))
    return EXIT_OK


def log_asked(data_dir: Path | None, result: Any, channel: str = "cli") -> None:
    """Keep the question of a single `kotae ask` as the config says; never fail the answer."""
    from app.core.config import ConfigError

    try:
        mode = _config().log_mode()
    except ConfigError:
        return  # a broken config is reported where it matters (the UI); asking still works
    from app.core.config import should_log

    if not should_log(mode, result.decision):
        return
    from datetime import UTC, datetime

    from app.store.questions import log_question, result_fields
    from app.store.quicklog import log_connection

    opened = None
    try:
        config = _config()
        if config.database or os.environ.get("KOTAE_DATABASE_URL"):
            # The shared database: through the store (its engine, roles and retries).
            from app.store.questions import transaction

            opened = _store(data_dir, channel)
            connection = transaction(opened)
        else:
            connection = log_connection(data_dir, channel)
        with connection as con:
            log_question(con, channel=channel, now=datetime.now(UTC), **result_fields(result))
    except Exception as exc:  # whatever the store says, the answer stands
        print(_("The question was not logged: {error}").format(error=exc), file=sys.stderr)
    finally:
        if opened is not None:
            opened.close()
