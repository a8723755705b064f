"""Copy tells the truth: a clipboard program when there is one, else the terminal, and a file."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from app.core.answers import copy_text
from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.tui.app import KotaeApp


def fake_tool(folder: Path, name: str, fails: bool = False) -> Path:
    """A stand-in clipboard program that writes what it is given to <name>.out."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    body = "exit 1" if fails else f'{shutil.which("cat")} > "{folder}/{name}.out"'
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_a_clipboard_program_takes_the_text_and_a_file_keeps_it(tmp_path: Path) -> None:
    from app.tui.clipboard import copy

    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "xclip")
    env = {"PATH": str(bin_dir), "DISPLAY": ":0"}
    done = copy("保存期間\nline two", tmp_path / "data", env=env)
    assert done.tool == "xclip"
    assert (bin_dir / "xclip.out").read_text() == "保存期間\nline two"
    assert done.path == tmp_path / "data" / "clipboard.txt"
    assert done.path.read_text(encoding="utf-8") == "保存期間\nline two"
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600


def test_without_a_display_the_x_tools_are_not_used(tmp_path: Path) -> None:
    from app.tui.clipboard import copy

    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "xclip")
    fake_tool(bin_dir, "wl-copy")
    done = copy("text", tmp_path / "data", env={"PATH": str(bin_dir)})
    assert done.tool is None  # left to the terminal (OSC 52)
    assert not (bin_dir / "xclip.out").exists()
    assert done.path is not None and done.path.read_text() == "text"


def test_a_failing_program_falls_back_to_the_terminal(tmp_path: Path) -> None:
    from app.tui.clipboard import copy

    bin_dir = tmp_path / "bin"
    fake_tool(bin_dir, "wl-copy", fails=True)
    done = copy("text", tmp_path / "data", env={"PATH": str(bin_dir), "WAYLAND_DISPLAY": "w"})
    assert done.tool is None


def test_an_unwritable_data_dir_still_copies(tmp_path: Path) -> None:
    from app.tui.clipboard import copy

    blocker = tmp_path / "file"
    blocker.write_text("")
    done = copy("text", blocker / "data", env={"PATH": ""})
    assert done.path is None and done.tool is None


async def test_copy_in_a_terminal_without_clipboard_says_so_and_names_the_file(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    app = KotaeApp(kb, lang="en", config=Config(), data_dir=data)
    app.blink_cursor = False
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("ctrl+y")
        await pilot.pause()
        entry = app.screen.copy_target()
        assert entry is not None
        said = [n.message for n in app._notifications][-1]
        path = data / "clipboard.txt"
        assert str(path) in said
        assert "terminal" in said and "Copied" not in said
        assert path.read_text(encoding="utf-8") == copy_text(*entry)
        assert app.clipboard == copy_text(*entry)  # OSC 52 was sent as well
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
