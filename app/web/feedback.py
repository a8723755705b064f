"""'Did this answer your question?' on the web, and the web's question log.

A vote is stored with the entry, confidence, channel and language; a "no" keeps the question
and the comment, masked, as `log_questions` allows. No IP address is stored.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.core.i18n import N_, gettext_for
from app.store.questions import record_feedback, transaction
from app.web import questionlog
from app.web.ratelimit import check_rate
from app.web.render import page
from app.web.security import checked_form, owner
from app.web.settings import MAX_QUESTION

MAX_COMMENT = 500
# One vote per answer and visitor: the keys of the answers voted on, kept like a draft of the
# visitor's session (purged with the drafts). Back then a second click stores nothing.
VOTES = "votes"
MAX_VOTES = 50


def _vote_key(entry_id: str, question: str) -> str:
    text = f"{entry_id}\0{' '.join(question.split())}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _confidence(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.0


async def feedback(request: Request) -> Response:
    lang = request.path_params["lang"]
    form = await checked_form(request)
    check_rate(request, "feedback")  # a bucket of its own: voting never costs a question
    state = request.app.state
    entry_id = str(form.get("entry", ""))
    helpful = form.get("helpful")
    if entry_id not in state.kb.entries or helpful not in ("yes", "no"):
        raise HTTPException(400)
    question = str(form.get("q", ""))[:MAX_QUESTION]
    key, visitor = _vote_key(entry_id, question), owner(request)
    voted = list((state.store.get_draft(VOTES, owner=visitor) or {}).get("keys", []))
    if key in voted:
        return RedirectResponse(
            f"/{lang}/feedback/thanks?entry={entry_id}&helpful={helpful}&again=1", status_code=303
        )
    with transaction(state.store) as con:
        record_feedback(
            con,
            channel="web",
            lang=lang,
            entry_id=entry_id,
            decision="answer",
            confidence=_confidence(form.get("confidence")),
            helpful=helpful == "yes",
            comment=str(form.get("comment", ""))[:MAX_COMMENT],
            question=question,
            mode=questionlog.mode(state),
        )
    state.store.save_draft(VOTES, {"keys": [*voted, key][-MAX_VOTES:]}, owner=visitor)
    # Redirect after the vote: reload and back never send it again.
    return RedirectResponse(
        f"/{lang}/feedback/thanks?entry={entry_id}&helpful={helpful}", status_code=303
    )


async def thanks(request: Request) -> Response:
    lang = request.path_params["lang"]
    kb = request.app.state.kb
    entry_id = request.query_params.get("entry", "")
    if entry_id not in kb.entries:
        return RedirectResponse(f"/{lang}/", status_code=303)
    context = {
        "entry_id": entry_id,
        "entry_title": kb.entries[entry_id].text(lang).title,
        "helpful": request.query_params.get("helpful") == "yes",
        "again": request.query_params.get("again") == "1",
        "title": gettext_for(lang, N_("Thank you for the feedback.")),
    }
    return page(request, "feedback.html", context)


async def feedback_get(request: Request) -> Response:
    return RedirectResponse(f"/{request.path_params['lang']}/", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/{lang:lang}/feedback", feedback, methods=["POST"]),
        Route("/{lang:lang}/feedback", feedback_get, methods=["GET"]),
        Route("/{lang:lang}/feedback/thanks", thanks),
    ]
