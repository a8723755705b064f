"""A stored request written out as Markdown or JSON, in the requester's language.

Personal data is redacted unless `include_pii=True`: fields marked `pii` in the workflow show a
masked email or "[redacted]", and event notes (free text written by agents) are left out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.deadlines import Regime, deadline_label, describe_due, office_time
from app.core.i18n import N_, gettext_for
from app.core.messages import format_day
from app.core.privacy import REDACTED
from app.core.records import Event, Request
from app.core.statuses import KIND_LABELS, REASON_LABELS, status_label
from app.core.workflow.engine import Workflow
from app.core.workflow.fields import display_value


def request_record(
    request: Request,
    events: Sequence[Event],
    workflow: Workflow | None,
    regimes: Mapping[str, Regime],
    *,
    include_pii: bool = False,
    lang: str | None = None,
) -> dict[str, Any]:
    """The request as a JSON-ready dict; labels in `lang`, by default the requester's."""
    lang = lang or request.lang
    regime = regimes.get(request.regime)
    return {
        "reference": request.reference,
        "kind": request.kind,
        "title": workflow.title(lang) if workflow else gettext_for(lang, KIND_LABELS[request.kind]),
        "language": lang,
        "status": request.status,
        "status_label": status_label(request.status).get(lang),
        "regime": request.regime,
        "regime_label": regime.label.get(lang) if regime else request.regime,
        "regime_note": regime.note.get(lang) if regime else "",
        # What the due date is: a legal deadline (with its citation) or an internal target.
        "deadline_basis": regime.basis if regime else None,
        "deadline_label": deadline_label(regime, lang) if regime else "",
        "citation": regime.citation.get(lang) if regime and regime.citation else None,
        "due_text": describe_due(request.due_on, regime, lang),
        "wanted_early": wanted_early(request.answers, request.due_on, lang),
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat(),
        "original_due_on": request.original_due_on.isoformat(),
        "extensions": request.extensions,
        # The store keeps the contact masked; the full address is among the answers.
        "contact": full_contact(request, workflow) if include_pii else request.contact,
        "redacted": not include_pii,
        "purged": request.answers is None,
        "answers": _answers(request, workflow, lang, include_pii),
        "implies": workflow.implications(request.answers, lang)
        if workflow and request.answers
        else [],
        "history": [_event(e, lang, include_pii) for e in events],
    }


def full_contact(request: Request, workflow: Workflow | None) -> str | None:
    """The requester's address in full, from the answers (the stored contact is masked); the
    masked one when the answers do not hold it."""
    field = workflow.definition.contact_field if workflow else None
    value = (request.answers or {}).get(field) if field else None
    return value if isinstance(value, str) and value else request.contact


# A date answer by which the requester wants the request done ("needed by"); when it falls
# before the due date, every face says so.
WANTED_BY = "needed_by"


def wanted_before(answers: Mapping[str, Any] | None, due: date) -> date | None:
    """The "needed by" date of these answers when it falls before `due`, else None."""
    raw = (answers or {}).get(WANTED_BY)
    try:
        wanted = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return wanted if wanted is not None and wanted < due else None


def wanted_early(answers: Mapping[str, Any] | None, due: date, lang: str) -> str:
    """ "Wanted by 15 Dec, before the due date: …" or ""; only the date, never personal data."""
    wanted = wanted_before(answers, due)
    if wanted is None:
        return ""
    return gettext_for(
        lang, N_("Wanted by {date}, before the due date: tell the requester, or take it first.")
    ).format(date=format_day(wanted, lang))


def _answers(
    request: Request, workflow: Workflow | None, lang: str, include_pii: bool
) -> list[dict[str, Any]]:
    if request.answers is None:
        return []
    if workflow is None:  # the definition is gone: nothing says which fields are personal
        hidden = gettext_for(lang, REDACTED)
        return [
            {
                "field": k,
                "type": "text",
                "label": k,
                "value": v if include_pii else hidden,
                "display": str(v) if include_pii else hidden,
            }
            for k, v in request.answers.items()
        ]
    steps, shown = workflow.visible(request.answers)
    out = []
    for f in (f for s in steps for f in s.fields):
        value = shown.get(f.id)
        if value is None:
            continue
        display = display_value(f, value, lang, workflow.countries, redact=not include_pii)
        out.append(
            {
                "field": f.id,
                "type": f.type,
                "label": f.label.get(lang),
                "value": display if f.pii and not include_pii else value,
                "display": display,
            }
        )
    return out


def _event(e: Event, lang: str, include_pii: bool) -> dict[str, Any]:
    record = {
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "from": e.from_status,
        "to": e.to_status,
        "reason": e.reason,
        "summary": event_summary(e, lang),
    }
    if include_pii:
        record["note"] = e.note
    return record


def event_summary(e: Event, lang: str) -> str:
    """ "submitted → legal review (reason)" or the action, in `lang`."""
    if e.to_status:
        to = status_label(e.to_status).get(lang)
        text = f"{status_label(e.from_status).get(lang)} → {to}" if e.from_status else to
    elif e.action == "assigned":
        # The note is written by the store ("sato -> -"): agents' names, no one's personal data.
        change = e.note.replace(" -> ", " → ")
        text = gettext_for(lang, N_("assigned: {change}")).format(change=change)
    else:
        text = gettext_for(lang, ACTION_LABELS.get(e.action, e.action))
    if e.reason in REASON_LABELS:
        text += f" ({gettext_for(lang, REASON_LABELS[e.reason])})"
    return text


def to_json(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2)


ACTION_LABELS = {
    "extended": N_("due date extended"),
    "exported": N_("exported"),
    "viewed": N_("personal data shown"),
    "purged": N_("personal data purged"),
}

LABELS = {
    "item": N_("Item"),
    "value": N_("Value"),
    "status": N_("Status"),
    "received": N_("Received"),
    "due": N_("Due"),
    "regime": N_("Regime"),
    "extended": N_("Extensions"),
    "answers": N_("Answers"),
    "answer": N_("Answer"),
    "implies": N_("Included in the request"),
    "history": N_("History"),
    "purged": N_("The personal data of this request has been purged."),
    "redacted": N_("Personal data is redacted in this export."),
}


def to_markdown(record: Mapping[str, Any]) -> str:
    """The record of `request_record` as a Markdown document in its own language."""
    lang = record["language"]
    t = {key: gettext_for(lang, msgid) for key, msgid in LABELS.items()}
    lines = [
        f"# {_cell(record['title'])} {record['reference']}",
        "",
        f"| {t['item']} | {t['value']} |",
        "|---|---|",
        f"| {t['status']} | {_cell(record['status_label'])} |",
        f"| {t['received']} | {format_day(record['received_on'], lang)} |",
        f"| {t['due']} | {_cell(record.get('due_text') or format_day(record['due_on'], lang))} |",
        f"| {t['regime']} | {_cell(record['regime_label'])} |",
    ]
    if record.get("wanted_early"):
        lines.append(f"| {t['due']} | {_cell(record['wanted_early'])} |")
    if record["extensions"]:
        lines.append(f"| {t['extended']} | {record['extensions']} |")
    lines += ["", f"## {t['answers']}", ""]
    if record["purged"]:
        lines.append(t["purged"])
    else:
        lines += [f"| {t['item']} | {t['answer']} |", "|---|---|"]
        lines += [f"| {_cell(a['label'])} | {_cell(a['display'])} |" for a in record["answers"]]
    if record["implies"]:
        lines += ["", f"## {t['implies']}", ""]
        lines += [f"- {_cell(item)}" for item in record["implies"]]
    lines += ["", f"## {t['history']}", ""]
    for e in record["history"]:
        note = f": {_cell(e['note'])}" if e.get("note") else ""
        # On the office clock, as the Requests screen shows it (the JSON keeps UTC).
        when = office_time(datetime.fromisoformat(e["at"])).strftime("%Y-%m-%d %H:%M %Z")
        lines.append(f"- {when}, {_cell(e['actor'])}: {_cell(e['summary'])}{note}")
    if record["redacted"]:
        lines += ["", f"_{t['redacted']}_"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    # Keep a value inside its table cell / line.
    return str(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def write_export(folder: Path, name: str, text: str, private: bool) -> Path:
    """Write a new file (NAME, NAME-2, NAME-3 … : an earlier export is never overwritten).

    Personal data: owner-only. OSError when the folder cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem, dot, suffix = name.rpartition(".")
    for n in range(1, 10_000):
        path = folder / (name if n == 1 else f"{stem}-{n}{dot}{suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if private:
            path.chmod(0o600)
        return path
    raise FileExistsError(folder / name)
