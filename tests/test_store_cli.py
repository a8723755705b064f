"""`kotae db …` and the team commands from the command line, and which store a command opens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.store.schema import LATEST

REPO = Path(__file__).resolve().parent.parent

DELETION = """
scope = ["account"]
email = "taro@example.com"
org_id = "org-AbC123xyz"
country = "DE"
ack_irreversible = true
ack_legal_retention = true
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('agent = "sato"\n', encoding="utf-8")
    monkeypatch.setenv("KOTAE_CONFIG", str(path))
    monkeypatch.delenv("KOTAE_DATABASE_URL", raising=False)
    return path


def test_a_password_on_the_command_line_is_refused_with_the_way_to_give_it(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    code, out, err = run(capsys, "--database", "postgresql://agent:s3cret@db/kotae", "db", "status")
    assert code == 1 and out == ""
    assert "KOTAE_DATABASE_URL" in err and "password_file" in err and "s3cret" not in err


def test_team_commands_on_the_local_store(
    capsys: pytest.CaptureFixture[str], config: Path, tmp_path: Path
) -> None:
    answers = tmp_path / "a.toml"
    answers.write_text(DELETION, encoding="utf-8")
    code, ref, err = run(capsys, "requests", "new", "deletion", "--answers", str(answers))
    assert code == 0, err
    ref = ref.strip()
    assert run(capsys, "requests", "list", "--unassigned", "--json")[1].count(ref) == 1
    code, out, _ = run(capsys, "requests", "claim")
    assert code == 0 and f"{ref} (submitted) is assigned to sato." in out
    [mine] = json.loads(run(capsys, "requests", "list", "--mine", "--json")[1])
    assert (mine["reference"], mine["assignee"], mine["version"]) == (ref, "sato", 2)
    code, _, err = run(capsys, "requests", "assign", ref, "suzuki", "--expect-version", "1")
    assert code == 1 and "version 2" in err and "sato" in err  # the state it is in now
    assert run(capsys, "requests", "assign", ref, "suzuki", "--expect-version", "2")[0] == 0
    assert "is assigned to no one" in run(capsys, "requests", "release", ref)[1]
    # The history names who held it, without personal data shown.
    shown = run(capsys, "requests", "show", ref)[1]
    assert "assigned: - → sato" in shown and "assigned: suzuki → -" in shown
    assert run(capsys, "requests", "claim")[1].startswith(ref)
    assert run(capsys, "requests", "lookup", "no-such-key")[0] == 3
    code, out, _ = run(capsys, "db", "status")
    assert code == 0 and f"Schema version: {LATEST} (this Kotae: {LATEST})" in out
    assert "Requests: 1 (1 open, 0 unassigned)" in out


def test_a_bad_database_in_the_config_names_the_field(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    config.write_text('database = "mysql://db/kotae"\n', encoding="utf-8")
    code, _, err = run(capsys, "requests", "list")
    assert code == 2 and f"{config}: database:" in err


PROBE = """
import sys
from app.cli.main import main
main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "psycopg"))
print("LOADED", loaded, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["ask", "保存期間は？"], ["requests", "list"], ["db", "status"]])
def test_sqlite_only_commands_never_import_the_postgresql_driver(
    argv: list[str], config: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert "LOADED []" in done.stderr, done.stderr
