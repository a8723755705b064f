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
        clip = app.screen.to_copy()
        assert clip is not None and clip.text
        said = [n.message for n in app._notifications][-1]
        path = data / "clipboard.txt"
        assert str(path) in said
        assert "terminal" in said and "Copied" not in said
        assert path.read_text(encoding="utf-8") == clip.text
        assert app.clipboard == clip.text  # OSC 52 was sent as well
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


async def _copied(app: KotaeApp, pilot, question: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Ask, press the copy key: (what the clipboard got, what the notice said)."""
    from tests.test_tui_app import ask

    await ask(pilot, question)
    await pilot.press("ctrl+y")
    await pilot.pause()
    return app.clipboard, [n.message for n in app._notifications][-1]


async def test_copy_takes_the_reply_on_screen_not_an_older_answer(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = KotaeApp(kb, lang="en", config=Config(), data_dir=tmp_path / "data")
    app.blink_cursor = False
    async with app.run_test(size=(100, 40)) as pilot:
        dpa = kb.entries["faq.dpa"]
        text, said = await _copied(app, pilot, "Do you have a DPA we can sign?")
        assert text == copy_text(dpa, "en") and dpa.en.title in said
        # A decline after it: the redirect on screen is copied, never the DPA answer above.
        text, said = await _copied(app, pilot, "How much does GPT-4 cost per token?")
        assert dpa.en.answer not in text
        assert text.startswith(kb.out_of_scope["pricing"].en.title)
        # Both answers of a two-part question.
        text, said = await _copied(
            app, pilot, "Is my data used for training by default, and how long do you keep it?"
        )
        for entry_id in ("policy.no-training-by-default", "policy.retention-30-days"):
            assert kb.entries[entry_id].en.title in text
        assert "both answers" in said
        # A reply that only asks which answer is meant has nothing to copy, and says so.
        before = app.clipboard
        text, said = await _copied(app, pilot, "data retention")
        assert app.screen.conversation.last_result.decision == "clarify"
        assert text == before and "Nothing to copy" in said
