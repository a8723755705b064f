"""The request wizard: one step of a WizardSession at a time, then the review and the receipt.

The rules (which steps, which answers are valid, what a choice implies) are the core's; this
screen only draws them. The draft is saved after every settled answer and every step, so a
killed process loses at most the field being typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button

from app.core.deadlines import Regime
from app.core.i18n import _, current_language
from app.core.knowledge import KnowledgeError
from app.core.messages import KotaeError
from app.core.records import Request
from app.core.workflow.drafts import draft_details
from app.core.workflow.engine import FieldError, WizardSession, Workflow
from app.store.submit import submit_run
from app.tui import keys
from app.tui.localized import kotae
from app.tui.screens.base import Clip, KotaeScreen
from app.tui.screens.dialogs import ResumeDraft
from app.tui.services import Services
from app.tui.widgets.fields import FieldBox, FieldChanged, FieldSubmitted
from app.tui.widgets.wizard_parts import (
    EndPanel,
    ExplanationPanel,
    ReceiptPanel,
    ReviewPanel,
    StepHeading,
)

if TYPE_CHECKING:
    from app.tui.app import KotaeApp

SAVE_DELAY = 0.4  # seconds of no typing before a draft is written


def error_text(exc: Exception) -> str:
    if isinstance(exc, KotaeError):
        return exc.message(current_language())
    return str(exc)


class WizardScreen(KotaeScreen):
    BINDINGS: ClassVar = [
        keys.PREV_STEP,
        keys.NEXT_STEP,
        keys.LEAVE,
        # With the focus on a button (a review or a receipt has no field) the page must still
        # scroll from the keyboard; a field that pages itself (a text area, a list) wins.
        Binding("pageup", "scroll_page(-1)", show=False),
        Binding("pagedown", "scroll_page(1)", show=False),
    ]
    ANSWERS = False
    DEFAULT_CSS = """
    WizardScreen {
        #wizard-body { height: 1fr; padding: 0 2; scrollbar-size-vertical: 1; }
        #wizard-body > * { max-width: 100; }
        #wizard-buttons {
            height: auto;
            max-width: 104;
            padding: 0 2;
            border-top: hkey $foreground 20%;
            align-horizontal: right;
        }
        #wizard-buttons Button { margin: 0 0 0 2; }
    }
    """

    def __init__(self, workflow: Workflow, session: WizardSession, services: Services) -> None:
        super().__init__()
        self.workflow = workflow
        self.session = session
        self.services = services
        self.request: Request | None = None  # set once submitted
        self._save_timer: Timer | None = None
        self._store_failed = False
        # What was typed and refused, by field: the session keeps only valid answers, and
        # going Back and Next must not wipe "2026-02-30" from the field without a word.
        self._refused: dict[str, Any] = {}

    def compose_body(self) -> ComposeResult:
        yield VerticalScroll(id="wizard-body", can_focus=False)
        yield Horizontal(
            Button(_("Back"), id="back", compact=True),
            Button(_("View in Requests"), id="view", compact=True),
            Button(_("Next"), variant="primary", id="next", compact=True),
            id="wizard-buttons",
        )

    async def on_mount(self) -> None:
        super().on_mount()
        kotae(self).wizard = self
        await self.show_page()

    def _localize_chrome(self) -> None:
        super()._localize_chrome()
        self.sub_title = self.workflow.title(current_language())

    def localize(self) -> None:
        super().localize()
        self._update_buttons()

    # Pages ------------------------------------------------------------------------------------

    async def show_page(self) -> None:
        body = self.query_one("#wizard-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(self._page())
        for box in self.query(FieldBox):
            if box.field.id in self._refused:
                box.show_errors(self.session.answer(box.field.id, self._refused[box.field.id]))
        self.call_after_refresh(body.scroll_home, animate=False)  # once the new page is laid out
        self._update_buttons()
        self.call_after_refresh(self._focus_first)

    def _page(self) -> list[Widget]:
        if self.request is not None:
            return [ReceiptPanel(self.request, self._regime(self.request.regime))]
        if self.session.stopped:
            return [EndPanel(self.session)]
        step = self.session.current_step
        if step is None:
            return []
        widgets: list[Widget] = [StepHeading(self.session, step)]
        explained = bool(self.session.explanations("en", step))
        if step.review:
            regime = self._regime(self.session.regime())
            widgets.append(ReviewPanel(self.session, regime, kotae(self).current_day()))
        if explained:
            widgets.append(ExplanationPanel(self.session, step))
        # The first field, right under the title, is not labelled again with the same words
        # ("Registered address" / "Registered address").
        widgets += [
            FieldBox(f, self.workflow, self._shown_value(f.id), step.title if i == 0 else None)
            for i, f in enumerate(step.fields)
        ]
        return widgets

    def _shown_value(self, field_id: str) -> Any:
        if field_id in self._refused:
            return self._refused[field_id]
        return self.session.value(field_id)

    def _regime(self, code: str) -> Regime | None:
        try:
            return self.services.regime_for(code)
        except KnowledgeError:
            return None

    @property
    def done(self) -> bool:
        """Submitted, or stopped by a choice that makes no request: nothing left to fill in."""
        return self.request is not None or self.session.stopped

    def can_copy(self) -> bool:
        return self.request is not None  # the receipt's reference, for the ticket

    def to_copy(self) -> Clip | None:
        if self.request is None:
            return None
        reference = self.request.reference
        return Clip(
            reference,
            current_language(),
            _("the reference {reference}").format(reference=reference),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # On the receipt there is nothing to go back to.
        return not (action == "previous_step" and self.request is not None)

    def _describe(self, binding: Binding) -> str:
        """The footer says what f8 does on this page, as the button beside it does."""
        if binding.id == keys.NEXT_STEP.id:
            return self._next_label()
        return keys.translate(binding)

    def _shown(self, binding: Binding) -> bool:
        # Once submitted or ended there is no draft to keep: "Leave" would repeat f8 Close.
        if binding.id == keys.LEAVE.id and (self.request is not None or self.session.stopped):
            return False
        return binding.show

    def _next_label(self) -> str:
        step = self.session.current_step
        if self.request is not None or self.session.stopped:
            return _("Close")
        if step is not None and step.review:
            return _("Submit")
        return _("Next")

    def _update_buttons(self) -> None:
        back = self.query_one("#back", Button)
        view = self.query_one("#view", Button)
        go = self.query_one("#next", Button)
        back.label, view.label = _("Back"), _("View in Requests")
        done = self.request is not None
        step = self.session.current_step
        back.display = not done
        back.disabled = not done and step is not None and self.session.step_number[0] == 1
        view.display = done
        go.label = self._next_label()
        keys.localize_bindings(self, self._describe, self._shown)
        self.refresh_bindings()

    def _focus_first(self) -> None:
        # The page is read from its top, but the question being answered must be on screen:
        # scroll only as far as needed to bring it up (none when the page fits).
        boxes = list(self.query(FieldBox))
        if boxes:
            boxes[0].control.focus(scroll_visible=False)
            body = self.query_one("#wizard-body", VerticalScroll)
            self.call_after_refresh(body.scroll_to_widget, boxes[0], animate=False)
        else:
            self.query_one("#view" if self.request else "#next", Button).focus()

    # Answers ----------------------------------------------------------------------------------

    @on(FieldChanged)
    def _changed(self, event: FieldChanged) -> None:
        box = event.box
        if not box.is_attached or self.request is not None:
            return
        errors = self.session.answer(box.field.id, box.raw())
        # An error shows once the person leaves the field; after that it follows the typing.
        if event.final or not errors or box.errors:
            box.show_errors(errors)
        if errors:
            return
        if event.final:
            self.save_draft()
            for heading in self.query(StepHeading):
                heading.localize()  # the step count may have changed
        else:
            self._save_later()

    @on(FieldSubmitted)
    async def _field_entered(self, event: FieldSubmitted) -> None:
        boxes = list(self.query(FieldBox))
        if event.box in boxes and event.box is not boxes[-1]:
            boxes[boxes.index(event.box) + 1].focus_control()
        elif event.box in boxes:
            await self.action_next_step()

    def _apply_all(self) -> None:
        for box in self.query(FieldBox):
            raw = box.raw()
            # Only what was put in: an empty field left on Back is not flagged on return.
            if self.session.answer(box.field.id, raw) and raw not in (None, "", [], False):
                self._refused[box.field.id] = raw
            else:
                self._refused.pop(box.field.id, None)

    def _show_errors(self, errors: list[FieldError]) -> None:
        first: FieldBox | None = None
        for box in self.query(FieldBox):
            box.show_errors(errors)
            if box.errors and first is None:
                first = box
        if first is not None:
            first.control.focus(scroll_visible=False)
            body = self.query_one("#wizard-body", VerticalScroll)
            # After the error lines are laid out, so that they are in view too.
            self.call_after_refresh(body.scroll_to_widget, first, animate=False)

    # Drafts -----------------------------------------------------------------------------------

    def _save_later(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_draft)

    def save_draft(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.request is not None or self.session.stopped or not self.session.answers:
            return
        try:
            self.services.store.save_draft(self.workflow.kind, self.session.to_dict())
        except KotaeError as exc:
            if not self._store_failed:  # once is enough; typing would repeat it
                self._store_failed = True
                self.notify(error_text(exc), severity="error")

    def _discard_draft(self) -> None:
        try:
            self.services.store.discard_draft(self.workflow.kind)
        except KotaeError as exc:
            self.notify(error_text(exc), severity="error")

    def on_unmount(self) -> None:
        if kotae(self).wizard is self:
            kotae(self).wizard = None
        if self._save_timer is not None:
            self.save_draft()

    # Moving -----------------------------------------------------------------------------------

    @on(Button.Pressed, "#next")
    async def _next_pressed(self) -> None:
        await self.action_next_step()

    @on(Button.Pressed, "#back")
    async def _back_pressed(self) -> None:
        await self.action_previous_step()

    @on(Button.Pressed, "#view")
    def _view_pressed(self) -> None:
        if self.request is not None:
            kotae(self).call_later(kotae(self).show_request, self.request.reference)

    async def action_next_step(self) -> None:
        if self.request is not None or self.session.stopped:
            self.action_leave()
            return
        self._apply_all()
        errors = self.session.next()
        if errors:
            self._show_errors(errors)
            return
        if self.session.stopped:
            self._discard_draft()  # no request will come of it
        elif self.session.finished:
            self._submit()
        else:
            self.save_draft()
        await self.show_page()

    async def action_previous_step(self) -> None:
        if self.request is not None:
            return
        self._apply_all()
        if self.session.back():
            self.save_draft()
            await self.show_page()

    def _submit(self) -> None:
        services = self.services
        try:
            self.request = submit_run(
                services.store, self.session, services.regimes, lang=current_language()
            )
        except (KotaeError, KnowledgeError) as exc:
            self.session.back()  # stay on the review
            self.notify(error_text(exc), severity="error")
        # On success the receipt says it all; a toast would cover its buttons at 80x24.

    def action_scroll_page(self, direction: int) -> None:
        body = self.query_one("#wizard-body", VerticalScroll)
        if direction < 0:
            body.scroll_page_up(animate=False)
        else:
            body.scroll_page_down(animate=False)

    def action_leave(self) -> None:
        self.save_draft()
        self.app.pop_screen()


async def open_wizard(app: KotaeApp, name: str) -> None:
    """Start a wizard on top of Ask; ask first whether to resume a saved draft."""
    services = app.services
    current = app.wizard
    if current is not None:
        if current.workflow.id == name and current.request is None:
            await app.switch_mode("ask")  # it is open on top of Ask already
            return
        current.save_draft()
    try:
        workflow = services.workflow(name)
        draft = services.store.get_draft(workflow.kind)
    except (KotaeError, KnowledgeError) as exc:
        app.notify(error_text(exc), severity="error")
        return
    today = app.current_day()

    async def start(session: WizardSession) -> None:
        await app.switch_mode("ask")
        while isinstance(app.screen, WizardScreen):  # one form at a time
            app.screen.save_draft()
            await app.pop_screen()
        await app.push_screen(WizardScreen(workflow, session, services))

    if draft is None:
        await start(WizardSession(workflow, today=today))
        return

    async def answered(resume: bool | None) -> None:
        if resume is None:
            return
        if resume:
            await start(WizardSession.from_dict(workflow, draft, today=today))
            return
        try:
            services.store.discard_draft(workflow.kind)
        except KotaeError as exc:
            app.notify(error_text(exc), severity="error")
        await start(WizardSession(workflow, today=today))

    lang = current_language()
    await app.push_screen(
        ResumeDraft(workflow.title(lang), draft_details(workflow, draft, today, lang)), answered
    )
