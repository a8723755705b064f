"""An answers file to fill in for `kotae requests new KIND --answers FILE.toml`.

Printed by `kotae requests template KIND`: every field of the workflow in form order, with its
label, whether it is required, the TOML type and the values it takes, in the chosen language.
The same descriptions of the expected value end the error lines of a refused answers file.
"""

from __future__ import annotations

import json
import textwrap

from app.core.i18n import N_, gettext_for
from app.core.workflow.engine import Workflow
from app.core.workflow.schema import FieldDef, Step

WIDTH = 96
EXPECTED = {
    "text": N_("a string on one line"),
    "long_text": N_('a string; several lines allowed ("""…""")'),
    "email": N_('a string: an email address such as "name@example.com"'),
    "org_id": N_('a string: an organisation ID such as "org-AbC123"'),
    "file_ids": N_('a list of strings: file IDs such as ["file-abc123"]'),
    "choice": N_("one string of: {values}"),
    "multi_choice": N_("a list of strings from: {values}"),
    "country": N_('a string: a country code such as "JP" or "DE"'),
    "date": N_("a date YYYY-MM-DD (a TOML date or a string)"),
    "confirm": N_("true or false (true confirms)"),
}
EMPTY = {"file_ids": "[]", "multi_choice": "[]", "confirm": "false"}


def expected_value(f: FieldDef, lang: str) -> str:
    """What an answers file must give for this field: the TOML type and its allowed values."""
    values = ", ".join(json.dumps(c.value) for c in f.choices)
    return gettext_for(lang, EXPECTED.get(f.type, EXPECTED["text"])).format(values=values)


def answers_template(workflow: Workflow, lang: str) -> str:
    """A commented TOML answers file for `workflow`: valid TOML as printed, refused until filled."""
    t = lambda msgid: gettext_for(lang, msgid)  # noqa: E731
    lines = [
        f"# {workflow.title(lang)}",
        *_comment(
            t(
                N_(
                    "Answers file for: kotae requests new {kind} --answers FILE.toml. "
                    "Replace each empty value of a required key. Optional keys, and keys "
                    "asked only after some answers, are commented out: remove the '#' to "
                    "give one."
                )
            ).format(kind=workflow.kind)
        ),
    ]
    for number, step in enumerate(workflow.steps, 1):
        if not step.fields:
            continue
        lines += ["", f"# ── {number}. {step.title.get(lang)} ──"]
        condition = _condition(step, lang)
        if condition:
            lines += _comment(condition)
        for f in step.fields:
            lines += _field(workflow, f, lang, optional=bool(condition))
    return "\n".join(lines) + "\n"


def _field(workflow: Workflow, f: FieldDef, lang: str, optional: bool) -> list[str]:
    required = gettext_for(lang, N_("required") if f.required else N_("optional"))
    label = f.label.get(lang)
    # A label may say it already ("Trading name (optional)", 「通称（任意）」): not twice.
    said = f"({required})" in label or f"（{required}）" in label
    out = ["", f"# {label}" if said else f"# {label} ({required})"]
    if f.help.get(lang):
        out += _comment(f.help.get(lang))
    if f.type == "country":
        out += _comment(expected_value(f, lang))
        out += _items([f"{c.code} {c.label(lang)}" for c in workflow.countries.values()])
    elif f.choices:
        out += _comment(expected_value(f, lang))
        width = max(len(json.dumps(c.value)) for c in f.choices)
        out += [f"#   {json.dumps(c.value):<{width}}  {c.label.get(lang)}" for c in f.choices]
    else:
        out += _comment(expected_value(f, lang))
    line = f"{f.id} = " + EMPTY.get(f.type, '""')
    out.append(f"# {line}" if optional or not f.required else line)
    return out


def _condition(step: Step, lang: str) -> str:
    if not step.when:
        return ""
    parts = [f"{c.field} {c.op} {json.dumps(c.value)}" for c in step.when]
    return gettext_for(lang, N_("Asked only when {condition}.")).format(
        condition=" and ".join(parts)
    )


def _items(items: list[str]) -> list[str]:
    # Wrapped between items, so a code never leaves its name.
    lines, line = [], "#"
    for item in items:
        if len(line) + len(item) + 2 > WIDTH and line != "#":
            lines.append(line.rstrip(","))
            line = "#"
        line += f" {item},"
    return [*lines, line.rstrip(",")]


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text, WIDTH - 2)] or ["#"]
