"""`kotae requests …` end to end, with a throw-away data directory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.deadlines import load_regimes, office_time
from app.core.paths import knowledge_dir
from app.store.sqlite import RequestStore

REPO = Path(__file__).resolve().parent.parent

DELETION = """
scope = ["account", "files"]
email = "taro@example.com"
org_id = "org-AbC123xyz"
file_ids = "file-abc123, file-def456"
country = "DE"
note = "Line one | two"
ack_irreversible = true
ack_legal_retention = true
"""

DPA = """
legal_name = "Example KK"
registered_address = "1-1 Chiyoda, Tokyo"
country = "JP"
org_id = "org-AbC123xyz"
signatory_name = "Hanako Sato"
signatory_title = "CEO"
signatory_email = "hanako@example.jp"
customer_role = "controller"
transfers = ["eea", "ch"]
us_processing = true
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("KOTAE_DATA_DIR", str(folder))
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def answers_file(tmp_path: Path, text: str, name: str = "answers.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def new(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    kind: str = "deletion",
    text: str = DELETION,
    *extra: str,
) -> str:
    code, out, err = run(
        capsys, "requests", "new", kind, "--answers", answers_file(tmp_path, text), *extra
    )
    assert code == 0, err
    return out.strip()


def test_new_prints_the_reference_and_list_masks_the_email(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    ref = new(capsys, tmp_path)
    assert ref == f"DEL-{date.today().year}-000001"
    code, out, _ = run(capsys, "requests", "list")
    assert code == 0
    assert ref in out and "t***@example.com" in out and "taro@" not in out
    code, out, _ = run(capsys, "requests", "list", "--json")
    [item] = json.loads(out)
    assert item["contact"] == "t***@example.com"
    assert (item["status"], item["regime"], item["overdue"]) == ("submitted", "gdpr", False)


def test_new_lists_every_bad_field_and_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    bad = DELETION.replace("taro@example.com", "taro@").replace("org-AbC123xyz", "AbC")
    bad = bad.replace('"DE"', '"XX"').replace("ack_irreversible = true", "") + 'colour = "red"\n'
    code, out, err = run(
        capsys, "requests", "new", "deletion", "--answers", answers_file(tmp_path, bad)
    )
    assert code == 1 and out == ""
    lines = err.splitlines()
    for field in ("email", "org_id", "country", "ack_irreversible", "colour"):
        assert any(line.startswith(f"{field}: ") for line in lines), err
    assert "Nothing was stored" in err
    code, out, _ = run(capsys, "requests", "list", "--json")
    assert json.loads(out) == []


def test_a_wrong_scope_does_not_hide_the_file_ids_it_decides(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    bad = DELETION.replace('scope = ["account", "files"]', 'scope = ["account", "files", "bogus"]')
    bad = bad.replace('file_ids = "file-abc123, file-def456"', 'file_ids = "notafile"')
    code, _out, err = run(
        capsys, "requests", "new", "deletion", "--answers", answers_file(tmp_path, bad)
    )
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith("scope: ") for line in lines), err
    assert any(line.startswith("file_ids: ") for line in lines), err  # in the same round


def test_new_reports_messages_in_japanese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    bad = DELETION.replace("taro@example.com", "taro@")
    code, _, err = run(
        capsys,
        "--lang",
        "ja",
        "requests",
        "new",
        "deletion",
        "--answers",
        answers_file(tmp_path, bad),
    )
    assert code == 1
    assert "email: name@example.com のような形式でメールアドレスを入力してください。" in err


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 3, "Cannot read"),
        ("scope = [", 1, "not valid TOML"),
        (b"\xff\xfe", 1, "UTF-8"),
    ],
)
def test_unreadable_answers_files_are_reported_without_traceback(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data_dir: Path,
    content: str | bytes | None,
    code: int,
    message: str,
) -> None:
    path = tmp_path / "answers.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    got, _, err = run(capsys, "requests", "new", "deletion", "--answers", str(path))
    assert got == code
    assert message in err


def test_unknown_reference_exits_3(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    for argv in (
        ("show", "DEL-2026-999999"),
        ("export", "NOPE", "--format", "json"),
        ("set-status", "DEL-2026-999999", "canceled", "--note", "x"),
        ("extend", "DEL-2026-999999", "--reason", "x"),
    ):
        code, _, err = run(capsys, "requests", *argv)
        assert code == 3, argv
        assert "No request has the reference" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("requests",),
        ("requests", "set-status", "DEL-2026-000001", "bogus", "--note", "x"),
        ("requests", "set-status", "DEL-2026-000001", "denied", "--note", "x", "--reason", "meh"),
        ("requests", "set-status", "DEL-2026-000001", "canceled"),
        ("requests", "set-status", "DEL-2026-000001", "canceled", "--note", "  "),
        ("requests", "purge", "--older-than", "-1"),
        ("requests", "new", "refund", "--answers", "x.toml"),
        ("requests", "export", "DEL-2026-000001", "--format", "pdf"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], data_dir: Path, argv: tuple[str, ...]
) -> None:
    assert run(capsys, *argv)[0] == 2


def test_status_changes_follow_the_machine(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    ref = new(capsys, tmp_path)
    code, _, err = run(capsys, "requests", "set-status", ref, "completed", "--note", "done")
    assert code == 1 and "cannot go from submitted to completed" in err
    code, _, err = run(capsys, "requests", "set-status", ref, "denied", "--note", "no")
    assert code == 1 and "reason code" in err
    code, out, _ = run(
        capsys,
        "requests",
        "set-status",
        ref,
        "denied",
        "--note",
        "unknown user",
        "--reason",
        "no_match",
    )
    assert code == 0 and "denied" in out
    code, _, err = run(
        capsys, "--lang", "ja", "requests", "set-status", ref, "in_progress", "--note", "reopen"
    )
    assert code == 1 and "終了" in err
    code, out, _ = run(capsys, "requests", "show", ref, "--json")
    history = json.loads(out)["history"]
    assert [(e["from"], e["to"], e["reason"]) for e in history] == [
        (None, "submitted", None),
        ("submitted", "denied", "no_match"),
    ]
    assert "note" not in history[-1]  # notes may hold personal data: not in redacted output


def test_extend_once(capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path) -> None:
    ref = new(capsys, tmp_path)
    code, out, _ = run(capsys, "requests", "extend", ref, "--reason", "many systems")
    assert code == 0 and ref in out
    code, out, _ = run(capsys, "requests", "show", ref, "--json")
    record = json.loads(out)
    assert record["extensions"] == 1
    assert date.fromisoformat(record["due_on"]) > date.fromisoformat(record["original_due_on"])
    code, _, err = run(capsys, "requests", "extend", ref, "--reason", "again")
    assert code == 1 and "already been extended" in err


def test_list_filters_and_overdue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    new(capsys, tmp_path)
    dpa = new(capsys, tmp_path, "dpa", DPA)
    regimes = load_regimes(knowledge_dir())
    with RequestStore(data_dir) as store:
        late = store.create_request(
            "deletion",
            {},
            lang="en",
            regime=regimes["appi"],
            now=datetime.now() - timedelta(days=20),
        ).reference
    code, out, _ = run(capsys, "requests", "list", "--overdue", "--json")
    assert [r["reference"] for r in json.loads(out)] == [late]
    code, out, _ = run(capsys, "requests", "list", "--kind", "dpa", "--json")
    assert [r["reference"] for r in json.loads(out)] == [dpa]
    run(capsys, "requests", "set-status", dpa, "legal_review", "--note", "to legal")
    code, out, _ = run(capsys, "requests", "list", "--status", "legal_review")
    assert code == 0 and dpa in out and late not in out
    out = run(capsys, "requests", "list")[1]
    assert f"{late} " in out and " !" in out  # the overdue mark


def test_dates_are_formatted_for_the_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    regimes = load_regimes(knowledge_dir())
    with RequestStore(data_dir) as store:
        ref = store.create_request(
            "deletion", {}, lang="en", regime=regimes["gdpr"], now=datetime(2026, 1, 31, 10, 0)
        ).reference
    _, ja, _ = run(capsys, "--lang", "ja", "requests", "show", ref)
    _, en, _ = run(capsys, "--lang", "en", "requests", "show", ref)
    assert "2026/01/31" in ja and "2026/02/28" in ja and "期限" in ja
    assert "Jan 31, 2026" in en and "Feb 28, 2026" in en


def test_export_is_redacted_unless_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    ref = new(capsys, tmp_path)
    code, md, _ = run(capsys, "requests", "export", ref, "--format", "md")
    assert code == 0
    assert md.startswith(f"# Data deletion request {ref}")
    assert "t***@example.com" in md and "taro@example.com" not in md
    assert "Line one" not in md  # the note is personal data
    assert "Germany (DE)" in md and "file-abc123" in md
    # The history on the office clock with its zone, as the Requests screen shows it.
    zone = office_time(datetime.now(UTC)).tzname()
    assert re.search(rf"^- \d{{4}}-\d\d-\d\d \d\d:\d\d {zone}, ", md, re.M), md
    code, md, _ = run(capsys, "requests", "export", ref, "--format", "md", "--include-pii")
    assert "taro@example.com" in md and "Line one \\| two" in md
    code, out, _ = run(capsys, "requests", "export", ref, "--format", "json", "--include-pii")
    record = json.loads(out)
    assert record["redacted"] is False
    assert record["contact"] == "taro@example.com"  # in full, as asked
    values = {a["field"]: a["value"] for a in record["answers"]}
    assert values["email"] == "taro@example.com"
    assert values["file_ids"] == ["file-abc123", "file-def456"]
    code, out, _ = run(capsys, "requests", "show", ref, "--json")
    actions = [e["action"] for e in json.loads(out)["history"]]
    assert actions == ["submitted", "exported", "exported", "exported"]


def test_dpa_export_in_the_requesters_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    ref = new(capsys, tmp_path, "dpa", DPA, "--requester-lang", "ja")
    assert ref.startswith("DPA-")
    code, md, _ = run(capsys, "--lang", "en", "requests", "export", ref, "--format", "md")
    assert code == 0
    assert md.startswith(f"# データ処理追加契約（DPA）の申し込み {ref}")
    assert "標準契約条項のモジュール 2（管理者から処理者へ）" in md
    assert "スイス補遺" in md and "英国補遺" not in md
    assert "［非表示］" in md  # the signatory's name
    record = json.loads(run(capsys, "requests", "export", ref, "--format", "json")[1])
    assert record["language"] == "ja" and record["regime"] == "other"
    assert record["implies"][0].startswith("標準契約条項")


def test_purge_keeps_the_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    ref = new(capsys, tmp_path)
    keep = new(capsys, tmp_path)
    run(capsys, "requests", "set-status", ref, "withdrawn", "--note", "changed mind")
    code, out, _ = run(capsys, "requests", "purge", "--older-than", "0")
    assert code == 0 and "1 closed request" in out
    code, out, _ = run(capsys, "requests", "show", ref, "--json")
    record = json.loads(out)
    assert record["purged"] and record["answers"] == [] and record["contact"] is None
    assert [e["action"] for e in record["history"]] == ["submitted", "status", "purged"]
    code, out, _ = run(capsys, "requests", "show", keep)
    assert "t***@example.com" in out


def test_wired_into_python_m_app(tmp_path: Path) -> None:
    env = {"KOTAE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "app", "requests", "show", "DEL-2026-000001"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert "DEL-2026-000001" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_show_reads_cleanly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path, lang: str
) -> None:
    ref = new(capsys, tmp_path)
    code, out, _ = run(capsys, "--lang", lang, "requests", "show", ref)
    assert code == 0
    assert "(submitted)" not in out if lang == "en" else "受付済み (submitted)" in out
    assert ".: " not in out and "。: " not in out
    assert "I understand that deletion cannot be undone." in out or "取り消せない" in out
    # The channel as the Requests screen names it, not its code.
    assert ("Channel: command line" if lang == "en" else "コマンドライン") in out
    assert ": cli" not in out


def test_help_says_a_bare_kotae_opens_the_ui(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "kotae" in out and "terminal UI" in out
    code, out, _ = run(capsys, "--lang", "ja", "--help")
    assert "画面" in out


# -- answers file template ---------------------------------------------------------------------

FILL = {
    "scope": '["account", "fine_tuned_models"]',
    "email": '"taro@example.com"',
    "org_id": '"org-AbC123xyz"',
    "country": '"DE"',
    "ack_irreversible": "true",
    "ack_legal_retention": "true",
    "legal_name": '"Example KK"',
    "registered_address": '"1-1 Chiyoda, Tokyo"',
    "signatory_name": '"Hanako Sato"',
    "signatory_title": '"CEO"',
    "signatory_email": '"hanako@example.jp"',
    "customer_role": '"controller"',
    "us_processing": "true",
}


def fill_template(text: str) -> str:
    import re

    def value(m: re.Match[str]) -> str:
        return f"{m.group(1)} = {FILL.get(m.group(1), m.group(2))}"

    return re.sub(r"^(\w+) = (.*)$", value, text, flags=re.M)


@pytest.mark.parametrize("kind", ["deletion", "dpa"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_template_names_every_field_and_files_once_filled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path, kind: str, lang: str
) -> None:
    import tomllib

    from app.core.knowledge import check_knowledge
    from app.core.workflow.engine import load_workflow

    code, template, _ = run(capsys, "requests", "template", kind, "--lang", lang)
    assert code == 0
    assert run(capsys, "--lang", lang, "requests", "template", kind)[1] == template
    assert tomllib.loads(template) is not None  # valid TOML as printed
    workflow = load_workflow(kind, check_knowledge()[0])
    for f in workflow.definition.fields():
        assert f"{f.id} = " in template, f.id  # every field, commented out or not
        assert f.label.get(lang) in template
    required, optional = ("required", "optional") if lang == "en" else ("必須", "任意")
    assert required in template and optional in template
    assert "(optional) (optional)" not in template and "（任意） (任意)" not in template
    if kind == "deletion":
        assert '"fine_tuned_models"' in template  # the allowed values
    if kind == "deletion" and lang == "en":
        assert "list of strings" in template and "true or false" in template
    # Unfilled, it is refused field by field; filled, it files a request.
    code, _, err = run(
        capsys, "requests", "new", kind, "--answers", answers_file(tmp_path, template)
    )
    assert code == 1
    assert "signatory_email" in err if kind == "dpa" else "email" in err
    code, out, err = run(
        capsys,
        "requests",
        "new",
        kind,
        "--answers",
        answers_file(tmp_path, fill_template(template)),
    )
    assert code == 0, err
    assert out.startswith("DEL-" if kind == "deletion" else "DPA-")


def test_answer_file_errors_name_the_key_and_the_type_expected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    text = DELETION.replace('scope = ["account", "files"]', "scope = 5").replace(
        "ack_irreversible = true", 'ack_irreversible = "sure"'
    )
    text = text.replace('country = "DE"', "country = 49")
    code, _, err = run(
        capsys, "requests", "new", "deletion", "--answers", answers_file(tmp_path, text)
    )
    assert code == 1
    lines = {line.split(":", 1)[0]: line for line in err.splitlines() if ":" in line}
    assert "list of strings" in lines["scope"]
    assert "true or false" in lines["ack_irreversible"]
    assert "country code" in lines["country"] and "string" in lines["country"]


def test_new_help_points_to_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "requests", "new", "--help")
    assert code == 0
    assert "kotae requests template" in out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "kotae requests template" in readme


def test_list_finds_a_request_by_an_answer_and_shows_it_masked(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    answers = answers_file(tmp_path, DELETION)
    ref = run(capsys, "requests", "new", "deletion", "--answers", answers)[1].strip()
    code, out, _ = run(capsys, "requests", "list", "--find", "TARO@EXAMPLE.COM")
    assert code == 0 and ref in out and "taro@example.com" not in out
    assert "No requests." in run(capsys, "requests", "list", "--find", "nobody@example.com")[1]


def test_show_flags_a_wanted_date_before_the_due_date(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    soon = (date.today() + timedelta(days=3)).isoformat()
    answers = answers_file(tmp_path, DPA + f'needed_by = "{soon}"\n')
    ref = run(capsys, "requests", "new", "dpa", "--answers", answers)[1].strip()
    out = run(capsys, "requests", "show", ref)[1]
    assert "Wanted by" in out and "before the due date" in out
    record = json.loads(run(capsys, "requests", "show", ref, "--json")[1])
    assert record["wanted_early"].startswith("Wanted by")


def test_a_mistyped_data_dir_is_not_an_empty_queue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    typo = tmp_path / "dta"
    for argv in (("list",), ("show", "DEL-2026-000001")):
        code, _out, err = run(capsys, "--data-dir", str(typo), "requests", *argv)
        assert code == 2 and "There is no request store in" in err and str(typo) in err
    assert not typo.exists()  # nothing made
