"""Hostile input: what fuzzing found (one regression test each), then a seeded fuzz run.

The invariant of every run: an exit code of 0-3 with a message, never a traceback, and valid
UTF-8 on stdout and stderr.
"""

from __future__ import annotations

import json
import os
import random
import re
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


def test_json_lines_escape_unicode_line_breaks(capsys: pytest.CaptureFixture[str]) -> None:
    # Readers that split lines the Unicode way (Python's splitlines) must see one line.
    code, out, _ = run(capsys, "ask", "--json", "a\u2028b\x85c\u2029d retention")
    assert code == 0
    assert len(out.splitlines()) == 1
    assert json.loads(out)["query"] == "a\u2028b\x85c\u2029d retention"


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


# == seeded fuzzing ===========================================================================
# The same generators run bigger under `make soak` (KOTAE_FUZZ_SCALE multiplies the cases).

SCALE = max(1, int(os.environ.get("KOTAE_FUZZ_SCALE", "1")))
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ",
    "保存期間削除データ学習あいうえおアイウエオｱｲｳｴｵ　、。？",
    "0123456789-_.,;:!?@#$%^&*()[]{}<>|/\\\"'`~=+",
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\t\r",
    "\u061c\u200b\u200e\u200f\u2028\u2029\u202a\u202e\u2060\u2066\u2069\ufeff\ufffd",
    "éüßçøÅ∑∂ƒ©˙∆˚¬…æ«»“”‘’—–",
    "😀🙈👍🏽🇯🇵\U0001f9d1\u200d\U0001f4bb",
    "[link=https://x]red[/][bold]\x1b[31m",
]


def random_text(rng: random.Random, longest: int = 80) -> str:
    n = rng.choice([0, 1, 2, 5, 20, longest, longest * 10])
    pool = "".join(rng.sample(ALPHABETS, rng.randint(1, 3)))
    text = "".join(rng.choice(pool) for _ in range(n))
    if rng.random() < 0.2:
        text = rng.choice(["retention", "保存期間は？", "DPA", "delete my account"]) + text
    return text


def random_line(rng: random.Random) -> bytes:
    raw = random_text(rng).replace("\n", " ").replace("\r", " ").encode("utf-8")
    if rng.random() < 0.15:  # invalid UTF-8 somewhere
        at = rng.randint(0, len(raw))
        raw = raw[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"]) + raw[at:]
    return raw


def assert_clean(out: str, err: str, where: str) -> None:
    assert "Traceback" not in out + err, where
    (out + err).encode("utf-8")  # no lone surrogates: valid UTF-8 once written


def test_fuzz_ask_batch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = random.Random(8_001)
    lines = [random_line(rng) for _ in range(600 * SCALE)]
    path = tmp_path / "questions.txt"
    path.write_bytes(b"\n".join(lines) + b"\n")
    for mode in (["--json"], []):
        code = main(["ask", *mode, "--batch", str(path)])
        out, err = capsys.readouterr()
        assert code == 0
        assert_clean(out, err, f"ask {mode} --batch")
        if mode:
            records = [json.loads(line) for line in out.splitlines()]
            assert len(records) == len(lines)
            assert all(r["decision"] in ("answer", "clarify", "decline") for r in records)
        else:
            # Text mode shows questions literally: no raw control or bidi characters.
            assert not re.search(
                "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u202a-\u202e\u2066-\u2069]", out
            )


def test_fuzz_ask_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(8_002)
    for i in range(30 * SCALE):  # each call loads the knowledge base: few, but every shape
        question = random_text(rng)
        if rng.random() < 0.2:  # what argv holds when the shell passed bytes that are not UTF-8
            question += rng.choice(["\udcff", "\udc80x", "\ud800"])
        argv = ["ask", question] if rng.random() < 0.7 else ["ask", "--json", question]
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 2), (i, question)
        assert out or err, (i, question)
        assert_clean(out, err, repr(question))


FIELD_IDS = [
    "scope", "prompts_continue", "email", "org_id", "file_ids", "country", "us_state", "note",
    "ack_irreversible", "ack_legal_retention",
]  # fmt: skip
GOOD = {
    "scope": ["account"],
    "email": "taro@example.com",
    "org_id": "org-AbC123xyz",
    "country": "DE",
    "ack_irreversible": True,
    "ack_legal_retention": True,
}


def random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return random_text(rng, 30)
    if kind == 1:
        return rng.choice([0, -1, 1, 2**63 - 1, -(2**63), 10**6])
    if kind == 2:
        return rng.choice([True, False])
    if kind == 3:
        return rng.choice([0.5, float("inf"), float("nan"), -0.0])
    if kind == 4:
        return rng.choice([date(2026, 2, 28), date(1, 1, 1), date(9999, 12, 31)])
    if kind == 5:
        return rng.choice(["account", "files", "prompts", "stop", "continue", "JP", "US", "CA"])
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == 7:
        return {random_text(rng, 8) or "k": random_value(rng, depth + 1)}
    return [rng.choice(["account", "files", "fine_tuned_models", "prompts", "", " "])]


def random_answers(rng: random.Random) -> dict[str, object]:
    answers: dict[str, object] = dict(GOOD) if rng.random() < 0.5 else {}
    for _ in range(rng.randint(1, 6)):
        key = rng.choice(FIELD_IDS) if rng.random() < 0.8 else random_text(rng, 10) or "x"
        answers[key] = random_value(rng)
    return answers


def test_fuzz_answers(wkb: KnowledgeBase) -> None:
    rng = random.Random(8_003)
    workflow = load_workflow("deletion", wkb)
    for i in range(1500 * SCALE):
        answers = random_answers(rng)
        run_ = WizardSession(workflow, today=date(2026, 6, 1))
        errors = run_.load_answers(answers)
        for e in errors:
            assert e.message("ja") and e.message("en"), (i, answers)
        if not errors:
            assert run_.is_complete, (i, answers)
            assert run_.regime() in {"gdpr", "uk_gdpr", "ccpa", "appi", "other"}


def toml_text(rng: random.Random) -> str:
    """A TOML-ish answers file: mostly well formed, sometimes broken on purpose."""
    lines = []
    for key, value in random_answers(rng).items():
        lines.append(f"{json.dumps(key, ensure_ascii=rng.random() < 0.5)} = {toml_value(value)}")
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.2:
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(["[", "]", '"', "=", "\n[[x]]\n", "{", "\\"]) + text[at:]
    return text


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "nan": "nan"}.get(str(value), repr(value))
    if isinstance(value, int | date):
        return str(value) if not isinstance(value, date) else value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def test_fuzz_answer_files_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rng = random.Random(8_004)
    data = tmp_path / "data"
    path = tmp_path / "answers.toml"
    for i in range(60 * SCALE):
        text = toml_text(rng)
        raw = text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.1:
            raw = raw[: rng.randint(0, len(raw))] + b"\xff"
        path.write_bytes(raw)
        code = main(
            ["--data-dir", str(data), "requests", "new", "deletion", "--answers", str(path)]
        )
        out, err = capsys.readouterr()
        assert code in (0, 1), (i, text)
        assert (out if code == 0 else err).strip(), (i, text)
        assert_clean(out, err, text)


KNOWLEDGE_FILES = [
    "entries/policy.toml",
    "entries/faq.toml",
    "synonyms.toml",
    "topics.toml",
    "regimes.toml",
    "countries.toml",
    "workflows/deletion.toml",
    "workflows/dpa.toml",
]
JUNK_VALUES = ['""', "0", "-5", "true", "[]", "{}", '"\\n"', "1e400", '[1, "a"]', '{ a = 1 }',
               "2026-02-30", '"2026-02-30"', "1000000000", '"x\\u061cy"']  # fmt: skip


def mutate(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(lines))
        op = rng.randrange(5)
        if op == 0:
            del lines[at]
        elif op == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif op == 2 and "=" in lines[at]:
            key = lines[at].split("=", 1)[0]
            lines[at] = f"{key}= {rng.choice(JUNK_VALUES)}"
        elif op == 3:
            cut = rng.randint(0, len(lines[at]))
            lines[at] = lines[at][:cut] + random_text(rng, 6) + lines[at][cut:]
        else:
            lines[at] = lines[at].replace('"', "", 1)
    return "\n".join(lines) + "\n"


def test_fuzz_knowledge_files(capsys: pytest.CaptureFixture[str], kb_copy: Path) -> None:
    """A mutated knowledge file is a problem report or it works: `check` passing means
    `ask` and `requests new` work on it too."""
    rng = random.Random(8_005)
    originals = {name: (kb_copy / name).read_text(encoding="utf-8") for name in KNOWLEDGE_FILES}
    answers = kb_copy.parent / "answers.toml"
    answers.write_text(
        "\n".join(f"{k} = {toml_value(v)}" for k, v in GOOD.items()) + "\n", encoding="utf-8"
    )
    for i in range(60 * SCALE):
        name = rng.choice(KNOWLEDGE_FILES)
        text = mutate(rng, originals[name])
        (kb_copy / name).write_text(text, encoding="utf-8")
        code = main(["check", "--knowledge", str(kb_copy)])
        out, err = capsys.readouterr()
        assert code in (0, 1), (i, name)
        assert_clean(out, err, name)
        if code == 1:
            problems = [line for line in out.splitlines() if line.startswith("knowledge/")]
            assert problems, (i, name, out)
        else:
            code = main(["--knowledge", str(kb_copy), "ask", "保存期間は？"])
            out, err = capsys.readouterr()
            assert code == 0, (i, name, err)
            assert_clean(out, err, name)
            code = main(
                ["--knowledge", str(kb_copy), "--data-dir", str(kb_copy.parent / "d"),
                 "requests", "new", "deletion", "--answers", str(answers)]
            )  # fmt: skip
            out, err = capsys.readouterr()
            assert code in (0, 1), (i, name, err)
            assert_clean(out, err, name)
            code = main(["--knowledge", str(kb_copy), "requests", "template", "dpa"])
            out, err = capsys.readouterr()
            assert code == 0 and out.startswith("# "), (i, name, err)
        (kb_copy / name).write_text(originals[name], encoding="utf-8")


def test_a_deeply_nested_config_file_is_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(deep_toml("keys"), encoding="utf-8")
    monkeypatch.setenv("KOTAE_CONFIG", str(config))
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "requests", "list")
    assert code == 2
    assert "config.toml" in err and "nested" in err
