"""The headless wizard engine: one definition from knowledge/workflows/, run step by step.

The TUI wizard and `kotae requests new` both go through `WizardSession`, so they validate alike.

Typical use by a front end::

    wf = load_workflow("deletion", kb)
    run = WizardSession(wf)                      # or WizardSession.from_dict(wf, draft)
    while not (run.finished or run.stopped):
        step = run.current_step                  # title/help/fields/explain, in ja and en
        errors = run.answer("email", typed)      # validate + store one field
        store.save_draft(wf.kind, run.to_dict()) # after every answered field
        errors = run.next()                      # refused (errors returned) while a field is bad
    if run.stopped: show run.end_message(lang)
    elif run.is_complete: submit_run(store, run, regimes, lang=lang)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.core.countries import Country, load_countries
from app.core.i18n import N_
from app.core.knowledge import Entry, KnowledgeBase, KnowledgeError, Problem, _read_toml, _rel
from app.core.messages import localized
from app.core.workflow.fields import Checker, FieldError, display_value
from app.core.workflow.schema import (
    Choice,
    Definition,
    FieldDef,
    Step,
    parse_definition,
    structure_problems,
)

DRAFT_FORMAT = 1

__all__ = [
    "Choice",
    "Explanation",
    "FieldDef",
    "FieldError",
    "Step",
    "WizardSession",
    "Workflow",
    "load_workflow",
    "read_definition",
]


@dataclass(frozen=True)
class Explanation:
    """An explanation panel: a knowledge entry's answer and the policy sentence it rests on."""

    entry_id: str
    title: str
    answer: str
    quote: str
    source: str


@dataclass(frozen=True)
class Workflow:
    """A wizard definition with what it needs to run: the country list and knowledge entries."""

    definition: Definition
    countries: Mapping[str, Country]
    entries: Mapping[str, Entry]

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def kind(self) -> str:
        return self.definition.kind

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.definition.steps

    def title(self, lang: str) -> str:
        return self.definition.title.get(lang)

    def intro(self, lang: str) -> str:
        return self.definition.intro.get(lang)

    def field(self, field_id: str) -> FieldDef:
        """The field with this id; KeyError when the workflow has none."""
        f = self.definition.field(field_id)
        if f is None:
            raise KeyError(field_id)
        return f

    def choices(self, field_id: str, lang: str) -> list[tuple[str, str]]:
        """(value, label) pairs for a choice, multi-choice or country field, in form order."""
        f = self.field(field_id)
        if f.type == "country":
            return [(c.code, c.label(lang)) for c in self.countries.values()]
        return [(c.value, c.label.get(lang)) for c in f.choices]

    def help(self, step: Step, lang: str) -> str:
        """The step's help text followed by the answers of its `from_entry` entries."""
        return _with_entries(step.help.get(lang), step.from_entry, self.entries, lang)

    def explanations(self, step: Step, lang: str) -> list[Explanation]:
        """Panels for a step's `explain` entries; an id missing from the knowledge is skipped."""
        out = []
        for eid in step.explain:
            entry = self.entries.get(eid)
            if entry is not None:
                t = entry.text(lang)
                out.append(Explanation(eid, t.title, t.answer, entry.quote.strip(), entry.source))
        return out

    def visible(self, answers: Mapping[str, Any]) -> tuple[list[Step], dict[str, Any]]:
        """The steps shown for these answers, and the answers of those steps only.

        A condition sees only answers of steps that are themselves shown, so hiding a step
        also hides the steps that depend on it.
        """
        steps: list[Step] = []
        seen: dict[str, Any] = {}
        for step in self.steps:
            if step.shown(seen):
                steps.append(step)
                seen.update({f.id: answers[f.id] for f in step.fields if f.id in answers})
        return steps, seen

    def regime_for(self, answers: Mapping[str, Any]) -> str:
        """The legal regime code of a request with these answers (see knowledge/regimes.toml)."""
        dl = self.definition.deadline
        if dl.regime:
            return dl.regime
        country = self.countries.get(answers.get(dl.country_field or "", ""))
        if country is None:
            return "other"
        return country.regime_for(answers.get(dl.region_field or "") if dl.region_field else None)

    def summary(
        self,
        answers: Mapping[str, Any],
        lang: str,
        redact: bool = False,
        keep: Callable[[FieldDef, Any], bool] | None = None,
    ) -> list[tuple[str, str]]:
        """(label, shown value) for every field of the shown steps, in form order; `keep`, when
        given, chooses among them by field and answer."""
        steps, shown = self.visible(answers)
        return [
            (f.label.get(lang), display_value(f, shown.get(f.id), lang, self.countries, redact))
            for s in steps
            for f in s.fields
            if f.summary and (keep is None or keep(f, shown.get(f.id)))
        ]

    def implications(self, answers: Mapping[str, Any], lang: str) -> list[str]:
        """What the chosen options bring into the request (e.g. "SCC Module 2"), in form order."""
        steps, shown = self.visible(answers)
        out = []
        for f in (f for s in steps for f in s.fields):
            chosen = shown.get(f.id)
            values = chosen if isinstance(chosen, list) else [chosen]
            out += [
                c.implies.get(lang)
                for c in f.choices
                if c.implies
                and c.value in values
                and (not c.implies_if or shown.get(c.implies_if) not in (None, "", []))
            ]
        return out


def _with_entries(
    own: str, entry_ids: tuple[str, ...], entries: Mapping[str, Entry], lang: str
) -> str:
    # Policy statements are the entries' own answers, word for word.
    parts = [own] + [entries[e].text(lang).answer for e in entry_ids if e in entries]
    return "\n\n".join(p for p in parts if p)


def _drop(choice: Choice, answers: dict[str, Any]) -> bool:
    """Take the choice's `drop` value out of its list answer; False when nothing would be left
    (the choice then ends the wizard)."""
    if choice.drop is None:
        return False
    fid, value = choice.drop
    chosen = answers.get(fid)
    rest = [v for v in chosen if v != value] if isinstance(chosen, list) else []
    if not rest:
        return False
    answers[fid] = rest
    return True


def read_definition(path: Path, root: Path) -> tuple[Definition | None, list[Problem]]:
    """Parse one workflow file; (None, problems) when it is not readable TOML."""
    problems: list[Problem] = []
    data = _read_toml(path, root, problems)
    if data is None:
        return None, problems
    definition = parse_definition(data, _rel(path, root), problems)
    problems += structure_problems(definition)
    return definition, problems


def load_workflow(path_or_name: str | Path, kb: KnowledgeBase) -> Workflow:
    """Load a wizard by name (a key of kb.workflows) or by path.

    Raises KnowledgeError listing every problem when the definition (or the country list it
    uses) is broken, so a wizard never starts half-defined. Explanation entries missing from
    the knowledge base do not stop it; `kotae check` reports them.
    """
    if isinstance(path_or_name, str) and path_or_name in kb.workflows:
        path = kb.workflows[path_or_name]
    else:
        path = Path(path_or_name)
        if not path.exists():
            rel = _rel(kb.root / "workflows" / f"{path_or_name}.toml", kb.root)
            raise KnowledgeError([Problem(rel, "-", "file", "no such workflow")])
    definition, problems = read_definition(path, kb.root)
    if definition is None or problems:
        raise KnowledgeError(problems)
    uses_countries = any(f.type == "country" for f in definition.fields())
    countries = load_countries(kb.root) if uses_countries else {}
    return Workflow(definition, countries, kb.entries)


class WizardSession:
    """One person's answers to one workflow, and where they are in it.

    Answers are kept in their stored form (see workflow_fields). Answers of steps that a later
    change hides are kept, so going back and forth loses nothing, but they are left out of the
    summary and of the submitted request.
    """

    def __init__(self, workflow: Workflow, *, today: date | None = None) -> None:
        self.workflow = workflow
        self.checker = Checker(workflow.countries, today)
        self.answers: dict[str, Any] = {}
        self._errors: dict[str, list[FieldError]] = {}  # last rejected input per field
        self._position = 0  # index into workflow.steps; len(steps) once finished
        self._stopped: tuple[str, str] | None = None  # (field, choice) that ended the wizard

    # -- where we are -------------------------------------------------------------------------

    @property
    def visible_steps(self) -> list[Step]:
        """The steps shown for the current answers (conditions applied), in order."""
        return self.workflow.visible(self.answers)[0]

    @property
    def current_step(self) -> Step | None:
        """The step to show, or None once the last step is passed (or the wizard was stopped)."""
        if self._stopped:
            return None
        for index in range(self._position, len(self.workflow.steps)):
            step = self.workflow.steps[index]
            if step in self.visible_steps:
                return step
        return None

    @property
    def step_number(self) -> tuple[int, int]:
        """(1-based number of the current step, number of visible steps) for "step 2 of 7"."""
        steps = self.visible_steps
        current = self.current_step
        return (steps.index(current) + 1 if current in steps else len(steps)), len(steps)

    @property
    def finished(self) -> bool:
        """Every step is passed (not stopped); submit when is_complete."""
        return not self._stopped and self.current_step is None

    @property
    def stopped(self) -> bool:
        """A choice with `end = true` ended the wizard: no request is to be made."""
        return self._stopped is not None

    @property
    def is_complete(self) -> bool:
        return self.finished and not self.validate_all(self.answers)

    def end_message(self, lang: str) -> str | None:
        """The text of the choice that stopped the wizard, if any."""
        if not self._stopped:
            return None
        choice = self.workflow.field(self._stopped[0]).choice(self._stopped[1])
        if choice is None or not (choice.end_message or choice.end_from_entry):
            return None
        own = choice.end_message.get(lang) if choice.end_message else ""
        return _with_entries(own, choice.end_from_entry, self.workflow.entries, lang)

    # -- answering ----------------------------------------------------------------------------

    def value(self, field_id: str) -> Any:
        """The stored answer of a field, or None."""
        return self.answers.get(field_id)

    def answer(self, field_id: str, raw: Any) -> list[FieldError]:
        """Check and store one answer; on errors the earlier answer stays and next() refuses.

        An empty value clears an optional field. KeyError for a field the workflow lacks.
        """
        f = self.workflow.field(field_id)
        value, errors = self.checker.check_value(f, raw)
        if errors:
            self._errors[field_id] = errors
            return errors
        self._errors.pop(field_id, None)
        if value is None:
            self.answers.pop(field_id, None)
        else:
            self.answers[field_id] = value
        return []

    def step_errors(self, step: Step | None = None) -> list[FieldError]:
        """Errors that keep the person on a step: rejected input, missing required answers."""
        step = step or self.current_step
        if step is None:
            return []
        errors: list[FieldError] = []
        for f in step.fields:
            if f.id in self._errors:
                errors += self._errors[f.id]
            else:
                errors += self.checker.check_value(f, self.answers.get(f.id))[1]
        return errors

    def next(self) -> list[FieldError]:
        """Go to the next shown step; returns the errors instead when the step has any.

        When an answer of this step is a choice with `end = true`, the wizard stops instead.
        """
        step = self.current_step
        if step is None:
            return []
        errors = self.step_errors(step)
        if errors:
            return errors
        for f in step.fields:
            choice = f.choice(self.answers.get(f.id)) if f.type == "choice" else None
            if choice and choice.end and not _drop(choice, self.answers):
                self._stopped = (f.id, choice.value)
                return []
        self._position = self.workflow.steps.index(step) + 1
        return []

    def back(self) -> bool:
        """Go to the previous shown step (answers are kept); False on the first step."""
        if self._stopped:
            self._stopped = None
            return True
        steps = self.visible_steps
        current = self.current_step
        earlier = steps[: steps.index(current)] if current in steps else steps
        if not earlier:
            return False
        self._position = self.workflow.steps.index(earlier[-1])
        return True

    def go_to(self, step_id: str) -> None:
        """Jump to a shown step, e.g. from the review to change an answer."""
        self._stopped = None
        for index, step in enumerate(self.workflow.steps):
            if step.id == step_id and step in self.visible_steps:
                self._position = index
                return
        raise KeyError(step_id)

    # -- whole answer sets --------------------------------------------------------------------

    def check_all(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
        """Check a complete answers mapping step by step, as the wizard would.

        Returns the stored form of the answers of shown steps, and every error: bad values,
        missing required answers, unknown keys, and a choice that would end the wizard.
        """
        known = {f.id for f in self.workflow.definition.fields()}
        errors = [
            FieldError(key, "unknown", localized(N_("This form has no such field.")))
            for key in answers
            if key not in known
        ]
        stored: dict[str, Any] = {}
        hidden: list[Step] = []
        for step in self.workflow.steps:
            if not step.shown(stored):
                hidden.append(step)
                continue
            for f in step.fields:
                value, errs = self.checker.check_value(f, answers.get(f.id))
                choice = f.choice(value) if f.type == "choice" and value else None
                if choice and choice.end and not _drop(choice, stored):
                    errs = [
                        FieldError(
                            f.id,
                            "ends",
                            f.errors.get("ends")
                            or localized(N_("This answer ends the form without a request.")),
                        )
                    ]
                errors += errs
                if not errs and value is not None:
                    stored[f.id] = value
        if errors:
            # A wrong answer may hide the steps it decides ("scope" with a typo hides the file
            # IDs): what was written for them is checked too, so one round lists every error.
            for f in (f for step in hidden for f in step.fields):
                if answers.get(f.id) not in (None, "", []):
                    errors += self.checker.check_value(f, answers.get(f.id))[1]
        return stored, errors

    def validate_all(self, answers: Mapping[str, Any]) -> list[FieldError]:
        """Every error of a complete answers mapping (see check_all); nothing is stored."""
        return self.check_all(answers)[1]

    def load_answers(self, answers: Mapping[str, Any]) -> list[FieldError]:
        """Take a complete answers mapping (e.g. from a file); stored only when all are valid.

        On success the session is finished and ready to submit.
        """
        stored, errors = self.check_all(answers)
        if errors:
            return errors
        self.answers = stored
        self._errors.clear()
        self._stopped = None
        self._position = len(self.workflow.steps)
        return []

    def submitted_answers(self) -> dict[str, Any]:
        """The answers of the shown steps: what a request stores."""
        return self.workflow.visible(self.answers)[1]

    # -- showing ------------------------------------------------------------------------------

    def summary(self, lang: str, redact: bool = False) -> list[tuple[str, str]]:
        """(label, shown value) of every answer of the shown steps, for the review step."""
        return self.workflow.summary(self.answers, lang, redact)

    def explanations(self, lang: str, step: Step | None = None) -> list[Explanation]:
        step = step or self.current_step
        return self.workflow.explanations(step, lang) if step else []

    def implications(self, lang: str) -> list[str]:
        return self.workflow.implications(self.answers, lang)

    def regime(self) -> str:
        return self.workflow.regime_for(self.submitted_answers())

    # -- drafts -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready draft; rejected input is not kept."""
        step = self.current_step
        return {
            "format": DRAFT_FORMAT,
            "workflow": self.workflow.id,
            "step": step.id if step else None,
            "answers": dict(self.answers),
            "stopped": list(self._stopped) if self._stopped else None,
        }

    @classmethod
    def from_dict(
        cls, workflow: Workflow, data: Mapping[str, Any], *, today: date | None = None
    ) -> WizardSession:
        """Resume a draft. Answers the workflow no longer accepts (it may have changed since)
        are dropped; an unknown step starts the wizard over with the answers kept."""
        run = cls(workflow, today=today)
        answers = data.get("answers")
        for fid, raw in answers.items() if isinstance(answers, dict) else ():
            f = workflow.definition.field(fid)
            if f is not None:
                value, errors = run.checker.check_value(f, raw)
                if not errors and value is not None:
                    run.answers[fid] = value
        step_ids = [s.id for s in workflow.steps]
        step = data.get("step")
        run._position = step_ids.index(step) if step in step_ids else 0
        if step is None and data.get("format") == DRAFT_FORMAT and "step" in data:
            run._position = len(step_ids)
        return run
