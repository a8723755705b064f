"""The rows of the Requests table, and which of its columns fit the terminal's width."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rich.cells import cell_len
from rich.text import Text

from app.core.i18n import N_, _, current_language
from app.core.messages import format_day
from app.core.records import Request
from app.core.statuses import status_label
from app.tui.services import due_soon

KIND_SHORT = {"deletion": N_("deletion"), "dpa": N_("DPA")}
COLUMNS = (
    ("ref", N_("Reference")),
    ("kind", N_("Kind")),
    ("status", N_("Status")),
    ("due", N_("Due")),
    ("requester", N_("Requester")),
    ("received", N_("Received")),
    ("assignee", N_("Assignee")),
)
# Left out, in this order, when the table is wider than the screen: the reference already says
# the kind (DEL- / DPA-), and the detail pane below shows the received date and the assignee.
DROP_ORDER = ("kind", "received", "assignee")
PADDING = 2  # a DataTable cell has one column of padding on each side
SCROLLBAR = 2


def cells(request: Request, today: date, colors: Mapping[str, str]) -> list[Text]:
    """One cell per column of COLUMNS; overdue rows in the error colour, due soon in warning."""
    lang = current_language()
    style = ""
    due = format_day(request.due_on, lang)
    if request.is_overdue(today):
        style = f"bold {colors.get('text-error', 'red')}"
        due += " !"
    elif not request.closed and due_soon(request.due_on, today):
        style = colors.get("text-warning", "yellow")
    values = [
        request.reference,
        _(KIND_SHORT[request.kind]),
        str(status_label(request.status)),
        due,
        request.contact or "—",
        format_day(request.received_on, lang),
        request.assignee or "—",
    ]
    return [Text(v, style=style) for v in values]


def column_widths(rows: list[list[Text]]) -> list[int]:
    """Each column's width: its title's or its widest cell's."""
    return [
        max([cell_len(_(title)), *(row[i].cell_len for row in rows)])
        for i, (_key, title) in enumerate(COLUMNS)
    ]


def fit_columns(widths: list[int], available: int) -> list[int]:
    """Indexes of the columns to show: all that fit in `available` cells, dropping DROP_ORDER's
    first. The reference and the status always stay."""
    shown = list(range(len(COLUMNS)))
    keys = [key for key, _title in COLUMNS]
    for key in DROP_ORDER:
        if sum(widths[i] + PADDING for i in shown) <= available:
            break
        shown.remove(keys.index(key))
    return shown
