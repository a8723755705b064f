"""Follow-ups: an unclear question is read with the previous answer's subject, on every face."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from textual.widgets import Input, Static

from app.cli.main import main
from app.core.config import Config
from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher
from app.tui.app import KotaeApp
from app.tui.widgets.cards import AnswerCard
from app.web.app import create_app
from app.web.settings import Settings

FIRST = "ゼロデータ保持とは？"
FOLLOW = "どうやって申請するの？"  # unclear alone: which application?
ENTRY = "policy.zero-retention"


def test_the_follow_up_alone_is_not_answered_but_is_with_context(kb: KnowledgeBase) -> None:
    matcher = Matcher(kb)
    assert matcher.ask(FIRST).answer_id == ENTRY
    assert matcher.ask(FOLLOW).decision != "answer"
    result = matcher.ask(FOLLOW, previous=ENTRY)
    assert (result.answer_id, result.context) == (ENTRY, ENTRY)


RETENTION = "policy.retention-30-days"


@pytest.mark.parametrize(
    "question", ["and for files?", "じゃあファイルの方は？", "ファイルも同じですか？"]
)
def test_a_follow_up_naming_a_related_subject_gets_that_subject(
    kb: KnowledgeBase, question: str
) -> None:
    # Alone these read like the Files API how-to topic; after the retention answer they ask
    # how long files are kept.
    matcher = Matcher(kb)
    assert matcher.ask(question).decision != "answer"
    result = matcher.ask(question, previous=RETENTION)
    assert result.answer_ids == ("policy.files-endpoint-retention",)
    assert (result.reason, result.context) == ("follow_up", RETENTION)
    # "Why" lists words of the question, never of the context sentence.
    assert all(w.casefold() in question.casefold() for w in result.answered[0].matched)


@pytest.mark.parametrize(
    "question", ["それと、学習には使われますか？", "あと、学習には使われますか？"]
)
def test_context_never_replaces_the_subject_a_follow_up_names(
    kb: KnowledgeBase, question: str
) -> None:
    matcher = Matcher(kb)
    assert matcher.ask(question).candidates[0].id == "policy.no-training-by-default"
    assert RETENTION not in matcher.ask(question, previous=RETENTION).answer_ids


@pytest.mark.parametrize(
    ("question", "topic"),
    [("DPA の締結に費用はかかりますか？", "pricing"), ("Claude だとどう？", "other-vendors")],
)
def test_context_does_not_answer_what_the_follow_up_declines_on_its_own_words(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    # It names the DPA, an entry; but a price (another vendor) is no subject of the policy.
    result = Matcher(kb).ask(question, previous="faq.hipaa")
    assert (result.decision, result.out_of_scope) == ("decline", topic)


async def test_tui_uses_the_last_answer_until_cleared(kb: KnowledgeBase) -> None:
    app = KotaeApp(kb, lang="ja", config=Config())  # type: ignore[arg-type]
    app.blink_cursor = False

    async def ask(pilot, question: str) -> None:  # type: ignore[no-untyped-def]
        app.screen.query_one(Input).insert_text_at_cursor(question)
        await pilot.press("enter")
        await pilot.pause()

    async with app.run_test(size=(100, 40)) as pilot:
        await ask(pilot, FIRST)
        await ask(pilot, FOLLOW)
        cards = list(app.screen.query(AnswerCard))
        assert [c.entry.id for c in cards] == [ENTRY, ENTRY]
        notes = [str(s.render()) for s in app.screen.query(Static).filter(".follow-up")]
        assert len(notes) == 1 and "続きとして" in notes[0]
        await pilot.press("ctrl+l")
        await pilot.pause()
        await ask(pilot, FOLLOW)
        assert not app.screen.query(AnswerCard)  # no context after clearing


def _csrf(client: TestClient) -> str:
    page = client.get("/ja/")
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text).group(1)  # type: ignore[union-attr]


def test_web_carries_the_previous_entry_in_the_ask_another_form(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key=b"k" * 32)  # type: ignore[arg-type]
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    first = client.post("/ja/ask", data={"q": FIRST, "csrf": _csrf(client)})
    assert f'name="previous" value="{ENTRY}"' in first.text
    token = _csrf(client)
    page = client.post("/ja/ask", data={"q": FOLLOW, "csrf": token, "previous": ENTRY})
    assert page.status_code == 200 and 'class="follow-up"' in page.text
    assert f"/ja/entry/{ENTRY}" in page.text or 'class="card"' in page.text
    for bad in ("not.an-entry", "<script>", ""):
        page = client.post("/ja/ask", data={"q": FOLLOW, "csrf": token, "previous": bad})
        assert page.status_code == 200 and 'class="follow-up"' not in page.text
        assert "<script>" not in page.text


def test_cli_previous_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--previous", ENTRY, FOLLOW]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["answer_id"], data["context"]) == (ENTRY, ENTRY)
    assert main(["ask", "--json", FOLLOW]) == 0
    assert json.loads(capsys.readouterr().out)["context"] is None
    assert main(["ask", "--lang", "en", "--previous", ENTRY, FOLLOW]) == 0
    assert "Read as a follow-up to:" in capsys.readouterr().out
    assert main(["ask", "--previous", "no.such-entry", FOLLOW]) == 2
    assert "no.such-entry" in capsys.readouterr().err
