"""The detail pane of the Requests screen: one request, its answers and its history.

It draws a record of app.core.export.request_record, so answers are masked exactly as in a
redacted export unless the screen asks for personal data. Notes are the agents' own and show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from textual.containers import VerticalScroll
from textual.widget import Widget

from app.core.deadlines import office_time
from app.core.i18n import N_, _, current_language
from app.core.messages import format_day
from app.core.records import CHANNEL_LABELS, Event, Request
from app.core.statuses import KIND_LABELS
from app.tui.services import due_soon
from app.tui.text import one_line
from app.tui.widgets.prose import Prose
from app.tui.widgets.wizard_parts import SummaryRow


def due_note(request: Request, today: date) -> str:
    """ "(overdue)", "(due soon)" or nothing, in the interface language."""
    if request.is_overdue(today):
        return _("(overdue)")
    if not request.closed and due_soon(request.due_on, today):
        return _("(due soon)")
    return ""


# Notes the export writes itself (the store keeps the code; the screen shows words).
EXPORT_NOTES = {"redacted": N_("personal data redacted"), "include_pii": N_("with personal data")}


def event_line(event: Event, summary: str) -> str:
    # On the office clock of the config's `timezone`, its zone named (JST, UTC, …).
    when = office_time(event.at).strftime("%Y-%m-%d %H:%M %Z")
    line = f"{when} · {event.actor} · {summary}"
    note = event.note
    if event.action == "exported" and note in EXPORT_NOTES:
        note = _(EXPORT_NOTES[note])
    return f"{line} — {one_line(note)}" if note else line


class RequestDetail(VerticalScroll):
    DEFAULT_CSS = """
    RequestDetail {
        height: 1fr;
        padding: 0 2;
        scrollbar-size-vertical: 1;
        &:focus { padding-left: 1; border-left: outer $accent; }
        & .detail-title { text-style: bold; color: $text-primary; }
        & .detail-heading { text-style: bold; margin: 1 0 0 0; }
        & .detail-note { color: $text-muted; }
        & .detail-label { color: $text-muted; }
        & .detail-item { margin: 0 0 0 2; }
        & .detail-overdue { color: $text-error; text-style: bold; }
        & .detail-soon { color: $text-warning; }
    }
    """

    def show_empty(self, text: str) -> None:
        self.remove_children()
        self.mount(Prose(text, classes="detail-note"))

    def show(
        self,
        request: Request,
        record: Mapping[str, Any],
        events: Sequence[Event],
        *,
        contact: str,
        today: date,
        revealed: bool,
        reveal_key: str,
    ) -> None:
        lang = current_language()
        kind = _(KIND_LABELS[request.kind])
        widgets: list[Widget] = [
            Prose(
                f"{request.reference} · {kind} · {record['status_label']}", classes="detail-title"
            ),
        ]
        due = record.get("due_text") or format_day(request.due_on, lang)
        note = due_note(request, today)
        due_class = ""
        if note:
            due_class = " detail-overdue" if request.is_overdue(today) else " detail-soon"
        widgets += [
            Prose(f"{_('Received')}: {format_day(request.received_on, lang)}"),
            Prose(f"{_('Due')}: {due} {note}".rstrip(), classes=due_class.strip()),
        ]
        if record.get("wanted_early") and not request.closed:
            widgets.append(Prose(record["wanted_early"], classes="detail-soon"))
        if request.extensions:
            widgets.append(Prose(f"{_('Extensions')}: {request.extensions}"))
        regime = record["regime_label"]
        if record["regime_note"]:
            regime += f" — {record['regime_note']}"
        widgets.append(Prose(f"{_('Regime')}: {regime}"))
        widgets.append(Prose(f"{_('Contact')}: {contact}"))
        channel = CHANNEL_LABELS.get(request.channel)
        widgets.append(Prose(f"{_('Channel')}: {_(channel) if channel else request.channel}"))
        widgets.append(Prose(_("Answers"), classes="detail-heading"))
        if record["purged"]:
            widgets.append(
                Prose(
                    _("The personal data of this request has been purged."), classes="detail-note"
                )
            )
        elif not revealed:
            widgets.append(
                Prose(
                    _("Personal data is hidden; press {key} to show it.").format(key=reveal_key),
                    classes="detail-note",
                )
            )
        widgets += [
            SummaryRow(a["label"], a["display"], classes="detail-item") for a in record["answers"]
        ]
        if record["implies"]:
            widgets.append(Prose(_("Included in the request"), classes="detail-heading"))
            widgets += [Prose(i, bullet="· ", classes="detail-item") for i in record["implies"]]
        widgets.append(Prose(_("History"), classes="detail-heading"))
        for event, entry in zip(events, record["history"], strict=True):
            widgets.append(Prose(event_line(event, entry["summary"]), classes="detail-item"))
        self.remove_children()
        self.mount_all(widgets)
