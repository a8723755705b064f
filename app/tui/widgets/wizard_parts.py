"""The pieces of a wizard page other than fields: heading, explanation, review, end, receipt.

Each redraws itself in the interface language (`localize`); everything from knowledge files or
from the person's answers goes through Prose, so it is shown literally.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from app.core import deadlines
from app.core.deadlines import Regime
from app.core.export import wanted_early
from app.core.i18n import _, current_language
from app.core.records import Request
from app.core.workflow.engine import Step, WizardSession
from app.core.workflow.progress import count_may_change
from app.tui.localized import Localized
from app.tui.widgets.prose import Prose


class SummaryRow(Horizontal):
    """A label and its value side by side; both wrap in their own column."""

    DEFAULT_CSS = """
    SummaryRow {
        height: auto;
        & > .row-label { width: 2fr; color: $text-muted; padding: 0 2 0 0; }
        & > .row-value { width: 3fr; }
    }
    """

    def __init__(self, label: str, value: str, classes: str | None = None) -> None:
        super().__init__(
            Prose(label, classes="row-label"), Prose(value, classes="row-value"), classes=classes
        )


class Part(Localized, Vertical):
    DEFAULT_CSS = """
    Part {
        height: auto;
        & .part-title { text-style: bold; color: $text-primary; }
        & .part-heading { text-style: bold; margin: 1 0 0 0; }
        & .part-note { color: $text-muted; }
        & .part-warning { color: $text-warning; text-style: bold; }
        & .part-item { margin: 0 0 0 2; }
        & .part-label { color: $text-muted; margin: 1 0 0 0; }
        & .step-intro { margin: 0 0 1 0; }
        & .part-quote { border-left: outer $primary 50%; padding: 0 0 0 1; margin: 1 0 0 0; }
    }
    """

    def localize(self) -> None:
        self.refresh(recompose=True)


class StepHeading(Part):
    """ "Step 2 of 7", the step's title and its help text."""

    def __init__(self, session: WizardSession, step: Step) -> None:
        super().__init__(classes="step-heading")
        self.session = session
        self.step = step

    def compose(self) -> ComposeResult:
        lang = current_language()
        n, total = self.session.step_number
        count = (
            _("Step {n} of ~{total}")  # later steps depend on answers not yet settled
            if count_may_change(self.session, self.step)
            else _("Step {n} of {total}")
        )
        yield Prose(count.format(n=n, total=total), classes="part-note")
        intro = self.session.workflow.intro(lang)
        if n == 1 and intro:
            yield Prose(intro, classes="part-note step-intro")
        yield Prose(self.step.title.get(lang), classes="part-title")
        help_text = self.session.workflow.help(self.step, lang)
        if help_text:
            yield Prose(help_text, classes="step-help")


class ExplanationPanel(Part):
    """What the policy says about this step: an entry's answer and its verbatim quote."""

    DEFAULT_CSS = """
    ExplanationPanel {
        margin: 1 0 0 0;
        padding: 0 1;
        border: round $primary 50%;
        background: $surface;
    }
    """

    def __init__(self, session: WizardSession, step: Step) -> None:
        super().__init__(classes="explanation")
        self.session = session
        self.step = step

    def compose(self) -> ComposeResult:
        for i, panel in enumerate(self.session.explanations(current_language(), self.step)):
            yield Prose(panel.title, classes="part-title" + (" part-heading" if i else ""))
            yield Prose(panel.answer)
            yield Prose(panel.quote, classes="part-quote")
            yield Prose(_("Source") + ": " + panel.source, classes="part-note")


class ReviewPanel(Part):
    """Every answer, what the choices bring into the request, and when it will be due."""

    def __init__(self, session: WizardSession, regime: Regime | None, today: date) -> None:
        super().__init__(classes="review")
        self.session = session
        self.regime = regime
        self.today = today

    def compose(self) -> ComposeResult:
        lang = current_language()
        yield Prose(_("Your answers"), classes="part-heading")
        for label, value in self.session.summary(lang):
            yield SummaryRow(label, value, classes="part-item")
        implied = self.session.implications(lang)
        if implied:
            yield Prose(_("Included in the request"), classes="part-heading")
            for item in implied:
                yield Prose(item, bullet="· ", classes="part-item")
        if self.regime is not None:
            due = deadlines.due_date(self.today, self.regime)
            yield Prose(_("Deadline"), classes="part-heading")
            yield Prose(
                _("Due by {date} if submitted today.").format(
                    date=deadlines.describe_due(due, self.regime, lang)
                ),
                classes="part-item",
            )
            # An agent on the phone can tell the customer now, not after submitting.
            early = wanted_early(self.session.answers, due, lang)
            if early:
                yield Prose(early, classes="part-item part-warning")
            yield Prose(f"{_('Regime')}: {self.regime.label.get(lang)}", classes="part-item")
            if self.regime.note.get(lang):
                yield Prose(self.regime.note.get(lang), classes="part-item part-note")


class EndPanel(Part):
    """A choice ended the wizard: say why, and that no request was made."""

    def __init__(self, session: WizardSession) -> None:
        super().__init__(classes="end")
        self.session = session

    def compose(self) -> ComposeResult:
        message = self.session.end_message(current_language())
        yield Prose(message or _("No request was made."), classes="part-title")
        yield Prose(
            _("Go back to change your answer, or close the form."), classes="part-note part-heading"
        )


class ReceiptPanel(Part):
    """The stored request: its reference and due date."""

    DEFAULT_CSS = """
    ReceiptPanel .receipt-reference { text-style: bold; color: $text-success; }
    """

    def __init__(self, request: Request, regime: Regime | None) -> None:
        super().__init__(classes="receipt")
        self.request = request
        self.regime = regime

    def compose(self) -> ComposeResult:
        lang = current_language()
        yield Prose(_("Request submitted"), classes="part-title")
        yield Prose(_("Reference"), classes="part-label")
        yield Prose(self.request.reference, classes="part-item receipt-reference")
        yield Prose(_("Due"), classes="part-label")
        due = deadlines.describe_due(self.request.due_on, self.regime, lang)
        if self.regime is not None:
            due += f" · {self.regime.label.get(lang)}"
        yield Prose(due, classes="part-item")
        yield Prose(
            _("The request is in the Requests screen, where it can be exported."),
            classes="part-note part-heading",
        )
