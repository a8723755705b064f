"""Every key binding of the interface, each with an id so the config file's [keys] can remap it.

Descriptions are English msgids. Textual reads `BINDINGS` once per class, so the translated
text is put in at run time by `localize_bindings`, which rebuilds a node's bindings from the
class originals whenever the language changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from app.core.i18n import N_, _

# The description is the footer's short label; the tooltip, when set, is the longer text of Help.
# Everywhere
QUIT = Binding("ctrl+q", "quit", N_("Quit"), id="kotae.quit", show=False, priority=True)
# Ctrl+C no longer quits in Textual; it tells the user which key does.
HELP_QUIT = Binding("ctrl+c", "help_quit", show=False, id="kotae.help_quit", system=True)
QUIT_Q = Binding(
    "q",
    "quit_q",
    N_("Quit"),
    tooltip=N_("Quit (in Browse, Requests and Help)"),
    id="kotae.quit_q",
    show=False,
)
PALETTE = Binding(
    "ctrl+p",
    "command_palette",
    N_("Commands"),
    tooltip=N_("Commands: jump to an entry, switch language or screen"),
    id="kotae.palette",
    show=False,
    priority=True,
)
COPY = Binding(
    "ctrl+y",
    "copy_answer",
    N_("Copy"),
    tooltip=N_("Copy the answer to the clipboard"),
    id="kotae.copy",
)
LANGUAGE = Binding(
    "f2",
    "toggle_language",
    N_("Language"),
    tooltip=N_("Switch the interface language"),
    id="kotae.language",
)
ANSWER_LANGUAGE = Binding(
    "f3",
    "cycle_answer_language",
    N_("Answers"),
    tooltip=N_("Answer language: auto, Japanese, English"),
    id="kotae.answer_lang",
)
# Ask
CLEAR = Binding(
    "ctrl+l", "clear", N_("Clear"), tooltip=N_("Clear the conversation"), id="kotae.clear"
)
FOCUS_INPUT = Binding(
    "escape",
    "focus_input",
    N_("Question"),
    tooltip=N_("Back to the question box"),
    id="kotae.focus_input",
    show=False,
)
HISTORY_PREV = Binding(
    "up", "history_prev", N_("Earlier question"), id="kotae.history_prev", show=False
)
HISTORY_NEXT = Binding(
    "down", "history_next", N_("Later question"), id="kotae.history_next", show=False
)
OPEN = Binding(
    "enter",
    "open",
    N_("Open"),
    tooltip=N_("Open the question under the cursor"),
    id="kotae.open",
    show=False,
)
# Browse and Help
BACK = Binding("escape", "back", N_("Back"), tooltip=N_("Back to Ask"), id="kotae.back")
BACK_UNSHOWN = replace(BACK, show=False)  # where the footer has no room for it
FILTER = Binding(
    "ctrl+f",
    "focus_filter",
    N_("Filter"),
    tooltip=N_("Type to filter the entries"),
    id="kotae.filter",
    show=False,
)
SIDE_BY_SIDE = Binding(
    "f4",
    "toggle_side_by_side",
    N_("Side by side"),
    tooltip=N_("Show the other language side by side"),
    id="kotae.side_by_side",
)
# The wizard: function keys never clash with typing; priority, as a text area binds f7 itself.
PREV_STEP = Binding(
    "f7",
    "previous_step",
    N_("Back"),
    tooltip=N_("Previous step"),
    id="kotae.wizard.back",
    priority=True,
)
NEXT_STEP = Binding(
    "f8",
    "next_step",
    N_("Next"),
    tooltip=N_("Next step (on the review: submit)"),
    id="kotae.wizard.next",
    priority=True,
)
LEAVE = Binding(
    "escape",
    "leave",
    N_("Leave"),
    tooltip=N_("Leave the form; the draft is kept"),
    id="kotae.wizard.leave",
)
# Requests
STATUS = Binding(
    "s", "change_status", N_("Status"), tooltip=N_("Change the status"), id="kotae.requests.status"
)
EXTEND = Binding(
    "e", "extend", N_("Extend"), tooltip=N_("Extend the due date"), id="kotae.requests.extend"
)
EXPORT = Binding(
    "x", "export", N_("Export"), tooltip=N_("Export to a file"), id="kotae.requests.export"
)
REVEAL = Binding(
    "r",
    "toggle_reveal",
    N_("Reveal"),
    tooltip=N_("Show or hide personal data"),
    id="kotae.requests.reveal",
)
FIND = Binding(
    "slash",
    "find",
    N_("Find"),
    tooltip=N_("Find a request by reference, e-mail, org ID or company"),
    id="kotae.requests.find",
    show=False,
)
OVERDUE = Binding(
    "o",
    "toggle_overdue",
    N_("Overdue"),
    tooltip=N_("Show overdue requests only"),
    id="kotae.requests.overdue",
    show=False,
)


@dataclass(frozen=True)
class KeyGroup:
    title: str  # msgid
    bindings: tuple[Binding, ...]


def screen_binding(
    name: str, key: str, title: str, tooltip: str = "", show: bool = True
) -> Binding:
    return Binding(
        key, f"show_screen('{name}')", title, show=show, tooltip=tooltip, id=f"kotae.screen.{name}"
    )


# Keys Help explains that are Textual's or a card line's own, not bindings of their own (no id:
# the config file cannot remap them).
NEXT_PART = Binding(
    "tab",
    "focus_next",
    N_("Next part"),
    tooltip=N_("Through an answer: its policy text, related questions, the Yes / No line"),
    show=False,
)
VOTE = Binding(
    "y,n",
    "vote",
    N_("Vote"),
    tooltip=N_("On the “Did this answer your question?” line: Yes or No"),
    show=False,
)


def help_groups(screen_bindings: tuple[Binding, ...]) -> tuple[KeyGroup, ...]:
    """The keys shown on the Help screen, grouped by where they work."""
    everywhere = (*screen_bindings, PALETTE, COPY, LANGUAGE, ANSWER_LANGUAGE, QUIT, QUIT_Q)
    return (
        KeyGroup(N_("Everywhere"), everywhere),
        KeyGroup(
            N_("Ask"), (CLEAR, HISTORY_PREV, HISTORY_NEXT, FOCUS_INPUT, NEXT_PART, OPEN, VOTE)
        ),
        KeyGroup(N_("Browse"), (FILTER, SIDE_BY_SIDE, BACK)),
        KeyGroup(N_("Request form"), (NEXT_STEP, PREV_STEP, LEAVE)),
        KeyGroup(N_("Requests"), (STATUS, EXTEND, EXPORT, REVEAL, OVERDUE, FIND, BACK)),
    )


def known_ids(screen_bindings: tuple[Binding, ...]) -> set[str]:
    shown = {b.id for group in help_groups(screen_bindings) for b in group.bindings if b.id}
    return shown | {str(HELP_QUIT.id)}


def effective_key(binding: Binding, keymap: dict[str, str]) -> str:
    """The key(s) the user actually presses, after the config file's remapping."""
    return keymap.get(binding.id or "", binding.key)


Describe = Callable[[Binding], str]


def translate(binding: Binding) -> str:
    return _(binding.description) if binding.description else ""


def explain(binding: Binding) -> str:
    """The longer text of Help: the tooltip if there is one, else the description."""
    return _(binding.tooltip) if binding.tooltip else translate(binding)


def localize_bindings(
    node: DOMNode, describe: Describe = translate, shown: Callable[[Binding], bool] | None = None
) -> None:
    """Rebuild the node's bindings from its class's English originals, translated now.

    `shown`, when given, decides which keys the footer shows (some only where there is room).
    """
    merged = type(node)._merged_bindings
    if merged is None:
        return
    keys = {
        key: [
            replace(
                b,
                description=describe(b),
                tooltip=_(b.tooltip) if b.tooltip else "",
                show=shown(b) if shown else b.show,
            )
            for b in bindings
        ]
        for key, bindings in merged.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)
