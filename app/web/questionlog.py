"""The web's question log: asked questions kept (masked) as `log_questions` says, and purged
after `question_log_days` at start-up and then daily. No IP address is stored."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from app.core.config import effective_log_mode
from app.store.questions import (
    log_if_wanted,
    purge_questions,
    result_fields,
    should_log,
    transaction,
)

PURGE_EVERY = 24 * 3600.0


def maybe_purge(state: Any, force: bool = False) -> None:
    now = time.monotonic()
    if force or now - getattr(state, "last_question_purge", float("-inf")) >= PURGE_EVERY:
        state.last_question_purge = now
        purge_questions(state.store, state.settings.question_log_days)


def mode(state: Any) -> str:
    return effective_log_mode(state.settings.log_questions)


def log_question(request: Request, result: Any) -> None:
    """Keep an asked question as the settings say (default: the unanswered ones)."""
    state = request.app.state
    maybe_purge(state)
    if not should_log(mode(state), result.decision):
        return  # no write transaction for an answered question
    with transaction(state.store) as con:
        log_if_wanted(con, mode(state), channel="web", **result_fields(result))
