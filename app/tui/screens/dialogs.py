"""Small modal dialogs: resume a draft, change a status, extend a due date, export.

A dialog keeps what has been put in on itself, so a language switch can recompose it without
losing anything. Escape cancels (the dialog returns None).
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioSet, Select

from app.core.i18n import N_, _
from app.core.statuses import (
    DENIAL_REASONS,
    REASON_LABELS,
    REASON_REQUIRED,
    TRANSITIONS,
    status_label,
)
from app.tui.keys import localize_bindings
from app.tui.localized import kotae
from app.tui.text import plain
from app.tui.widgets.prose import Prose
from app.tui.widgets.textual_text import LocalSelect
from app.tui.widgets.toggles import WrappingCheckbox, WrappingRadioButton

T = TypeVar("T")

# The usual next step first, then a step back, then the endings.
TARGET_ORDER = (
    "identity_verified",
    "legal_review",
    "in_progress",
    "sent_for_signature",
    "completed",
    "executed",
    "requires_input",
    "denied",
    "rejected",
    "canceled",
    "withdrawn",
)


def target_order(status: str) -> tuple[int, str]:
    return (TARGET_ORDER.index(status) if status in TARGET_ORDER else len(TARGET_ORDER), status)


CANCEL = Binding("escape", "cancel", N_("Cancel"), id="kotae.dialog.cancel")


class Dialog(ModalScreen[T], Generic[T]):
    BINDINGS: ClassVar = [CANCEL]
    ANSWERS = False  # no answer keys in the footer under a dialog
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > VerticalScroll {
            width: 70;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 1 2;
            border: round $primary;
            background: $surface;
        }
        & .dialog-title { text-style: bold; color: $text-primary; }
        & .dialog-label { margin: 1 0 0 0; }
        & .dialog-note { color: $text-muted; }
        & .dialog-error { color: $text-error; }
        & .dialog-buttons { height: auto; margin: 1 0 0 0; align-horizontal: right; }
        & .dialog-buttons Button { margin: 0 0 0 1; }
    }
    """

    def compose(self) -> ComposeResult:
        # Not focusable itself: focus goes to the fields, which scroll into view.
        with VerticalScroll(can_focus=False):
            yield from self.compose_dialog()

    def compose_dialog(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        localize_bindings(self)
        for box in self.query(Input):
            box.cursor_blink = kotae(self).blink_cursor

    def buttons(self, ok: str) -> Horizontal:
        return Horizontal(
            Button(_("Cancel"), id="cancel", compact=True),
            Button(ok, variant="primary", id="ok", compact=True),
            classes="dialog-buttons",
        )

    def localize(self) -> None:
        localize_bindings(self)
        self.refresh(recompose=True)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.accept()

    def accept(self) -> None:
        self.dismiss(self.result())

    def result(self) -> T:
        raise NotImplementedError


class ConfirmExample(Dialog[bool]):
    """Insights: say which entry a logged question becomes an example of, before the knowledge
    file is edited (there is no undo but editing the file)."""

    def __init__(self, question: str, target: str) -> None:
        super().__init__()
        self.question = question
        self.target = target

    def compose_dialog(self) -> ComposeResult:
        yield Prose(_("Add this question as an example?"), classes="dialog-title")
        yield Prose(self.question, classes="dialog-note")  # never read as markup
        yield Prose(_("to: {target}").format(target=self.target))
        yield self.buttons(_("Add"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#ok", Button).focus()

    def result(self) -> bool:
        return True


class ResumeDraft(Dialog[bool]):
    """A draft of this form exists: resume it (True) or discard it and start over (False)."""

    def __init__(self, title: str, details: list[str] | None = None) -> None:
        super().__init__()
        self.form_title = title
        self.details = details or []  # whose draft and how far: agents switch customers

    def compose_dialog(self) -> ComposeResult:
        yield Prose(self.form_title, classes="dialog-title")
        yield Prose(_("A draft of this form was saved. Resume it, or discard it and start over?"))
        for line in self.details:
            yield Prose(line, classes="dialog-detail")
        yield Horizontal(
            Button(_("Discard"), variant="error", id="discard", compact=True),
            Button(_("Resume"), variant="primary", id="resume", compact=True),
            classes="dialog-buttons",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(False)


class StatusChange(Dialog[tuple[str, str | None, str]]):
    """The statuses allowed from the current one; a reason code when it is a denial; a note."""

    def __init__(self, reference: str, kind: str, current: str) -> None:
        super().__init__()
        self.reference = reference
        allowed = TRANSITIONS[kind][current]
        self.targets = sorted(allowed, key=target_order)
        self.current = current
        self.target = self.targets[0]
        self.reason = DENIAL_REASONS[0]
        self.note = ""
        self.error = ""

    def compose_dialog(self) -> ComposeResult:
        yield Prose(
            _("Change the status of {reference}").format(reference=self.reference),
            classes="dialog-title",
        )
        yield Prose(
            _("Now: {status}").format(status=status_label(self.current)), classes="dialog-note"
        )
        yield Prose(_("New status"), classes="dialog-label")
        yield LocalSelect(
            [(plain(str(status_label(s))), s) for s in self.targets],
            value=self.target,
            allow_blank=False,
            compact=True,
            id="status",
        )
        reason = Vertical(
            Prose(_("Reason"), classes="dialog-label"),
            LocalSelect(
                [(plain(_(REASON_LABELS[r])), r) for r in DENIAL_REASONS],
                value=self.reason,
                allow_blank=False,
                compact=True,
                id="reason",
            ),
            id="reason-box",
        )
        reason.styles.height = "auto"
        reason.display = self.target in REASON_REQUIRED
        yield reason
        yield Prose(_("Note (kept in the history)"), classes="dialog-label")
        yield Input(self.note, id="note")
        yield Prose(self.error, classes="dialog-error")
        yield self.buttons(_("Change"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#status", Select).focus()

    @on(Select.Changed, "#status")
    def _status(self, event: Select.Changed) -> None:
        self.target = str(event.value)
        self.query_one("#reason-box").display = self.target in REASON_REQUIRED

    @on(Select.Changed, "#reason")
    def _reason(self, event: Select.Changed) -> None:
        self.reason = str(event.value)

    @on(Input.Changed, "#note")
    def _note(self, event: Input.Changed) -> None:
        self.note = event.value

    @on(Input.Submitted, "#note")
    def _submitted(self) -> None:
        self.accept()

    def accept(self) -> None:
        # Every change says what happened, as `requests set-status --note` must; nothing typed
        # is lost while it is missing. The box itself is read: its change event may be queued.
        self.note = self.query_one("#note", Input).value
        if not self.note.strip():
            self.error = _("Write what happened; the note is kept in the history.")
            self.query_one(".dialog-error", Prose).update(self.error)
            self.query_one("#note", Input).focus()
            return
        self.dismiss(self.result())

    def result(self) -> tuple[str, str | None, str]:
        reason = self.reason if self.target in REASON_REQUIRED else None
        return self.target, reason, self.note.strip()


class Extension(Dialog[str]):
    """The reason for extending the due date (the requester must be told it), and the date."""

    def __init__(self, reference: str, new_due: str) -> None:
        super().__init__()
        self.reference = reference
        self.new_due = new_due  # formatted in the interface language
        self.reason = ""
        self.error = ""

    def compose_dialog(self) -> ComposeResult:
        yield Prose(
            _("Extend the due date of {reference}").format(reference=self.reference),
            classes="dialog-title",
        )
        yield Prose(_("New due date: {date}").format(date=self.new_due), classes="dialog-note")
        yield Prose(_("Reason (kept in the history)"), classes="dialog-label")
        yield Input(self.reason, id="reason")
        yield Prose(self.error, classes="dialog-error")
        yield self.buttons(_("Extend"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#reason", Input).focus()

    @on(Input.Changed, "#reason")
    def _typed(self, event: Input.Changed) -> None:
        self.reason = event.value

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.accept()

    def accept(self) -> None:
        # An empty reason stays here with the error; nothing typed is lost.
        if not self.reason.strip():
            self.error = _("Give a reason for the extension.")
            self.query_one(".dialog-error", Prose).update(self.error)
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(self.result())

    def result(self) -> str:
        return self.reason.strip()


FORMATS = ("markdown", "json")


class Export(Dialog[tuple[str, bool]]):
    """Markdown or JSON; personal data stays redacted unless ticked."""

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.format = FORMATS[0]
        self.include_pii = False

    def compose_dialog(self) -> ComposeResult:
        yield Prose(
            _("Export {reference}").format(reference=self.reference), classes="dialog-title"
        )
        yield Prose(_("Format"), classes="dialog-label")
        yield RadioSet(
            WrappingRadioButton("Markdown", self.format == "markdown"),
            WrappingRadioButton("JSON", self.format == "json"),
            id="format",
        )
        yield WrappingCheckbox(
            _("Include personal data (otherwise it is redacted)"),
            self.include_pii,
            id="pii",
            classes="dialog-label",
        )
        yield self.buttons(_("Export"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#ok", Button).focus()

    @on(RadioSet.Changed, "#format")
    def _format(self, event: RadioSet.Changed) -> None:
        self.format = FORMATS[event.index]

    @on(WrappingCheckbox.Changed, "#pii")
    def _pii(self, event: WrappingCheckbox.Changed) -> None:
        self.include_pii = event.value

    def result(self) -> tuple[str, bool]:
        return self.format, self.include_pii
