"""Hostile input: what fuzzing found (one regression test each), then a seeded fuzz run.

The invariant of every run: an exit code of 0-3 with a message, never a traceback, and valid
UTF-8 on stdout and stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.knowledge import KnowledgeBase, check_knowledge
from app.core.workflow.engine import WizardSession, load_workflow

REPO = Path(__file__).resolve().parent.parent
DEEP = 2000  # deeper than the interpreter's recursion limit allows a recursive parser


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def deep_toml(key: str = "x") -> str:
    return f"{key} = " + "[" * DEEP + "]" * DEEP + "\n"


# -- invalid UTF-8 and invisible characters ---------------------------------------------------


@pytest.mark.parametrize("lang", ["C.UTF-8", "C"])
def test_invalid_utf8_in_argv_prints_valid_utf8(lang: str) -> None:
    env = {**os.environ, "LANG": lang, "LC_ALL": lang}
    env.pop("PYTHONIOENCODING", None)
    proc = subprocess.run(
        [sys.executable, "-m", "app", "ask", b"\xff\xfe retention \x80"],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert b"Traceback" not in proc.stderr
    assert proc.returncode == 0
    proc.stdout.decode("utf-8")
    proc.stderr.decode("utf-8")
    assert "\ufffd" in proc.stdout.decode("utf-8")


def test_arabic_letter_mark_is_escaped_like_other_bidi_controls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "ask", "retention\u061c\u202e")
    assert code == 0
    assert "\u061c" not in out and "\\u061c" in out
    assert "\u202e" not in out


# -- TOML nested too deeply --------------------------------------------------------------------


def test_deeply_nested_answers_file_is_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(deep_toml(), encoding="utf-8")
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "d"),
        "requests",
        "new",
        "deletion",
        "--answers",
        str(path),
    )
    assert code == 1
    assert "answers.toml" in err and "nested" in err


@pytest.mark.parametrize("where", ["entries/deep.toml", "workflows/deletion.toml", "regimes.toml"])
def test_deeply_nested_knowledge_file_is_a_problem(
    capsys: pytest.CaptureFixture[str], kb_copy: Path, where: str
) -> None:
    (kb_copy / where).write_text(deep_toml(), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--knowledge", str(kb_copy))
    assert code == 1
    assert any(where in line and "nested" in line for line in out.splitlines())
    if where.startswith("entries"):
        code, _, err = run(capsys, "--knowledge", str(kb_copy), "ask", "retention")
        assert code == 1 and "nested" in err


# -- synonyms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('group = "delete"\n', "group"),
        ('[[group]]\nterms = ["？", "weather"]\n', "terms"),
        ('[[group]]\nterms = ["weather", " ・ "]\n', "terms"),
    ],
)
def test_broken_synonyms_are_problems_never_a_crash(
    capsys: pytest.CaptureFixture[str], kb_copy: Path, text: str, field: str
) -> None:
    (kb_copy / "synonyms.toml").write_text(text, encoding="utf-8")
    problems = check_knowledge(kb_copy)[1]
    assert [(p.file, p.field) for p in problems] == [("knowledge/synonyms.toml", field)]
    code, _, err = run(capsys, "--knowledge", str(kb_copy), "ask", "what is the weather")
    assert code == 1 and "synonyms.toml" in err


# -- values that pass `check` and crash a submission -----------------------------------------


@pytest.mark.parametrize(
    ("where", "old", "new"),
    [
        ("regimes.toml", "due = { days = 30 }", "due = { months = 1000000 }"),
        ("regimes.toml", "extension = { days = 30 }", "extension = { days = 99999999 }"),
        (
            "regimes.toml",
            "extensions = 1\nnotice_before_due = false",
            "extensions = 100000\nnotice_before_due = false",
        ),
    ],
)
def test_impossible_regime_periods_are_problems(
    kb_copy: Path, where: str, old: str, new: str
) -> None:
    from app.core.workflow.check import check_workflows

    path = kb_copy / where
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = check_workflows(check_knowledge(kb_copy)[0])
    assert [p.file for p in problems] == [f"knowledge/{where}"], problems


@pytest.mark.parametrize("spec", ["2026-02-30", "2026-13-01", "0000-01-01"])
def test_an_impossible_min_date_is_a_problem(kb_copy: Path, spec: str) -> None:
    from app.core.workflow.check import check_workflows

    (kb_copy / "workflows" / "dates.toml").write_text(
        f"""
id = "dates"
kind = "dpa"
ja = {{ title = "日付" }}
en = {{ title = "Dates" }}
[[step]]
id = "when"
ja = {{ title = "日付" }}
en = {{ title = "Date" }}
[[step.field]]
id = "day"
type = "date"
min_date = "{spec}"
ja = {{ label = "日付" }}
en = {{ label = "Date" }}
""",
        encoding="utf-8",
    )
    (kb_copy / "workflows" / "dpa.toml").unlink()
    problems = check_workflows(check_knowledge(kb_copy)[0])
    assert [(p.entry, p.field) for p in problems] == [("when/day", "min_date")]


def test_an_entry_id_with_a_trailing_newline_is_a_problem(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "policy.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('id = "policy.zero-retention"', 'id = "policy.zero-retention\\n"', 1),
        encoding="utf-8",
    )
    problems = check_knowledge(kb_copy)[1]
    assert "id" in {p.field for p in problems}, problems
    assert all("\n" not in str(p) for p in problems)


# -- answers -----------------------------------------------------------------------------------

BAD_EMAILS = [
    ".taro@example.com",
    "taro.@example.com",
    "ta..ro@example.com",
    "taro@example..com",
    "taro@.example.com",
    "taro@example.com.",
    "<taro@example.com>",
    "Taro <taro@example.com>",
    "taro@example.com, jiro@example.com",
    "ta,ro@example.com",
    "ta\u200bro@example.com",
    "taro@exa\u200emple.com",
    "taro\u2060@example.com",
    "taro@exam\ufeffple.com",
    "taro@-example.com",
]


@pytest.fixture(scope="module")
def wkb() -> KnowledgeBase:
    return check_knowledge()[0]


def test_malformed_emails_are_refused(wkb: KnowledgeBase) -> None:
    run_ = WizardSession(load_workflow("deletion", wkb), today=date(2026, 6, 1))
    accepted = [e for e in BAD_EMAILS if not run_.answer("email", e)]
    assert accepted == []
    for good in [
        "taro@example.com",
        "taro.yamada+kotae@mail.example.co.jp",
        "ｔａｒｏ＠example.com",
    ]:
        assert run_.answer("email", good) == [], good


def test_false_is_not_an_answer_for_text_or_date(wkb: KnowledgeBase) -> None:
    run_ = WizardSession(load_workflow("deletion", wkb))
    assert [e.code for e in run_.answer("note", False)] == ["type"]
    assert [e.code for e in run_.answer("email", False)] == ["type"]
    # A confirm box: false is its "not ticked".
    assert [e.code for e in run_.answer("ack_irreversible", False)] == ["unticked"]


def test_a_key_with_a_newline_stays_on_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kb_copy: Path
) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text('"sco\\npe" = 1\n', encoding="utf-8")
    code, _, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "d"),
        "requests",
        "new",
        "deletion",
        "--answers",
        str(answers),
    )
    assert code == 1
    assert any(line.startswith("sco\\npe") for line in err.splitlines()), err
    path = kb_copy / "topics.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n"x\\ny" = 1\n', encoding="utf-8")
    regimes = kb_copy / "regimes.toml"
    regimes.write_text(regimes.read_text(encoding="utf-8") + '\n"x\\ny" = 1\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--knowledge", str(kb_copy))
    assert code == 1
    problems = [line for line in out.splitlines() if "x\\ny" in line]
    assert problems and all(line.startswith("knowledge/") for line in problems), out
