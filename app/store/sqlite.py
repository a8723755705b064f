"""The request store: one SQLite file in the user data directory.

- Several Kotae processes may write at once: writes run in `BEGIN IMMEDIATE` transactions (WAL,
  busy timeout), and references come from a counters table inside the same transaction, so a
  reference is never lost or given twice (a UNIQUE constraint backs this up).
- The file and its -wal / -shm companions are readable by their owner only (0600).
- The event log is append-only (triggers refuse UPDATE and DELETE) and outlives `purge`.
- Answers are personal data: they are never logged, lists show a masked contact only, and
  `purge` removes them from closed requests.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from app.core import deadlines
from app.core.deadlines import ExtensionRefused, Regime
from app.core.i18n import N_
from app.core.messages import localized
from app.core.privacy import mask_email
from app.core.records import Event, Request, RequestNotFound, StoreError
from app.core.statuses import INITIAL, PREFIXES, check_transition, is_closed, status_label
from app.store.questions import SQLITE_DDL as SQLITE_QUESTION_DDL

log = logging.getLogger(__name__)

DB_NAME = "kotae.sqlite3"
ENV_DATA_DIR = "KOTAE_DATA_DIR"
BUSY_TIMEOUT_MS = 30_000

# One list of statements per schema version; PRAGMA user_version counts those applied.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE counters (
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (kind, year))""",
        """CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            lang TEXT NOT NULL,
            regime TEXT NOT NULL,
            received_at TEXT NOT NULL,
            received_on TEXT NOT NULL,
            original_due_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            extensions INTEGER NOT NULL DEFAULT 0,
            contact TEXT,
            answers TEXT,
            closed_at TEXT,
            purged_at TEXT,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX requests_kind_status ON requests (kind, status)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            reference TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT,
            note TEXT NOT NULL DEFAULT '',
            reason TEXT)""",
        "CREATE INDEX events_reference ON events (reference)",
        """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
        """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
        """CREATE TABLE drafts (
            kind TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
    ],
    [
        # Where a request came from, and the hash of the requester's secret status link.
        "ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'unknown'",
        "ALTER TABLE requests ADD COLUMN access_token_hash TEXT",
        """CREATE UNIQUE INDEX requests_access_token ON requests (access_token_hash)
            WHERE access_token_hash IS NOT NULL""",
        # A draft belongs to its owner (an agent, a web session), never to a kind alone.
        """CREATE TABLE drafts_by_owner (
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (owner, kind))""",
        "INSERT INTO drafts_by_owner SELECT :legacy_owner, kind, data, updated_at FROM drafts",
        "DROP TABLE drafts",
        "ALTER TABLE drafts_by_owner RENAME TO drafts",
    ],
    SQLITE_QUESTION_DDL,  # the question log and answer feedback (app/store/questions.py)
]

CHANNELS = ("tui", "cli", "web", "unknown")


def default_data_dir(explicit: str | Path | None = None) -> Path:
    """--data-dir, else $KOTAE_DATA_DIR, else the per-user data directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_DATA_DIR)
    return Path(env) if env else Path(platformdirs.user_data_dir("kotae"))


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def agent_owner(agent: str) -> str:
    """The draft owner of an agent (web sessions own theirs as "web:<session id hash>")."""
    return f"agent:{agent}"


def _utc(now: datetime | None) -> datetime:
    # A naive datetime is local time.
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


def _local_day(now: datetime | None) -> date:
    # The office time zone, not the machine's, decides the day of receipt.
    return deadlines.receipt_day(now)


class RequestStore:
    """Requests, their event log and wizard drafts. Safe to share between threads.

    `owner` is whose drafts the draft methods touch unless told otherwise (the local agent by
    default); `channel` is recorded on the requests this store creates unless told otherwise.
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        owner: str | None = None,
        channel: str = "cli",
    ) -> None:
        self.owner = owner or agent_owner(current_actor())
        self.channel = channel
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

    def __enter__(self) -> RequestStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _migrate(self) -> None:
        if self.schema_version() == len(MIGRATIONS):
            return
        with self._write() as con:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise sqlite3.DatabaseError(
                    f"schema version {version} is newer than this Kotae ({len(MIGRATIONS)})"
                )
            # The drafts of a single-user store were the local agent's.
            params = {"legacy_owner": agent_owner(current_actor())}
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    con.execute(statement, params if ":legacy_owner" in statement else ())
            con.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    def schema_version(self) -> int:
        with self._lock:
            return int(self._con.execute("PRAGMA user_version").fetchone()[0])

    # -- requests -----------------------------------------------------------------------------

    def create_request(
        self,
        kind: str,
        answers: Mapping[str, Any],
        *,
        lang: str,
        regime: Regime,
        contact: str | None = None,
        now: datetime | None = None,
        actor: str | None = None,
        clear_draft: bool = False,
        channel: str | None = None,
        owner: str | None = None,
        access_token_hash: str | None = None,
    ) -> Request:
        """Store a new request with its due date; returns it with its new reference.

        `contact` is the requester's email; only its masked form is kept outside the answers.
        `clear_draft` discards the owner's draft of this kind in the same transaction.
        `access_token_hash` is the hash of the requester's secret status link (never the token).
        """
        channel = channel or self.channel
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        at, received_on = _utc(now), _local_day(now)
        due = deadlines.due_date(received_on, regime)
        with self._write() as con:
            con.execute(
                "INSERT INTO counters (kind, year, last) VALUES (?, ?, 1) "
                "ON CONFLICT (kind, year) DO UPDATE SET last = last + 1",
                (kind, received_on.year),
            )
            (number,) = con.execute(
                "SELECT last FROM counters WHERE kind = ? AND year = ?", (kind, received_on.year)
            ).fetchone()
            reference = f"{PREFIXES[kind]}-{received_on.year}-{number:06d}"
            con.execute(
                "INSERT INTO requests (reference, kind, status, lang, regime, received_at, "
                "received_on, original_due_on, due_on, contact, answers, updated_at, channel, "
                "access_token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    reference,
                    kind,
                    INITIAL,
                    lang,
                    regime.code,
                    at.isoformat(),
                    received_on.isoformat(),
                    due.isoformat(),
                    due.isoformat(),
                    mask_email(contact) if contact else None,
                    json.dumps(dict(answers), ensure_ascii=False),
                    at.isoformat(),
                    channel,
                    access_token_hash,
                ),
            )
            self._event(con, reference, "submitted", actor, at, to_status=INITIAL)
            if clear_draft:
                con.execute(
                    "DELETE FROM drafts WHERE owner = ? AND kind = ?", (owner or self.owner, kind)
                )
        log.info("request %s created", reference)
        return self.get(reference)

    def get(self, reference: str) -> Request:
        """The request; RequestNotFound when no request has this reference."""
        with self._lock:
            return self._fetch(self._con, reference)

    def find_by_access_token(self, token_hash: str) -> Request | None:
        """The request whose status link has this hash, or None."""
        with self._lock:
            row = self._con.execute(
                f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE access_token_hash = ?",
                (token_hash,),
            ).fetchone()
        return _request(row) if row else None

    def list_requests(self, *, kind: str | None = None, status: str | None = None) -> list[Request]:
        """Requests, oldest first, optionally of one kind and / or status."""
        sql, args = f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE 1 = 1", []
        if kind:
            sql, args = sql + " AND kind = ?", [*args, kind]
        if status:
            sql, args = sql + " AND status = ?", [*args, status]
        with self._lock:
            rows = self._con.execute(sql + " ORDER BY received_at, reference", args).fetchall()
        return [_request(r) for r in rows]

    def events(self, reference: str) -> list[Event]:
        """The event log of a request, oldest first."""
        with self._lock:
            rows = self._con.execute(
                "SELECT id, reference, at, actor, action, from_status, to_status, note, reason "
                "FROM events WHERE reference = ? ORDER BY id",
                (reference.strip().upper(),),
            ).fetchall()
        return [Event(r[0], r[1], datetime.fromisoformat(r[2]), *r[3:]) for r in rows]

    def transition(
        self,
        reference: str,
        status: str,
        *,
        note: str = "",
        reason: str | None = None,
        actor: str | None = None,
        now: datetime | None = None,
    ) -> Request:
        """Move a request to `status`; IllegalTransition (ja/en message) when not allowed."""
        at = _utc(now)
        with self._write() as con:
            current = self._fetch(con, reference)
            check_transition(current.kind, current.status, status, reason)
            closed_at = at.isoformat() if is_closed(current.kind, status) else None
            con.execute(
                "UPDATE requests SET status = ?, closed_at = ?, updated_at = ? WHERE reference = ?",
                (status, closed_at, at.isoformat(), current.reference),
            )
            self._event(
                con, current.reference, "status", actor, at, current.status, status, note, reason
            )
        log.info("request %s: %s -> %s", current.reference, current.status, status)
        return self.get(current.reference)

    def extend(
        self,
        reference: str,
        *,
        reason: str,
        regimes: Mapping[str, Regime],
        actor: str | None = None,
        now: datetime | None = None,
    ) -> Request:
        """Extend the due date once, as the request's regime allows; ExtensionRefused if not."""
        at = _utc(now)
        with self._write() as con:
            current = self._fetch(con, reference)
            if current.closed:
                raise ExtensionRefused(
                    localized(
                        N_("The request is {status}; a closed request cannot be extended."),
                        status=status_label(current.status),
                    )
                )
            regime = regimes.get(current.regime) or regimes["other"]
            due = deadlines.extend(
                current.received_on, regime, current.extensions, reason, _local_day(now)
            )
            con.execute(
                "UPDATE requests SET due_on = ?, extensions = extensions + 1, updated_at = ? "
                "WHERE reference = ?",
                (due.isoformat(), at.isoformat(), current.reference),
            )
            self._event(con, current.reference, "extended", actor, at, note=reason.strip())
        log.info("request %s extended", current.reference)
        return self.get(current.reference)

    def record_event(
        self,
        reference: str,
        action: str,
        *,
        note: str = "",
        actor: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Add an event that changes nothing else (e.g. an export)."""
        with self._write() as con:
            current = self._fetch(con, reference)
            self._event(con, current.reference, action, actor, _utc(now), note=note)

    def purge(
        self, older_than_days: int, *, now: datetime | None = None, actor: str | None = None
    ) -> list[str]:
        """Remove the answers and masked contact of requests closed at least `older_than_days`
        ago; their rows and event logs stay. Returns the references purged."""
        at = _utc(now)
        cutoff = (at - timedelta(days=older_than_days)).isoformat()
        with self._write() as con:
            refs = [
                r[0]
                for r in con.execute(
                    "SELECT reference FROM requests WHERE closed_at IS NOT NULL "
                    "AND closed_at <= ? AND purged_at IS NULL ORDER BY reference",
                    (cutoff,),
                )
            ]
            for ref in refs:
                con.execute(
                    "UPDATE requests SET answers = NULL, contact = NULL, purged_at = ?, "
                    "updated_at = ? WHERE reference = ?",
                    (at.isoformat(), at.isoformat(), ref),
                )
                self._event(con, ref, "purged", actor, at)
        with self._lock:
            # Old page images in the WAL still hold the answers: fold it back and empty it.
            self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.info("purged personal data of %d request(s)", len(refs))
        return refs

    def _fetch(self, con: sqlite3.Connection, reference: str) -> Request:
        row = con.execute(
            f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE reference = ?",
            (reference.strip().upper(),),
        ).fetchone()
        if row is None:
            raise RequestNotFound(
                localized(N_("No request has the reference {reference}."), reference=reference)
            )
        return _request(row)

    @staticmethod
    def _event(
        con: sqlite3.Connection,
        reference: str,
        action: str,
        actor: str | None,
        at: datetime,
        from_status: str | None = None,
        to_status: str | None = None,
        note: str = "",
        reason: str | None = None,
    ) -> None:
        con.execute(
            "INSERT INTO events (reference, at, actor, action, from_status, to_status, note, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                reference,
                at.isoformat(),
                actor or current_actor(),
                action,
                from_status,
                to_status,
                note,
                reason,
            ),
        )

    # -- drafts -------------------------------------------------------------------------------

    def save_draft(
        self,
        kind: str,
        data: Mapping[str, Any],
        *,
        now: datetime | None = None,
        owner: str | None = None,
    ) -> None:
        """Keep the wizard's state (WizardSession.to_dict()); one draft per owner and kind."""
        with self._write() as con:
            con.execute(
                "INSERT INTO drafts (owner, kind, data, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (owner, kind) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (
                    owner or self.owner,
                    kind,
                    json.dumps(dict(data), ensure_ascii=False),
                    _utc(now).isoformat(),
                ),
            )

    def get_draft(self, kind: str, *, owner: str | None = None) -> dict[str, Any] | None:
        """The owner's saved draft of a kind, or None (also for an unreadable one)."""
        with self._lock:
            row = self._con.execute(
                "SELECT data FROM drafts WHERE owner = ? AND kind = ?", (owner or self.owner, kind)
            ).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def discard_draft(self, kind: str, *, owner: str | None = None) -> None:
        with self._write() as con:
            con.execute(
                "DELETE FROM drafts WHERE owner = ? AND kind = ?", (owner or self.owner, kind)
            )

    def purge_drafts(
        self,
        older_than_days: float,
        *,
        now: datetime | None = None,
        owner_prefix: str = "",
    ) -> int:
        """Discard drafts untouched for `older_than_days` (of every owner whose name starts
        with `owner_prefix`, e.g. "web:"); returns how many."""
        cutoff = (_utc(now) - timedelta(days=older_than_days)).isoformat()
        with self._write() as con:
            return con.execute(
                "DELETE FROM drafts WHERE updated_at <= ? AND substr(owner, 1, ?) = ?",
                (cutoff, len(owner_prefix), owner_prefix),
            ).rowcount


_REQUEST_COLUMNS = (
    "reference, kind, status, lang, regime, received_at, received_on, original_due_on, due_on, "
    "extensions, contact, answers, closed_at, purged_at, updated_at, channel"
)


def _request(row: tuple[Any, ...]) -> Request:
    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return Request(
        reference=row[0],
        kind=row[1],
        status=row[2],
        lang=row[3],
        regime=row[4],
        received_at=datetime.fromisoformat(row[5]),
        received_on=date.fromisoformat(row[6]),
        original_due_on=date.fromisoformat(row[7]),
        due_on=date.fromisoformat(row[8]),
        extensions=row[9],
        contact=row[10],
        answers=json.loads(row[11]) if row[11] is not None else None,
        closed_at=when(row[12]),
        purged_at=when(row[13]),
        updated_at=datetime.fromisoformat(row[14]),
        channel=row[15],
    )
