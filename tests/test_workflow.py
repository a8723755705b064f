"""The wizard engine, the shipped wizards and `kotae check` for workflow files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.core import i18n
from app.core.knowledge import KnowledgeBase, KnowledgeError, check_knowledge
from app.core.workflow.check import check_workflows
from app.core.workflow.engine import WizardSession, Workflow, load_workflow

TODAY = date(2026, 6, 1)

# A workflow with one field of every type, to test the checks without the shipped wording.
SAMPLER = """
id = "sampler"
kind = "deletion"
ja = { title = "見本" }
en = { title = "Sampler" }

[deadline]
country_field = "country"

[[step]]
id = "basics"
ja = { title = "基本" }
en = { title = "Basics" }

[[step.field]]
id = "name"
type = "text"
min_length = 2
max_length = 10
pattern = "[A-Za-z ]+"
ja = { label = "名前" }
en = { label = "Name" }
errors = { pattern = { ja = "英字で入力してください。", en = "Use Latin letters." } }

[[step.field]]
id = "story"
type = "long_text"
required = false
max_length = 20
ja = { label = "話" }
en = { label = "Story" }

[[step.field]]
id = "email"
type = "email"
ja = { label = "メール" }
en = { label = "Email" }

[[step.field]]
id = "org"
type = "org_id"
ja = { label = "組織" }
en = { label = "Organisation" }

[[step]]
id = "lists"
ja = { title = "一覧" }
en = { title = "Lists" }

[[step.field]]
id = "files"
type = "file_ids"
max_items = 3
ja = { label = "ファイル" }
en = { label = "Files" }

[[step.field]]
id = "pick"
type = "multi_choice"
max_items = 2
ja = { label = "選択" }
en = { label = "Pick" }
choice = [
  { value = "a", ja = "あ", en = "A" },
  { value = "b", ja = "い", en = "B" },
  { value = "c", ja = "う", en = "C" },
]

[[step.field]]
id = "one"
type = "choice"
ja = { label = "一つ" }
en = { label = "One" }
choice = [
  { value = "x", ja = "エックス", en = "X" },
  { value = "y", ja = "ワイ", en = "Y" },
]

[[step]]
id = "more"
ja = { title = "その他" }
en = { title = "More" }

[[step.field]]
id = "country"
type = "country"
ja = { label = "国" }
en = { label = "Country" }

[[step.field]]
id = "when"
type = "date"
min_date = "today"
max_date = "2030-12-31"
ja = { label = "日付" }
en = { label = "Date" }

[[step.field]]
id = "ok"
type = "confirm"
ja = { label = "確認" }
en = { label = "Confirm" }
"""


@pytest.fixture(scope="module")
def wkb() -> KnowledgeBase:
    # Problems elsewhere in the knowledge base must not hide the wizard's own behaviour.
    return check_knowledge()[0]


@pytest.fixture(scope="module")
def sampler(wkb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Workflow:
    path = tmp_path_factory.mktemp("wf") / "sampler.toml"
    path.write_text(SAMPLER, encoding="utf-8")
    return load_workflow(path, wkb)


@pytest.fixture(scope="module")
def deletion(wkb: KnowledgeBase) -> Workflow:
    return load_workflow("deletion", wkb)


@pytest.fixture(scope="module")
def dpa(wkb: KnowledgeBase) -> Workflow:
    return load_workflow("dpa", wkb)


VALID = [
    ("name", "Ab", "Ab"),
    ("name", "  Taro Y ", "Taro Y"),
    ("story", "line one\nline two", "line one\nline two"),
    ("story", "", None),
    ("email", "taro@example.com", "taro@example.com"),
    ("email", "Taro@EXAMPLE.com", "Taro@example.com"),
    ("email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "taro@example.com"),
    ("org", "org-AbC123", "org-AbC123"),
    ("org", "ｏｒｇ－ＡＢＣ１２３", "org-ABC123"),
    ("files", "file-abc123 file-def456", ["file-abc123", "file-def456"]),
    ("files", "file-abc123、file-abc123", ["file-abc123"]),
    ("files", ["file-abc123", "file-x_y-9"], ["file-abc123", "file-x_y-9"]),
    ("pick", ["b", "a"], ["a", "b"]),
    ("pick", "c", ["c"]),
    ("one", "y", "y"),
    ("country", "jp", "JP"),
    ("country", "ＤＥ", "DE"),
    ("when", "2027-01-31", "2027-01-31"),
    ("when", "2027/01/31", "2027-01-31"),
    ("when", date(2026, 6, 1), "2026-06-01"),
    ("ok", True, True),
    ("ok", "yes", True),
]

INVALID = [
    ("name", "", "required"),
    ("name", "A", "min_length"),
    ("name", "A" * 11, "max_length"),
    ("name", "Ab1", "pattern"),
    ("name", "a\nb", "single_line"),
    ("name", "ab\x1b[31m", "invalid"),
    ("name", 5, "type"),
    ("story", "x" * 21, "max_length"),
    ("email", "taro@", "invalid"),
    ("email", "taro example.com", "invalid"),
    ("email", "taro@example", "invalid"),
    ("org", "abc", "invalid"),
    ("org", "org-", "invalid"),
    ("files", "file-abc123 nope", "invalid"),
    ("files", "file-a1b2 file-c3d4 file-e5f6 file-g7h8", "max_items"),
    ("files", [], "required"),
    ("files", 42, "type"),
    ("pick", ["a", "b", "c"], "max_items"),
    ("pick", ["z"], "choice"),
    ("one", "q", "choice"),
    ("one", ["x"], "type"),
    ("country", "XX", "invalid"),
    ("country", 81, "type"),
    ("when", "2026-05-31", "too_early"),
    ("when", "2031-01-01", "too_late"),
    ("when", "31/01/2027", "invalid"),
    ("when", "2027-02-30", "invalid"),
    ("ok", False, "unticked"),
    ("ok", "maybe", "type"),
]


@pytest.mark.parametrize(("field", "raw", "stored"), VALID)
def test_valid_answers_are_stored_normalised(
    sampler: Workflow, field: str, raw: Any, stored: Any
) -> None:
    run = WizardSession(sampler, today=TODAY)
    assert run.answer(field, raw) == []
    assert run.value(field) == stored
    # The stored form checks again unchanged, so a resumed draft keeps it.
    if stored is not None:
        assert run.answer(field, stored) == []
        assert run.value(field) == stored


def test_every_wrong_file_id_is_named_in_one_message(sampler: Workflow) -> None:
    run = WizardSession(sampler, today=TODAY)
    errors = run.answer("files", "file-abc123 foo bar file-def456")
    assert len(errors) == 1
    for lang in ("en", "ja"):
        assert "foo, bar" in errors[0].message(lang)


@pytest.mark.parametrize(("field", "raw", "code"), INVALID)
def test_invalid_answers_are_refused_with_a_message_in_both_languages(
    sampler: Workflow, field: str, raw: Any, code: str
) -> None:
    run = WizardSession(sampler, today=TODAY)
    errors = run.answer(field, raw)
    assert [e.code for e in errors][:1] == [code]
    assert all(e.field == field for e in errors)
    assert run.value(field) is None
    for e in errors:
        assert e.message("ja").strip() and e.message("en").strip()


def test_an_error_message_from_the_workflow_file_wins(sampler: Workflow) -> None:
    [error] = WizardSession(sampler).answer("name", "Ab1")
    assert error.message("ja") == "英字で入力してください。"
    assert error.message("en") == "Use Latin letters."


def test_built_in_messages_are_translated(sampler: Workflow) -> None:
    [error] = WizardSession(sampler).answer("email", "taro@")
    assert error.message("en") == "Enter an email address such as name@example.com."
    assert error.message("ja") != error.message("en")
    assert "@" in error.message("ja")


def test_a_bad_answer_keeps_the_earlier_one_but_blocks_next(sampler: Workflow) -> None:
    run = WizardSession(sampler, today=TODAY)
    for field, raw in {"name": "Ab", "email": "a@example.com", "org": "org-abcd1234"}.items():
        assert run.answer(field, raw) == []
    assert run.answer("email", "broken@") != []
    assert run.value("email") == "a@example.com"
    errors = run.next()
    assert [e.field for e in errors] == ["email"]
    assert run.current_step.id == "basics"
    assert run.answer("email", "b@example.com") == []
    assert run.next() == []
    assert run.current_step.id == "lists"


def test_next_names_every_missing_required_field(sampler: Workflow) -> None:
    run = WizardSession(sampler, today=TODAY)
    run.answer("name", "Ab")
    assert {(e.field, e.code) for e in run.next()} == {
        ("email", "required"),
        ("org", "required"),
    }
    assert run.step_number == (1, 3)


def _deletion_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "scope": ["account", "files"],
        "email": "taro@example.com",
        "org_id": "org-AbC123xyz",
        "file_ids": ["file-abc123"],
        "country": "DE",
        "note": "Thanks",
        "ack_irreversible": True,
        "ack_legal_retention": True,
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def _walk(run: WizardSession, answers: dict[str, Any]) -> list[str]:
    """Answer step by step as a person would; returns the ids of the steps seen."""
    seen = []
    while run.current_step is not None:
        step = run.current_step
        seen.append(step.id)
        for f in step.fields:
            if f.id in answers:
                assert run.answer(f.id, answers[f.id]) == []
        assert run.next() == []
    return seen


def test_conditions_show_steps_only_for_some_answers(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    seen = _walk(run, _deletion_answers(scope=["account"], file_ids=None))
    assert seen == ["scope", "account", "residence", "note", "acknowledge", "review"]
    assert run.is_complete

    run = WizardSession(deletion)
    seen = _walk(run, _deletion_answers(country="US", us_state="CA"))
    assert seen == [
        "scope",
        "account",
        "files",
        "residence",
        "us_state",
        "note",
        "acknowledge",
        "review",
    ]
    assert run.regime() == "ccpa"


@pytest.mark.parametrize(
    ("country", "state", "regime"),
    [
        ("DE", None, "gdpr"),
        ("NO", None, "gdpr"),
        ("GB", None, "uk_gdpr"),
        ("JP", None, "appi"),
        ("US", "CA", "ccpa"),
        ("US", "other", "other"),
        ("BR", None, "other"),
    ],
)
def test_country_of_residence_decides_the_regime(
    deletion: Workflow, country: str, state: str | None, regime: str
) -> None:
    run = WizardSession(deletion)
    assert run.load_answers(_deletion_answers(country=country, us_state=state)) == []
    assert run.regime() == regime


def test_a_state_answer_is_ignored_outside_the_us(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    assert run.load_answers(_deletion_answers(country="DE", us_state="CA")) == []
    assert run.regime() == "gdpr"
    assert "us_state" not in run.submitted_answers()


def test_back_and_forth_keeps_answers(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    run.answer("scope", ["account", "files"])
    run.next()
    run.answer("email", "taro@example.com")
    run.answer("org_id", "org-AbC123xyz")
    run.next()
    run.answer("file_ids", "file-abc123 file-def456")
    run.next()
    assert run.current_step.id == "residence"
    assert run.back() and run.back() and run.back()
    assert run.current_step.id == "scope"
    assert not run.back()
    assert run.value("email") == "taro@example.com"

    # Dropping files hides the files step; its answer is kept, but not submitted.
    run.answer("scope", ["account"])
    run.next()
    run.next()
    assert run.current_step.id == "residence"
    assert "file_ids" not in run.submitted_answers()
    assert run.value("file_ids") == ["file-abc123", "file-def456"]
    run.back()
    run.back()
    run.answer("scope", ["account", "files"])
    run.next()
    run.next()
    assert run.current_step.id == "files"
    assert run.value("file_ids") == ["file-abc123", "file-def456"]


def test_review_can_jump_back_to_a_step(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    _walk(run, _deletion_answers(scope=["account"], file_ids=None))
    assert run.finished
    assert run.back() and run.current_step.review
    run.go_to("account")
    assert run.answer("email", "hanako@example.jp") == []
    assert run.next() == [] and run.current_step.id == "residence"
    with pytest.raises(KeyError):
        run.go_to("files")  # not shown: files are not in scope
    assert dict(run.summary("en"))["Account email"] == "hanako@example.jp"


def test_summary_in_both_languages_follows_the_shown_steps(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    _walk(run, _deletion_answers(scope=["account"], file_ids=["file-abc123"]))
    en = dict(run.summary("en"))
    ja = dict(run.summary("ja"))
    assert en["What to delete"] == "The whole account"
    assert en["Country of residence"] == "Germany (DE)"
    assert ja["居住国"] == "ドイツ (DE)"
    assert ja["アカウントのメールアドレス"] == "taro@example.com"
    assert "File IDs" not in en  # the files step was skipped
    assert en["I understand that deletion cannot be undone."] == "Yes"
    redacted = dict(run.summary("en", redact=True))
    assert redacted["Account email"] == "t***@example.com"
    assert redacted["Note"] == "[redacted]"


def test_prompts_only_explains_the_policy_and_can_stop_without_a_request(
    deletion: Workflow, wkb: KnowledgeBase
) -> None:
    run = WizardSession(deletion)
    run.answer("scope", ["prompts"])
    run.next()
    assert run.current_step.id == "prompts_info"
    panels = run.explanations("ja")
    assert [p.entry_id for p in panels] == [
        "policy.retention-30-days",
        "faq.deletion-request",
        "policy.zero-retention",
    ]
    retention = wkb.entries["policy.retention-30-days"]
    assert panels[0].answer == retention.ja.answer
    assert panels[0].quote == retention.quote.strip()
    assert run.explanations("en")[0].answer == retention.en.answer

    assert run.answer("prompts_continue", "stop") == []
    assert run.next() == []
    assert run.stopped and not run.finished and not run.is_complete
    assert run.current_step is None
    assert "30" in run.end_message("en")

    assert run.back()
    assert run.current_step.id == "prompts_info"
    run.answer("prompts_continue", "continue")
    run.next()
    assert run.current_step.id == "account"


def test_validate_all_lists_every_problem(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    assert run.validate_all(_deletion_answers()) == []
    bad = _deletion_answers(email="x@", org_id="nope", file_ids="file-ok123 bad", colour="red")
    bad.pop("ack_irreversible")
    codes = {(e.field, e.code) for e in run.validate_all(bad)}
    assert codes == {
        ("colour", "unknown"),
        ("email", "invalid"),
        ("org_id", "invalid"),
        ("file_ids", "invalid"),
        ("ack_irreversible", "unticked"),
    }
    assert run.answers == {}  # validating stores nothing

    stop = _deletion_answers(scope=["prompts"], prompts_continue="stop")
    assert [(e.field, e.code) for e in run.validate_all(stop)] == [("prompts_continue", "ends")]


def test_load_answers_makes_a_finished_session(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    assert run.load_answers(_deletion_answers(scope=["account"])) == []
    assert run.finished and run.is_complete
    assert "file_ids" not in run.submitted_answers()


def test_draft_round_trip_through_json(deletion: Workflow) -> None:
    run = WizardSession(deletion)
    run.answer("scope", ["account", "files"])
    run.next()
    run.answer("email", "taro@example.com")
    data = json.loads(json.dumps(run.to_dict()))
    again = WizardSession.from_dict(deletion, data)
    assert again.answers == run.answers
    assert again.current_step.id == "account"

    data["answers"]["email"] = "no longer valid"
    data["answers"]["gone"] = "field removed since"
    data["step"] = "renamed"
    again = WizardSession.from_dict(deletion, data)
    assert again.answers == {"scope": ["account", "files"]}
    assert again.current_step.id == "scope"


def test_dpa_derives_the_clauses_and_reminds_of_us_processing(dpa: Workflow) -> None:
    answers = {
        "legal_name": "Example KK",
        "registered_address": "1-1 Chiyoda\nTokyo",
        "country": "JP",
        "org_id": "org-AbC123xyz",
        "signatory_name": "Hanako Sato",
        "signatory_title": "CEO",
        "signatory_email": "hanako@example.jp",
        "customer_role": "processor",
        "transfers": ["uk", "eea"],
        "us_processing": True,
    }
    run = WizardSession(dpa)
    assert run.load_answers(answers) == []
    assert run.implications("en") == [
        "Module 3 of the SCCs (processor to processor)",
        "EU Standard Contractual Clauses (SCCs)",
        "UK Addendum to the SCCs",
    ]
    # No transfer ticked: no SCCs, so no module either.
    assert run.load_answers({**answers, "transfers": []}) == []
    assert run.implications("en") == []
    assert run.regime() == "other"
    review = next(s for s in dpa.steps if s.review)
    [panel] = dpa.explanations(review, "ja")
    assert panel.entry_id == "faq.european-datacenter"
    assert "米国" in panel.quote
    missing = dict(answers, us_processing=False)
    assert [e.code for e in run.validate_all(missing)] == ["unticked"]


def test_the_shipped_workflows_pass_the_check(wkb: KnowledgeBase) -> None:
    assert set(wkb.workflows) >= {"deletion", "dpa"}
    assert check_workflows(wkb) == []


BROKEN = {
    "not toml": ("id = ", [("-", "toml")]),
    "unknown type": (
        SAMPLER.replace('type = "org_id"', 'type = "orgid"'),
        [("basics/org", "type")],
    ),
    "bad regex": (SAMPLER.replace('"[A-Za-z ]+"', '"[A-"'), [("basics/name", "pattern")]),
    "condition on a later field": (
        SAMPLER.replace('id = "basics"', 'id = "basics"\nwhen = { field = "pick", equals = "a" }'),
        [("basics", "when")],
    ),
    "includes on a single choice": (
        SAMPLER.replace('id = "more"', 'id = "more"\nwhen = { field = "one", includes = "x" }'),
        [("more", "when")],
    ),
    "unknown explain id": (
        SAMPLER.replace('id = "more"', 'id = "more"\nexplain = "policy.nope"'),
        [("more", "explain")],
    ),
    "end on a multi choice": (
        SAMPLER.replace(
            '{ value = "a", ja = "あ", en = "A" }',
            '{ value = "a", ja = "あ", en = "A", end = true }',
        ),
        [("lists/pick", "choice[0].end")],
    ),
    "end on a partial step without drop": (
        SAMPLER
        + """
[[step]]
id = "partial"
when = { field = "pick", includes = "a" }
ja = { title = "部分" }
en = { title = "Partial" }
[[step.field]]
id = "stop"
type = "choice"
ja = { label = "止める" }
en = { label = "Stop" }
choice = [
  { value = "x", ja = "x", en = "X", end = true },
  { value = "y", ja = "y", en = "Y" },
]
""",
        [("partial/stop", "choice[0].end")],
    ),
    "implication on an unknown field": (
        SAMPLER.replace(
            '{ value = "a", ja = "あ", en = "A" }',
            '{ value = "a", ja = "あ", en = "A", implies = { ja = "x", en = "x" }, '
            'implies_if = "nope" }',
        ),
        [("lists/pick", "choice[0].implies_if")],
    ),
    "duplicate field": (
        SAMPLER.replace('id = "story"', 'id = "name"'),
        [("basics/name", "id")],
    ),
    "missing english label": (
        SAMPLER.replace('en = { label = "Story" }', ""),
        [("basics/story", "en")],
    ),
    "rule for another type": (
        SAMPLER.replace("max_items = 2", "max_items = 2\nmin_length = 3"),
        [("lists/pick", "min_length")],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_check_names_file_step_field_of_each_mistake(kb_copy: Path, case: str) -> None:
    text, expected = BROKEN[case]
    (kb_copy / "workflows" / "sampler.toml").write_text(text, encoding="utf-8")
    kb = check_knowledge(kb_copy)[0]
    problems = check_workflows(kb)
    found = {(p.entry, p.field) for p in problems}
    assert set(expected) <= found, problems
    assert all(p.file.endswith("sampler.toml") for p in problems)
    if case == "unknown explain id":
        # A missing panel does not keep a person from making a request.
        assert load_workflow("sampler", kb).explanations(kb_step(kb), "en") == []
        return
    with pytest.raises(KnowledgeError):
        load_workflow("sampler", kb)


def kb_step(kb: KnowledgeBase) -> Any:
    return next(s for s in load_workflow("sampler", kb).steps if s.id == "more")


def test_check_reports_a_broken_country_list(kb_copy: Path) -> None:
    (kb_copy / "countries.toml").write_text('[[country]]\ncode = "jpn"\nja = "日本"\n')
    problems = check_workflows(check_knowledge(kb_copy)[0])
    assert {(p.entry, p.field) for p in problems} >= {
        ("jpn", "code"),
        ("jpn", "en"),
        ("jpn", "regime"),
    }


def test_interface_language_switch_does_not_change_stored_errors(sampler: Workflow) -> None:
    i18n.set_language("ja")
    [error] = WizardSession(sampler).answer("org", "abc")
    assert str(error).startswith("org: ")
    assert str(error) == f"org: {error.message('ja')}"
    i18n.set_language("en")
    assert str(error) == f"org: {error.message('en')}"


SCOPES = ["account", "files", "fine_tuned_models", "prompts"]
# Every scope that ticks prompts and something else (prompts alone: the test above).
WITH_PROMPTS = [
    [s for i, s in enumerate(SCOPES) if mask >> i & 1]
    for mask in range(1, 16)
    if mask >> SCOPES.index("prompts") & 1 and mask != 1 << SCOPES.index("prompts")
]


@pytest.mark.parametrize("scope", WITH_PROMPTS, ids=lambda s: "+".join(s))
def test_stopping_at_the_prompts_step_drops_only_the_prompts(
    deletion: Workflow, scope: list[str]
) -> None:
    others = [s for s in scope if s != "prompts"]
    run = WizardSession(deletion)
    run.answer("scope", scope)
    run.next()
    assert run.current_step.id == "prompts_info"
    assert run.answer("prompts_continue", "stop") == []
    assert run.next() == []
    assert not run.stopped
    _walk(run, _deletion_answers(scope=None))
    assert run.is_complete
    assert run.submitted_answers()["scope"] == others
    # An answers file with the same choices files the same request.
    from_file = WizardSession(deletion)
    assert from_file.load_answers(_deletion_answers(scope=scope, prompts_continue="stop")) == []
    assert from_file.submitted_answers()["scope"] == others


def test_an_impossible_date_says_there_is_no_such_date(sampler: Workflow) -> None:
    run = WizardSession(sampler, today=TODAY)
    [error] = run.answer("when", "2026-02-30")
    assert "no such date" in error.message("en")
    assert "存在しません" in error.message("ja")
    [error] = run.answer("when", "30/02/2026")
    assert "YYYY-MM-DD" in error.message("en")


@pytest.mark.parametrize(
    "typed", ["2026-6-5", "2026/06/05", "２０２６／６／５", "2026年6月5日", "2026.6.5"]
)
def test_a_date_is_read_as_people_type_it(sampler: Workflow, typed: str) -> None:
    run = WizardSession(sampler, today=TODAY)
    assert run.answer("when", typed) == []
    assert run.value("when") == "2026-06-05"


# -- wizard texts that state policy come from the knowledge entries ---------------------------

OLD_PROMPTS_HELP = (
    'help = "Data sent through the API is kept for at most 30 days to monitor abuse and then '
    'deleted, so there is nothing to ask for."'
)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (OLD_PROMPTS_HELP, ("more", "en.help")),
        (
            'help = "削除を依頼する必要はありません。API データは 30 日間保持されます。"',
            ("more", "ja.help"),
        ),
        ('help = "If you live in California, the CCPA applies."', ("more", "en.help")),
        (
            'help = "All customer data is processed and stored in the United States."',
            ("more", "en.help"),
        ),
        ('help = "個人情報保護法により、遅滞なく対応します。"', ("more", "ja.help")),
    ],
)
def test_check_rejects_policy_stated_without_an_entry(
    kb_copy: Path, text: str, where: tuple[str, str]
) -> None:
    lang = where[1][:2]
    other = "en" if lang == "ja" else "ja"
    step = (
        f'[[step]]\nid = "more"\n[step.{lang}]\ntitle = "x"\n{text}\n[step.{other}]\ntitle = "x"\n'
    )
    old = '[[step]]\nid = "more"\nja = { title = "その他" }\nen = { title = "More" }\n'
    assert old in SAMPLER
    path = kb_copy / "workflows" / "sampler.toml"
    path.write_text(SAMPLER.replace(old, step), encoding="utf-8")
    problems = check_workflows(check_knowledge(kb_copy)[0])
    found = [(p.entry, p.field) for p in problems if p.field.endswith("help")]
    assert found == [where], problems


def test_the_prompts_step_renders_the_policy_from_its_entries(
    deletion: Workflow, wkb: KnowledgeBase
) -> None:
    run = WizardSession(deletion)
    run.answer("scope", ["prompts"])
    run.next()
    step = run.current_step
    for lang in ("ja", "en"):
        help_text = deletion.help(step, lang)
        assert "nothing to ask for" not in help_text and "必要はありません" not in help_text
        assert "low-risk" not in help_text
    assert "faq.deletion-request" in [p.entry_id for p in run.explanations("en")]
    run.answer("prompts_continue", "stop")
    run.next()
    retention = wkb.entries["policy.retention-30-days"]
    assert retention.en.answer in run.end_message("en")
    assert "unless the law requires otherwise" in run.end_message("en")
    assert retention.ja.answer in run.end_message("ja")


def test_full_width_digits_fit_a_patterned_field(dpa: Workflow) -> None:
    field = next(f for step in dpa.steps for f in step.fields if f.id == "registration_number")
    checker = WizardSession(dpa).checker
    value, errors = checker.check_value(field, "１２３４５６７８９０１２３")
    assert (value, errors) == ("1234567890123", [])
    _, wrong = checker.check_value(field, "＃？")
    assert [e.code for e in wrong] == ["pattern"]
