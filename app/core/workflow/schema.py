"""Wizard definitions (knowledge/workflows/*.toml) read into plain objects.

The schema is documented in knowledge/workflows/README.md. Parsing never raises: each mistake is
a Problem naming the file, the step (`step`) or field (`step/field`), the key and what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core.knowledge import Problem
from app.core.messages import Localized
from app.core.statuses import KINDS
from app.core.tomldata import Add, boolean, integer, lang_tables, pair, pair_value, string
from app.core.tomldata import unknown_keys as _unknown

FIELD_TYPES = (
    "text",
    "long_text",
    "email",
    "org_id",
    "file_ids",
    "choice",
    "multi_choice",
    "country",
    "date",
    "confirm",
)
TEXT_TYPES = frozenset({"text", "long_text", "email", "org_id", "file_ids"})
CHOICE_TYPES = frozenset({"choice", "multi_choice"})
LIST_TYPES = frozenset({"multi_choice", "file_ids"})
OPERATORS = ("equals", "not_equals", "includes")
# Codes of the messages a field may override in its `errors` table.
ERROR_CODES = (
    "required",
    "type",
    "invalid",
    "pattern",
    "min_length",
    "max_length",
    "single_line",
    "choice",
    "min_items",
    "max_items",
    "unticked",
    "too_early",
    "too_late",
    "ends",
)
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
DATE_RE = re.compile(r"^(today|\d{4}-\d{2}-\d{2})$")

TOP_KEYS = {"id", "kind", "contact_field", "deadline", "step", "ja", "en"}
STEP_KEYS = {"id", "when", "explain", "from_entry", "review", "field", "ja", "en"}
FIELD_KEYS = {
    "id",
    "type",
    "required",
    "pii",
    "summary",
    "choice",
    "pattern",
    "min_length",
    "max_length",
    "min_items",
    "max_items",
    "min_date",
    "max_date",
    "errors",
    "ja",
    "en",
}
CHOICE_KEYS = {"value", "ja", "en", "end", "end_message", "implies", "implies_if", "drop"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: Localized
    end: bool = False  # choosing it ends the wizard without a request
    end_message: Localized | None = None
    end_from_entry: tuple[str, ...] = ()  # entries whose answers follow the end message
    implies: Localized | None = None  # what the choice brings into the request (e.g. SCC module)
    # The field whose answer the implication needs: the SCC module a role implies applies only
    # when some transfer is ticked.
    implies_if: str | None = None
    # (field, value): with `end`, take this value out of that multi-choice answer and go on;
    # the wizard ends only when nothing else is left in it.
    drop: tuple[str, str] | None = None


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # equals | not_equals | includes
    value: str | bool

    def holds(self, answers: dict[str, Any]) -> bool:
        got = answers.get(self.field)
        if self.op == "includes":
            return isinstance(got, list) and self.value in got
        same = got == self.value or (isinstance(got, list) and got == [self.value])
        return same if self.op == "equals" else not same


@dataclass(frozen=True)
class FieldDef:
    id: str
    type: str
    label: Localized
    help: Localized
    required: bool = True
    pii: bool = False  # hidden in redacted exports and summaries
    summary: bool = True  # listed in the review summary
    choices: tuple[Choice, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    min_date: str | None = None  # "today" or YYYY-MM-DD
    max_date: str | None = None
    errors: dict[str, Localized] = field(default_factory=dict)

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class Step:
    id: str
    title: Localized
    help: Localized
    fields: tuple[FieldDef, ...] = ()
    when: tuple[Condition, ...] = ()
    explain: tuple[str, ...] = ()  # knowledge entry ids quoted in an explanation panel
    from_entry: tuple[str, ...] = ()  # entries whose answers follow the help text
    review: bool = False  # the step shows the summary of every answer

    def shown(self, answers: dict[str, Any]) -> bool:
        return all(c.holds(answers) for c in self.when)


@dataclass(frozen=True)
class Deadline:
    """How a request of this workflow gets its legal regime: fixed, or from a country answer."""

    regime: str | None = None
    country_field: str | None = None
    region_field: str | None = None


@dataclass(frozen=True)
class Definition:
    id: str
    kind: str
    title: Localized
    intro: Localized
    steps: tuple[Step, ...]
    deadline: Deadline
    contact_field: str | None = None
    file: str = ""

    def fields(self) -> list[FieldDef]:
        return [f for s in self.steps for f in s.fields]

    def field(self, field_id: str) -> FieldDef | None:
        return next((f for f in self.fields() if f.id == field_id), None)


def parse_definition(data: dict[str, Any], rel: str, problems: list[Problem]) -> Definition:
    def add_top(fld: str, msg: str) -> None:
        problems.append(Problem(rel, "-", fld, msg))

    _unknown(data, TOP_KEYS, add_top)
    texts = lang_tables(data, {"title", "intro"}, {"title"}, add_top)
    raw_steps = data.get("step")
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        add_top("step", "needs at least one [[step]]")
    else:
        steps = [_step(raw, i, rel, problems) for i, raw in enumerate(raw_steps)]
    return Definition(
        id=string(data, "id", add_top),
        kind=string(data, "kind", add_top),
        title=texts["title"],
        intro=texts["intro"],
        steps=tuple(steps),
        deadline=_deadline(data.get("deadline"), add_top),
        contact_field=string(data, "contact_field", add_top, required=False) or None,
        file=rel,
    )


def _deadline(raw: Any, add: Add) -> Deadline:
    if raw is None:
        return Deadline(regime="other")
    if not isinstance(raw, dict):
        add("deadline", "must be a table")
        return Deadline(regime="other")

    def add_at(fld: str, msg: str) -> None:
        add(f"deadline.{fld}", msg)

    _unknown(raw, {"regime", "country_field", "region_field"}, add_at)
    regime = string(raw, "regime", add_at, required=False) or None
    country = string(raw, "country_field", add_at, required=False) or None
    region = string(raw, "region_field", add_at, required=False) or None
    if bool(regime) == bool(country):
        add("deadline", "give either regime or country_field")
    if region and not country:
        add("deadline.region_field", "needs country_field")
    return Deadline(regime, country, region)


def _step(raw: Any, index: int, rel: str, problems: list[Problem]) -> Step:
    sid = raw.get("id") if isinstance(raw, dict) else None
    name = sid if isinstance(sid, str) and sid else f"step[{index}]"

    def add(fld: str, msg: str) -> None:
        problems.append(Problem(rel, name, fld, msg))

    if not isinstance(raw, dict):
        add("-", "must be a table ([[step]])")
        return Step(name, Localized("", ""), Localized("", ""))
    _unknown(raw, STEP_KEYS, add)
    step_id = string(raw, "id", add)
    if step_id and not ID_RE.fullmatch(step_id):
        add("id", f"{step_id!r}: use lower case letters, digits and '_'")
    texts = lang_tables(raw, {"title", "help"}, {"title"}, add)
    explain = _entry_ids(raw.get("explain"), "explain", add)
    raw_fields = raw.get("field", [])
    if not isinstance(raw_fields, list):
        add("field", "must be [[step.field]] tables")
        raw_fields = []
    fields = tuple(_field(f, i, name, rel, problems) for i, f in enumerate(raw_fields))
    return Step(
        id=step_id,
        title=texts["title"],
        help=texts["help"],
        fields=fields,
        when=_conditions(raw.get("when"), add),
        explain=explain,
        from_entry=_entry_ids(raw.get("from_entry"), "from_entry", add),
        review=boolean(raw, "review", add, False),
    )


def _entry_ids(raw: Any, key: str, add: Add) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(e, str) for e in raw):
        add(key, "must be an entry id or a list of entry ids")
        return ()
    return tuple(raw)


def _end_message(raw: Any, add: Add) -> tuple[Localized | None, tuple[str, ...]]:
    # { ja = "…", en = "…", from_entry = "policy.…" }: the policy part comes from the entry.
    if isinstance(raw, dict) and "from_entry" in raw:
        ids = _entry_ids(raw["from_entry"], "end_message.from_entry", add)
        rest = {k: v for k, v in raw.items() if k != "from_entry"}
        return pair_value(rest, "end_message", add), ids
    return pair_value(raw, "end_message", add), ()


def _conditions(raw: Any, add: Add) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out: list[Condition] = []
    for i, item in enumerate(items):
        where = "when" if isinstance(raw, dict) else f"when[{i}]"

        def add_at(fld: str, msg: str, where: str = where) -> None:
            add(f"{where}.{fld}", msg)

        if not isinstance(item, dict):
            add(where, 'must be a table such as { field = "scope", includes = "files" }')
            continue
        _unknown(item, {"field", *OPERATORS}, add_at)
        ops = [op for op in OPERATORS if op in item]
        if len(ops) != 1:
            add(where, f"needs exactly one of {', '.join(OPERATORS)}")
            continue
        value = item[ops[0]]
        if not isinstance(value, str | bool):
            add_at(ops[0], "must be a string or true/false")
            continue
        out.append(Condition(string(item, "field", add_at), ops[0], value))
    return tuple(out)


def _field(raw: Any, index: int, step: str, rel: str, problems: list[Problem]) -> FieldDef:
    fid = raw.get("id") if isinstance(raw, dict) else None
    name = f"{step}/{fid if isinstance(fid, str) and fid else f'field[{index}]'}"

    def add(fld: str, msg: str) -> None:
        problems.append(Problem(rel, name, fld, msg))

    empty = Localized("", "")
    if not isinstance(raw, dict):
        add("-", "must be a table ([[step.field]])")
        return FieldDef(name, "text", empty, empty)
    _unknown(raw, FIELD_KEYS, add)
    field_id = string(raw, "id", add)
    if field_id and not ID_RE.fullmatch(field_id):
        add("id", f"{field_id!r}: use lower case letters, digits and '_'")
    ftype = string(raw, "type", add)
    if ftype and ftype not in FIELD_TYPES:
        add("type", f"unknown type {ftype!r}; one of {', '.join(FIELD_TYPES)}")
    texts = lang_tables(raw, {"label", "help"}, {"label"}, add)
    pattern = string(raw, "pattern", add, required=False) or None
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            add("pattern", f"not a valid regular expression: {exc}")
            pattern = None
    dates = {}
    for key in ("min_date", "max_date"):
        dates[key] = string(raw, key, add, required=False) or None
        if dates[key] and not _valid_date(dates[key]):
            add(key, 'must be "today" or a date that exists, written YYYY-MM-DD')
            dates[key] = None
    return FieldDef(
        id=field_id,
        type=ftype,
        label=texts["label"],
        help=texts["help"],
        required=boolean(raw, "required", add, True),
        pii=boolean(raw, "pii", add, ftype == "email"),
        summary=boolean(raw, "summary", add, True),
        choices=_choices(raw.get("choice"), add),
        pattern=pattern,
        min_length=integer(raw, "min_length", add),
        max_length=integer(raw, "max_length", add, minimum=1),
        min_items=integer(raw, "min_items", add),
        max_items=integer(raw, "max_items", add, minimum=1),
        min_date=dates["min_date"],
        max_date=dates["max_date"],
        errors=_errors(raw.get("errors"), add),
    )


def _valid_date(spec: str) -> bool:
    if not DATE_RE.fullmatch(spec):
        return False
    try:
        return spec == "today" or date.fromisoformat(spec).year >= 1900
    except ValueError:  # 2026-02-30
        return False


def _choices(raw: Any, add: Add) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        add("choice", "must be [[step.field.choice]] tables")
        return ()
    out: list[Choice] = []
    for i, item in enumerate(raw):

        def add_at(fld: str, msg: str, i: int = i) -> None:
            add(f"choice[{i}].{fld}", msg)

        if not isinstance(item, dict):
            add(f"choice[{i}]", "must be a table")
            continue
        _unknown(item, CHOICE_KEYS, add_at)
        end_message, end_from_entry = _end_message(item.get("end_message"), add_at)
        out.append(
            Choice(
                value=string(item, "value", add_at),
                label=pair(item, add_at),
                end=boolean(item, "end", add_at, False),
                end_message=end_message,
                end_from_entry=end_from_entry,
                implies=pair_value(item.get("implies"), "implies", add_at),
                implies_if=string(item, "implies_if", add_at, required=False) or None,
                drop=_drop(item.get("drop"), add_at),
            )
        )
    return tuple(out)


def _drop(raw: Any, add: Add) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        add("drop", 'must be a table such as { field = "scope", value = "prompts" }')
        return None

    def add_at(fld: str, msg: str) -> None:
        add(f"drop.{fld}", msg)

    _unknown(raw, {"field", "value"}, add_at)
    return string(raw, "field", add_at), string(raw, "value", add_at)


def _errors(raw: Any, add: Add) -> dict[str, Localized]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        add("errors", "must be a table of code = { ja = …, en = … }")
        return {}
    out: dict[str, Localized] = {}
    for code, item in raw.items():
        if code not in ERROR_CODES:
            add(f"errors.{code}", f"unknown message code; one of {', '.join(ERROR_CODES)}")
            continue
        text = pair_value(item, f"errors.{code}", add)
        if text is not None:
            out[code] = text
    return out


def structure_problems(d: Definition) -> list[Problem]:
    """Mistakes that need the whole definition: ids, conditions, rules that fit no type."""
    problems: list[Problem] = []
    if d.kind and d.kind not in KINDS:
        problems.append(Problem(d.file, "-", "kind", f"unknown kind; one of {', '.join(KINDS)}"))
    seen_steps: set[str] = set()
    earlier: dict[str, FieldDef] = {}
    for step in d.steps:
        if step.id in seen_steps:
            problems.append(Problem(d.file, step.id, "id", "duplicate step id"))
        seen_steps.add(step.id)
        for i, cond in enumerate(step.when):
            where = "when" if len(step.when) == 1 else f"when[{i}]"
            for msg in _condition_problems(cond, earlier):
                problems.append(Problem(d.file, step.id, where, msg))
        if not step.fields and not step.review:
            problems.append(Problem(d.file, step.id, "field", "needs a field (or review = true)"))
        for f in step.fields:
            name = f"{step.id}/{f.id}"
            if f.id in earlier:
                problems.append(Problem(d.file, name, "id", "duplicate field id in this workflow"))
            problems += [Problem(d.file, name, k, m) for k, m in _field_problems(f)]
            problems += [Problem(d.file, name, k, m) for k, m in _end_problems(step, f, earlier)]
            earlier[f.id] = f
    for step in d.steps:
        for f in step.fields:
            for i, c in enumerate(f.choices):
                if c.implies_if and c.implies_if not in earlier:
                    where = f"{step.id}/{f.id}"
                    problems.append(
                        Problem(d.file, where, f"choice[{i}].implies_if", "must name a field")
                    )
    if d.contact_field:
        f = earlier.get(d.contact_field)
        if f is None or f.type != "email":
            problems.append(Problem(d.file, "-", "contact_field", "must name an email field"))
    for key, fid in (
        ("country_field", d.deadline.country_field),
        ("region_field", d.deadline.region_field),
    ):
        wanted = "country" if key == "country_field" else "choice"
        if fid and (fid not in earlier or earlier[fid].type != wanted):
            problems.append(Problem(d.file, "-", f"deadline.{key}", f"must name a {wanted} field"))
    return problems


def _end_problems(step: Step, f: FieldDef, earlier: dict[str, FieldDef]) -> list[tuple[str, str]]:
    # A step shown because a list includes X may only drop X: ending the wizard there would
    # also throw away everything else that list asks for.
    out: list[tuple[str, str]] = []
    partial = [(c.field, str(c.value)) for c in step.when if c.op == "includes"]
    for i, c in enumerate(f.choices):
        if c.drop:
            target = earlier.get(c.drop[0])
            if not c.end:
                out.append((f"choice[{i}].drop", "needs end = true"))
            if target is None or target.type != "multi_choice":
                out.append((f"choice[{i}].drop.field", "must name an earlier multi_choice field"))
            elif target.choice(c.drop[1]) is None:
                out.append((f"choice[{i}].drop.value", f"is not a choice of {c.drop[0]!r}"))
        elif c.end and partial:
            field, value = partial[0]
            out.append(
                (
                    f"choice[{i}].end",
                    f"the step is shown when {field!r} includes {value!r}; add "
                    f'drop = {{ field = "{field}", value = "{value}" }} so that ending here '
                    "does not drop the other answers",
                )
            )
    return out


def _condition_problems(cond: Condition, earlier: dict[str, FieldDef]) -> list[str]:
    target = earlier.get(cond.field)
    if target is None:
        return [f"field {cond.field!r} is not asked in an earlier step"]
    if cond.op == "includes" and target.type not in LIST_TYPES:
        return [f"'includes' needs a list field; {cond.field!r} is {target.type}"]
    if target.type in CHOICE_TYPES and target.choice(str(cond.value)) is None:
        return [f"{cond.value!r} is not a choice of {cond.field!r}"]
    return []


def _field_problems(f: FieldDef) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    rules = {
        "pattern": (f.pattern is not None, TEXT_TYPES),
        "min_length": (f.min_length is not None, TEXT_TYPES - {"file_ids"}),
        "max_length": (f.max_length is not None, TEXT_TYPES - {"file_ids"}),
        "min_items": (f.min_items is not None, LIST_TYPES),
        "max_items": (f.max_items is not None, LIST_TYPES),
        "min_date": (f.min_date is not None, {"date"}),
        "max_date": (f.max_date is not None, {"date"}),
        "choice": (bool(f.choices), CHOICE_TYPES),
    }
    for key, (given, types) in rules.items():
        if given and f.type not in types:
            out.append((key, f"does not apply to a {f.type} field"))
    if f.type in CHOICE_TYPES and len(f.choices) < 2:
        out.append(("choice", "a choice field needs at least two choices"))
    values = [c.value for c in f.choices]
    for v in sorted({v for v in values if values.count(v) > 1}):
        out.append(("choice", f"value {v!r} listed twice"))
    for i, c in enumerate(f.choices):
        if c.end and f.type != "choice":
            out.append((f"choice[{i}].end", "only a single choice can end the wizard"))
        if c.end_message and not c.end:
            out.append((f"choice[{i}].end_message", "needs end = true"))
    for lo, hi in (
        ("min_length", "max_length"),
        ("min_items", "max_items"),
        ("min_date", "max_date"),
    ):
        a, b = getattr(f, lo), getattr(f, hi)
        if a is not None and b is not None and a != "today" and b != "today" and a > b:
            out.append((lo, f"is greater than {hi}"))
    return out
