"""`kotae eval`: its figures are those of app.core.evaluate.score_rows (which the bench uses)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.evaluate import EvalFileError, Row, is_right, read_rows, score_rows
from app.core.knowledge import load_knowledge
from app.core.match.matcher import Matcher

QUESTIONS = Path(__file__).resolve().parent / "data" / "questions.tsv"

SMALL = (
    "question\texpected\tlang\n"
    "How long do you keep API data?\tpolicy.retention-30-days\ten\n"
    "Do you sign a DPA?\tfaq.dpa\ten\n"
    "wipe all my data please\tfaq.deletion-request\ten\n"
    "What is the weather today?\tnone\ten\n"
    "Do you sign a BAA for HIPAA?\tfaq.hipaa\ten\n"
)


def _break_knowledge(folder: Path) -> None:
    """A deliberate mistake an editor could make: an entry's id renamed everywhere."""
    for path in (folder / "entries").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"faq.hipaa"', '"faq.hipaa-baa"'), encoding="utf-8")


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_eval_numbers_equal_score_rows(
    capsys: pytest.CaptureFixture[str], matcher: Matcher
) -> None:
    code, report = _run_json(capsys, "eval", str(QUESTIONS))
    assert code == 0
    score = score_rows(matcher, read_rows(QUESTIONS))
    assert report["questions"] == score.total.n == 383
    assert report["right"] == score.total.right
    assert report["by_lang"]["ja"]["right"] == score.by_lang["ja"].right
    assert len(report["misses"]) == score.total.n - score.total.right
    # The bench's (lang, expected, question) tuples score the same.
    rows = [(r.lang, r.expected_label, r.question) for r in read_rows(QUESTIONS)]
    assert score_rows(matcher, rows).total.right == score.total.right


def test_min_sets_the_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.tsv"
    f.write_text(SMALL + "Can I pay by invoice?\tfaq.dpa\ten\n", encoding="utf-8")
    assert main(["eval", str(f), "--min", "0.5"]) == 0
    assert main(["eval", str(f), "--min", "0.99"]) == 1
    assert "below --min" in capsys.readouterr().err


def test_compare_with_a_folder_names_the_broken_question(
    tmp_path: Path, kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "q.tsv"
    f.write_text(SMALL, encoding="utf-8")
    _break_knowledge(kb_copy)
    code = main(["--knowledge", str(kb_copy), "eval", str(f), "--compare", str(kb_copy.parent)])
    assert code == 2  # a folder that is no knowledge folder is refused with a message
    assert "Cannot compare" in capsys.readouterr().err
    from app.core.paths import knowledge_dir

    code, report = _run_json(
        capsys, "--knowledge", str(kb_copy), "eval", str(f), "--compare", str(knowledge_dir())
    )
    broken = [c["question"] for c in report["compare"]["broken"]]
    assert broken == ["Do you sign a BAA for HIPAA?"]
    assert report["compare"]["accuracy_before"] == 1.0


@pytest.mark.skipif(shutil.which("git") is None, reason="install git")
def test_compare_with_a_git_revision(
    tmp_path: Path, kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=kb_copy.parent,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "knowledge")
    git("commit", "-qm", "knowledge")
    _break_knowledge(kb_copy)
    git("commit", "-qam", "rename an id")
    f = tmp_path / "q.tsv"
    f.write_text(SMALL, encoding="utf-8")
    main(["--knowledge", str(kb_copy), "eval", str(f), "--compare", "HEAD~1"])
    out, err = capsys.readouterr()
    assert "Broken: 1" in out, err
    assert "Broken: 1" in out and "Do you sign a BAA for HIPAA?" in out
    assert main(["--knowledge", str(kb_copy), "eval", str(f), "--compare", "no-such-rev"]) == 2


def test_jsonl_and_two_part_expectations(tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"question": "a", "expected": "x+y"}\n\n'
        '{"question": "b", "expected": null, "lang": "ja"}\n'
        '{"question": "c", "expected": ["y", "x"]}\n',
        encoding="utf-8",
    )
    rows = read_rows(f)
    assert [r.expected for r in rows] == [("x", "y"), (), ("x", "y")]
    assert rows[1].lang == "ja"

    @dataclass
    class R:
        decision: str
        answer_ids: tuple[str, ...] = ()
        confidence: float = 0.5
        answer_id: str | None = None

    assert is_right(R("answer", ("y", "x")), ("x", "y"))
    assert not is_right(R("answer", ("x",), answer_id="x"), ("x", "y"))
    assert is_right(R("answer", (), answer_id="x"), ("x",))
    assert not is_right(R("clarify"), ("x",))
    assert is_right(R("decline"), ())
    assert not is_right(R("clarify"), ())


def test_bad_files_give_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.tsv"
    f.write_text("q\texp\nhello\tnone\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="line 1"):
        read_rows(f)
    assert main(["eval", str(f)]) == 2
    f.write_text('{"question": "a"}\n{broken\n', encoding="utf-8")
    assert main(["eval", str(f)]) == 2
    assert "line 2" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing.tsv")]) == 3


def test_unknown_ids_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.tsv"
    f.write_text("question\texpected\nDo you sign a DPA?\tfaq.nope\n", encoding="utf-8")
    assert main(["eval", str(f)]) == 2  # scored, the typo would pass for a miss
    captured = capsys.readouterr()
    assert "unknown entry id faq.nope" in captured.err and "Accuracy" not in captured.out


def test_a_row_without_its_expected_column_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "q.tsv"
    f.write_text("question\texpected\nWhat is the price per token?\n", encoding="utf-8")
    assert main(["eval", str(f)]) == 2
    assert "line 2: the expected column is missing" in capsys.readouterr().err


def test_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "q.tsv"
    f.write_text("lang\texpected\tquestion\nen\tnone\thi\n\nja\tfaq.dpa\tDPA\n", encoding="utf-8")
    assert read_rows(f) == [Row("hi", (), "en", "", 2), Row("DPA", ("faq.dpa",), "ja", "", 4)]
    assert load_knowledge().entries  # the shipped knowledge still loads


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    import sys

    # Enough misses to print more than a pipe holds, so the write really fails.
    f = tmp_path / "many.tsv"
    f.write_text(
        "question\texpected\n" + "".join(f"weather {i} today?\tfaq.dpa\n" for i in range(2000)),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "eval", str(f)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"Accuracy")
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert b"Traceback" not in err


def test_a_frozen_test_split_shows_totals_only(capsys: pytest.CaptureFixture[str]) -> None:
    frozen = QUESTIONS.parent / "realistic_test.tsv"
    assert main(["eval", str(frozen)]) == 0
    out, err = capsys.readouterr()
    assert "frozen test split" in err
    assert "Accuracy" in out and "Misses" not in out and "By entry" not in out
    first = read_rows(frozen)[0].question
    assert first not in out
    assert _run_json(capsys, "eval", str(frozen))[0] == 0
    report = _run_json(capsys, "eval", str(frozen))[1]
    assert "misses" not in report and report["questions"] == len(read_rows(frozen))


def test_totals_only_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.tsv"
    f.write_text(SMALL + "Can I pay by invoice?\tfaq.dpa\ten\n", encoding="utf-8")
    assert main(["eval", str(f), "--totals-only"]) == 0
    out = capsys.readouterr().out
    assert "invoice" not in out and "Accuracy" in out
