"""The Kotae terminal app: screens, language, copy; every answer comes from app.core."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.theme import ThemeProvider

from app.core import deadlines
from app.core.answers import answer_language
from app.core.config import Config
from app.core.i18n import N_, _, choose_language, set_language
from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher
from app.tui import keys, memory
from app.tui.commands import EntryCommands
from app.tui.messages import OpenTopic, StartWorkflow
from app.tui.screens import HOME, SCREENS, modes, screen_bindings, spec
from app.tui.services import Services
from app.tui.text import LANGUAGE_NAMES, answer_lang_label
from app.tui.widgets.textual_text import THEME_PLACEHOLDER, LocalCommandPalette

if TYPE_CHECKING:
    from app.tui.screens.wizard import WizardScreen

ANSWER_PINS = ("auto", "ja", "en")
PRELOAD_AFTER = 1.0  # seconds after start
WORKFLOWS = {"deletion": N_("Start a deletion request"), "dpa": N_("Start a DPA request")}


class KotaeApp(App[int]):
    TITLE = "Kotae"
    MODES: ClassVar = modes()
    BINDINGS: ClassVar = [
        keys.QUIT,
        keys.HELP_QUIT,
        keys.QUIT_Q,
        keys.PALETTE,
        keys.COPY,
        keys.LANGUAGE,
        keys.ANSWER_LANGUAGE,
        *screen_bindings(),
    ]
    COMMANDS: ClassVar = App.COMMANDS | {EntryCommands}
    blink_cursor = True  # tests switch it off so snapshots are stable
    today: date | None = None  # the day deadlines are judged against; tests fix it
    export_dir: Path | None = None  # where exports are written; None: <data dir>/exports

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        lang: str,
        config: Config | None = None,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.kb = kb
        self.config = config or Config()
        self.data_dir = data_dir
        self.services = Services(kb, data_dir, self.config)
        self.wizard: WizardScreen | None = None  # the open request form, if any
        self.lang = lang if lang in LANGUAGE_NAMES else "en"
        self.answer_pin = (
            self.config.answer_lang if self.config.answer_lang in ANSWER_PINS else "auto"
        )
        self.keymap = dict(self.config.keys)
        set_language(self.lang)
        self._footer_width = 0  # the width the footer's keys were chosen for
        keys.localize_bindings(self, self.describe_binding, self.in_footer)
        if self.keymap:
            self.set_keymap(self.keymap)

    @cached_property
    def matcher(self) -> Matcher:
        # Built on first use, so the first screen paints before the examples are indexed.
        return Matcher(self.kb)

    def current_day(self) -> date:
        return self.today or deadlines.today()

    def on_mount(self) -> None:
        theme = self.config.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.notify(
                _("The config file names an unknown theme: {name}").format(name=theme),
                severity="warning",
            )
        self.switch_mode(HOME)
        # The other screens' modules load once Ask is up, so their first open is quicker.
        self.set_timer(PRELOAD_AFTER, self._preload)

    def _preload(self) -> None:
        for screen_spec in SCREENS:
            import_module(screen_spec.target.split(":")[0])
        import_module("app.tui.screens.wizard")
        _ = self.matcher  # ready before the first question is sent
        self.services.open_local_store()  # Requests opens without waiting for the disk
        memory.freeze_startup()

    # Language -----------------------------------------------------------------------------

    def language_state(self) -> tuple[str, str]:
        return self.lang, self.answer_pin

    def answer_lang_for(self, question_lang: str) -> str:
        return answer_language(question_lang, self.answer_pin)

    def describe_binding(self, binding: Binding) -> str:
        if binding.id == keys.LANGUAGE.id:
            return LANGUAGE_NAMES["en" if self.lang == "ja" else "ja"]
        if binding.id == keys.ANSWER_LANGUAGE.id:
            return _("Answers: {lang}").format(lang=answer_lang_label(self.answer_pin))
        return keys.translate(binding)

    def in_footer(self, binding: Binding) -> bool:
        """Whether the footer shows the key; some only where the footer has room."""
        for screen_spec in SCREENS:
            if binding.id == screen_spec.binding().id and screen_spec.footer_from:
                return screen_spec.in_footer and self._footer_width >= screen_spec.footer_from
        return binding.show

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width  # self.size may still be the old one here
        wide = {s.name for s in SCREENS if s.footer_from and width >= s.footer_from}
        was = {s.name for s in SCREENS if s.footer_from and self._footer_width >= s.footer_from}
        self._footer_width = width
        if wide != was:
            keys.localize_bindings(self, self.describe_binding, self.in_footer)
            self.screen.refresh_bindings()

    def key_label(self, binding: Binding) -> str:
        """How the key (after the config file's remapping) is written in Help."""
        effective = keys.effective_key(binding, self.keymap)
        return " / ".join(
            self.get_key_display(Binding(k.strip(), binding.action)) for k in effective.split(",")
        )

    def screen_binding(self, name: str) -> Binding:
        screen_spec = spec(name)
        assert screen_spec is not None, name
        return screen_spec.binding()

    def set_interface_language(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGE_NAMES else "en"
        set_language(self.lang)
        self._relocalize()
        self.notify(_("Interface language: {name}").format(name=LANGUAGE_NAMES[self.lang]))

    def set_answer_pin(self, pin: str) -> None:
        self.answer_pin = pin if pin in ANSWER_PINS else "auto"
        self._relocalize()
        self.notify(_("Answers: {lang}").format(lang=answer_lang_label(self.answer_pin)))

    def _relocalize(self) -> None:
        keys.localize_bindings(self, self.describe_binding, self.in_footer)
        # The screen under an open command palette catches up when it is shown again.
        localize = getattr(self.screen, "localize", None)
        if localize is not None:
            localize()
        self.screen.refresh_bindings()

    def action_toggle_language(self) -> None:
        self.set_interface_language("en" if self.lang == "ja" else "ja")

    def action_cycle_answer_language(self) -> None:
        pin = ANSWER_PINS[(ANSWER_PINS.index(self.answer_pin) + 1) % len(ANSWER_PINS)]
        self.set_answer_pin(pin)

    # Screens ------------------------------------------------------------------------------

    def action_show_screen(self, name: str) -> None:
        if spec(name) is None:
            return
        wizard = self.wizard
        if wizard is not None and self.screen is wizard and wizard.done:
            # Leaving a receipt (or a form the person chose to stop) by a screen key: the form
            # is over, so Ask shows Ask again, not the old receipt.
            self.pop_screen()
        self.switch_mode(name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer hides the key of the screen already on show, and the answer keys where
        # no answer is shown.
        if action == "copy_answer":
            return getattr(self.screen, "can_copy", lambda: True)()
        if action == "cycle_answer_language":
            return getattr(self.screen, "ANSWERS", True)
        on_show = bool(parameters) and parameters[0] == self.current_mode
        return not (action == "show_screen" and on_show)

    async def open_entry(self, entry_id: str) -> None:
        """Show one entry in Browse (used by the command palette)."""
        await self.switch_mode("browse")
        open_entry = getattr(self.screen, "open_entry", None)
        if open_entry is not None:
            open_entry(entry_id)

    def on_open_topic(self, message: OpenTopic) -> None:
        self.call_later(self._open_topic, message.topic)

    async def _open_topic(self, topic: str) -> None:
        await self.switch_mode("browse")
        open_topic = getattr(self.screen, "open_topic", None)
        if open_topic is not None:
            open_topic(topic)

    # Copy and requests --------------------------------------------------------------------

    def action_copy_answer(self) -> None:
        clip = getattr(self.screen, "to_copy", lambda: None)()
        if clip is None:
            self.notify(_("There is no answer to copy yet."), severity="warning")
            return
        if not clip.text:
            self.notify(clip.what, severity="warning", markup=False)
            return
        message, severity = self.copy_out(clip.text, clip.what, LANGUAGE_NAMES[clip.lang])
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    def copy_out(self, text: str, what: str, language: str) -> tuple[str, str]:
        """Copy the text and say truthfully where it went: (message, severity)."""
        from app.store.sqlite import default_data_dir
        from app.tui import clipboard

        done = clipboard.copy(text, default_data_dir(self.data_dir))
        # OSC 52 as well: over ssh the program's clipboard is the remote one, the terminal's is not.
        self.copy_to_clipboard(text)
        if done.tool and done.path:
            msg = _("Copied {what} ({language}) with {tool}; it is also in {path}")
        elif done.tool:
            msg = _("Copied {what} ({language}) with {tool}.")
        elif done.path:
            msg = _(
                "Sent {what} ({language}) to the terminal; if your terminal ignores it, "
                "the text is in {path}"
            )
        else:
            msg = _("Sent {what} ({language}) to the terminal; no file could be written.")
        severity = "information" if done.tool or done.path else "warning"
        return msg.format(what=what, language=language, tool=done.tool, path=done.path), severity

    def on_start_workflow(self, message: StartWorkflow) -> None:
        self.start_workflow(message.workflow_name, message.entry_id)

    def start_workflow(self, workflow_name: str, entry_id: str = "") -> None:
        """Open the request form (from an answer card or the palette), over Ask."""
        from app.tui.screens.wizard import open_wizard

        self.call_later(open_wizard, self, workflow_name)

    async def show_request(self, reference: str) -> None:
        """Leave the form and show one request in the Requests screen."""
        if self.wizard is not None and self.screen is self.wizard:
            await self.pop_screen()
        await self.switch_mode("requests")
        select = getattr(self.screen, "select_reference", None)
        if select is not None:
            select(reference)

    def on_unmount(self) -> None:
        self.services.close()
        memory.unfreeze()

    # Textual's own English strings --------------------------------------------------------

    def action_quit_q(self) -> None:
        # q quits only where nothing is being read or filled in: not from Ask (its
        # conversation), the request form or a dialog, where a stray q would lose work.
        from app.tui.screens.ask import AskScreen
        from app.tui.screens.wizard import WizardScreen

        if isinstance(self.screen, (AskScreen, WizardScreen, ModalScreen)):
            self.action_help_quit()
            return
        self.exit()

    def action_help_quit(self) -> None:
        self.notify(_("Press {key} to quit.").format(key=self.key_label(keys.QUIT)))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _("Type a command or a question title…")
            self.push_screen(LocalCommandPalette(placeholder=placeholder, id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(
            LocalCommandPalette(providers=[ThemeProvider], placeholder=_(THEME_PLACEHOLDER))
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        other = "en" if self.lang == "ja" else "ja"
        yield SystemCommand(
            _("Interface language: {name}").format(name=LANGUAGE_NAMES[other]),
            _("Switch every label, key and message to {name}").format(name=LANGUAGE_NAMES[other]),
            self.action_toggle_language,
        )
        for pin in ANSWER_PINS:
            if pin != self.answer_pin:
                yield SystemCommand(
                    _("Answers: {lang}").format(lang=answer_lang_label(pin)),
                    _("Language of the answers (auto follows the question)"),
                    lambda pin=pin: self.set_answer_pin(pin),
                )
        for screen_spec in SCREENS:
            yield SystemCommand(
                _("Go to {screen}").format(screen=_(screen_spec.title)),
                _(screen_spec.tooltip),
                lambda name=screen_spec.name: self.action_show_screen(name),
            )
        for name, title in WORKFLOWS.items():
            yield SystemCommand(
                _(title),
                _("Open the form; a saved draft can be resumed"),
                lambda name=name: self.start_workflow(name),
            )
        yield SystemCommand(
            _("Copy the answer"), _("Copy the answer to the clipboard"), self.action_copy_answer
        )
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        yield SystemCommand(_("Quit"), _("Quit Kotae"), self.exit)


def run_tui(
    kb: KnowledgeBase, lang: str | None, config: Config, data_dir: Path | None = None
) -> int:
    """Run the interface until the user quits; 2 when the config file names unknown keys."""
    known = keys.known_ids(screen_bindings())
    unknown = sorted(set(config.keys) - known)
    if unknown:
        where = config.path or "config.toml"
        print(
            f"{where}: keys.{unknown[0]}: unknown key binding id "
            f"(known ids: {', '.join(sorted(known))})",
            file=sys.stderr,
        )
        return 2
    app = KotaeApp(kb, lang=choose_language(lang, config.lang), config=config, data_dir=data_dir)
    app.run()
    return app.return_code or 0
