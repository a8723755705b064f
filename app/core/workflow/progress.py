"""How far along a wizard is: "step 2 of 7", or "step 2 of ~7" while the count may still change."""

from __future__ import annotations

from app.core.workflow.engine import Step, WizardSession


def count_may_change(session: WizardSession, step: Step) -> bool:
    """Whether a later step's showing depends on an answer not yet settled (this step's or
    a later one's): then the number of steps is an estimate ("step 2 of ~7")."""
    steps = list(session.workflow.steps)
    if step not in steps:
        return False
    here = steps.index(step)
    asked_on = {f.id: i for i, s in enumerate(steps) for f in s.fields}
    return any(
        asked_on.get(condition.field, -1) >= here
        for later in steps[here + 1 :]
        for condition in later.when
    )
