"""One widget per wizard field type: a label, help, the control, and the field's errors.

A FieldBox knows nothing of validation: it posts `FieldChanged` and the wizard screen asks the
core's WizardSession, then hands the errors back with `show_errors`. Labels, help and choices
come from knowledge files and are shown literally.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, RadioSet, Select, SelectionList, TextArea
from textual.widgets.selection_list import Selection

from app.core import deadlines
from app.core.i18n import _, current_language
from app.core.knowledge import KnowledgeError
from app.core.messages import format_day
from app.core.workflow.engine import FieldDef, FieldError, Workflow
from app.core.workflow.schema import Localized as LocalText
from app.tui.localized import Localized, kotae
from app.tui.text import safe
from app.tui.widgets.country import CountrySelect
from app.tui.widgets.prose import Prose
from app.tui.widgets.toggles import ChoiceSet, WrappingCheckbox, WrappingRadioButton

INPUT_TYPES = frozenset({"text", "email", "org_id", "file_ids", "date"})


class FieldChanged(Message):
    """A field's value changed; `final` when it is settled (not a keystroke in a text box)."""

    def __init__(self, box: FieldBox, final: bool) -> None:
        super().__init__()
        self.box = box
        self.final = final


class FieldSubmitted(Message):
    """Enter was pressed in a one-line field: go on to the next field or step."""

    def __init__(self, box: FieldBox) -> None:
        super().__init__()
        self.box = box


class FieldBox(Localized, Vertical):
    DEFAULT_CSS = """
    FieldBox {
        height: auto;
        margin: 1 0 0 0;
        & .field-label { text-style: bold; }
        & .field-help { color: $text-muted; }
        & .field-implies { color: $text-muted; margin: 0 0 0 1; }
        & .field-error { color: $text-error; display: none; }
        &.-invalid .field-error { display: block; }
        &.-invalid .field-control { border: tall $error; }
        /* A dropdown draws its frame on the part that shows the value: colour that one. */
        &.-invalid Select.field-control { border: none; }
        &.-invalid Select.field-control > SelectCurrent { border: tall $error; }
        & TextArea { height: 6; }
        & SelectionList { height: auto; max-height: 12; }
    }
    """

    def __init__(
        self, f: FieldDef, workflow: Workflow, value: Any, heading: LocalText | None = None
    ) -> None:
        super().__init__(id=f"field-{f.id}")
        self.field = f
        self.workflow = workflow
        self.initial = value
        self.heading = heading  # the step's title (ja/en): a label equal to it is not repeated
        self.errors: list[FieldError] = []

    def _label_repeats_heading(self, lang: str) -> bool:
        return self.heading is not None and self.heading.get(lang) == self.field.label.get(lang)

    def compose(self) -> ComposeResult:
        lang = current_language()
        if self.field.type != "confirm":  # a checkbox carries its own label
            yield Prose(self.field.label.get(lang), classes="field-label")
        yield Prose(self.field.help.get(lang), classes="field-help")
        control = self.make_control(lang)
        control.add_class("field-control")
        yield control
        if self.field.type == "country":
            yield Prose("", classes="field-implies")
        yield Prose("", classes="field-error")

    def on_mount(self) -> None:
        self.query_one(".field-help", Prose).display = bool(self.field.help.get("en"))
        self._show_label(current_language())
        self._show_implied()
        blink = kotae(self).blink_cursor
        for box in self.query(Input):
            box.cursor_blink = blink
        for area in self.query(TextArea):
            area.cursor_blink = blink

    # What each field type puts in ------------------------------------------------------------

    def make_control(self, lang: str) -> Widget:
        kind = self.field.type
        value = self.initial
        if kind == "long_text":
            return TextArea(value or "", soft_wrap=True, show_line_numbers=False)
        if kind == "choice":
            return ChoiceSet(
                *(
                    WrappingRadioButton(label, value == v)
                    for v, label in self.workflow.choices(self.field.id, lang)
                )
            )
        if kind == "multi_choice":
            chosen = value or []
            return SelectionList[str](
                *(
                    Selection(Text(safe(label)), v, v in chosen)
                    for v, label in self.workflow.choices(self.field.id, lang)
                )
            )
        if kind == "country":
            return CountrySelect(
                self._country_options(lang),
                self.workflow.countries,
                prompt=_("Choose a country (type to search)"),
                value=value or Select.NULL,
                type_to_search=True,
            )
        if kind == "confirm":
            return WrappingCheckbox(self.field.label.get(lang), bool(value))
        shown = " ".join(value) if isinstance(value, list) else (value or "")
        placeholder = "YYYY-MM-DD" if kind == "date" else ""
        return Input(shown, placeholder=placeholder, select_on_focus=False)

    def _country_options(self, lang: str) -> list[tuple[Text, str]]:
        return [
            (Text(f"{safe(label)} ({code})"), code)
            for code, label in self.workflow.choices(self.field.id, lang)
        ]

    @property
    def control(self) -> Widget:
        return self.query_one(".field-control")

    def raw(self) -> Any:
        """What the person has put in, in the form WizardSession.answer takes."""
        control = self.control
        if isinstance(control, Input):
            return control.value
        if isinstance(control, TextArea):
            return control.text
        if isinstance(control, RadioSet):
            index = control.pressed_index
            choices = self.workflow.choices(self.field.id, "en")
            return choices[index][0] if 0 <= index < len(choices) else None
        if isinstance(control, SelectionList):
            return list(control.selected)
        if isinstance(control, Select):
            return None if control.is_blank() else control.value
        if isinstance(control, WrappingCheckbox):
            return control.value
        return None

    def focus_control(self) -> None:
        self.control.focus()

    # Errors and language ---------------------------------------------------------------------

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors = [e for e in errors if e.field == self.field.id]
        self._render_errors()

    def _render_errors(self) -> None:
        lang = current_language()
        text = "\n".join(e.message(lang) for e in self.errors)
        self.query_one(".field-error", Prose).update(text)
        self.set_class(bool(self.errors), "-invalid")

    def _show_label(self, lang: str) -> None:
        for label in self.query(".field-label"):
            label.display = not self._label_repeats_heading(lang)

    def localize(self) -> None:
        lang = current_language()
        if self.field.type != "confirm":
            self.query_one(".field-label", Prose).update(self.field.label.get(lang))
            self._show_label(lang)
        self.query_one(".field-help", Prose).update(self.field.help.get(lang))
        self._render_errors()
        self._relabel(lang)
        self._show_implied()

    def _relabel(self, lang: str) -> None:
        control = self.control
        if isinstance(control, RadioSet):
            labels = self.workflow.choices(self.field.id, lang)
            for button, (_value, label) in zip(
                control.query(WrappingRadioButton), labels, strict=True
            ):
                button.set_label(label)
        elif isinstance(control, SelectionList):
            for index, (_value, label) in enumerate(self.workflow.choices(self.field.id, lang)):
                control.replace_option_prompt_at_index(index, Text(safe(label)))
        elif isinstance(control, Select):
            value = control.value
            with control.prevent(Select.Changed):
                control.set_options(self._country_options(lang))
                control.prompt = _("Choose a country (type to search)")
                if value is not Select.NULL:
                    control.value = value
        elif isinstance(control, WrappingCheckbox):
            control.set_label(self.field.label.get(lang))

    # Changes ---------------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self, event: Message) -> None:
        event.stop()
        self.post_message(FieldChanged(self, final=False))

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        event.stop()
        self.post_message(FieldChanged(self, final=True))

    @on(Input.Submitted)
    @on(CountrySelect.Confirmed)
    def _entered(self, event: Message) -> None:
        event.stop()
        self.post_message(FieldChanged(self, final=True))
        self.post_message(FieldSubmitted(self))

    def _show_implied(self) -> None:
        """Under the country: the regime it implies and the due date if submitted today."""
        for note in self.query(".field-implies").results(Prose):
            text = self._implied_text()
            note.update(text)
            note.display = bool(text)  # else a blank line parts the dropdown from its error

    def _implied_text(self) -> str:
        value = self.raw()
        country = self.workflow.countries.get(value) if isinstance(value, str) else None
        deadline = self.workflow.definition.deadline
        # Only the country that decides the deadline (not, say, a DPA's company address).
        if country is None or deadline.country_field != self.field.id:
            return ""
        app = kotae(self)
        lang = current_language()
        try:
            regime = app.services.regime_for(self.workflow.regime_for({self.field.id: value}))
        except KnowledgeError:
            return ""
        text = _("{regime}: due by {date} if submitted today").format(
            regime=regime.label.get(lang),
            date=format_day(deadlines.due_date(app.current_day(), regime), lang),
        )
        if country.regions and deadline.region_field:
            text += " " + _("(the state asked next can change this)")
        return text

    @on(RadioSet.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    @on(WrappingCheckbox.Changed)
    def _picked(self, event: Message) -> None:
        event.stop()
        self._show_implied()
        self.post_message(FieldChanged(self, final=True))

    def on_descendant_blur(self) -> None:
        # A TextArea has no Blurred message of its own.
        if isinstance(self.control, TextArea):
            self.post_message(FieldChanged(self, final=True))
