"""A running site picks up an edited knowledge folder once it passes `kotae check`.

Each worker looks at the folder's fingerprint at most every CHECK_SECONDS; an edit that does not
pass leaves the old knowledge in service and logs one line (a count, no content)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.deadlines import load_regimes
from app.core.knowledge import check_knowledge
from app.core.match.matcher import Matcher

CHECK_SECONDS = 3.0
log = logging.getLogger("kotae.web")


def fingerprint(root: Path) -> tuple[int, int, int]:
    """Latest mtime, total size and count of the folder's files: cheap, and any save changes it."""
    latest = total = count = 0
    for path in root.rglob("*"):
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file():
            latest, total, count = max(latest, st.st_mtime_ns), total + st.st_size, count + 1
    return latest, total, count


def maybe_reload(state: Any, now: float | None = None) -> None:
    now = time.monotonic() if now is None else now
    if now - state.knowledge_checked < CHECK_SECONDS:
        return
    state.knowledge_checked = now
    root = state.kb.root
    current = fingerprint(root)
    if current == state.knowledge_print:
        return
    state.knowledge_print = current
    kb, problems = check_knowledge(root)
    if problems:
        log.warning(
            "knowledge folder changed but fails check (%d problems); keeping the old one",
            len(problems),
        )
        return
    # Build everything first; the swap is plain assignments, so a request sees old or new.
    matcher, regimes = Matcher(kb), load_regimes(kb.root)
    state.kb, state.matcher, state.regimes = kb, matcher, regimes
    log.info("knowledge folder reloaded (%d entries)", len(kb.entries))


class ReloadKnowledge:
    """ASGI middleware: before a request, swap in a changed knowledge folder that passes check."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            maybe_reload(self.state)
        await self.app(scope, receive, send)
