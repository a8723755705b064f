"""The `kotae requests …` commands (the parser is in app.cli.requests)."""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli

from app.cli.output import EXIT_INVALID, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, err
from app.core import deadlines
from app.core.deadlines import (
    Regime,
    deadline_label,
    describe_due,
    extension_rule,
    load_regimes,
)
from app.core.export import request_record, to_json, to_markdown
from app.core.i18n import _
from app.core.knowledge import KnowledgeBase, KnowledgeError, check_knowledge, one_line
from app.core.match.text import printable
from app.core.messages import format_day
from app.core.records import CHANNEL_LABELS, Request
from app.core.statuses import KIND_LABELS, status_label
from app.core.workflow.engine import WizardSession, Workflow, load_workflow
from app.core.workflow.template import answers_template, expected_value
from app.store.base import StoreBase
from app.store.submit import submit_run


@dataclass
class Context:
    """What the commands share; the knowledge base is read only when a command needs it."""

    store: StoreBase
    lang: str
    knowledge: Path | None
    _kb: KnowledgeBase | None = None
    _workflows: dict[str, Workflow | None] = field(default_factory=dict)

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            # Problems in unrelated entries must not block the request queue; `kotae check`
            # reports them.
            self._kb = check_knowledge(self.knowledge)[0]
        return self._kb

    def regimes(self) -> dict[str, Regime]:
        return load_regimes(self.kb.root)

    def workflow(self, kind: str) -> Workflow:
        return load_workflow(kind, self.kb)

    def workflow_or_none(self, kind: str) -> Workflow | None:
        if kind not in self._workflows:
            try:
                self._workflows[kind] = self.workflow(kind)
            except KnowledgeError:
                self._workflows[kind] = None
        return self._workflows[kind]


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    today = deadlines.today()
    found = ctx.store.list_requests(kind=args.kind, status=args.status)
    if args.overdue:
        found = [r for r in found if r.is_overdue(today)]
    if getattr(args, "mine", False) or getattr(args, "unassigned", False):
        found = [r for r in found if r.assignee == (ctx.store.agent if args.mine else None)]
    if getattr(args, "find", None):
        found = [r for r in found if r.matches(args.find)]
    regimes = ctx.regimes() if found else {}
    if args.json:
        rows_json = [_summary(r, today, regimes.get(r.regime)) for r in found]
        print(json.dumps(rows_json, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        print(_("No requests."))
        return EXIT_OK
    header = [
        _("Reference"),
        _("Status"),
        _("Received"),
        _("Due"),
        _("Deadline"),
        _("Contact"),
        _("Channel"),
    ]
    rows = [
        [
            r.reference,
            status_label(r.status).get(ctx.lang),
            format_day(r.received_on, ctx.lang),
            format_day(r.due_on, ctx.lang) + (" !" if r.is_overdue(today) else ""),
            deadline_label(regimes[r.regime], ctx.lang) if r.regime in regimes else "—",
            r.contact or "—",
            _channel_text(r.channel),
        ]
        for r in found
    ]
    print(_table([header, *rows]))
    return EXIT_OK


def _summary(r: Request, today: date, regime: Regime | None) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "kind": r.kind,
        "status": r.status,
        "regime": r.regime,
        "received_on": r.received_on.isoformat(),
        "due_on": r.due_on.isoformat(),
        "deadline_basis": regime.basis if regime else None,
        "overdue": r.is_overdue(today),
        "extensions": r.extensions,
        "contact": r.contact,
        "channel": r.channel,
        "assignee": r.assignee,
        "version": r.version,
    }


def _table(rows: Sequence[Sequence[str]]) -> str:
    # Pad by display width: a kanji takes two columns.
    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            printable(c) + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )


def _record(
    ctx: Context, request: Request, include_pii: bool, lang: str | None = None
) -> dict[str, Any]:
    return request_record(
        request,
        ctx.store.events(request.reference),
        ctx.workflow_or_none(request.kind),
        ctx.regimes(),
        include_pii=include_pii,
        lang=lang,
    )


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    request = ctx.store.get(args.reference)
    record = _record(ctx, request, include_pii=False, lang=ctx.lang)
    if args.json:
        print(to_json(record))
        return EXIT_OK
    lang = ctx.lang
    due = record["due_text"]
    if request.is_overdue(deadlines.today()):
        due += " " + _("(overdue)")
    fields = [
        (_("Status"), _status_text(request.status, lang)),
        (_("Regime"), f"{record['regime_label']} — {record['regime_note']}"),
        (_("Requester's language"), request.lang),
        (_("Received"), format_day(request.received_on, lang)),
        (_("Due"), due),
        (_("Extensions"), str(request.extensions)),
        (_("Contact"), request.contact or "—"),
        (_("Channel"), _channel_text(request.channel)),
    ]
    if record["wanted_early"] and not request.closed:
        fields.insert(fields.index((_("Due"), due)) + 1, ("", record["wanted_early"]))
    lines = [f"{request.reference}  {_(KIND_LABELS[request.kind])}"]
    lines += [f"{label}: {value}" if label else f"  {value}" for label, value in fields]
    lines += ["", _("Answers:")]
    if record["purged"]:
        lines.append("  " + _("The personal data of this request has been purged."))
    lines += [_answer_line(a) for a in record["answers"]]
    lines += ["", _("History:")]
    for e in record["history"]:
        when = e["at"][:16].replace("T", " ")
        lines.append(f"  {when} UTC  {e['actor']}  {e['summary']}")
    print(printable("\n".join(lines)))
    return EXIT_OK


def _channel_text(channel: str) -> str:
    # As the Requests screen says it; --json keeps the code.
    label = CHANNEL_LABELS.get(channel)
    return _(label) if label else channel


def _status_text(status: str, lang: str) -> str:
    # The code is what `set-status` takes; shown only where the label does not already say it.
    label = status_label(status).get(lang)
    return label if label == status else f"{label} ({status})"


def _answer_line(answer: dict[str, Any]) -> str:
    if answer.get("type") == "confirm":  # the label is a whole sentence the person ticked
        return f"  ✓ {answer['label']}"
    return f"  {answer['label']}: " + answer["display"].replace("\n", "\n    ")


def cmd_set_status(args: argparse.Namespace, ctx: Context) -> int:
    if not args.note.strip():
        err(_("Write what happened in --note; it is kept in the history."))
        return EXIT_USAGE
    request = ctx.store.transition(args.reference, args.status, note=args.note, reason=args.reason)
    print(
        _("{reference} is now {status}.").format(
            reference=request.reference, status=status_label(request.status).get(ctx.lang)
        )
    )
    return EXIT_OK


def cmd_extend(args: argparse.Namespace, ctx: Context) -> int:
    regimes = ctx.regimes()
    request = ctx.store.extend(args.reference, reason=args.reason, regimes=regimes)
    regime = regimes.get(request.regime)
    print(
        _("{reference} is now due on {date}.").format(
            reference=request.reference, date=describe_due(request.due_on, regime, ctx.lang)
        )
    )
    if regime is not None:
        print(extension_rule(regime, ctx.lang))
    return EXIT_OK


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    request = ctx.store.get(args.reference)
    record = _record(ctx, request, include_pii=args.include_pii)
    print(to_json(record) if args.format == "json" else to_markdown(record), end="")
    if args.format == "json":
        print()
    ctx.store.record_event(
        request.reference, "exported", note="include_pii" if args.include_pii else "redacted"
    )
    return EXIT_OK


def cmd_purge(args: argparse.Namespace, ctx: Context) -> int:
    purged = ctx.store.purge(args.older_than)
    drafts = ctx.store.purge_drafts(args.older_than)
    print(
        _("Removed the personal data of {n} closed request(s) and {d} old draft(s).").format(
            n=len(purged), d=drafts
        )
    )
    return EXIT_OK


def cmd_template(args: argparse.Namespace, ctx: Context) -> int:
    lang = args.template_lang or ctx.lang
    print(answers_template(ctx.workflow(args.kind), lang), end="")
    return EXIT_OK


def cmd_new(args: argparse.Namespace, ctx: Context) -> int:
    path = Path(args.answers)
    try:
        answers = tomli.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        err(_("Cannot read {file}: {error}").format(file=path, error=exc.strerror))
        return EXIT_NOT_FOUND
    except UnicodeDecodeError:
        err(_("{file}: not valid UTF-8").format(file=path))
        return EXIT_INVALID
    except tomli.TOMLDecodeError as exc:
        err(_("{file}: not valid TOML: {error}").format(file=path, error=exc))
        return EXIT_INVALID
    except RecursionError:
        err(_("{file}: arrays or tables are nested too deeply.").format(file=path))
        return EXIT_INVALID
    workflow = ctx.workflow(args.kind)
    run = WizardSession(workflow)
    errors = run.load_answers(answers)
    for error in errors:
        f = workflow.definition.field(error.field)
        expected = (
            " " + _("Expected: {what}.").format(what=expected_value(f, ctx.lang))
            if f is not None
            else ""
        )
        err(f"{one_line(error.field)}: {error.message(ctx.lang)}{expected}")
    if errors:
        err(_("Nothing was stored: {n} answer(s) to fix.").format(n=len(errors)))
        return EXIT_INVALID
    request = submit_run(
        ctx.store, run, ctx.regimes(), lang=args.requester_lang or ctx.lang, clear_draft=False
    )
    print(request.reference)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Context], int]] = {
    "list": cmd_list,
    "show": cmd_show,
    "set-status": cmd_set_status,
    "extend": cmd_extend,
    "export": cmd_export,
    "purge": cmd_purge,
    "new": cmd_new,
    "template": cmd_template,
}
