"""The status machines of requests. A transition not listed here is refused.

The tables are code rather than knowledge data: they are the process the store enforces, and a
change to them is a change of procedure that deserves review, not an editor's tweak.
Status names follow the Data Rights Protocol / fides vocabulary where one exists.
"""

from __future__ import annotations

from app.core.i18n import N_
from app.core.messages import KotaeError, Localized, localized

KINDS = ("deletion", "dpa")
PREFIXES = {"deletion": "DEL", "dpa": "DPA"}
INITIAL = "submitted"

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "deletion": {
        "submitted": frozenset(
            {"identity_verified", "requires_input", "denied", "canceled", "withdrawn"}
        ),
        "requires_input": frozenset(
            {"identity_verified", "in_progress", "denied", "canceled", "withdrawn"}
        ),
        "identity_verified": frozenset(
            {"in_progress", "requires_input", "denied", "canceled", "withdrawn"}
        ),
        "in_progress": frozenset(
            {"completed", "requires_input", "denied", "canceled", "withdrawn"}
        ),
        "completed": frozenset(),
        "denied": frozenset(),
        "canceled": frozenset(),
        "withdrawn": frozenset(),
    },
    # "withdrawn": the requester took the request back (on the web, or by writing in);
    # "canceled": the team closed it for another reason. Deletion requests tell the two apart
    # the same way.
    "dpa": {
        "submitted": frozenset(
            {"legal_review", "requires_input", "rejected", "canceled", "withdrawn"}
        ),
        "requires_input": frozenset(
            {"legal_review", "sent_for_signature", "rejected", "canceled", "withdrawn"}
        ),
        "legal_review": frozenset(
            {"sent_for_signature", "requires_input", "rejected", "canceled", "withdrawn"}
        ),
        "sent_for_signature": frozenset(
            {"executed", "legal_review", "requires_input", "rejected", "canceled", "withdrawn"}
        ),
        "executed": frozenset(),
        "rejected": frozenset(),
        "canceled": frozenset(),
        "withdrawn": frozenset(),
    },
}

# A denial must say why (Data Rights Protocol reason codes).
REASON_REQUIRED = frozenset({"denied"})
DENIAL_REASONS = ("insufficient_verification", "no_match", "not_covered", "duplicate", "other")

STATUS_LABELS = {
    "submitted": N_("submitted"),
    "identity_verified": N_("identity verified"),
    "in_progress": N_("in progress"),
    "completed": N_("completed"),
    "requires_input": N_("requires input"),
    "denied": N_("denied"),
    "canceled": N_("canceled"),
    "withdrawn": N_("withdrawn"),
    "legal_review": N_("legal review"),
    "sent_for_signature": N_("sent for signature"),
    "executed": N_("executed"),
    "rejected": N_("rejected"),
}

REASON_LABELS = {
    "insufficient_verification": N_("identity could not be verified"),
    "no_match": N_("no matching account or data"),
    "not_covered": N_("not covered by the law or the policy"),
    "duplicate": N_("duplicate of another request"),
    "other": N_("other reason"),
}

KIND_LABELS = {"deletion": N_("deletion request"), "dpa": N_("DPA request")}


class IllegalTransition(KotaeError):
    """The status machine does not allow this change."""


def all_statuses(kind: str | None = None) -> list[str]:
    kinds = [kind] if kind else list(KINDS)
    seen: dict[str, None] = {}
    for k in kinds:
        seen.update(dict.fromkeys(TRANSITIONS[k]))
    return list(seen)


def is_closed(kind: str, status: str) -> bool:
    return not TRANSITIONS[kind].get(status, frozenset())


def status_label(status: str) -> Localized:
    return localized(STATUS_LABELS.get(status, status))


def check_transition(kind: str, current: str, target: str, reason: str | None) -> None:
    """Raise IllegalTransition unless `current -> target` is allowed with this reason code."""
    table = TRANSITIONS[kind]
    if target not in table:
        raise IllegalTransition(
            localized(
                N_("“{status}” is not a status of a {kind}."),
                status=target,
                kind=localized(KIND_LABELS[kind]),
            )
        )
    if is_closed(kind, current):
        raise IllegalTransition(
            localized(
                N_("The request is {status}, a closed status; it cannot change any more."),
                status=status_label(current),
            )
        )
    if target not in table[current]:
        allowed = ", ".join(sorted(table[current]))
        raise IllegalTransition(
            localized(
                N_("A request cannot go from {current} to {target}. Allowed: {allowed}."),
                current=status_label(current),
                target=status_label(target),
                allowed=allowed,
            )
        )
    if target in REASON_REQUIRED and reason not in DENIAL_REASONS:
        raise IllegalTransition(
            localized(
                N_("Give a reason code for {status}: {codes}."),
                status=status_label(target),
                codes=", ".join(DENIAL_REASONS),
            )
        )
    if target not in REASON_REQUIRED and reason:
        raise IllegalTransition(
            localized(N_("A reason code goes only with {status}."), status=status_label("denied"))
        )
