"""Adding a logged question as an example: in place, comments kept, checked, never the package."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.knowledge import check_knowledge, load_knowledge
from app.core.knowledge_edit import EditRefused, add_example, copy_knowledge, editable_root
from app.core.match.matcher import Matcher
from app.store import questions as ql
from app.store.sqlite import RequestStore

LOGGED = "Do my prompts endure on your side after I send them?"
PARAPHRASE = "do the prompts endure on your side once sent"


def test_added_example_is_one_new_line_and_a_paraphrase_is_answered(kb_copy: Path) -> None:
    before = (kb_copy / "entries" / "policy.toml").read_text(encoding="utf-8")
    assert Matcher(load_knowledge(kb_copy)).ask(PARAPHRASE).decision != "answer"
    path = add_example(kb_copy, "policy.retention-30-days", "en", LOGGED)
    after = path.read_text(encoding="utf-8")
    assert path == (kb_copy / "entries" / "policy.toml").resolve()
    added = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:2] in "+ - "]
    assert added == [f'+     "{LOGGED}",']  # every comment and line elsewhere byte for byte
    assert after.replace(f'    "{LOGGED}",\n', "", 1) == before
    result = Matcher(load_knowledge(kb_copy)).ask(PARAPHRASE)
    assert (result.decision, result.answer_id) == ("answer", "policy.retention-30-days")


def test_a_change_that_breaks_the_check_is_undone(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.core.knowledge_edit as ke
    from app.core.knowledge import Problem, check_knowledge

    faq = kb_copy / "entries" / "faq.toml"
    before = faq.read_bytes()
    calls = []

    def check_that_fails_after_the_edit(root: Path):  # type: ignore[no-untyped-def]
        kb, problems = check_knowledge(root)
        calls.append(root)
        if len(calls) > 1:
            problems = [Problem("entries/faq.toml", "faq.dpa", "questions", "a rule broke")]
        return kb, problems

    monkeypatch.setattr(ke, "check_knowledge", check_that_fails_after_the_edit)
    with pytest.raises(EditRefused, match=r"undone.*a rule broke"):
        add_example(kb_copy, "faq.dpa", "en", "DPA in German?")
    assert faq.read_bytes() == before


def test_a_folder_with_problems_is_not_edited(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "policy.toml"
    broken = path.read_text(encoding="utf-8").replace('topic = "', 'topic = "nope-', 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(EditRefused, match="fix them first"):
        add_example(kb_copy, "faq.dpa", "en", "DPA in German?")
    assert "DPA in German?" not in (kb_copy / "entries" / "faq.toml").read_text(encoding="utf-8")


def test_refusals(kb_copy: Path) -> None:
    with pytest.raises(EditRefused, match="knowledge copy"):
        editable_root(None)
    with pytest.raises(EditRefused, match="not a knowledge folder"):
        editable_root(kb_copy / "entries")
    with pytest.raises(EditRefused, match="no entry"):
        add_example(kb_copy, "faq.nope", "en", "x")
    with pytest.raises(EditRefused, match="already has"):
        existing = load_knowledge(kb_copy).entries["faq.dpa"].en.questions[0]
        add_example(kb_copy, "faq.dpa", "en", f"  {existing.upper()} ")


def test_the_packaged_copy_is_never_edited() -> None:
    import app

    # Where a wheel keeps the knowledge folder: inside the package.
    inside = Path(app.__file__).resolve().parent / "knowledge"
    for folder in (inside, inside / "entries"):
        with pytest.raises(EditRefused, match="installed package"):
            editable_root(folder)


def test_copy_then_add_from_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, folder = tmp_path / "d", tmp_path / "kb"
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")
    assert main(["--data-dir", str(data), "ask", LOGGED]) == 0
    with RequestStore(data) as s, ql.transaction(s) as con:
        (logged,) = ql.questions(con)
    args = ["--data-dir", str(data), "insights", "add", str(logged.id), "policy.retention-30-days"]
    assert main(args) == 1  # no folder named
    assert "kotae knowledge copy" in capsys.readouterr().err
    assert main(["knowledge", "copy", str(folder)]) == 0
    assert main(["knowledge", "copy", str(folder)]) == 1  # not over an existing copy
    assert main(["--knowledge", str(folder), *args]) == 0
    assert main(["--knowledge", str(folder), *args]) == 3  # dealt with: gone from the log
    capsys.readouterr()
    assert main(["--knowledge", str(folder), "ask", "--json", PARAPHRASE]) == 0
    assert '"answer_id": "policy.retention-30-days"' in capsys.readouterr().out


def test_copy_knowledge_copies_everything(tmp_path: Path) -> None:
    dest = copy_knowledge(tmp_path / "k")
    assert load_knowledge(dest).entries.keys() == load_knowledge().entries.keys()


def test_a_question_can_teach_an_out_of_scope_topic(kb_copy: Path) -> None:
    question = "Do you charge extra for Japanese text?"
    paraphrase = "is Japanese text charged extra"
    before = (kb_copy / "out_of_scope.toml").read_text(encoding="utf-8")
    assert Matcher(load_knowledge(kb_copy)).ask(paraphrase).out_of_scope != "pricing"
    path = add_example(kb_copy, "pricing", "en", question)
    assert path.name == "out_of_scope.toml"
    after = path.read_text(encoding="utf-8")
    assert after.replace(f'    "{question}",\n', "", 1) == before
    result = Matcher(load_knowledge(kb_copy)).ask(paraphrase)
    assert (result.decision, result.out_of_scope) == ("decline", "pricing")


def test_an_example_can_be_added_to_a_topic_known_by_its_words_alone(kb_copy: Path) -> None:
    assert load_knowledge(kb_copy).out_of_scope["roadmap"].ja.questions == ()
    path = add_example(kb_copy, "roadmap", "ja", "来年の新機能の予定は？")
    assert path == (kb_copy / "out_of_scope.toml").resolve()
    kb, problems = check_knowledge(kb_copy)
    assert problems == [] and kb is not None
    assert kb.out_of_scope["roadmap"].ja.questions == ("来年の新機能の予定は？",)
    assert "oos:roadmap" in Matcher(kb, use_cache=False).index.ids  # now ranked like the others
