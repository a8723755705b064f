"""`kotae ask` and `kotae check` as a user runs them: output, JSON, batches, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def test_ask_prints_answer_quote_source_confidence_related(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["ask", "保存期間は？"]) == 0
    out = capsys.readouterr().out
    assert "最大 30 日間保持され" in out  # the verbatim quote
    assert "データ使用ポリシー" in out  # its source section
    assert "%" in out
    assert "faq.deletion-request" in out  # a related question


def test_ask_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "Is my data used to train your models?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "query",
        "lang",
        "decision",
        "answer_id",
        "confidence",
        "candidates",
        "answer",
        "answers",
        "suggestions",
        "reason",
        "out_of_scope",
        "context",
    }
    assert data["answers"] == [data["answer"]] and data["reason"] == "clear_lead"
    assert data["out_of_scope"] is None
    assert data["lang"] == "en" and data["decision"] == "answer"
    assert data["answer_id"] == "policy.no-training-by-default"
    assert set(data["answer"]) >= {"id", "title", "text", "quote", "source"}
    assert len(data["candidates"]) <= 5
    assert all(set(c) == {"id", "score"} for c in data["candidates"])


def test_lang_option_overrides_question_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--lang", "en", "保存期間は？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lang"] == "en"
    assert data["answer"]["title"].isascii()


def test_decline_lists_suggestions_and_topics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "What is the price per token?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "decline" and data["answer"] is None and data["answer_id"] is None
    assert len(data["suggestions"]) <= 3
    assert main(["ask", "What is the price per token?"]) == 0
    assert "no answer" in capsys.readouterr().out


def test_empty_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().err


@pytest.mark.parametrize(
    "question",
    ["[red]x[/red] [link=http://evil]y[/link]", "\x1b[2Jhello\x07", "tab\there\x7f"],
    ids=["rich-markup", "escape-sequence", "controls"],
)
def test_hostile_questions_are_shown_literally(question: str) -> None:
    proc = run("ask", question)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert b"Traceback" not in proc.stderr
    assert "\x1b" not in out and "\x07" not in out and "\x7f" not in out
    if question.startswith("[red]"):
        assert "[red]x[/red] [link=http://evil]y[/link]" in out


def test_huge_and_nul_questions_through_a_batch() -> None:
    huge = ("保存期間 " * 20_000).encode()  # 260 KB on one line
    proc = run("ask", "--json", "--batch", "-", stdin=huge + b"\nA\x00B\n")
    assert proc.returncode == 0, proc.stderr[-500:]
    first, second = (json.loads(line) for line in proc.stdout.decode().splitlines())
    assert first["decision"] in ("answer", "clarify", "decline")
    assert second["query"] == "A\x00B" and second["decision"] == "decline"


def test_batch_keeps_order_and_survives_bad_lines(tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_bytes(
        "保存期間は？\n".encode()
        + b"\xff\xfe broken\n"
        + b"\n"
        + b"Do you have a European data centre?\n"
        + b"[bold]x\x1b[0m\n"
    )
    proc = run("ask", "--json", "--batch", str(batch))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(lines) == 5
    assert lines[0]["answer_id"] == "policy.retention-30-days"
    assert "UTF-8" in lines[1]["error"] and lines[1]["decision"] == "decline"
    assert lines[2]["decision"] == "decline"
    assert lines[3]["answer_id"] == "faq.european-datacenter"
    assert lines[4]["query"] == "[bold]x\x1b[0m"


def test_batch_from_stdin() -> None:
    proc = run("ask", "--json", "--batch", "-", stdin=b"TLS\nHIPPA\n")
    ids = [json.loads(line)["answer_id"] for line in proc.stdout.decode().splitlines()]
    assert ids == ["faq.encryption-in-transit", "faq.hipaa"]


def test_missing_batch_file(tmp_path: Path) -> None:
    proc = run("ask", "--batch", str(tmp_path / "nope.txt"))
    assert proc.returncode == 3
    assert "Cannot read" in proc.stderr.decode() and b"Traceback" not in proc.stderr


def test_check_passes_on_the_shipped_knowledge() -> None:
    proc = run("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.decode().startswith("OK: 18 entries")


def test_ask_does_not_import_textual() -> None:
    code = (
        "import sys; from app.cli.main import main; main(['ask', 'TLS']); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'app') "
        "and (m.startswith('textual') or m.startswith('app.tui')))\n"
        "print('IMPORTED', bad)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=60)
    assert proc.stdout.decode().strip().endswith("IMPORTED []"), proc.stdout + proc.stderr


def test_core_never_imports_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, app.core\n"
        "for m in pkgutil.iter_modules(app.core.__path__):\n"
        "    importlib.import_module('app.core.' + m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('textual')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "[]"


def test_invalid_utf8_in_argv_prints_replacement_characters_under_c_locale() -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONIOENCODING", None)
    for extra in ([], ["--json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "app", "ask", *extra, os.fsdecode(b"\xff\xfe hozon \xe4\xbf")],
            capture_output=True,
            cwd=REPO,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr
        text = proc.stdout.decode("utf-8")  # valid UTF-8, or this raises
        assert "\ufffd" in text or "\\ufffd" in text


def test_json_escapes_unicode_line_separators(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "保存期間\u2028は\u2029？\u0085"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert not any(ch in out for ch in "\u2028\u2029\u0085")
    assert json.loads(out)["query"] == "保存期間\u2028は\u2029？\u0085"


def test_two_questions_are_both_answered_in_text_and_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    question = "Is my data used for training by default, and how long do you keep it?"
    assert main(["ask", question]) == 0
    out = capsys.readouterr().out
    assert "Answer 1 of 2" in out and "Answer 2 of 2" in out
    assert main(["ask", "--json", question]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [a["id"] for a in data["answers"]] == [
        "policy.no-training-by-default",
        "policy.retention-30-days",
    ]
    assert data["answer"] == data["answers"][0] and data["reason"] == "two_questions"


def test_an_unsure_decline_says_no_clear_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "do you train on my api messages?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "decline" and data["reason"] == "low_confidence"
    assert main(["ask", "do you train on my api messages?"]) == 0
    out = capsys.readouterr().out
    assert "no clear answer" in out and "has no answer" not in out, out


def test_out_of_scope_decline_shows_the_redirect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "How much does the API cost per token?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "decline" and data["reason"] == "out_of_scope_topic"
    assert data["out_of_scope"]["id"] == "pricing" and data["out_of_scope"]["redirect"]
    assert main(["ask", "How much does the API cost per token?"]) == 0
    assert data["out_of_scope"]["redirect"] in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["ask", "x"], "ask"),
        (["--knowledge", "ask", "requests", "list"], "requests"),  # a folder named "ask"
        (["--lang", "ja", "--data-dir=/d", "ask"], "ask"),
        (["--help"], None),
    ],
)
def test_the_command_word_is_found_past_global_options(argv: list[str], command: str) -> None:
    from app.cli.main import command_of

    assert command_of(argv) == command


def test_ask_parses_alone_but_help_still_lists_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli.main import build_parser

    assert "requests" not in build_parser(only_ask=True).format_help()
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("ask", "requests", "serve", "insights", "eval"))


@pytest.mark.parametrize(
    ("argv", "lang"),
    [
        (["--lang", "ja", "requests", "list"], "ja"),
        (["--lang=en", "ask", "x"], "en"),
        (["insights", "add", "3", "faq.dpa", "--lang", "ja"], None),  # the example's language
        (["--knowledge", "--lang", "ask"], None),  # a folder named --lang? a value, skipped
    ],
)
def test_only_the_global_lang_sets_the_interface_language(argv: list[str], lang: str) -> None:
    from app.cli.main import _peek_lang

    assert _peek_lang(argv) == lang


def test_an_answer_says_which_other_part_the_policy_does_not_cover(
    capsys: pytest.CaptureFixture[str],
) -> None:
    question = "Do you use API calls to train? Is TLS 1.2 the minimum?"
    assert main(["ask", "--json", question]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "answer" and data["reason"] == "part_answered"
    assert [a["id"] for a in data["answers"]] == ["policy.no-training-by-default"]
    assert data["out_of_scope"]["id"] == "security-other"
    assert main(["ask", question]) == 0
    out = capsys.readouterr().out
    assert "The policy does not cover another part of your question" in out
    assert data["out_of_scope"]["redirect"] in out
    # A whole answer says nothing of the kind.
    assert main(["ask", "--json", "Is my API data used for training?"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["reason"] == "clear_lead" and whole["out_of_scope"] is None
