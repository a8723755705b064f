"""The request forms: one step of a WizardSession per page, the review, then the status link.

The workflow engine decides which steps are shown, validates each answer and words the
errors, exactly as in the terminal wizard and `kotae requests new`. The answers live in the
store as the draft of this visitor's session (never shared with another visitor).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.core.deadlines import Regime, due_date
from app.core.deadlines import deadline_label as core_deadline_label
from app.core.deadlines import today as office_today
from app.core.export import wanted_before
from app.core.i18n import N_, gettext_for
from app.core.knowledge import KnowledgeBase
from app.core.messages import format_day
from app.core.workflow.engine import FieldError, Step, WizardSession, Workflow, load_workflow
from app.core.workflow.fields import display_value
from app.core.workflow.progress import count_may_change
from app.store.submit import submit_run
from app.web.ratelimit import check_rate
from app.web.render import page
from app.web.security import checked_form, owner, token_hash

PURGE_EVERY = 300.0  # seconds between purges of old web drafts, per worker
TOKEN_BYTES = 32  # 256-bit status link secret


def workflow(request: Request, name: str | None = None) -> Workflow:
    """The workflow of the address (or `name`), loaded once per process; 404 if unknown."""
    name = name or request.path_params["name"]
    cache: dict[str, Workflow] = request.app.state.workflows
    kb: KnowledgeBase = request.app.state.kb
    if name not in cache:
        if name not in kb.workflows:
            raise HTTPException(404)
        cache[name] = load_workflow(name, kb)
    return cache[name]


def offered(request: Request, lang: str) -> list[tuple[str, str]]:
    """(name, title) of every request form, for the home page."""
    kb: KnowledgeBase = request.app.state.kb
    return [(name, workflow(request, name).title(lang)) for name in kb.workflows]


def maybe_purge_drafts(request: Request) -> None:
    """Drafts of web visitors are removed after the configured hours (checked now and then)."""
    state = request.app.state
    now = time.monotonic()
    if now - state.last_purge >= PURGE_EVERY:
        state.last_purge = now
        state.store.purge_drafts(state.settings.draft_hours / 24, owner_prefix="web:")


SUBMITTED = "submitted:"  # a draft kind: the request a visitor just made, by workflow kind


def load_session(request: Request, wf: Workflow) -> WizardSession:
    maybe_purge_drafts(request)
    draft = request.app.state.store.get_draft(wf.kind, owner=owner(request))
    request.state.typed = (draft or {}).get("typed")
    request.state.checked = (draft or {}).get("checked")
    return WizardSession.from_dict(wf, draft) if draft else WizardSession(wf)


def save(
    request: Request,
    run: WizardSession,
    typed: dict[str, Any] | None = None,
    checked: dict[str, Any] | None = None,
) -> None:
    """Save the draft. `typed`: what the visitor typed on a step they left by the language
    switch or Back, valid or not, so that the step shows it again instead of losing it.
    `checked`: a step just sent with errors, shown with them by the page it redirects to."""
    draft = run.to_dict()
    if typed:
        draft["typed"] = typed
    if checked:
        draft["checked"] = checked
    request.app.state.store.save_draft(run.workflow.kind, draft, owner=owner(request))


def _typed(request: Request) -> dict[str, Any] | None:
    """What the draft (read by load_session) keeps of a step left unfinished, if anything."""
    typed = getattr(request.state, "typed", None)
    return typed if isinstance(typed, dict) else None


def typed_on(request: Request, run: WizardSession, step: Step) -> tuple[dict[str, Any], list]:
    """The values typed on `step` before leaving it unfinished, and their errors; else none."""
    checked = getattr(request.state, "checked", None)
    if isinstance(checked, dict) and checked.get("step") == step.id:
        # Sent with errors a moment ago: every error, an empty required field's too.
        values = checked.get("values") or {}
        wrong = {e.field: e for e in _typed_errors(run, step, values)}
        errors = [*wrong.values(), *(e for e in run.step_errors(step) if e.field not in wrong)]
        order = [f.id for f in step.fields]
        errors.sort(key=lambda e: order.index(e.field) if e.field in order else len(order))
        return values, errors
    typed = _typed(request)
    if typed is None or typed.get("step") != step.id:
        return {}, []
    values = typed.get("values") or {}
    # A field left empty is not an error yet; a value typed wrong is, as it was on leaving.
    return values, _typed_errors(run, step, values)


def _typed_errors(run: WizardSession, step: Step, values: dict[str, Any]) -> list[FieldError]:
    """The errors of the values typed in the step's fields; an empty field has none here."""
    filled = [f for f in step.fields if values.get(f.id) not in (None, "", [])]
    return [e for f in filled for e in run.checker.check_value(f, values[f.id])[1]]


def regime_of(request: Request, code: str) -> Regime:
    regimes: dict[str, Regime] = request.app.state.regimes
    return regimes.get(code) or regimes["other"]


def standalone(label: str) -> str:
    """A label written to run inside a sentence, standing alone: a capital in English."""
    return label[:1].upper() + label[1:]


def deadline_label(regime: Regime, lang: str) -> str:
    """ "Legal deadline" or "Internal target", as the regime's basis says, in `lang`."""
    return standalone(core_deadline_label(regime, lang))


def step_url(lang: str, wf: Workflow, step: Step | None) -> str:
    return f"/{lang}/request/{wf.id}/{step.id if step else wf.steps[0].id}"


def reachable(run: WizardSession) -> list[Step]:
    """The shown steps up to the one the visitor has reached."""
    steps = run.visible_steps
    current = run.current_step
    return steps[: steps.index(current) + 1] if current in steps else steps


def shown_value(run: WizardSession, field_id: str) -> Any:
    value = run.value(field_id)
    if isinstance(value, list) and run.workflow.field(field_id).type == "file_ids":
        return " ".join(value)
    return value


def raw_answer(form: Any, f: Any) -> Any:
    if f.type == "multi_choice":
        return [v for v in form.getlist(f.id) if isinstance(v, str)]
    value = form.get(f.id)
    return value if isinstance(value, str) else None


def step_page(
    request: Request,
    run: WizardSession,
    step: Step,
    errors: list[FieldError] | None = None,
    values: dict[str, Any] | None = None,
    to_review: bool = False,
    submitted: str = "",
) -> Response:
    lang = request.path_params["lang"]
    wf = run.workflow
    steps = run.visible_steps
    # A tick box's label is a whole sentence: its full stop goes before the summary's colon.
    labels = {f.id: f.label.get(lang).rstrip("。.") for f in step.fields}
    colon = "：" if lang == "ja" else ": "
    context: dict[str, Any] = {
        "wf_id": wf.id,
        "wf_title": wf.title(lang),
        "intro": wf.intro(lang) if step is steps[0] else "",
        "step": step,
        "number": steps.index(step) + 1 if step in steps else 1,
        "total": len(steps),
        # Later steps depend on answers not yet settled: the total is an estimate.
        "estimate": count_may_change(run, step),
        "explanations": wf.explanations(step, lang),
        "fields": [field_view(wf, f, lang) for f in step.fields],
        "values": values
        if values is not None
        else {f.id: shown_value(run, f.id) for f in step.fields},
        "errors": [
            (e.field, labels.get(e.field, "") + colon + e.message(lang)) for e in errors or []
        ],
        "field_errors": by_field(errors or [], lang),
        "first_step": step is steps[0],
        # Opened by "Change" on the review: Continue goes back to the review.
        "to_review": to_review or request.query_params.get("review") == "1",
        "submitted": submitted,
    }
    if step.review:
        regime = regime_of(request, run.regime())
        context["review"] = review(run, lang)
        context["implications"] = run.implications(lang)
        context["regime"] = regime.label.get(lang)
        # "Law that applies" only where a law sets the period; otherwise what the target is.
        context["regime_statutory"] = regime.statutory
        label = deadline_label(regime, lang)
        note = "" if regime.statutory else regime.note.get(lang)
        # The note opens with the label the line above has just given ("Internal target: …").
        for mark in (":", "："):
            note = note.removeprefix(label + mark).strip()
        context["regime_note"] = note
        context["due_label"] = label
        due = due_date(office_today(), regime)  # the day the store will count from
        context["due"] = format_day(due, lang)
        wanted = wanted_before(run.answers, due)
        context["wanted_early"] = (
            gettext_for(
                lang,
                N_(
                    "You asked for it by {date}, before this date. We will try to meet your "
                    "date, but cannot promise it."
                ),
            ).format(date=format_day(wanted, lang))
            if wanted is not None
            else ""
        )
    title = f"{step.title.get(lang)} — {wf.title(lang)}"
    if errors:  # screen readers hear it first (GOV.UK pattern)
        title = gettext_for(lang, N_("Error:")) + " " + title
    return page(request, "step.html", {**context, "title": title})


def by_field(errors: list[FieldError], lang: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.field, []).append(e.message(lang))
    return out


def field_view(wf: Workflow, f: Any, lang: str) -> dict[str, Any]:
    options = wf.choices(f.id, lang) if f.type in ("choice", "multi_choice", "country") else []
    return {
        "id": f.id,
        "type": f.type,
        "label": f.label.get(lang),
        "help": f.help.get(lang),
        "required": f.required,
        "options": options,
    }


def review(run: WizardSession, lang: str) -> list[tuple[str, str, str]]:
    """(label, shown value, step id to change it) for every summarised answer."""
    wf = run.workflow
    steps, shown = wf.visible(run.answers)
    return [
        (f.label.get(lang), display_value(f, shown.get(f.id), lang, wf.countries), s.id)
        for s in steps
        if not s.review
        for f in s.fields
        if f.summary
    ]


async def start(request: Request) -> Response:
    wf = workflow(request)
    run = load_session(request, wf)
    lang = request.path_params["lang"]
    return RedirectResponse(step_url(lang, wf, run.current_step), status_code=303)


async def show_step(request: Request) -> Response:
    wf = workflow(request)
    run = load_session(request, wf)
    lang = request.path_params["lang"]
    step_id = request.path_params["step"]
    allowed = {s.id: s for s in reachable(run)}
    if step_id not in allowed:
        return RedirectResponse(step_url(lang, wf, run.current_step), status_code=303)
    step = allowed[step_id]
    typed, errors = typed_on(request, run, step)
    if typed:
        values = {**{f.id: shown_value(run, f.id) for f in step.fields}, **typed}
        return step_page(request, run, step, errors, values)
    return step_page(request, run, step, submitted=_just_submitted(request, run))


def _just_submitted(request: Request, run: WizardSession) -> str:
    """The reference of the request this visitor just made, while the new form is untouched."""
    if run.answers:
        return ""
    marker = request.app.state.store.get_draft(SUBMITTED + run.workflow.kind, owner=owner(request))
    reference = (marker or {}).get("reference")
    return reference if isinstance(reference, str) else ""


async def post_step(request: Request) -> Response:
    form = await checked_form(request)
    wf = workflow(request)
    run = load_session(request, wf)
    lang = request.path_params["lang"]
    step_id = request.path_params["step"]
    if step_id not in {s.id for s in reachable(run)}:
        return RedirectResponse(step_url(lang, wf, run.current_step), status_code=303)
    run.go_to(step_id)
    step = run.current_step
    assert step is not None
    action = form.get("action", "next")
    to_review = form.get("to_review") == "1"
    if action == "back" and to_review:
        # Back from a step opened with "Change" on the review: to the review, the change not
        # made.
        _walk_to_review(run)
        save(request, run)
        return RedirectResponse(step_url(lang, wf, run.current_step), status_code=303)
    values = {f.id: raw_answer(form, f) for f in step.fields}
    for f in step.fields:
        run.answer(f.id, values[f.id])
    # What was typed here goes with the visitor, valid or not: it is shown again on return.
    typed = {"step": step.id, "values": values}
    if action == "lang":  # the language switch keeps the page and the answers
        save(request, run, typed)
        other = "en" if lang == "ja" else "ja"
        return RedirectResponse(step_url(other, wf, step), status_code=303)
    if action == "back":
        run.back()
        save(request, run, typed)
        return RedirectResponse(step_url(lang, wf, run.current_step), status_code=303)
    # Typed on another step and left there unfinished: kept until that step is sent.
    earlier = _typed(request)
    carried = earlier if earlier is not None and earlier.get("step") != step.id else None
    errors = run.next()
    if errors:
        # Shown by a redirect to the step: Back and reload never send the form again.
        save(request, run, carried, {"step": step.id, "values": values})
        url = step_url(lang, wf, step) + ("?review=1" if to_review else "")
        return RedirectResponse(url, status_code=303)
    if to_review:
        _walk_to_review(run)
    if run.stopped:
        # No request; the answers stay in the draft (purged after draft_hours like any other),
        # so a choice made by mistake, perhaps from the review, can still be changed.
        message = run.end_message(lang) or ""
        stop = run.current_step or step
        run.go_to(stop.id)
        save(request, run)
        title = gettext_for(lang, N_("No request was made"))
        # One paragraph each; the message's own first line repeats the page's heading.
        paragraphs = [p.strip() for p in message.split("\n\n") if p.strip()]
        if paragraphs and paragraphs[0].rstrip("。.") == title.rstrip("。."):
            paragraphs = paragraphs[1:]
        context = {
            "wf_title": wf.title(lang),
            "paragraphs": paragraphs,
            "change": step_url(lang, wf, stop),
            "title": title,
        }
        return page(request, "end.html", context)
    if run.finished:
        return submit(request, run)
    save(request, run, carried)
    url = step_url(lang, wf, run.current_step)
    if to_review and run.current_step is not None and not run.current_step.review:
        url += "?review=1"  # the step a change brought in still leads back to the review
    return RedirectResponse(url, status_code=303)


def _walk_to_review(run: WizardSession) -> None:
    """Back to the review through the steps already answered; a step a change brought in, or
    one now unanswered, stops the way there and is shown."""
    while not run.stopped and run.current_step is not None and not run.current_step.review:
        if run.next():
            break


def submit(request: Request, run: WizardSession) -> Response:
    lang = request.path_params["lang"]
    check_rate(request, "submit")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    state = request.app.state
    filed = submit_run(
        state.store,
        run,
        state.regimes,
        lang=lang,
        actor="requester",
        channel="web",
        owner=owner(request),
        access_token_hash=token_hash(token),
    )
    # Back from the receipt lands on a fresh form: it says the request was made (the reference
    # only; the status link's token is never stored).
    state.store.save_draft(
        SUBMITTED + run.workflow.kind, {"reference": filed.reference}, owner=owner(request)
    )
    return RedirectResponse(f"/{lang}/status/{token}/received", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/{lang:lang}/request/{name}", start),
        Route("/{lang:lang}/request/{name}/{step}", show_step, methods=["GET"]),
        Route("/{lang:lang}/request/{name}/{step}", post_step, methods=["POST"]),
    ]
