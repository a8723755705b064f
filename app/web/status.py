"""The requester's status link: status, due date and public changes, found by a secret token.

Only the token's hash is stored; the reference alone opens nothing. Agents' notes and names
never appear here, and personal data is masked.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.core.i18n import N_, gettext_for
from app.core.messages import KotaeError, format_day
from app.core.records import Event
from app.core.records import Request as FiledRequest
from app.core.statuses import KIND_LABELS, REASON_LABELS, status_label
from app.store.base import requester_token
from app.web.forms import deadline_label, regime_of, standalone, workflow
from app.web.render import page
from app.web.security import checked_form, token_hash

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
# Statuses a requester may leave by withdrawing: the request is not yet being worked on.
WITHDRAWABLE = {
    "deletion": {"submitted", "requires_input", "identity_verified"},
    "dpa": {"submitted", "requires_input"},
}
NEXT_STEPS = {
    "deletion": N_(
        "We check that the request comes from the account holder, using the email address you "
        "gave. We may write to you for more information. Then we delete what you asked for and "
        "tell you when it is done."
    ),
    "dpa": N_(
        "Our legal team reviews the request and sends you the Data Processing Addendum to sign "
        "at the signatory's email address. We may write to you for more information."
    ),
}


def find(request: Request) -> FiledRequest:
    token = request.path_params["token"]
    found = None
    if TOKEN_RE.match(token):
        found = request.app.state.store.find_by_access_token(token_hash(token))
        # For the rest of this page, the store serves this requester (on PostgreSQL the web
        # role then sees this request's events and may withdraw it, and nothing else).
        requester_token.set(token_hash(token))
    if found is None:
        raise HTTPException(404)  # the same page as any unknown address
    return found


def can_withdraw(filed: FiledRequest) -> bool:
    return filed.status in WITHDRAWABLE.get(filed.kind, set())


def public_events(events: list[Event], lang: str) -> list[tuple[str, str]]:
    """(day, what happened) with public reason codes only: no notes, no agents' names."""
    out = []
    for e in events:
        if e.action == "submitted":
            text = gettext_for(lang, N_("Request received"))
        elif e.action == "status" and e.to_status:
            text = gettext_for(lang, N_("Status changed to: {status}")).format(
                status=status_label(e.to_status).get(lang)
            )
            if e.reason in REASON_LABELS:
                text += " — " + gettext_for(lang, REASON_LABELS[e.reason])
        elif e.action == "extended":
            text = gettext_for(lang, N_("The due date was extended"))
        elif e.action == "purged":
            text = gettext_for(lang, N_("Personal data removed"))
        else:
            continue
        out.append((format_day(e.at.date(), lang), text))
    return out


# The answers a status page repeats: the choices made, never typed text, addresses or ids,
# since the status link may be forwarded.
SHOWN_TYPES = {"choice", "multi_choice", "country"}


def asked_for(request: Request, filed: FiledRequest, lang: str) -> list[tuple[str, str]]:
    """What the request asks (what to delete, which transfers …), as the review showed it;
    nothing once the answers are purged. The workflow is the one its kind names, as in the
    terminal and the CLI."""
    if not filed.answers or filed.kind not in request.app.state.kb.workflows:
        return []
    return workflow(request, filed.kind).summary(
        filed.answers, lang, redact=True, keep=lambda f, v: f.type in SHOWN_TYPES and v is not None
    )


def status_context(request: Request, filed: FiledRequest, lang: str) -> dict[str, Any]:
    regime = regime_of(request, filed.regime)
    return {
        "asked_for": asked_for(request, filed, lang),
        "reference": filed.reference,
        # Labels written to run inside a sentence stand alone here: a capital in English.
        "kind": standalone(gettext_for(lang, KIND_LABELS.get(filed.kind, filed.kind))),
        "kind_code": filed.kind,
        "status": standalone(status_label(filed.status).get(lang)),
        "closed": filed.closed,
        "received": format_day(filed.received_on, lang),
        "due": format_day(filed.due_on, lang),
        "due_label": deadline_label(regime, lang),
        "regime": regime.label.get(lang) if regime.statutory else "",
        "contact": filed.contact,
        "events": public_events(request.app.state.store.events(filed.reference), lang),
        "can_withdraw": can_withdraw(filed),
        "withdrawn": filed.status == "withdrawn",
        "next_steps": gettext_for(lang, NEXT_STEPS.get(filed.kind, "")) if not filed.closed else "",
        "token": request.path_params["token"],
        "confirm_error": "",
        "title": gettext_for(lang, N_("Request {reference}")).format(reference=filed.reference),
    }


async def show(request: Request) -> Response:
    lang = request.path_params["lang"]
    filed = find(request)
    context = status_context(request, filed, lang)
    context["received_now"] = request.url.path.endswith("/received") and not filed.closed
    context["status_url"] = str(request.url.remove_query_params("confirm")).removesuffix(
        "/received"
    )
    if request.query_params.get("confirm") == "missing" and can_withdraw(filed):
        context["confirm_error"] = gettext_for(
            lang, N_("Tick the box to confirm that you want to withdraw the request.")
        )
    return page(request, "status.html", context)


async def withdraw(request: Request) -> Response:
    form = await checked_form(request)
    lang = request.path_params["lang"]
    filed = find(request)
    token = request.path_params["token"]
    if can_withdraw(filed) and form.get("confirm") != "yes":
        # A withdrawal cannot be undone: it needs the box ticked, not one stray tap. The error
        # is shown by a redirect to the status page: the language switch, Back and reload then
        # work on an address of its own, and never send the form again.
        return RedirectResponse(f"/{lang}/status/{token}?confirm=missing", status_code=303)
    if can_withdraw(filed):
        # When it changed meanwhile, the status page shows where it stands.
        with contextlib.suppress(KotaeError):
            request.app.state.store.transition(
                filed.reference, "withdrawn", actor="requester", note="withdrawn on the web"
            )
    return RedirectResponse(f"/{lang}/status/{token}", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/{lang:lang}/status/{token}", show),
        Route("/{lang:lang}/status/{token}/received", show),
        Route("/{lang:lang}/status/{token}/withdraw", withdraw, methods=["POST"]),
    ]
