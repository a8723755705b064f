"""A wheel built from the repo works on its own: knowledge/ and locales/ ship inside it."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("kotae-*.whl")
    env_dir = root / "env"
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin" / "pip"), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # The dependencies come from this environment's site-packages, listed in a .pth file: a
    # folder added so is searched after the wheel's own and its .pth files are not read, so
    # the editable install of the checkout there stays out of reach.
    (site,) = (env_dir / "lib").glob("python*/site-packages")
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "zz-deps.pth").write_text("\n".join(deps) + "\n")
    return env_dir / "bin" / "kotae"


def _kotae(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # Run from an unrelated folder so nothing can be found through the checkout.
    return subprocess.run([str(installed), *args], capture_output=True, cwd=cwd, timeout=60)


def test_installed_kotae_answers_and_checks(installed: Path, tmp_path: Path) -> None:
    # The wheel's own copy runs, not the checkout's (the dependencies come from this one).
    where = subprocess.run(
        [str(installed.parent / "python"), "-c", "import app; print(app.__file__)"],
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert Path(where.stdout.decode().strip()).is_relative_to(installed.parent.parent)
    ask = _kotae(installed, tmp_path, "ask", "--json", "保存期間は？")
    assert ask.returncode == 0, ask.stderr
    data = json.loads(ask.stdout)
    assert data["answer_id"] == "policy.retention-30-days"
    assert "30" in data["answer"]["text"]

    check = _kotae(installed, tmp_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert b"OK: 18 entries" in check.stdout


def test_installed_kotae_speaks_japanese(installed: Path, tmp_path: Path) -> None:
    proc = _kotae(installed, tmp_path, "ask", "--lang", "ja", "retention")
    assert proc.returncode == 0, proc.stderr
    assert "出典" in proc.stdout.decode()  # a translated interface string, from the shipped .po


def test_installed_kotae_has_its_english_word_list(installed: Path, tmp_path: Path) -> None:
    # Without app/core/match/english_words.txt, "transmit" would be corrected to "transit".
    proc = _kotae(
        installed, tmp_path, "ask", "--json", "do you transmit our content to other firms"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["candidates"][0]["id"] != "faq.encryption-in-transit"
