"""What both request stores do, written once over a small transaction interface.

A backend supplies `_write(op)` and `_read(op)`: each runs `op(tx)` in one transaction (the
PostgreSQL backend re-runs it after a lost connection) where `tx.all/one/run` execute SQL with
`:name` parameters, the spelling sqlite3 and SQLAlchemy share. A write operation therefore has to
be safe to run twice: each carries a key that its event row stores (UNIQUE), and it first checks,
with the request row locked, whether that key is already there.

Every change increments the request's `version`; a change made with `expected_version` from an
older read is refused with Conflict, which carries the new state.
"""

from __future__ import annotations

import getpass
import json
import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from app.core import deadlines
from app.core.deadlines import ExtensionRefused, Regime
from app.core.i18n import N_
from app.core.messages import localized
from app.core.privacy import mask_email
from app.core.records import Conflict, Event, Request, RequestNotFound
from app.core.statuses import INITIAL, PREFIXES, check_transition, is_closed, status_label
from app.store.drafts import DraftsMixin, Tx, _utc
from app.store.team import TeamMixin

log = logging.getLogger(__name__)

CHANNELS = ("tui", "cli", "web", "unknown")
# Off only in the test that shows what the version check prevents.
CHECK_VERSIONS = True

T = TypeVar("T")

# The status-link hash of the requester this code is serving (web): on PostgreSQL the `web`
# role sees only that request.
requester_token: ContextVar[str | None] = ContextVar("requester_token", default=None)


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def agent_owner(agent: str) -> str:
    """The draft owner of an agent (web sessions own theirs as "web:<session id hash>")."""
    return f"agent:{agent}"


def _local_day(now: datetime | None) -> date:
    # The office time zone, not the machine's, decides the day of receipt.
    return deadlines.receipt_day(now)


def _key() -> str:
    return uuid.uuid4().hex


REQUEST_COLUMNS = (
    "reference, kind, status, lang, regime, received_at, received_on, original_due_on, due_on, "
    "extensions, contact, answers, closed_at, purged_at, updated_at, channel, version, assignee"
)
EVENT_COLUMNS = "id, reference, at, actor, action, from_status, to_status, note, reason, db_user"


class StoreBase(TeamMixin, DraftsMixin):
    """Requests, their event log and wizard drafts.

    `owner` is whose drafts the draft methods touch unless told otherwise (the local agent by
    default); `channel` is recorded on the requests this store creates unless told otherwise;
    `agent` is who the events are recorded for unless an `actor` is given.
    """

    dialect = ""
    _for_update = ""  # the row-lock clause; SQLite's BEGIN IMMEDIATE already serialises writers
    _skip_locked = ""

    def __init__(self, *, owner: str | None, channel: str, agent: str | None) -> None:
        self.agent = agent or current_actor()
        self.owner = owner or agent_owner(self.agent)
        self.channel = channel

    # -- what a backend provides -----------------------------------------------------------------

    def _db_user(self) -> str | None:
        """Recorded with each event; None lets the database fill it in."""
        return None

    def close(self) -> None:
        raise NotImplementedError

    def schema_version(self) -> int:
        raise NotImplementedError

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def requester(self, token_hash: str) -> Iterator[None]:
        """Serve one web requester: on PostgreSQL as `web`, only their request is visible."""
        reset = requester_token.set(token_hash)
        try:
            yield
        finally:
            requester_token.reset(reset)

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
        idempotency_key: str | None = None,
    ) -> Request:
        """Store a new request with its due date; returns it with its new reference.

        `contact` is the requester's email; only its masked form is kept outside the answers.
        `clear_draft` discards the owner's draft of this kind in the same transaction.
        `access_token_hash` is the hash of the requester's secret status link (never the token).
        `idempotency_key` (made here when not given) makes a retried submission return the
        request it already filed.
        """
        channel = channel or self.channel
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        at, received_on = _utc(now), _local_day(now)
        due = deadlines.due_date(received_on, regime)
        key = idempotency_key or _key()
        row = {
            "kind": kind,
            "status": INITIAL,
            "lang": lang,
            "regime": regime.code,
            "received_at": at.isoformat(),
            "received_on": received_on.isoformat(),
            "original_due_on": due.isoformat(),
            "due_on": due.isoformat(),
            "contact": mask_email(contact) if contact else None,
            "answers": json.dumps(dict(answers), ensure_ascii=False),
            "updated_at": at.isoformat(),
            "channel": channel,
            "access_token_hash": access_token_hash,
            "idempotency_key": key,
        }

        def op(tx: Tx) -> Request:
            found = self._by_key(tx, key)
            if found:
                return found
            (number,) = tx.one(
                "INSERT INTO counters (kind, year, last) VALUES (:kind, :year, 1) "
                "ON CONFLICT (kind, year) DO UPDATE SET last = counters.last + 1 RETURNING last",
                kind=kind,
                year=received_on.year,
            ) or (0,)
            reference = f"{PREFIXES[kind]}-{received_on.year}-{number:06d}"
            tx.run(
                f"INSERT INTO requests (reference, {', '.join(row)}) "
                f"VALUES (:reference, {', '.join(':' + c for c in row)})",
                reference=reference,
                **row,
            )
            self._event(tx, reference, "submitted", actor, at, key, to_status=INITIAL)
            if clear_draft:
                tx.run(
                    "DELETE FROM drafts WHERE owner = :owner AND kind = :kind",
                    owner=owner or self.owner,
                    kind=kind,
                )
            return self._fetch(tx, reference)

        token = requester_token.set(access_token_hash or requester_token.get())
        try:
            request = self._write(op, submission=key)
        finally:
            requester_token.reset(token)
        log.info("request %s created", request.reference)
        return request

    def find_submission(self, key: str) -> Request | None:
        """The request filed with this idempotency key, or None."""
        return self._read(lambda tx: self._by_key(tx, key))

    def _by_key(self, tx: Tx, key: str) -> Request | None:
        row = tx.one(f"SELECT {REQUEST_COLUMNS} FROM requests WHERE idempotency_key = :k", k=key)
        return _request(row) if row else None

    def get(self, reference: str) -> Request:
        """The request; RequestNotFound when no request has this reference."""
        return self._read(lambda tx: self._fetch(tx, reference))

    def find_by_access_token(self, token_hash: str) -> Request | None:
        """The request whose status link has this hash, or None."""

        def op(tx: Tx) -> Request | None:
            row = tx.one(
                f"SELECT {REQUEST_COLUMNS} FROM requests WHERE access_token_hash = :h",
                h=token_hash,
            )
            return _request(row) if row else None

        with self.requester(token_hash):
            return self._read(op)

    def list_requests(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        assignee: str | None = None,
        unassigned: bool = False,
    ) -> list[Request]:
        """Requests, oldest first, optionally of one kind, status and / or assignee."""
        sql = f"SELECT {REQUEST_COLUMNS} FROM requests WHERE 1 = 1"
        if kind:
            sql += " AND kind = :kind"
        if status:
            sql += " AND status = :status"
        if assignee:
            sql += " AND assignee = :assignee"
        if unassigned:
            sql += " AND assignee IS NULL"
        sql += " ORDER BY received_at, reference"
        rows = self._read(lambda tx: tx.all(sql, kind=kind, status=status, assignee=assignee))
        return [_request(r) for r in rows]

    def events(self, reference: str) -> list[Event]:
        """The event log of a request, oldest first."""
        rows = self._read(
            lambda tx: tx.all(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE reference = :ref ORDER BY id",
                ref=reference.strip().upper(),
            )
        )
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
        expected_version: int | None = None,
    ) -> Request:
        """Move a request to `status`; IllegalTransition (ja/en message) when not allowed."""
        at, key = _utc(now), _key()

        def op(tx: Tx) -> Request:
            current = self._locked(tx, reference, expected_version)
            if self._done(tx, key):
                return current
            check_transition(current.kind, current.status, status, reason)
            closed_at = at.isoformat() if is_closed(current.kind, status) else None
            self._update(tx, current, at, "status = :s, closed_at = :c", s=status, c=closed_at)
            self._event(tx, current.reference, "status", actor, at, key, current.status, status,
                        note, reason)  # fmt: skip
            return self._fetch(tx, current.reference)

        done = self._write(op)
        log.info("request %s: -> %s", done.reference, done.status)
        return done

    def extend(
        self,
        reference: str,
        *,
        reason: str,
        regimes: Mapping[str, Regime],
        actor: str | None = None,
        now: datetime | None = None,
        expected_version: int | None = None,
    ) -> Request:
        """Extend the due date once, as the request's regime allows; ExtensionRefused if not."""
        at, key = _utc(now), _key()

        def op(tx: Tx) -> Request:
            current = self._locked(tx, reference, expected_version)
            if self._done(tx, key):
                return current
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
            self._update(tx, current, at, "due_on = :d, extensions = extensions + 1",
                         d=due.isoformat())  # fmt: skip
            self._event(tx, current.reference, "extended", actor, at, key, note=reason.strip())
            return self._fetch(tx, current.reference)

        done = self._write(op)
        log.info("request %s extended", done.reference)
        return done

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
        key = _key()

        def op(tx: Tx) -> None:
            current = self._fetch(tx, reference)
            if not self._done(tx, key):
                self._event(tx, current.reference, action, actor, _utc(now), key, note=note)

        self._write(op)

    def purge(
        self, older_than_days: int, *, now: datetime | None = None, actor: str | None = None
    ) -> list[str]:
        """Remove the answers and masked contact of requests closed at least `older_than_days`
        ago; their rows and event logs stay. Returns the references purged."""
        at = _utc(now)
        cutoff = (at - timedelta(days=older_than_days)).isoformat()

        def op(tx: Tx) -> list[str]:
            refs = [
                r[0]
                for r in tx.all(
                    "SELECT reference FROM requests WHERE closed_at IS NOT NULL "
                    f"AND closed_at <= :cutoff AND purged_at IS NULL ORDER BY reference"
                    f"{self._for_update}",
                    cutoff=cutoff,
                )
            ]
            for ref in refs:
                tx.run(
                    "UPDATE requests SET answers = NULL, contact = NULL, purged_at = :at, "
                    "updated_at = :at, version = version + 1 WHERE reference = :ref",
                    at=at.isoformat(),
                    ref=ref,
                )
                self._event(tx, ref, "purged", actor, at, None)
            return refs

        refs = self._write(op)
        self._after_purge()
        log.info("purged personal data of %d request(s)", len(refs))
        return refs

    def _after_purge(self) -> None:
        pass

    # -- building blocks ----------------------------------------------------------------------

    def _fetch(self, tx: Tx, reference: str, lock: bool = False) -> Request:
        row = tx.one(
            f"SELECT {REQUEST_COLUMNS} FROM requests WHERE reference = :ref"
            + (self._for_update if lock else ""),
            ref=reference.strip().upper(),
        )
        if row is None:
            raise RequestNotFound(
                localized(N_("No request has the reference {reference}."), reference=reference)
            )
        return _request(row)

    def _locked(self, tx: Tx, reference: str, expected_version: int | None) -> Request:
        """The request, locked until the transaction ends; Conflict if it moved on since
        the caller's read."""
        current = self._fetch(tx, reference, lock=True)
        if CHECK_VERSIONS and expected_version is not None and current.version != expected_version:
            raise self._conflict(current)
        return current

    @staticmethod
    def _done(tx: Tx, key: str) -> bool:
        # Asked with the request row locked, so a first attempt still committing is waited for.
        return tx.one("SELECT 1 FROM events WHERE op_key = :k", k=key) is not None

    def _update(
        self, tx: Tx, current: Request, at: datetime, assignments: str, **params: Any
    ) -> None:
        where = "reference = :ref" + (" AND version = :version" if CHECK_VERSIONS else "")
        changed = tx.run(
            f"UPDATE requests SET {assignments}, version = version + 1, updated_at = :at "
            f"WHERE {where}",
            ref=current.reference,
            version=current.version,
            at=at.isoformat(),
            **params,
        )
        if changed != 1:
            raise self._conflict(self._fetch(tx, current.reference))

    @staticmethod
    def _conflict(current: Request) -> Conflict:
        if current.closed:
            message = localized(
                N_(
                    "{reference} was changed meanwhile and nothing was saved. It is now "
                    "{status}, a closed status; it cannot change any more."
                ),
                reference=current.reference,
                status=status_label(current.status),
            )
        else:
            message = localized(
                N_(
                    "{reference} was changed meanwhile and nothing was saved. It is now "
                    "{status}, assigned to {assignee} (version {version}). Look at it again, "
                    "then retry."
                ),
                reference=current.reference,
                status=status_label(current.status),
                assignee=current.assignee or "—",
                version=current.version,
            )
        return Conflict(message, current)

    def _event(
        self,
        tx: Tx,
        reference: str,
        action: str,
        actor: str | None,
        at: datetime,
        op_key: str | None,
        from_status: str | None = None,
        to_status: str | None = None,
        note: str = "",
        reason: str | None = None,
    ) -> None:
        tx.run(
            "INSERT INTO events (reference, at, actor, action, from_status, to_status, note, "
            "reason, db_user, op_key) VALUES (:reference, :at, :actor, :action, :from_status, "
            ":to_status, :note, :reason, :db_user, :op_key)",
            reference=reference,
            at=at.isoformat(),
            actor=actor or self.agent,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
            reason=reason,
            db_user=self._db_user(),
            op_key=op_key,
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
        version=row[16],
        assignee=row[17],
    )
