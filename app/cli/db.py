"""`kotae db …`: the schema of the store (status, upgrade) and moving a queue (copy); and how
every command finds its store: --database, $KOTAE_DATABASE_URL or the config file's database,
else the local SQLite store.

Exit codes: 0 ok, 1 the store needs an upgrade / the copy found problems / an unusable store,
2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.output import EXIT_INVALID, EXIT_OK, EXIT_USAGE, err
from app.core.i18n import _


def add_db_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help=_("the request store's database"))
    sub = parser.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    sub.add_parser("status", help=_("show the schema version and what the store holds"))
    sub.add_parser("upgrade", help=_("bring the schema to this Kotae's version"))
    p = sub.add_parser("copy", help=_("copy every request, event and draft to another store"))
    p.add_argument("--from", dest="source", required=True, metavar="URL",
                   help=_("sqlite:///path or a data folder"))  # fmt: skip
    p.add_argument("--to", dest="target", required=True, metavar="URL",
                   help=_("postgresql://… (password from the environment or a file)"))  # fmt: skip


def open_from_args(args: argparse.Namespace, *, channel: str = "cli", **options: Any) -> Any:
    """The store the command line, environment and config file point at (KotaeError or
    ConfigError when it cannot be opened)."""
    from app.core.config import load_config
    from app.store.factory import choose_database, open_store

    config = load_config()
    url = choose_database(getattr(args, "database", None), config.database)
    return open_store(
        url,
        data_dir=getattr(args, "data_dir", None),
        password_file=config.password_file,
        agent=config.agent,
        channel=channel,
        **options,
    )


def run_db(args: argparse.Namespace) -> int:
    from app.core.config import ConfigError
    from app.core.i18n import current_language
    from app.core.messages import KotaeError

    try:
        return _COMMANDS[args.db_command](args)
    except ConfigError as exc:
        err(str(exc))
        return EXIT_USAGE
    except KotaeError as exc:
        err(exc.message(current_language()))
        return EXIT_INVALID


def _where(store: Any) -> str:
    return str(getattr(store, "url", None) or store.path)


def cmd_status(args: argparse.Namespace) -> int:
    from app.store import schema

    with open_from_args(args, check_schema=False) as store:
        version = store.schema_version()
        print(_("Store: {where}").format(where=_where(store)))
        print(_("Schema version: {version} (this Kotae: {latest})").format(
            version=version, latest=schema.LATEST))  # fmt: skip
        if version < schema.LATEST:
            print(_("Run `kotae db upgrade` to bring it up to date."))
            return EXIT_INVALID
        if version > schema.LATEST:
            print(_("The schema is newer than this Kotae: install a newer Kotae."))
            return EXIT_INVALID
        requests = store.list_requests()
        print(_("Requests: {n} ({open} open, {free} unassigned)").format(
            n=len(requests),
            open=sum(not r.closed for r in requests),
            free=sum(not r.closed and r.assignee is None for r in requests),
        ))  # fmt: skip
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    with open_from_args(args, check_schema=False) as store:
        before, after = store.upgrade()
        print(_("Schema version {before} → {after}: {where}").format(
            before=before, after=after, where=_where(store)))  # fmt: skip
    return EXIT_OK


def cmd_copy(args: argparse.Namespace) -> int:
    from app.core.config import load_config
    from app.store.copy import copy_store
    from app.store.factory import open_store, refuse_password_on_command_line

    for url in (args.source, args.target):
        refuse_password_on_command_line(url)
    config = load_config()
    source_url = _with_env_password(args.source)
    target_url = _with_env_password(args.target)
    with (
        open_store(source_url, password_file=config.password_file) as source,
        open_store(target_url, password_file=config.password_file) as target,
    ):
        report = copy_store(source, target)
    for table in ("requests", "events", "drafts", "counters"):
        print(_("{table}: {n} in the source, {added} added now").format(
            table=table, n=report.source[table], added=report.copied[table]))  # fmt: skip
    for problem in report.problems:
        err(problem)
    if report.problems:
        return EXIT_INVALID
    print(_("The copy checks out: every row is there and references have no gaps."))
    return EXIT_OK


def _with_env_password(url: str) -> str:
    """The environment's URL when it names the same database (it may carry the password)."""
    import os

    from app.store.factory import ENV_DATABASE_URL

    env = os.environ.get(ENV_DATABASE_URL, "")
    if env and "://" in url and _same_database(env, url):
        return env
    return url


def _same_database(a: str, b: str) -> bool:
    from urllib.parse import urlsplit

    x, y = urlsplit(a), urlsplit(b)
    return (x.hostname, x.port, x.path, x.username) == (y.hostname, y.port, y.path, y.username)


_COMMANDS = {"status": cmd_status, "upgrade": cmd_upgrade, "copy": cmd_copy}
