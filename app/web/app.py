"""The Starlette application: shared state, page rendering, language choice, error pages.

Routes live in ask.py (questions and entries), forms.py (request forms) and status.py (the
requester's status link). Nothing of the agents' queue is routed here.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.core import deadlines
from app.core.deadlines import load_regimes
from app.core.i18n import N_, gettext_for
from app.core.knowledge import load_knowledge
from app.core.match.matcher import Matcher
from app.store.factory import choose_database, open_store
from app.web import ask, feedback, forms, questionlog, reload, status
from app.web.ratelimit import RateLimiter, wait_words
from app.web.render import negotiate, page, page_lang
from app.web.security import Guard
from app.web.settings import Settings

log = logging.getLogger("kotae.web")
HERE = Path(__file__).resolve().parent


ERROR_TEXT: dict[int, tuple[str, str | None]] = {
    400: (N_("Something in the request was not right."), N_("Go back and try again.")),
    403: (
        N_("This form has expired."),
        N_(
            "Open the page again and send it once more. "
            "If you were away for long, enter your answers again."
        ),
    ),
    404: (N_("Page not found."), N_("Check the address, or start again from the home page.")),
    405: (N_("Page not found."), N_("Check the address, or start again from the home page.")),
    413: (N_("What you sent is too long."), N_("Shorten it and try again.")),
    429: (N_("Too many requests."), None),  # the hint says how long: wait_words
    500: (N_("Something went wrong on our side."), N_("Try again in a moment.")),
}


async def error_page(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    if code not in ERROR_TEXT:
        code = 400 if code < 500 else 500
    if code == 500:
        log.error(
            "unexpected error on %s: %s",
            getattr(request.scope.get("route"), "path", "-"),
            type(exc).__name__,
        )
    lang = page_lang(request)
    title, hint = ERROR_TEXT[code]
    retry = (exc.headers or {}).get("Retry-After", "") if isinstance(exc, HTTPException) else ""
    response = page(
        request,
        "error.html",
        {
            "title": gettext_for(lang, title),
            "hint": gettext_for(lang, hint) if hint else wait_words(lang, int(retry or 60)),
            "code": code,
            # The language switch of an error page goes to the other language's home page.
            "other_path": "/" + ("en" if lang == "ja" else "ja") + "/",
            # An expired form: a link to the same page, fetched afresh with a new token.
            "again": request.url.path if code == 403 and request.method == "POST" else "",
        },
        status_code=code,
        lang=lang,
    )
    if retry:
        response.headers["retry-after"] = retry
    return response


# Language prefixes people type that are not ours: /EN/…, /jp/…, /Ja/….
ALIASES = {"en": "en", "ja": "ja", "jp": "ja", "jpn": "ja", "eng": "en"}


async def elsewhere(request: Request) -> Response:
    """A GET no route matched: /EN/ask or /jp/ go to the same page under the right prefix;
    anything else is the friendly 404 page."""
    first, _, rest = request.url.path.lstrip("/").partition("/")
    lang = ALIASES.get(first.lower())
    if lang is not None and first != lang:
        return RedirectResponse(f"/{lang}/{rest}", status_code=308)
    raise HTTPException(404)


async def root(request: Request) -> Response:
    lang = negotiate(request.headers.get("accept-language", ""))
    return RedirectResponse(f"/{lang}/", status_code=303, headers={"vary": "Accept-Language"})


def build_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    deadlines.set_timezone(settings.timezone)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        yield
        app.state.store.close()
        app.state.limiter.close()

    kb = load_knowledge(settings.knowledge)
    routes = [
        Route("/", root),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        *ask.routes(),
        *forms.routes(),
        *status.routes(),
        *feedback.routes(),
        Route("/{path:path}", elsewhere),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, on_error=error_page)],
        exception_handlers={HTTPException: error_page, Exception: error_page},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.kb = kb
    app.state.matcher = Matcher(kb)
    app.state.regimes = load_regimes(kb.root)
    # The team's shared database when $KOTAE_DATABASE_URL names one, else the local store.
    app.state.store = open_store(
        choose_database(None, None), data_dir=settings.data_dir, channel="web", agent="web"
    )
    app.state.limiter = RateLimiter(settings.data_dir, settings.secret_key)
    app.state.jinja = build_env()
    app.state.workflows = {}
    app.state.last_purge = float("-inf")
    questionlog.maybe_purge(app.state, force=True)  # logged questions past question_log_days
    if settings.knowledge is not None:  # an editable folder; the packaged copy never changes
        app.state.knowledge_checked = time.monotonic()
        app.state.knowledge_print = reload.fingerprint(kb.root)
        app.add_middleware(reload.ReloadKnowledge, state=app.state)
    return app


def create_app_from_env() -> Starlette:
    """The uvicorn factory: each worker builds its app from the same environment."""
    return create_app()
