"""The shipped knowledge base is complete and faithful; broken ones are reported precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.knowledge import KnowledgeBase, check_knowledge

REQUIRED_IDS = {
    "policy.no-training-by-default",
    "policy.opt-in-sharing",
    "policy.retention-30-days",
    "policy.api-data-definition",
    "policy.fine-tuning-data-use",
    "policy.before-march-2023",
    "policy.abuse-review-access",
    "policy.zero-retention",
    "policy.files-endpoint-retention",
    "policy.consumer-services-excluded",
    "faq.security-certifications",
    "faq.data-storage-location",
    "faq.encryption-in-transit",
    "faq.european-datacenter",
    "faq.hipaa",
    "faq.deletion-request",
    "faq.dpa",
    "faq.self-hosting",
}


def test_shipped_knowledge_has_no_problems() -> None:
    _, problems = check_knowledge()
    assert [str(p) for p in problems] == []


def test_no_katakana_topic_word_hides_inside_a_word_of_the_knowledge(kb: KnowledgeBase) -> None:
    # Japanese topic words match anywhere: 「クロード」 (Claude) would decline every question
    # about a HIPAA 「ワークロード」, which the BAA entry's examples use.
    from app.core.match.text import normalise_keep_script

    katakana = re.compile("[\u30a1-\u30faー]+")
    texts = [
        text
        for e in kb.entries.values()
        for side in (e.ja, e.en)
        for text in (side.title, side.answer, *side.questions)
    ]
    words = {w for text in texts for w in katakana.findall(normalise_keep_script(text))}
    for topic in kb.out_of_scope.values():
        for word in map(normalise_keep_script, topic.words):
            if katakana.fullmatch(word):
                assert not [w for w in words if word in w and w != word], (topic.id, word)


def test_required_entries_exist(kb: KnowledgeBase) -> None:
    assert set(kb.entries) == REQUIRED_IDS


def test_every_quote_is_verbatim_in_the_source(kb: KnowledgeBase) -> None:
    source = re.sub(r"\s+", " ", kb.source_text)
    for entry in kb.entries.values():
        assert re.sub(r"\s+", " ", entry.quote).strip() in source, entry.id


def test_workflow_entries_lead_to_their_workflows(kb: KnowledgeBase) -> None:
    assert kb.get("faq.deletion-request").workflow == "deletion"
    assert kb.get("faq.dpa").workflow == "dpa"


def test_enough_example_questions(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        for lang in ("ja", "en"):
            assert len(entry.text(lang).questions) >= 8, (entry.id, lang)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_broken_toml_names_file_and_line(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kb_copy / "entries" / "faq.toml").write_text('[[entry]]\nid = "x\n', encoding="utf-8")
    assert main(["check", "--knowledge", str(kb_copy)]) == 1
    out = capsys.readouterr().out
    assert "knowledge/entries/faq.toml: -: toml: not valid TOML" in out
    assert "line 2" in out
    assert "Traceback" not in out
    # policy.toml names faq entries as related: unread, they are not reported as unknown.
    assert "unknown entry id" not in out and "1 problem(s) found" in out


def test_an_entry_without_an_id_is_counted_from_one(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(kb_copy / "entries" / "faq.toml", 'id = "faq.data-storage-location"\n', "")
    assert main(["check", "--knowledge", str(kb_copy)]) == 1
    assert "knowledge/entries/faq.toml: entry #2: id: " in capsys.readouterr().out


def test_altered_quote_is_reported(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(kb_copy / "entries" / "faq.toml", "TLS", "TLS 1.3")
    assert main(["check", "--knowledge", str(kb_copy)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"knowledge/entries/faq\.toml: faq\.encryption-in-transit: quote: ", out), out


def test_missing_language_and_unknown_related(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "faq.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"faq.dpa"', '"faq.nope"', 1)
    path.write_text(text + '\n[[entry]]\nid = "faq.extra"\ntopic = "security"\n', encoding="utf-8")
    _, problems = check_knowledge(kb_copy)
    shown = [str(p) for p in problems]
    assert any(": related: unknown entry id 'faq.nope'" in s for s in shown), shown
    extra = [p for p in problems if p.entry == "faq.extra"]
    assert {p.field for p in extra} >= {"source", "quote", "ja", "en"}
    assert all(p.file == "knowledge/entries/faq.toml" for p in extra)


def test_duplicate_id_and_wrong_type(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "policy.toml"
    text = path.read_text(encoding="utf-8")
    dup = text.replace('id = "policy.', 'id = "dup.', 0)
    (kb_copy / "entries" / "zz-dup.toml").write_text(dup, encoding="utf-8")
    _edit(path, "related = [", "related = 3\nold_related = [")
    _, problems = check_knowledge(kb_copy)
    shown = [str(p) for p in problems]
    assert any("zz-dup.toml: policy." in s and "duplicate id" in s for s in shown), shown
    assert any(": related: must be a list of strings" in s for s in shown), shown
    assert any(": old_related: unknown field" in s for s in shown), shown


def test_ask_refuses_to_start_on_a_broken_knowledge_base(
    kb_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (kb_copy / "synonyms.toml").write_text("[[group]]\nterms = 'x'\n", encoding="utf-8")
    assert main(["--knowledge", str(kb_copy), "ask", "hello"]) == 1
    err = capsys.readouterr().err
    assert "knowledge/synonyms.toml: group #1: terms: must be a list of strings" in err


def test_a_broken_pattern_names_its_group_and_field(kb_copy: Path) -> None:
    (kb_copy / "synonyms.toml").write_text(
        '[[group]]\nterms = ["a", "b"]\npatterns = ["(unclosed"]\n'
        '[[group]]\nterms = ["c", "d"]\npattern = ["c+"]\n',
        encoding="utf-8",
    )
    _, problems = check_knowledge(kb_copy)
    shown = [str(p) for p in problems]
    assert any(
        "synonyms.toml: group #1: patterns: '(unclosed' is no regular expression" in s
        for s in shown
    ), shown
    assert any("synonyms.toml: group #2: pattern: unknown field" in s for s in shown), shown


def test_a_not_term_that_is_a_term_or_no_list_is_named(kb_copy: Path) -> None:
    (kb_copy / "synonyms.toml").write_text(
        '[[group]]\nterms = ["委託先", "subprocessor"]\n'
        '[not_terms]\nja = ["委託先", "委託先管理"]\nen = "vendor management"\n',
        encoding="utf-8",
    )
    _, problems = check_knowledge(kb_copy)
    shown = [str(p) for p in problems]
    assert any("synonyms.toml: not_terms: -: '委託先' is a term of group #1" in s for s in shown), (
        shown
    )
    assert any("synonyms.toml: not_terms: en: must be a list of strings" in s for s in shown)


def test_a_not_term_hides_the_term_inside_it(kb: KnowledgeBase) -> None:
    from app.core.match.matcher import Matcher

    assert "委託先管理" in kb.not_terms
    analyzer = Matcher(kb, use_cache=False).analyzer
    plain = analyzer.analyze("委託先にもデータは渡りますか").features
    managed = analyzer.analyze("委託先管理のため伺います").features
    subprocessor = next(f for f in plain if f.startswith("c:"))
    assert subprocessor not in managed and not any(f.startswith("c:") for f in managed)


def test_abuse_review_access_limits_the_purpose_not_who(kb: KnowledgeBase) -> None:
    # The policy: 「…不正使用の疑いを調査および検証する目的でのみ、このデータにアクセスできます」.
    entry = kb.entries["policy.abuse-review-access"]
    assert "だけ" not in entry.ja.answer
    assert "目的でのみ" in entry.ja.answer
    assert not entry.en.answer.lower().startswith("only")
    assert "only for the purpose of" in entry.en.answer
