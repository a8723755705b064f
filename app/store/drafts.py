"""Wizard drafts: one per owner (an agent, a web session) and kind, never shared by a kind."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Tx(Protocol):
    """One transaction of a backend: SQL with `:name` parameters."""

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]: ...
    def one(self, sql: str, **params: Any) -> tuple[Any, ...] | None: ...
    def run(self, sql: str, **params: Any) -> int: ...


def _utc(now: datetime | None) -> datetime:
    # A naive datetime is local time.
    return (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)


class DraftsMixin:
    owner: str

    def _write(self, op: Callable[[Tx], T], *, submission: str | None = None) -> T:
        raise NotImplementedError

    def _read(self, op: Callable[[Tx], T]) -> T:
        raise NotImplementedError

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
        params = {
            "owner": owner or self.owner,
            "kind": kind,
            "data": json.dumps(dict(data), ensure_ascii=False),
            "at": _utc(now).isoformat(),
        }
        self._write(
            lambda tx: tx.run(
                "INSERT INTO drafts (owner, kind, data, updated_at) VALUES (:owner, :kind, "
                ":data, :at) ON CONFLICT (owner, kind) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                **params,
            )
        )

    def get_draft(self, kind: str, *, owner: str | None = None) -> dict[str, Any] | None:
        """The owner's saved draft of a kind, or None (also for an unreadable one)."""
        row = self._read(
            lambda tx: tx.one(
                "SELECT data FROM drafts WHERE owner = :owner AND kind = :kind",
                owner=owner or self.owner,
                kind=kind,
            )
        )
        if row is None:
            return None
        try:
            data = json.loads(row[0])
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def discard_draft(self, kind: str, *, owner: str | None = None) -> None:
        self._write(
            lambda tx: tx.run(
                "DELETE FROM drafts WHERE owner = :owner AND kind = :kind",
                owner=owner or self.owner,
                kind=kind,
            )
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
        return self._write(
            lambda tx: tx.run(
                "DELETE FROM drafts WHERE updated_at <= :cutoff AND substr(owner, 1, :n) = :prefix",
                cutoff=cutoff,
                n=len(owner_prefix),
                prefix=owner_prefix,
            )
        )
