"""The shared request store on PostgreSQL (SQLAlchemy Core over psycopg 3).

Imported only for a postgresql URL, so SQLite users never load the driver. The operations are
app.store.base's, the same statements as on SQLite; what is PostgreSQL's own:

- Each operation runs in one transaction and is re-run after a lost connection (server restart,
  network cut) until `retry_seconds` pass. Operations are safe to run twice (see base), so a
  retry never doubles a change.
- A submission whose COMMIT was sent but not confirmed is looked up by its idempotency key on
  the next connection: the caller gets its request, or UncertainSubmission naming the key.
- Row locks (`FOR UPDATE`) keep concurrent changes to one request in order, and agents claiming
  work skip requests another agent is claiming (`FOR UPDATE SKIP LOCKED`).
- The schema is never changed on open: `kotae db upgrade` (as the migrator role) does that.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from app.core.i18n import N_
from app.core.messages import localized
from app.core.records import StoreError, UncertainSubmission
from app.store import schema
from app.store.base import StoreBase, Tx, agent_owner, current_actor, requester_token
from app.store.sqlite import default_data_dir, newer_schema

log = logging.getLogger(__name__)

T = TypeVar("T")
MIGRATIONS: list[list[str]] = schema.statements("postgresql")
# Unique indexes a retried operation may hit while its first attempt commits: re-run, and the
# operation then finds what the first attempt stored.
_RETRY_ON_UNIQUE = ("requests_idempotency", "events_op_key", "counters_pkey", "drafts_pkey")


class _PgTx:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.execute(sa.text(sql), params)]

    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        row = self.conn.execute(sa.text(sql), params).first()
        return tuple(row) if row is not None else None

    def run(self, sql: str, **params: Any) -> int:
        return self.conn.execute(sa.text(sql), params).rowcount


def engine_for(url: str, password: str | None = None) -> sa.Engine:
    """An engine for a postgresql:// URL (libpq parameters such as sslmode pass through;
    without a password in the URL or `password`, libpq reads PGPASSFILE / ~/.pgpass)."""
    parsed = sa.engine.make_url(url).set(drivername="postgresql+psycopg")
    if password and not parsed.password:
        parsed = parsed.set(password=password)
    return sa.create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=8,
        connect_args={"connect_timeout": 5, "application_name": "kotae"},
    )


def display_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


class PgStore(StoreBase):
    dialect = "postgresql"
    _for_update = " FOR UPDATE"
    _skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        data_dir: str | Path | None = None,
        owner: str | None = None,
        channel: str = "cli",
        agent: str | None = None,
        retry_seconds: float = 30.0,
        check_schema: bool = True,
    ) -> None:
        super().__init__(owner=owner, channel=channel, agent=agent)
        self.url = display_url(url)
        self.data_dir = default_data_dir(data_dir)  # exports are written locally
        self.retry_seconds = retry_seconds
        self.engine = engine_for(url, password)
        if check_schema:
            version = self.schema_version()
            if version > schema.LATEST:
                self.close()
                raise newer_schema(self.url, version)
            if version < schema.LATEST:
                self.close()
                raise StoreError(
                    localized(
                        N_(
                            "The database {url} has schema version {version}; this Kotae needs "
                            "{latest}. Run `kotae db upgrade` as the database's migrator role."
                        ),
                        url=self.url,
                        version=version,
                        latest=schema.LATEST,
                    )
                )

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions ---------------------------------------------------------------------------

    def _write(self, op: Callable[[Tx], T], *, submission: str | None = None) -> T:
        return self._run(op, submission)

    def _read(self, op: Callable[[Tx], T]) -> T:
        return self._run(op, None)

    def _run(self, op: Callable[[Tx], T], submission: str | None) -> T:
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.05
        committing = uncertain = False
        while True:
            try:
                with self.engine.connect() as conn:
                    committing = False
                    with conn.begin():
                        token = requester_token.get()
                        if token:
                            conn.execute(
                                sa.text("SELECT set_config('kotae.token', :t, true)"), {"t": token}
                            )
                        result = op(_PgTx(conn))
                        committing = True
                    return result
            except sa_exc.IntegrityError as exc:
                if not any(name in str(exc.orig) for name in _RETRY_ON_UNIQUE):
                    raise self._refused(exc) from exc
                if time.monotonic() > deadline:
                    raise self._refused(exc) from exc
                log.info("retrying after a concurrent duplicate")
            except sa_exc.DBAPIError as exc:
                if not _transient(exc):
                    if submission and (uncertain or committing):
                        raise self._uncertain(submission) from exc
                    if isinstance(exc, sa_exc.OperationalError):
                        raise self._unreachable(exc) from exc
                    raise self._refused(exc) from exc
                # Drop every pooled connection: after a restart they are all dead.
                self.engine.dispose()
                # Once a COMMIT went unanswered, only a completed attempt settles it.
                uncertain = uncertain or committing
                committing = False
                if time.monotonic() > deadline:
                    if submission and uncertain:
                        raise self._uncertain(submission) from exc
                    raise self._unreachable(exc) from exc
                log.info("database connection lost; retrying")
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.5)

    def _uncertain(self, key: str) -> UncertainSubmission:
        return UncertainSubmission(
            localized(
                N_(
                    "The connection to {url} broke while the request was being "
                    "saved, and it could not be checked. It may or may not be "
                    "stored: once the database is reachable, run `kotae "
                    "requests lookup {key}` (do not submit it again)."
                ),
                url=self.url,
                key=key,
            ),
            key,
        )

    def _unreachable(self, exc: sa_exc.DBAPIError) -> StoreError:
        return StoreError(
            localized(
                N_("Cannot reach the database {url}: {error}"),
                url=self.url,
                error=_first_line(exc.orig),
            )
        )

    def _refused(self, exc: sa_exc.DBAPIError) -> StoreError:
        return StoreError(
            localized(
                N_("The database {url} refused the change: {error}"),
                url=self.url,
                error=_first_line(exc.orig),
            )
        )

    # -- schema ---------------------------------------------------------------------------------

    def schema_version(self) -> int:
        def op(tx: Tx) -> int:
            if tx.one("SELECT to_regclass('schema_version')")[0] is None:  # type: ignore[index]
                return 0
            row = tx.one("SELECT version FROM schema_version")
            return int(row[0]) if row else 0

        return self._read(op)

    def upgrade(self) -> tuple[int, int]:
        """Apply the migrations this database lacks, then the role grants; returns the
        versions before and after. Concurrent upgraders wait for each other."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            conn.exec_driver_sql("LOCK TABLE schema_version IN EXCLUSIVE MODE")
            row = conn.exec_driver_sql("SELECT version FROM schema_version").first()
            before = int(row[0]) if row else 0
            if before > schema.LATEST:
                raise newer_schema(self.url, before)
            if row is None:
                conn.exec_driver_sql("INSERT INTO schema_version VALUES (0)")
            legacy = {"legacy_owner": agent_owner(current_actor())}
            for statements in MIGRATIONS[before:]:
                for statement in statements:
                    if ":legacy_owner" in statement:
                        conn.execute(sa.text(statement), legacy)
                    else:
                        _ddl(conn, statement)
            _ddl(conn, schema.PG_ACCESS)
            conn.execute(sa.text("UPDATE schema_version SET version = :v"), {"v": schema.LATEST})
        return before, schema.LATEST


# SQLSTATE classes worth waiting out: connection exceptions, the server shutting down or
# starting, serialization failures and deadlocks (the transaction was rolled back).
_TRANSIENT_CLASSES = ("08", "57", "40")
_PERMANENT_HINTS = ("password", "authentication", "ssl", "does not exist", "role ")


def _transient(exc: sa_exc.DBAPIError) -> bool:
    """Would trying again help? A wrong password, no TLS or a missing database never heal."""
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state:
        return state[:2] in _TRANSIENT_CLASSES or state == "53300"  # too many connections
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    message = str(exc.orig).lower()
    return not any(hint in message for hint in _PERMANENT_HINTS)


def _ddl(conn: sa.Connection, statement: str) -> None:
    # The driver reads % as a placeholder even without parameters.
    conn.exec_driver_sql(statement.replace("%", "%%"))


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
