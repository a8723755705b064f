"""What a saved draft is, in a line or two: whose it is and how far it got. An agent switching
between customers must not resume someone else's request by mistake."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.i18n import _
from app.core.privacy import mask_email
from app.core.workflow.engine import WizardSession, Workflow
from app.core.workflow.progress import count_may_change


def draft_details(workflow: Workflow, draft: dict[str, Any], today: date, lang: str) -> list[str]:
    """The draft's contact (masked) and the step it stopped at; nothing for an unreadable one."""
    try:
        session = WizardSession.from_dict(workflow, draft, today=today)
    except (KeyError, TypeError, ValueError):
        return []
    lines = []
    field = workflow.definition.contact_field
    contact = session.value(field) if field else None
    if isinstance(contact, str) and contact.strip():
        lines.append(_("Contact: {contact}").format(contact=mask_email(contact)))
    step = session.current_step
    if step is not None and step in session.visible_steps:
        n, total = session.step_number
        stopped = (
            _("Stopped at step {n} of ~{total}: {step}")
            if count_may_change(session, step)
            else _("Stopped at step {n} of {total}: {step}")
        )
        lines.append(stopped.format(n=n, total=total, step=step.title.get(lang)))
    return lines
