"""Asking: the home page with the question box and every topic, answers, entry pages."""

from __future__ import annotations

from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.core.answers import answer_ids, context_line, how_sure, unanswered_part, unsure
from app.core.i18n import N_, gettext_for, sentences
from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.decision import band
from app.core.match.result import Result
from app.web.forms import offered
from app.web.questionlog import log_question
from app.web.ratelimit import rate_wait, wait_words
from app.web.render import page
from app.web.security import checked_form
from app.web.settings import MAX_QUESTION


class LangConvertor(Convertor[str]):
    regex = "ja|en"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("lang", LangConvertor())

CONFIDENCE = {
    "high": N_("High confidence"),
    "medium": N_("Medium confidence"),
    "low": N_("Low confidence"),
}


def confidence_words(confidence: float) -> str:
    return CONFIDENCE[band(confidence)]


def out_of_scope_text(kb: KnowledgeBase, result: Result, lang: str) -> tuple[str, str] | None:
    """(title, redirect) of the out-of-scope topic the matcher recognised, when it names one."""
    topic = kb.out_of_scope.get(result.out_of_scope or "")
    if topic is None:
        return None
    text = topic.text(lang)
    return (text.title, text.redirect) if text.redirect else None


def card(kb: KnowledgeBase, entry: Entry, lang: str) -> dict[str, Any]:
    t = entry.text(lang)
    return {
        "id": entry.id,
        "title": t.title,
        "answer": t.answer,
        "quote": entry.quote.strip(),
        "source": entry.source,
        "workflow": entry.workflow,
        "related": [(r, kb.get(r).text(lang).title) for r in entry.related if r in kb.entries],
    }


def titles(kb: KnowledgeBase, ids: tuple[str, ...] | list[str], lang: str) -> list[tuple[str, str]]:
    return [(i, kb.get(i).text(lang).title) for i in ids if i in kb.entries]


def topics(kb: KnowledgeBase, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (kb.topic_label(t, lang), [(e.id, e.text(lang).title) for e in entries])
        for t, entries in kb.by_topic().items()
    ]


def home_context(request: Request, lang: str) -> dict[str, Any]:
    return {"topics": topics(request.app.state.kb, lang), "forms": offered(request, lang)}


async def home(request: Request) -> Response:
    lang = request.path_params["lang"]
    return page(request, "home.html", home_context(request, lang))


async def ask(request: Request) -> Response:
    lang = request.path_params["lang"]
    try:
        form = await checked_form(request)
    except HTTPException as exc:
        if exc.status_code != 403:
            raise
        return await _expired(request, lang)
    # A browser counts a line break as one character and sends two (CR LF).
    question = str(form.get("q", "")).replace("\r\n", "\n")
    kb: KnowledgeBase = request.app.state.kb
    error = None
    if not question.strip():
        error = gettext_for(lang, N_("Enter a question."))
    elif len(question) > MAX_QUESTION:
        # How much to cut, for someone pasting a long e-mail.
        error = gettext_for(
            lang, N_("Enter at most {n} characters; this has {count}, {over} too many.")
        ).format(n=MAX_QUESTION, count=len(question), over=len(question) - MAX_QUESTION)
    status = 400
    if not error and (wait := rate_wait(request, "ask")):
        status = 429
        error = sentences(
            lang, gettext_for(lang, N_("Too many questions at once.")), wait_words(lang, wait)
        )
    if error:
        response = question_again(request, lang, question, error, status)
        if status == 429:
            response.headers["retry-after"] = str(wait)
        return response
    previous = str(form.get("previous", ""))  # only ever used as an entry id it names
    previous_id = previous if previous in kb.entries else None
    matcher = request.app.state.matcher
    result: Result = (
        matcher.ask(question, previous=previous_id) if previous_id else matcher.ask(question)
    )
    log_question(request, result)
    ids = answer_ids(result)
    cards = []
    for i in ids:
        if i in kb.entries:
            score, _matched = how_sure(result, i)  # each half of a two-part question its own
            words = gettext_for(lang, confidence_words(score))
            extra = {"confidence": words, "score": round(score, 3)}
            cards.append({**card(kb, kb.get(i), lang), **extra})
    decision = "answer" if ids else result.decision
    if decision == "answer":
        title = cards[0]["title"] if len(cards) == 1 else gettext_for(lang, N_("Two answers"))
    elif decision == "clarify":
        title = gettext_for(lang, N_("Which of these do you mean?"))
    elif result.note == "no-content":
        # "ok thanks!", a greeting or a signature alone: no question, so no "no answer".
        title = gettext_for(lang, N_("Kotae found nothing to look up in this question."))
    elif unsure(result):
        title = gettext_for(lang, N_("No clear answer in the policy"))
    else:
        title = gettext_for(lang, N_("The policy has no answer to this"))
    context = {
        "title": title,
        "question": question,
        "decision": decision,
        "cards": cards,
        "suggestions": titles(kb, list(result.suggestions[:3]), lang),
        "redirect": out_of_scope_text(kb, result, lang),
        "unanswered": unanswered_part(kb, result, lang),
        "topic_names": [kb.topic_label(t, lang) for t in kb.by_topic()],
        "follow_up": context_line(kb, result, lang) if result.context in kb.entries else "",
        "previous": result.answer_id or "",
    }
    response = page(request, "answer.html", context)
    # Kept in the visitor's own browser (never a shared cache): Back from an entry or a vote
    # shows the answer again, instead of a "Confirm Form Resubmission" error page.
    response.headers["cache-control"] = "private, max-age=0"
    return response


async def _expired(request: Request, lang: str) -> Response:
    """The session ran out before Ask was pressed: the question goes back into the box, under
    a fresh token, so nothing typed is lost."""
    form = await request.form(max_files=0, max_fields=200)
    question = str(form.get("q", ""))[:MAX_QUESTION].replace("\r\n", "\n")
    error = sentences(
        lang,
        gettext_for(lang, N_("This form has expired.")),
        gettext_for(lang, N_("Your question is still here: press Ask again.")),
    )
    return question_again(request, lang, question, error, 403)


def question_again(request: Request, lang: str, question: str, error: str, status: int) -> Response:
    """The question box with the whole text back in it and the error above: nothing typed is
    lost."""
    title = gettext_for(lang, N_("Error:")) + " " + gettext_for(lang, N_("Your question"))
    context = {**home_context(request, lang), "error": error, "question": question, "title": title}
    return page(request, "home.html", context, status_code=status)


async def ask_get(request: Request) -> Response:
    # Questions are only ever POSTed; an address bar reload lands on the question box.
    return RedirectResponse(f"/{request.path_params['lang']}/", status_code=303)


async def entry(request: Request) -> Response:
    lang = request.path_params["lang"]
    kb: KnowledgeBase = request.app.state.kb
    found = kb.entries.get(request.path_params["entry_id"])
    if found is None:
        raise HTTPException(404)
    c = card(kb, found, lang)
    return page(request, "entry.html", {"card_data": c, "title": c["title"]})


def routes() -> list[Route]:
    return [
        Route("/{lang:lang}/", home),
        Route("/{lang:lang}", ask_get),
        Route("/{lang:lang}/ask", ask, methods=["POST"]),
        Route("/{lang:lang}/ask", ask_get, methods=["GET"]),
        Route("/{lang:lang}/entry/{entry_id}", entry),
    ]
