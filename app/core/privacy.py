"""Hiding personal data in lists, exports and anything that might reach a log."""

from __future__ import annotations

from app.core.i18n import N_

REDACTED = N_("[redacted]")


def mask_email(email: str) -> str:
    """`taro@example.com` -> `t***@example.com`; anything else -> `***`."""
    local, at, domain = email.strip().partition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"
