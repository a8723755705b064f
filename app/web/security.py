"""What every response and every POST goes through: headers, body limit, access log, the
visitor's session cookie and the CSRF token bound to it."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.settings import MAX_BODY

access_log = logging.getLogger("kotae.web.access")

SESSION_COOKIE = "kotae_session"
SID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class TooLarge(Exception):
    pass


class Guard:
    """Security headers on every response, the 64 KB body limit, and an access log line that
    names the route template only: never the path (a status link holds a secret), the query,
    the body or the client address."""

    def __init__(self, app: ASGIApp, on_error: Any = None) -> None:
        self.app = app
        self.on_error = on_error  # async (Request, exc) -> Response: the friendly 500 page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            scope["kotae.too_large"] = True
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise HTTPException(413)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        started_response = False

        async def tracked_send(message: Message) -> None:
            nonlocal started_response
            started_response = True
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except Exception as exc:
            # Handled here rather than re-raised to the server, which would log a traceback
            # whose messages may carry what a visitor typed.
            if started_response or self.on_error is None:
                access_log.error("response failed: %s", type(exc).__name__)
                return
            response = await self.on_error(Request(scope), exc)
            await response(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "-"
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                template,
                status,
                (time.perf_counter() - started) * 1000,
            )


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_id(request: Request) -> str:
    """The visitor's session id; a new one (set on the response by `page`) when absent."""
    sid = getattr(request.state, "sid", None)
    if sid:
        return sid
    sid = request.cookies.get(SESSION_COOKIE, "")
    if not SID_RE.match(sid):
        sid = new_session_id()
    request.state.sid = sid
    return sid


def owner(request: Request) -> str:
    """The drafts owner of this visitor: the session id itself is never stored."""
    return "web:" + hashlib.sha256(session_id(request).encode()).hexdigest()


def csrf_token(request: Request) -> str:
    secret: bytes = request.app.state.settings.secret_key
    return hmac.new(secret, b"csrf\0" + session_id(request).encode(), hashlib.sha256).hexdigest()


def set_session_cookie(request: Request, response: Any) -> None:
    """The session cookie lasts as long as a form's draft is kept (`draft_hours`), counted from
    the last page: a visitor who closes the browser can still come back to the form."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id(request),
        max_age=int(request.app.state.settings.draft_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


async def checked_form(request: Request) -> Any:
    """The POSTed form, once its CSRF token matches the visitor's session; 403 otherwise."""
    if request.scope.get("kotae.too_large"):
        raise HTTPException(413)
    sent_sid = request.cookies.get(SESSION_COOKIE, "")
    form = await request.form(max_files=0, max_fields=200, max_part_size=MAX_BODY)
    token = form.get("csrf")
    if not SID_RE.match(sent_sid) or not isinstance(token, str):
        raise HTTPException(403)
    if not hmac.compare_digest(token, csrf_token(request)):
        raise HTTPException(403)
    return form


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
