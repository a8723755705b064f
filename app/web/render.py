"""Rendering a page in the visitor's language."""

from __future__ import annotations

from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.i18n import LANGUAGES, translations
from app.web.security import csrf_token, set_session_cookie


def negotiate(accept_language: str) -> str:
    """ja or en from an Accept-Language header (q-values honoured); English by default."""
    best, best_q = "en", -1.0
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        score = q - position * 1e-6  # earlier wins a tie
        if primary in LANGUAGES and q > 0 and score > best_q:
            best, best_q = primary, score
    return best


def page_lang(request: Request) -> str:
    lang = request.path_params.get("lang")
    if lang in LANGUAGES:
        return lang
    first = request.url.path.strip("/").split("/")[0]
    if first in LANGUAGES:
        return first
    return negotiate(request.headers.get("accept-language", ""))


def other_path(request: Request, lang: str) -> str:
    """This page's path in the other language (same page, same step)."""
    other = "en" if lang == "ja" else "ja"
    parts = request.url.path.split("/")
    if len(parts) > 1 and parts[1] in LANGUAGES:
        parts[1] = other
        return "/".join(parts)
    return f"/{other}/"


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    lang: str | None = None,
) -> HTMLResponse:
    """Render a template in the page's language, with the session cookie and no caching."""
    lang = lang or page_lang(request)
    tr = translations(lang)
    env: jinja2.Environment = request.app.state.jinja
    values = {
        "lang": lang,
        "other_lang": "en" if lang == "ja" else "ja",
        "other_path": other_path(request, lang),
        "_": tr.gettext,
        "csrf": csrf_token(request),
        "kb": request.app.state.kb,
        "contact": request.app.state.settings.contact,
        "log_questions": request.app.state.settings.log_questions,
        "question_log_days": request.app.state.settings.question_log_days,
        **(context or {}),
    }
    html = env.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    set_session_cookie(request, response)
    return response
