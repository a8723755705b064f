"""What an agent changes on the Requests screen: a status, the due date, an export.

The store enforces the status machine; these actions offer only the moves it allows and show
its refusal (IllegalTransition, ExtensionRefused, a version conflict) as an error if one still
comes back.
"""

from __future__ import annotations

from app.core import deadlines
from app.core.export import request_record, to_json, to_markdown, write_export
from app.core.i18n import _, current_language
from app.core.knowledge import KnowledgeError
from app.core.messages import KotaeError, format_day
from app.core.records import Request
from app.core.statuses import status_label
from app.tui.localized import kotae
from app.tui.screens.base import KotaeScreen
from app.tui.screens.dialogs import Export, Extension, StatusChange
from app.tui.screens.wizard import error_text


class RequestChanges(KotaeScreen):
    """The Requests screen's actions on the chosen request; the screen keeps the list."""

    requests: dict[str, Request]  # the requests listed, by reference
    selected: str | None  # the reference under the cursor

    def refresh_list(self) -> None:
        raise NotImplementedError  # the screen fills its list again after a change

    def _current(self) -> Request | None:
        request = self.requests.get(self.selected or "")
        if request is None:
            self.notify(_("Choose a request first."), severity="warning")
        return request

    def _current_open(self) -> Request | None:
        """The chosen request, if it is still open: a closed one changes no further."""
        request = self._current()
        if request is not None and request.closed:
            self.notify(
                _("{reference} is {status}, a closed status.").format(
                    reference=request.reference, status=status_label(request.status)
                ),
                severity="warning",
            )
            return None
        return request

    def action_change_status(self) -> None:
        request = self._current_open()
        if request is None:
            return

        def changed(choice: tuple[str, str | None, str] | None) -> None:
            if choice is None:
                return
            status, reason, note = choice
            store = kotae(self).services.store
            try:
                done = store.transition(
                    request.reference, status, note=note, reason=reason,
                    expected_version=request.version,
                )  # fmt: skip
            except KotaeError as exc:  # a Conflict says what the request is now
                self.notify(error_text(exc), severity="error")
                self.refresh_list()
                return
            self.notify(
                _("{reference} is now {status}.").format(
                    reference=done.reference, status=status_label(done.status)
                )
            )
            self.refresh_list()

        self.app.push_screen(StatusChange(request.reference, request.kind, request.status), changed)

    def action_extend(self) -> None:
        request = self._current_open()
        if request is None:
            return
        app = kotae(self)
        # Ask the rules first, with a stand-in reason: no reason is asked for in vain.
        try:
            regime = app.services.regime_for(request.regime)
            new_due = deadlines.extend(
                request.received_on, regime, request.extensions, "-", app.current_day()
            )
        except (KotaeError, KnowledgeError) as exc:
            self.notify(error_text(exc), severity="error")
            return

        def extended(reason: str | None) -> None:
            if reason is None:
                return
            services = kotae(self).services
            try:
                done = services.store.extend(
                    request.reference, reason=reason, regimes=services.regimes,
                    expected_version=request.version,
                )  # fmt: skip
            except (KotaeError, KnowledgeError) as exc:
                self.notify(error_text(exc), severity="error")
                self.refresh_list()
                return
            self.notify(
                _("{reference} is now due on {date}.").format(
                    reference=done.reference, date=format_day(done.due_on, current_language())
                )
            )
            self.refresh_list()

        self.app.push_screen(
            Extension(request.reference, format_day(new_due, current_language())), extended
        )

    def action_export(self) -> None:
        request = self._current()
        if request is None:
            return

        def chosen(choice: tuple[str, bool] | None) -> None:
            if choice is not None:
                self._export(request, *choice)

        self.app.push_screen(Export(request.reference), chosen)

    def _export(self, request: Request, fmt: str, include_pii: bool) -> None:
        app = kotae(self)
        services = app.services
        try:
            record = request_record(
                request,
                services.store.events(request.reference),
                services.workflow_or_none(request.kind),
                services.regimes,
                include_pii=include_pii,
            )
            text = to_markdown(record) if fmt == "markdown" else to_json(record) + "\n"
            name = f"{request.reference}.{'md' if fmt == 'markdown' else 'json'}"
            # Never the current directory: it may be a source checkout.
            folder = app.export_dir or services.store.data_dir / "exports"
            path = write_export(folder, name, text, include_pii)
            services.store.record_event(
                request.reference, "exported", note="include_pii" if include_pii else "redacted"
            )
        except (KotaeError, KnowledgeError, OSError) as exc:
            self.notify(_("Cannot export: {error}").format(error=error_text(exc)), severity="error")
            return
        self.notify(_("Exported to {path}").format(path=path))
        self.refresh_list()
