"""What the request store holds: requests and their event log, as plain records."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.i18n import N_
from app.core.messages import KotaeError, Localized
from app.core.statuses import is_closed


class StoreError(KotaeError):
    """The store cannot be opened or used."""


class RequestNotFound(KotaeError):
    """No request has this reference."""


class Conflict(KotaeError):
    """Someone else changed the request since it was read; `current` is its new state."""

    def __init__(self, message: Localized, current: Request) -> None:
        super().__init__(message)
        self.current = current


class UncertainSubmission(KotaeError):
    """The connection broke while a submission was committing and could not be checked;
    `key` finds the request once the database is reachable again."""

    def __init__(self, message: Localized, key: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Request:
    reference: str
    kind: str
    status: str
    lang: str  # the requester's language
    regime: str
    received_at: datetime
    received_on: date
    original_due_on: date
    due_on: date
    extensions: int
    contact: str | None  # masked email; None once purged
    answers: dict[str, Any] | None  # None once purged
    closed_at: datetime | None
    purged_at: datetime | None
    updated_at: datetime
    channel: str = "unknown"  # tui | cli | web | unknown (filed before channels were kept)
    version: int = 1  # incremented by every change: a change based on an older one is refused
    assignee: str | None = None  # the agent working on it; None: unassigned

    @property
    def closed(self) -> bool:
        return is_closed(self.kind, self.status)

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.closed and (today or date.today()) > self.due_on

    @property
    def work_order(self) -> tuple[bool, date, str]:
        """Where it stands in a queue worked by deadline: open ones first, soonest due first."""
        return (self.closed, self.due_on, self.reference)

    def matches(self, text: str) -> bool:
        """Whether `text` is in the reference, the assignee or any answer (an e-mail address, an
        organisation ID, a company name), ignoring case and full-width forms. Only matching
        reads the answers; what is shown stays masked."""
        needle = _folded(text)
        if not needle:
            return True
        values = [self.reference, self.assignee or "", self.contact or ""]
        for value in (self.answers or {}).values():
            values.extend(value if isinstance(value, list) else [value])
        return any(needle in _folded(str(v)) for v in values if v is not None)


@dataclass(frozen=True)
class Event:
    id: int
    reference: str
    at: datetime
    actor: str
    action: str  # submitted | status | extended | exported | viewed | purged | assigned
    from_status: str | None
    to_status: str | None
    note: str
    reason: str | None
    db_user: str | None = None  # the database account that wrote it (the OS user on SQLite)


# How a request reached the queue, as agents read it.
CHANNEL_LABELS = {
    "tui": N_("terminal UI"),
    "cli": N_("command line"),
    "web": N_("web site"),
    "unknown": N_("unknown"),
}


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()
