"""Wizard texts must not state the policy in their own words.

A help text or an end message that gives a day count, names a law or claims that data is kept or
deleted is exactly where a paraphrase drifts from the policy (a dropped "unless the law requires
otherwise", "low-risk" for 「悪用の可能性が低い」). Such statements come from a knowledge entry
instead: `explain = "policy.…"` shows its answer and verbatim quote beside the step, and
`from_entry = "policy.…"` appends its answer to the help text or the end message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.core.knowledge import Problem
from app.core.messages import Localized
from app.core.workflow.schema import Definition

DAY_COUNT = (
    r"\d+\s*(?:営業日|日|か月|ヶ月|カ月|週間|年"
    r"|(?:business |calendar )?days?\b|months?\b|weeks?\b|years?\b)"
)
LAW = (
    r"法律|法令|法的|法定|個人情報保護法|規則|\blaws?\b|\blegal(?:ly)?\b|\bregulations?\b"
    r"|\bGDPR\b|\bCCPA\b|\bCPRA\b|\bAPPI\b|\bHIPAA\b"
)
RETENTION = (
    r"保持|保存され|保管|残ります|削除され|消去され|自動で削除|必要はありません"
    r"|\bretain(?:s|ed)?\b|\bretention\b|\bkept\b|\bstored\b|\bstays?\b|\bdeleted\b"
    r"|\berased\b|\bpurged\b|nothing to ask"
)
POLICY_CLAIM = re.compile(f"{DAY_COUNT}|{LAW}|{RETENTION}", re.IGNORECASE)
ADVICE = (
    "states policy in the wizard's own words ({found!r}); show it from a knowledge entry "
    'instead: explain = "policy.…" beside the step, or from_entry = "policy.…"'
)


def wording_problems(d: Definition) -> Iterator[Problem]:
    """Help texts and end messages that give a day count, a law or a retention claim."""
    for step in d.steps:
        yield from _check(d.file, step.id, "{lang}.help", step.help)
        for f in step.fields:
            name = f"{step.id}/{f.id}"
            yield from _check(d.file, name, "{lang}.help", f.help)
            for i, c in enumerate(f.choices):
                if c.end_message:
                    yield from _check(
                        d.file, name, f"choice[{i}].end_message.{{lang}}", c.end_message
                    )


def _check(file: str, where: str, key: str, text: Localized) -> Iterator[Problem]:
    for lang in ("ja", "en"):
        found = POLICY_CLAIM.search(text.get(lang))
        if found:
            yield Problem(file, where, key.format(lang=lang), ADVICE.format(found=found.group()))


def entry_references(d: Definition) -> Iterator[tuple[str, str, str]]:
    """(where, key, entry id) of every entry a definition shows: explain and from_entry."""
    for step in d.steps:
        for key in ("explain", "from_entry"):
            for eid in getattr(step, key):
                yield step.id, key, eid
        for f in step.fields:
            for i, c in enumerate(f.choices):
                for eid in c.end_from_entry:
                    yield f"{step.id}/{f.id}", f"choice[{i}].end_message.from_entry", eid
