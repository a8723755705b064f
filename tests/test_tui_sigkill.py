"""A real `kotae` process in a terminal, killed with SIGKILL mid-wizard, keeps what was typed."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.store.sqlite import RequestStore

REPO = Path(__file__).resolve().parent.parent
CTRL_P, ENTER, TAB, F8 = "\x10", "\r", "\t", "\x1b[19~"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


def _wait(what: Callable[[], Any], timeout: float = 20.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _draft(data: Path) -> dict[str, Any] | None:
    if not data.exists():
        return None
    with RequestStore(data) as store:
        return store.get_draft("deletion")


class Terminal:
    """`kotae` running in a pseudo-terminal, with its output collected as it comes."""

    def __init__(self, data: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "KOTAE_DATA_DIR": str(data), "TERM": "xterm-256color"}
        env.pop("KOTAE_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--lang", "en"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=REPO,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:  # the app blocks if nobody reads the terminal
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen.extend(chunk)

    def shows(self, text: str) -> bool:
        return text.encode() in self.screen

    def send(self, keys: str, pause: float = 0.4) -> None:
        os.write(self.master, keys.encode())
        time.sleep(pause)

    def start_deletion_request(self) -> None:
        _wait(lambda: self.shows("Ask a question"))
        self.send(CTRL_P, 1.0)
        self.send("Start a deletion request", 1.0)
        self.send(ENTER, 1.5)

    def kill(self) -> int:
        os.killpg(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait(timeout=10)
        os.close(self.master)
        return code


def test_sigkill_mid_wizard_keeps_the_answers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    term = Terminal(data)
    try:
        term.start_deletion_request()
        _wait(lambda: term.shows("Step 1"))
        term.send(" ")  # tick the first scope: the whole account
        term.send(F8, 1.0)
        _wait(lambda: term.shows("Step 2"))
        term.send("taro@example.com")
        term.send(TAB)
        term.send("org-abcd1234")
        # Drafts are written as fields change; wait until both answers are on disk.
        _wait(lambda: (d := _draft(data)) and "org-abcd1234" in str(d))
    finally:
        code = term.kill()
    assert code == -signal.SIGKILL

    draft = _draft(data)
    assert draft is not None
    text = str(draft)
    assert "account" in text
    assert "taro@example.com" in text
    assert "org-abcd1234" in text

    # The next start offers the draft back.
    again = Terminal(data)
    try:
        again.start_deletion_request()
        _wait(lambda: again.shows("Resume"))
    finally:
        again.kill()
