"""Copying text where a person can paste it, and saying truthfully where it went.

A clipboard program (wl-copy, xclip, xsel, pbcopy) is used when one is installed and its display
is there; otherwise the caller sends the text to the terminal (OSC 52), which many terminals and
tmux's default setting ignore. Either way the text is written to a file in the data directory,
so it is never lost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.files import write_atomic

FILE_NAME = "clipboard.txt"
TIMEOUT = 2.0  # seconds; a clipboard program that hangs must not freeze the interface

# (program, arguments, environment variable that must be set for it to reach a clipboard)
TOOLS: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("wl-copy", (), "WAYLAND_DISPLAY"),
    ("xclip", ("-selection", "clipboard"), "DISPLAY"),
    ("xsel", ("--clipboard", "--input"), "DISPLAY"),
    ("pbcopy", (), None),
)


@dataclass(frozen=True)
class Copied:
    tool: str | None  # the program that took the text; None: it is left to the terminal
    path: Path | None  # the file holding the text; None when it could not be written


def find_tools(env: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """The clipboard programs that can work here, best first, as (name, command)."""
    found = []
    for name, args, needs in TOOLS:
        if needs is not None and not env.get(needs):
            continue
        program = shutil.which(name, path=env.get("PATH", ""))
        if program:
            found.append((name, [program, *args]))
    return found


def run_tool(command: list[str], text: str, env: Mapping[str, str]) -> bool:
    try:
        done = subprocess.run(
            command,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT,
            env=dict(env),
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def save(text: str, folder: Path) -> Path | None:
    """Write the text to folder/clipboard.txt, readable by its owner only; None on failure."""
    path = folder / FILE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, text.encode("utf-8"), 0o600)
    except OSError:
        return None
    return path


def copy(text: str, folder: Path, env: Mapping[str, str] | None = None) -> Copied:
    """Save the text, then hand it to the first clipboard program that takes it."""
    env = os.environ if env is None else env
    path = save(text, folder)
    for name, command in find_tools(env):
        if run_tool(command, text, env):
            return Copied(name, path)
    return Copied(None, path)
