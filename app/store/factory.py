"""Choosing the store: SQLite in a data directory (the default) or a shared PostgreSQL database.

The database URL comes from `--database`, else $KOTAE_DATABASE_URL, else `database = "…"` in the
config file. A password never comes from the command line (it would show in the process list
and the shell history): it comes from the URL in the environment or config, from libpq's
PGPASSFILE / ~/.pgpass, or from the file that the config's `password_file` names.
SQLAlchemy and psycopg are imported only when the URL is a postgresql one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.i18n import N_
from app.core.messages import localized
from app.core.records import StoreError
from app.store.base import StoreBase

ENV_DATABASE_URL = "KOTAE_DATABASE_URL"
PG_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def is_postgres(target: str | Path | None) -> bool:
    return isinstance(target, str) and target.split(":", 1)[0].lower() in PG_SCHEMES


def refuse_password_on_command_line(url: str | None) -> None:
    """StoreError when a URL given as an argument carries a password."""
    if url and "://" in url and urlsplit(url).password:
        raise StoreError(
            localized(
                N_(
                    "Do not put the password in --database: command lines show in the process "
                    "list and the shell history. Set {env}, use a PGPASSFILE, or name a "
                    "password_file in the config file."
                ),
                env=ENV_DATABASE_URL,
            )
        )


def choose_database(cli_url: str | None, config_url: str | None) -> str | None:
    """--database, else the environment, else the config file; None means SQLite."""
    refuse_password_on_command_line(cli_url)
    return cli_url or os.environ.get(ENV_DATABASE_URL) or config_url or None


def read_password_file(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.expanduser().read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError) as exc:
        error = getattr(exc, "strerror", None) or str(exc)
        message = N_("Cannot read the password file {file}: {error}")
        raise StoreError(localized(message, file=str(path), error=error)) from exc


def sqlite_dir(url: str) -> Path:
    """The data directory of a sqlite:///path URL (the folder, or the file inside it)."""
    path = Path(url.split(":///", 1)[1] if ":///" in url else url.split("://", 1)[1])
    return path.parent if path.suffix == ".sqlite3" else path


def open_store(
    target: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
    password_file: Path | None = None,
    **options: Any,
) -> StoreBase:
    """A store for a postgresql:// URL, a sqlite:/// URL, a data directory, or (None) the
    default data directory. `options` are owner, channel, agent (and, for PostgreSQL,
    retry_seconds and check_schema)."""
    if is_postgres(target):
        from app.store.postgres import PgStore

        return PgStore(
            str(target), password=read_password_file(password_file), data_dir=data_dir,
            **options,
        )  # fmt: skip
    from app.store.sqlite import RequestStore

    options.pop("retry_seconds", None)
    options.pop("check_schema", None)
    if isinstance(target, str) and target.lower().startswith("sqlite:"):
        return RequestStore(sqlite_dir(target), **options)
    if isinstance(target, str) and "://" in target:
        raise StoreError(
            localized(
                N_("Unknown database URL {url}: use postgresql://… or sqlite:///path."),
                url=target.split("://", 1)[0] + "://…",
            )
        )
    return RequestStore(target or data_dir, **options)
