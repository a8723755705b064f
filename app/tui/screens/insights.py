"""Insights: what people asked that Kotae could not answer, and adding it as an example.

Pick a logged question, check the entry (the group's closest is filled in), press Enter: the
entry's TOML file gets the question as an example, `kotae check` runs on it, and the knowledge
base and index are reloaded. Only a folder named with --knowledge is edited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from app.core.i18n import N_, _, current_language
from app.core.knowledge import load_knowledge
from app.core.knowledge_edit import EditRefused, add_example
from app.core.paths import knowledge_dir
from app.tui import keys
from app.tui.localized import kotae
from app.tui.screens.base import KotaeScreen
from app.tui.screens.dialogs import ConfirmExample
from app.tui.text import plain, safe
from app.tui.widgets.feedback import _with_store
from app.tui.widgets.prose import Prose

SINCE = timedelta(days=7)


class InsightsScreen(KotaeScreen):
    TITLE_MSGID = N_("Insights")
    ANSWERS = False
    AUTO_FOCUS = "#insights-questions"  # Enter on a question, then Enter in the entry box
    BINDINGS = [keys.BACK]
    DEFAULT_CSS = """
    InsightsScreen {
        #insights { padding: 0 2; }
        .insights-heading { text-style: bold; color: $text-primary; margin: 1 0 0 0; }
        .insights-text { margin: 0 0 0 2; }
        #insights-questions { height: auto; max-height: 20; margin: 0 0 0 2; }
        #insights-entry { margin: 0 0 0 2; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.closest: dict[str, str] = {}  # option id -> closest entry of its group
        self.texts: dict[str, str] = {}  # option id -> masked question
        self.langs: dict[str, str] = {}
        self.shown_before = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="insights"):
            yield from self._sections()

    def _sections(self) -> ComposeResult:
        from app.core import insights
        from app.store.questions import questions, votes

        app = kotae(self)
        since = datetime.now(UTC) - SINCE
        loaded = _with_store(self, lambda con: (questions(con, since), votes(con, since)))
        logged, tally = loaded or ([], [])
        report = insights.build(app.matcher, logged, tally)
        by_id = {q.id: q for q in logged}
        yield Prose(
            _("Unanswered questions of the last 7 days, grouped (largest first)"),
            classes="insights-heading",
        )
        options: list[Option | None] = []
        for g in report.groups:
            closest = g.closest or g.topic or ""
            head = f"[{g.count}] " + (
                _("closest entry: {id} ({score:.2f})").format(id=g.closest, score=g.closest_score)
                if g.closest
                else _("no entry is close")
            )
            if g.topic:
                head += "; " + _("out of scope: {topic}").format(topic=g.topic)
            options.append(Option(plain(head, "bold"), disabled=True))
            for qid, text in g.examples:
                key = str(qid)
                self.closest[key], self.texts[key] = closest, text
                self.langs[key] = by_id[qid].lang if qid in by_id else ""
                options.append(Option(plain("  " + safe(text)), id=key))  # never markup
        if options:
            yield OptionList(*options, id="insights-questions")
            yield Input(
                placeholder=_("Entry or out-of-scope topic id to add the question to (Enter)"),
                id="insights-entry",
            )
        else:
            yield Prose(_("none"), classes="insights-text")
        yield Prose(_('Entries with the most "no" votes'), classes="insights-heading")
        shown = [v for v in report.votes if v.no][:10]
        lines = [
            _("{id}: no {no}, yes {yes}").format(id=v.entry_id, no=v.no, yes=v.yes) for v in shown
        ]
        yield Prose("\n".join(lines) or _("none"), classes="insights-text")
        yield Prose(_("Answered with low confidence"), classes="insights-heading")
        low = [
            f"{q.confidence:.2f} {q.answer_id}  {q.question}" for q in report.low_confidence[:10]
        ]
        empty = _(insights.low_confidence_none(app.config.log_mode()))
        yield Prose("\n".join(low) or empty, classes="insights-text")

    def localize(self) -> None:
        super().localize()
        self._reload()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.shown_before:
            self._reload()  # questions asked since it was last shown
        self.shown_before = True

    def _reload(self) -> None:
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        body = self.query_one("#insights", VerticalScroll)
        await body.remove_children()
        await body.mount_all(list(self._sections()))
        for found in self.query("#insights-questions"):
            found.focus()

    def action_back(self) -> None:
        kotae(self).action_show_screen("ask")

    @on(OptionList.OptionHighlighted, "#insights-questions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id or ""
        self.query_one("#insights-entry", Input).value = self.closest.get(key, "")

    @on(OptionList.OptionSelected, "#insights-questions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#insights-entry", Input).focus()

    @on(Input.Submitted, "#insights-entry")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.query_one("#insights-questions", OptionList).highlighted_option
        entry_id = event.value.strip()
        if option is None or not option.id or not entry_id:
            self.notify(_("Pick a question and name an entry."), severity="warning")
            return
        key = option.id
        kb = kotae(self).kb
        found = kb.entries.get(entry_id) or kb.out_of_scope.get(entry_id)
        target = f"{entry_id} — {found.text(current_language()).title}" if found else entry_id

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._add_example(key, entry_id)

        self.app.push_screen(ConfirmExample(self.texts[key], target), confirmed)

    def _add_example(self, key: str, entry_id: str) -> None:
        app = kotae(self)
        root = app.kb.root.resolve()
        lang = self.langs.get(key) if self.langs.get(key) in ("ja", "en") else None
        try:
            # The shipped folder (not named with --knowledge) is refused like the package copy.
            named = None if root == knowledge_dir().resolve() else root
            path = add_example(named, entry_id, lang or "en", self.texts[key])
        except EditRefused as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        from app.store.questions import delete_question

        _with_store(self, lambda con: delete_question(con, int(key)))
        # The new example takes effect at once: reload the knowledge and rebuild the index.
        kb = load_knowledge(root)
        app.kb = app.services.kb = kb
        app.__dict__.pop("matcher", None)
        self.notify(_("Added to {file}; the index is rebuilt.").format(file=path.name))
        self._reload()
