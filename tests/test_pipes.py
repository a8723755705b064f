"""`kotae … | head -1`: a reader that goes away early is normal, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KOTAE = [sys.executable, "-m", "app.cli.main"]

DELETION = """
scope = ["account"]
email = "taro@example.com"
org_id = "org-AbC123xyz"
country = "DE"
ack_irreversible = true
ack_legal_retention = true
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pipes")
    env = dict(os.environ, KOTAE_DATA_DIR=str(folder / "data"), LANG="C.UTF-8")
    answers = folder / "answers.toml"
    answers.write_text(DELETION, encoding="utf-8")
    questions = folder / "questions.txt"
    questions.write_text("保存期間は？\nIs my data used for training?\n" * 300, encoding="utf-8")
    env["QUESTIONS"] = str(questions)
    cmd = [*KOTAE, "requests", "new", "deletion", "--answers", str(answers)]
    proc = subprocess.run(cmd, capture_output=True, cwd=REPO, env=env, timeout=60, check=True)
    env["REF"] = proc.stdout.decode().strip()
    return env


def commands(env: dict[str, str]) -> list[list[str]]:
    return [
        ["ask", "保存期間は？"],
        ["ask", "--json", "--batch", env["QUESTIONS"]],
        ["ask", "--batch", env["QUESTIONS"]],
        ["requests", "list"],
        ["requests", "show", env["REF"]],
        ["requests", "export", env["REF"], "--format", "json"],
        ["--help"],
    ]


def test_a_closed_pipe_is_quiet(env: dict[str, str]) -> None:
    noisy = {}
    for argv in commands(env):
        # The reading end is closed before kotae writes: every write meets EPIPE.
        read, write = os.pipe()
        os.close(read)
        try:
            proc = subprocess.run(
                [*KOTAE, *argv],
                stdout=write,
                stderr=subprocess.PIPE,
                cwd=REPO,
                env=env,
                timeout=60,
            )
        finally:
            os.close(write)
        if proc.stderr or proc.returncode not in (0, 141):
            noisy[" ".join(argv[:3])] = (
                proc.returncode,
                proc.stderr.decode(errors="replace")[-300:],
            )
    assert noisy == {}


def test_head_one_reads_the_first_line_and_nothing_else_is_said(env: dict[str, str]) -> None:
    kotae = " ".join(KOTAE)
    script = f'{kotae} ask --json --batch "$QUESTIONS" | head -1'
    proc = subprocess.run(["sh", "-c", script], capture_output=True, cwd=REPO, env=env, timeout=60)
    assert proc.stdout.decode().count("\n") == 1
    assert proc.stdout.startswith(b'{"query": "')
    assert proc.stderr == b""
