"""Turning a finished wizard into a stored request."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from app.core.deadlines import Regime
from app.core.i18n import N_
from app.core.messages import KotaeError, localized
from app.core.records import Request
from app.core.workflow.engine import WizardSession
from app.store.base import StoreBase


class IncompleteRequest(KotaeError):
    """The wizard is not finished, was stopped, or has answers with errors."""


def submit_run(
    store: StoreBase,
    run: WizardSession,
    regimes: Mapping[str, Regime],
    *,
    lang: str,
    now: datetime | None = None,
    actor: str | None = None,
    clear_draft: bool = True,
    channel: str | None = None,
    owner: str | None = None,
    access_token_hash: str | None = None,
    idempotency_key: str | None = None,
) -> Request:
    """Store the request of a complete session; its legal regime sets the due date.

    `lang` is the requester's language (exports are written in it). The owner's draft of the
    kind is discarded in the same transaction unless `clear_draft` is False. `channel`, `owner`
    `access_token_hash` and `idempotency_key` are passed to `create_request`.
    """
    if not run.is_complete:
        raise IncompleteRequest(
            localized(N_("The form is not complete; answer every required field first."))
        )
    answers = run.submitted_answers()
    regime = regimes.get(run.regime()) or regimes["other"]
    contact_field = run.workflow.definition.contact_field
    return store.create_request(
        run.workflow.kind,
        answers,
        lang=lang,
        regime=regime,
        contact=answers.get(contact_field) if contact_field else None,
        now=now,
        actor=actor,
        clear_draft=clear_draft,
        channel=channel,
        owner=owner,
        access_token_hash=access_token_hash,
        idempotency_key=idempotency_key,
    )
