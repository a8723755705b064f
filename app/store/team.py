"""Team work on one queue: who holds a request, claiming the next one, handing one over."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.core.i18n import N_
from app.core.messages import localized
from app.core.records import Conflict, Request
from app.store.drafts import Tx, _utc


def _key() -> str:
    return uuid.uuid4().hex


class TeamMixin:
    """Mixed into StoreBase, whose building blocks (_locked, _update, _event …) it uses."""

    agent: str
    _skip_locked: str
    _write: Any
    _locked: Any
    _done: Any
    _update: Any
    _event: Any
    _fetch: Any
    _conflict: Any

    def assign(
        self,
        reference: str,
        agent: str | None,
        *,
        actor: str | None = None,
        expected_version: int | None = None,
        only_if_free: bool = False,
        now: datetime | None = None,
    ) -> Request:
        """Give a request to `agent` (None: release it). With `only_if_free`, a request that
        someone else holds is refused with Conflict (that is what claiming means)."""
        at, key = _utc(now), _key()

        def op(tx: Tx) -> Request:
            current = self._locked(tx, reference, expected_version)
            if self._done(tx, key):
                return current
            if only_if_free and current.assignee not in (None, agent):
                raise Conflict(
                    localized(
                        N_(
                            "{reference} is already assigned to {assignee}. Ask them, or take "
                            "it over with `kotae requests assign {reference} AGENT`."
                        ),
                        reference=current.reference,
                        assignee=current.assignee,
                    ),
                    current,
                )
            if current.assignee == agent:
                return current
            self._update(tx, current, at, "assignee = :a", a=agent)
            note = f"{current.assignee or '-'} -> {agent or '-'}"
            self._event(tx, current.reference, "assigned", actor, at, key, note=note)
            return self._fetch(tx, current.reference)

        return self._write(op)

    def claim(self, reference: str, *, expected_version: int | None = None) -> Request:
        """Take an unassigned request for this store's agent."""
        return self.assign(
            reference, self.agent, expected_version=expected_version, only_if_free=True
        )

    def release(self, reference: str, *, expected_version: int | None = None) -> Request:
        return self.assign(reference, None, expected_version=expected_version)

    def claim_next(self, *, kind: str | None = None, now: datetime | None = None) -> Request | None:
        """Take the oldest open unassigned request; None when there is none. Agents claiming
        at once each get a different one without waiting for each other."""
        at, key = _utc(now), _key()
        sql = (
            "SELECT reference FROM requests WHERE assignee IS NULL AND closed_at IS NULL"
            + (" AND kind = :kind" if kind else "")
            + f" ORDER BY received_at, reference LIMIT 1{self._skip_locked}"
        )

        def op(tx: Tx) -> Request | None:
            done = tx.one("SELECT reference FROM events WHERE op_key = :k", k=key)
            if done:
                return self._fetch(tx, done[0])
            row = tx.one(sql, kind=kind)
            if row is None:
                return None
            current = self._fetch(tx, row[0])
            self._update(tx, current, at, "assignee = :a", a=self.agent)
            self._event(tx, current.reference, "assigned", None, at, key,
                        note=f"- -> {self.agent}")  # fmt: skip
            return self._fetch(tx, current.reference)

        return self._write(op)
