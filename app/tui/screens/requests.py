"""Requests: the deletion and DPA requests taken, filtered and found, with their deadlines and
the chosen one's detail. Status changes, extensions and exports are in request_changes.py."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select

from app.core.export import full_contact, request_record
from app.core.i18n import N_, _, current_language
from app.core.knowledge import KnowledgeError
from app.core.messages import KotaeError
from app.core.records import Request
from app.core.statuses import KINDS, all_statuses, status_label
from app.tui import keys
from app.tui.localized import kotae
from app.tui.screens.request_changes import RequestChanges
from app.tui.screens.wizard import error_text
from app.tui.widgets.request_detail import RequestDetail
from app.tui.widgets.request_table import (
    COLUMNS,
    KIND_SHORT,
    SCROLLBAR,
    cells,
    column_widths,
    fit_columns,
)
from app.tui.widgets.textual_text import LocalSelect

ALL = "*"
MINE, UNASSIGNED = "mine", "unassigned"
POLL_SECONDS = 3.0  # how soon changes made by other agents show
FIND_HINT = N_("Find: reference, e-mail, org ID, company (/)")


class RequestsScreen(RequestChanges):
    TITLE_MSGID = N_("Requests")
    ANSWERS = False
    AUTO_FOCUS = "#requests-table"
    BINDINGS: ClassVar = [
        keys.STATUS,
        keys.EXTEND,
        keys.EXPORT,
        keys.REVEAL,
        keys.OVERDUE,
        keys.FIND,
        keys.BACK_UNSHOWN,
    ]
    DEFAULT_CSS = """
    RequestsScreen {
        #requests-filters { height: auto; padding: 0 1; }
        #requests-filters Select { width: 1fr; max-width: 26; margin: 0 1 0 0; }
        #requests-filters #filter-holder { max-width: 17; }
        #filter-find { margin: 0 1; }
        #requests-filters Checkbox { width: auto; }
        #requests-table { height: auto; max-height: 45%; }
        #request-detail { border-top: hkey $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        # Personal data is shown for one request at a time, until the row or screen changes.
        self.revealed_for: str | None = None
        self.requests: dict[str, Request] = {}
        self.selected: str | None = None
        self._listed_for: tuple[str | None, str | None, str | None, bool, str] | None = None
        self._just_mounted = False

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="requests-filters"):
            yield LocalSelect(
                self._kind_options(), value=ALL, allow_blank=False, compact=True, id="filter-kind"
            )
            yield LocalSelect(
                self._status_options(None),
                value=ALL,
                allow_blank=False,
                compact=True,
                id="filter-status",
            )
            yield LocalSelect(
                self._holder_options(), value=ALL, allow_blank=False, compact=True,
                id="filter-holder",
            )  # fmt: skip
            yield Checkbox(_("Overdue only"), compact=True, id="filter-overdue")
        yield Input(placeholder=_(FIND_HINT), compact=True, id="filter-find")
        yield DataTable(id="requests-table", cursor_type="row", fixed_columns=1)
        yield RequestDetail(id="request-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_list())
        self.refresh_list()
        self.set_interval(POLL_SECONDS, self._poll)
        self._just_mounted = True

    def on_resize(self) -> None:
        self.refresh_list()  # the columns that fit change with the width

    @property
    def revealed(self) -> bool:
        return self.revealed_for is not None and self.revealed_for == self.selected

    def on_screen_suspend(self) -> None:
        self.revealed_for = None

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.table.focus()  # commands, not the find box, take the keys typed on arrival
        if self._just_mounted:  # the list was filled a moment ago
            self._just_mounted = False
            return
        self.refresh_list()  # a request may have been submitted meanwhile

    # Filters ----------------------------------------------------------------------------------

    def _kind_options(self) -> list[tuple[Text, str]]:
        return [(Text(_("All kinds")), ALL)] + [(Text(_(KIND_SHORT[k])), k) for k in KINDS]

    def _holder_options(self) -> list[tuple[Text, str]]:
        return [
            (Text(_("Everyone's")), ALL),
            (Text(_("Mine")), MINE),
            (Text(_("Unassigned")), UNASSIGNED),
        ]

    def _status_options(self, kind: str | None) -> list[tuple[Text, str]]:
        statuses = all_statuses(kind)
        return [(Text(_("All statuses")), ALL)] + [
            (Text(str(status_label(s))), s) for s in statuses
        ]

    def _filter(self, name: str) -> str | None:
        value = self.query_one(f"#filter-{name}", Select).value
        return None if value in (ALL, Select.NULL) else str(value)

    def _set_options(self, select: Select[str], options: list[tuple[Text, str]]) -> None:
        if isinstance(select, LocalSelect):
            select.replace_options(options)

    def _filters(self) -> tuple[str | None, str | None, str | None, bool, str]:
        overdue = self.query_one("#filter-overdue", Checkbox).value
        find = self.query_one("#filter-find", Input).value.strip()
        return self._filter("kind"), self._filter("status"), self._filter("holder"), overdue, find

    @on(Select.Changed, "#filter-kind")
    def _kind_changed(self) -> None:
        if self._filters() == self._listed_for:  # the Selects announce their first value
            return
        status = self.query_one("#filter-status", Select)
        self._set_options(status, self._status_options(self._filter("kind")))
        self.refresh_list()

    @on(Select.Changed, "#filter-status")
    @on(Select.Changed, "#filter-holder")
    @on(Checkbox.Changed, "#filter-overdue")
    @on(Input.Changed, "#filter-find")
    def _filter_changed(self) -> None:
        if self._filters() != self._listed_for:
            self.refresh_list()

    def action_toggle_overdue(self) -> None:
        self.query_one("#filter-overdue", Checkbox).toggle()

    def action_find(self) -> None:
        self.query_one("#filter-find", Input).focus()

    @on(Input.Submitted, "#filter-find")
    def _found(self) -> None:
        self.table.focus()

    # The list ---------------------------------------------------------------------------------

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#requests-table", DataTable)

    def _listed(self) -> list[Request]:
        store = kotae(self).services.store
        holder = self._filter("holder")
        found = store.list_requests(
            kind=self._filter("kind"),
            status=self._filter("status"),
            assignee=store.agent if holder == MINE else None,
            unassigned=holder == UNASSIGNED,
        )
        find = self.query_one("#filter-find", Input).value
        return [r for r in found if r.matches(find)]  # an empty text matches every request

    def _poll(self) -> None:
        """Show changes other agents made: refresh when any listed request differs."""
        if not self.is_current:
            return
        try:
            found = self._listed()
        except KotaeError:
            return  # the next poll retries; refresh_list reports errors
        if self.query_one("#filter-overdue", Checkbox).value:
            found = [r for r in found if r.is_overdue(kotae(self).current_day())]
        if {r.reference: r.version for r in found} != {
            ref: r.version for ref, r in self.requests.items()
        }:
            self.refresh_list()

    def refresh_list(self) -> None:
        app = kotae(self)
        today = app.current_day()
        try:
            found = self._listed()
        except KotaeError as exc:
            self.notify(error_text(exc), severity="error")
            found = []
        if self.query_one("#filter-overdue", Checkbox).value:
            found = [r for r in found if r.is_overdue(today)]
        found.sort(key=lambda r: r.work_order)  # the queue is worked by deadline
        self.requests = {r.reference: r for r in found}
        self._listed_for = self._filters()
        rows = [cells(r, today, self.app.theme_variables) for r in found]
        table = self.table
        keep = self.selected
        table.clear(columns=True)
        # Widths given up front: DataTable does not repaint after measuring a refill.
        widths = column_widths(rows)
        shown = fit_columns(widths, self.app.size.width - SCROLLBAR)
        for i in shown:
            key, title = COLUMNS[i]
            table.add_column(_(title), key=key, width=widths[i])
        for request, row in zip(found, rows, strict=True):
            table.add_row(*(row[i] for i in shown), key=request.reference)
        if keep in self.requests:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._show_detail(self._cursor_reference())

    def _cursor_reference(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    @on(DataTable.RowHighlighted, "#requests-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def select_reference(self, reference: str) -> None:
        """Put the cursor on a request, clearing the filters if they hide it."""
        if reference not in self.requests:
            self.query_one("#filter-kind", Select).value = ALL
            self.query_one("#filter-status", Select).value = ALL
            self.query_one("#filter-holder", Select).value = ALL
            self.query_one("#filter-overdue", Checkbox).value = False
            self.query_one("#filter-find", Input).value = ""
            self.selected = reference
            self.refresh_list()
        if reference in self.requests:
            self.table.move_cursor(row=self.table.get_row_index(reference), animate=False)
            self._show_detail(reference)
        self.table.focus()

    # The detail -------------------------------------------------------------------------------

    def _show_detail(self, reference: str | None) -> None:
        self.selected = reference
        if reference != self.revealed_for:
            self.revealed_for = None
        detail = self.query_one(RequestDetail)
        request = self.requests.get(reference or "")
        if request is None:
            detail.show_empty(
                _("No requests match the filters.")
                if self._filters_on()
                else _("No requests yet. A form submitted from an answer appears here.")
            )
            return
        app = kotae(self)
        try:
            events = app.services.store.events(request.reference)
            record = request_record(
                request,
                events,
                app.services.workflow_or_none(request.kind),
                app.services.regimes,
                include_pii=self.revealed,
                lang=current_language(),
            )
        except (KotaeError, KnowledgeError) as exc:
            detail.show_empty(error_text(exc))
            return
        detail.show(
            request,
            record,
            events,
            contact=self._contact(request),
            today=app.current_day(),
            revealed=self.revealed,
            reveal_key=app.key_label(keys.REVEAL),
        )

    def _contact(self, request: Request) -> str:
        """The masked contact; the full one (from the answers) while personal data is shown."""
        if self.revealed:
            workflow = kotae(self).services.workflow_or_none(request.kind)
            return full_contact(request, workflow) or "—"
        return request.contact or "—"

    def _filters_on(self) -> bool:
        return any(self._filters())

    def action_toggle_reveal(self) -> None:
        if self.revealed or self.selected not in self.requests:
            self.revealed_for = None
        else:
            try:  # who saw whose personal data, and when, is in the request's history
                kotae(self).services.store.record_event(self.selected or "", "viewed")
            except KotaeError as exc:
                self.notify(error_text(exc), severity="error")
                return
            self.revealed_for = self.selected
        self._show_detail(self.selected)

    def localize(self) -> None:
        self._localize_chrome()
        self._set_options(self.query_one("#filter-kind", Select), self._kind_options())
        self._set_options(
            self.query_one("#filter-status", Select), self._status_options(self._filter("kind"))
        )
        self._set_options(self.query_one("#filter-holder", Select), self._holder_options())
        self.query_one("#filter-overdue", Checkbox).label = _("Overdue only")
        self.query_one("#filter-find", Input).placeholder = _(FIND_HINT)
        self.refresh_list()

    def action_back(self) -> None:
        # From the find box or a filter, Esc goes back to the list: a key typed next is then a
        # command (s, e, o …), not text in the question box of another screen.
        focused = self.focused
        in_filters = self.query_one("#requests-filters").has_focus_within
        if focused is not None and (in_filters or focused.id == "filter-find"):
            self.table.focus()
            return
        kotae(self).action_show_screen("ask")
