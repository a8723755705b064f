"""The embedded request store: one SQLite file in the user data directory.

- Several Kotae processes may write at once: writes run in `BEGIN IMMEDIATE` transactions (WAL,
  busy timeout), and references come from a counters table inside the same transaction, so a
  reference is never lost or given twice (a UNIQUE constraint backs this up).
- The file and its -wal / -shm companions are readable by their owner only (0600).
- The event log is append-only (triggers refuse UPDATE and DELETE) and outlives `purge`.
- Answers are personal data: they are never logged, lists show a masked contact only, and
  `purge` removes them from closed requests.

The operations themselves are in app.store.base, shared with the PostgreSQL store; this module
uses only the standard library so that starting Kotae on SQLite loads no database driver.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.core.i18n import N_
from app.core.messages import localized
from app.core.records import StoreError
from app.store import schema
from app.store.base import (
    CHANNELS,
    StoreBase,
    Tx,
    agent_owner,
    current_actor,
)
from app.store.sqlite_file import BUSY_TIMEOUT_MS, DB_NAME, default_data_dir, immediate

__all__ = [
    "CHANNELS",
    "DB_NAME",
    "MIGRATIONS",
    "RequestStore",
    "agent_owner",
    "current_actor",
    "default_data_dir",
]

# One list of statements per schema version; PRAGMA user_version counts those applied.
MIGRATIONS: list[list[str]] = schema.statements("sqlite")

T = TypeVar("T")


def newer_schema(where: str, version: int) -> StoreError:
    return StoreError(
        localized(
            N_(
                "The request store {where} has schema version {version}, newer than this Kotae "
                "knows ({latest}). Install the Kotae release that wrote it, or a newer one."
            ),
            where=where,
            version=version,
            latest=schema.LATEST,
        )
    )


class _SqliteTx:
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()

    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        return self.con.execute(sql, params).fetchone()

    def run(self, sql: str, **params: Any) -> int:
        return self.con.execute(sql, params).rowcount


class RequestStore(StoreBase):
    """The SQLite store. Safe to share between threads."""

    dialect = "sqlite"

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        owner: str | None = None,
        channel: str = "cli",
        agent: str | None = None,
    ) -> None:
        super().__init__(owner=owner, channel=channel, agent=agent)
        self.data_dir = default_data_dir(data_dir)
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Create the file owner-only before SQLite opens it; SQLite gives -wal/-shm the
            # database's mode, and we chmod them too in case they predate this.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(self.path, 0o600)
            self._con = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            self._con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._enable_wal()
            self._con.execute("PRAGMA synchronous = NORMAL")
            # Purged answers must not linger in free pages.
            self._con.execute("PRAGMA secure_delete = ON")
            self._migrate()
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    os.chmod(companion, 0o600)
        except StoreError:
            self._con.close()
            raise
        except (OSError, sqlite3.Error) as exc:
            if hasattr(self, "_con"):
                self._con.close()
            raise StoreError(
                localized(
                    N_("Cannot open the request store {path}: {error}"),
                    path=str(self.path),
                    error=str(exc),
                )
            ) from exc

    def _enable_wal(self) -> None:
        # Switching a new file to WAL needs an exclusive lock, and SQLite reports "locked" at
        # once instead of waiting when other processes are opening it too: retry for a while.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._con.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.01)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def upgrade(self) -> tuple[int, int]:
        """Schema versions before and after; a SQLite store upgrades itself when opened."""
        return self.opened_at_version, self.schema_version()

    def _write(self, op: Callable[[Tx], T], *, submission: str | None = None) -> T:
        with self._lock, immediate(self._con) as con:
            return op(_SqliteTx(con))

    def _read(self, op: Callable[[Tx], T]) -> T:
        with self._lock:
            return op(_SqliteTx(self._con))

    def _db_user(self) -> str | None:
        return current_actor()

    def _after_purge(self) -> None:
        with self._lock:
            # Old page images in the WAL still hold the answers: fold it back and empty it.
            self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _migrate(self) -> None:
        self.opened_at_version = self.schema_version()
        if self.opened_at_version == len(MIGRATIONS):
            return

        def op(tx: Tx) -> None:
            version = self.schema_version()
            if version > len(MIGRATIONS):
                raise newer_schema(str(self.path), version)
            # The drafts of a single-user store were the local agent's.
            params = {"legacy_owner": agent_owner(current_actor())}
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    tx.run(statement, **(params if ":legacy_owner" in statement else {}))
            tx.run(f"PRAGMA user_version = {len(MIGRATIONS)}")

        self._write(op)

    def schema_version(self) -> int:
        with self._lock:
            return int(self._con.execute("PRAGMA user_version").fetchone()[0])
