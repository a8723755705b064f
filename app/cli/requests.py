"""`kotae requests …`: the queue of deletion and DPA requests, from the command line.

Exit codes: 0 ok, 1 invalid answers / refused change or conflict / unusable store or knowledge,
2 usage (argparse), 3 unknown reference or unreadable file.

Only the parser lives here: `kotae` builds it on every start, so the store, the workflow engine
and Babel are imported (from app.cli.requests_commands) only when a `requests` command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.output import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_USAGE, err
from app.core import i18n
from app.core.i18n import _
from app.core.statuses import DENIAL_REASONS, KINDS, all_statuses


def add_requests_parser(subparsers: Any) -> None:
    """Add `requests` and its commands to an argparse subparsers object."""
    parser = subparsers.add_parser("requests", help=_("deletion and DPA requests"))
    sub = parser.add_subparsers(dest="requests_command", metavar="COMMAND", required=True)

    p = sub.add_parser("list", help=_("list requests"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.add_argument("--status", choices=all_statuses(), help=_("only this status"))
    p.add_argument("--kind", choices=KINDS, help=_("only this kind"))
    p.add_argument("--overdue", action="store_true", help=_("only open requests past due"))
    p.add_argument("--mine", action="store_true", help=_("only requests assigned to me"))
    p.add_argument("--unassigned", action="store_true", help=_("only unassigned requests"))
    p.add_argument(
        "--find",
        metavar="TEXT",
        help=_("only requests whose reference, assignee or answers contain TEXT (an e-mail …)"),
    )

    p = sub.add_parser("show", help=_("show one request (personal data masked)"))
    p.add_argument("reference", metavar="REF")
    p.add_argument("--json", action="store_true", help=_("print JSON"))

    p = sub.add_parser("set-status", help=_("change the status of a request"))
    p.add_argument("reference", metavar="REF")
    p.add_argument(
        "status", metavar="STATUS", choices=all_statuses(), help=", ".join(all_statuses())
    )
    p.add_argument("--note", required=True, help=_("what happened (kept in the event log)"))
    p.add_argument("--reason", choices=DENIAL_REASONS, help=_("reason code, for denied"))

    p = sub.add_parser(
        "extend",
        help=_("extend the due date: as the law allows, or once for an internal target"),
    )
    p.add_argument("reference", metavar="REF")
    p.add_argument("--reason", required=True, help=_("why more time is needed"))

    p = sub.add_parser("export", help=_("write a request as Markdown or JSON"))
    p.add_argument("reference", metavar="REF")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("--include-pii", action="store_true", help=_("do not redact personal data"))

    p = sub.add_parser("purge", help=_("remove personal data of closed requests"))
    p.add_argument(
        "--older-than",
        type=_days,
        required=True,
        metavar="DAYS",
        help=_("closed at least this many days ago"),
    )

    p = sub.add_parser(
        "template",
        help=_("print an answers file to fill in for `requests new`"),
        description=_("Every field with its type, allowed values and whether it is required."),
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument(
        "--lang",
        dest="template_lang",
        choices=i18n.LANGUAGES,
        help=_("language of the labels and comments (default: the interface language)"),
    )

    p = sub.add_parser(
        "new",
        help=_("submit a request from a TOML file of answers"),
        description=_(
            "Start from the answers file printed by `kotae requests template KIND`; "
            "nothing is stored unless every answer is valid."
        ),
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--answers", required=True, metavar="FILE", help=_("TOML file of answers"))
    p.add_argument(
        "--requester-lang",
        choices=i18n.LANGUAGES,
        help=_("the requester's language (default: the interface language)"),
    )

    from app.cli.team import add_team_parser

    add_team_parser(sub)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(_("a whole number of days, 0 or more"))
    return value


# Commands that only read: they never create a store.
READ_ONLY = {"list", "show", "export", "lookup"}


def missing_store(args: argparse.Namespace) -> bool:
    """A read-only command pointed by --data-dir at a folder with no SQLite store in it."""
    from app.core.config import load_config
    from app.store.factory import choose_database
    from app.store.sqlite_file import DB_NAME

    if args.requests_command not in READ_ONLY or not getattr(args, "data_dir", None):
        return False
    if choose_database(getattr(args, "database", None), load_config().database):
        return False  # a database URL: the data folder holds no store
    return not (Path(args.data_dir) / DB_NAME).is_file()


def run_requests(args: argparse.Namespace) -> int:
    """Run a `requests` command; returns the exit code. Reads --data-dir, --knowledge, --lang."""
    from app.cli.db import open_from_args
    from app.cli.requests_commands import COMMANDS, Context
    from app.cli.team import TEAM_COMMANDS
    from app.core.knowledge import KnowledgeError
    from app.core.messages import KotaeError
    from app.core.records import RequestNotFound

    if getattr(args, "lang", None):
        i18n.set_language(args.lang)
    lang = i18n.current_language()
    command = {**COMMANDS, **TEAM_COMMANDS}[args.requests_command]
    from app.core import deadlines
    from app.core.config import ConfigError, load_config

    try:
        deadlines.set_timezone(load_config().timezone)
    except ConfigError as exc:
        err(str(exc))
        return EXIT_USAGE
    if missing_store(args):
        # A mistyped --data-dir would otherwise make a new, empty store and show an empty queue.
        err(
            _("There is no request store in {folder}. Check --data-dir.").format(
                folder=args.data_dir
            )
        )
        return EXIT_USAGE
    try:
        with open_from_args(args) as store:
            return command(args, Context(store, lang, getattr(args, "knowledge", None)))
    except RequestNotFound as exc:
        err(exc.message(lang))
        return EXIT_NOT_FOUND
    except KnowledgeError as exc:
        for problem in exc.problems:
            err(str(problem))
        return EXIT_INVALID
    except KotaeError as exc:  # refused changes (a Conflict shows the new state), no store
        err(exc.message(lang))
        return EXIT_INVALID
