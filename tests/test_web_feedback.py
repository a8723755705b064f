"""Feedback and the question log on the web site; the footer says what is kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.store import questions as ql
from app.store.sqlite import RequestStore
from tests.test_web_routes import ask, csrf, make_client


def _stored(tmp_path: Path) -> tuple[list[ql.Votes], list[ql.LoggedQuestion]]:
    with RequestStore(tmp_path / "data") as store, ql.transaction(store) as con:
        return ql.votes(con), ql.questions(con)


@pytest.fixture(autouse=True)
def _log_unanswered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "unanswered")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_answer_has_the_feedback_form(tmp_path: Path, lang: str) -> None:
    client = make_client(tmp_path)
    page = ask(client, lang, "保存期間は？" if lang == "ja" else "How long is API data kept?")
    assert page.status_code == 200
    form = re.search(r'<form method="post" action="/\w+/feedback".*?</form>', page.text, re.S)
    assert form and 'value="yes"' in form.group(0) and 'name="comment"' in form.group(0)
    assert ("この回答で" if lang == "ja" else "Did this answer") in form.group(0)


def test_yes_and_no_are_stored_and_no_keeps_the_masked_question(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    token = csrf(client)
    base = {"csrf": token, "entry": "policy.retention-30-days", "confidence": "0.9"}
    q = "How long is API data kept? Mail me at taro@example.com"
    yes = {**base, "helpful": "yes", "q": "How long do you keep API data?"}
    assert client.post("/en/feedback", data=yes).status_code == 200
    reply = client.post(
        "/en/feedback",
        data={**base, "helpful": "no", "q": q, "comment": "I meant files; call 090-1234-5678"},
    )
    assert reply.status_code == 200 and "Thank you" in reply.text
    votes, logged = _stored(tmp_path)
    assert [(v.entry_id, v.yes, v.no) for v in votes] == [("policy.retention-30-days", 1, 1)]
    assert votes[0].comments == ("I meant files; call [phone]",)
    assert [(x.question, x.channel) for x in logged] == [("How long is API data kept?", "web")]


def test_a_vote_is_sent_once_and_a_no_offers_another_try(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    base = {"csrf": csrf(client), "entry": "faq.dpa", "confidence": "0.5", "q": "dpa?"}
    reply = client.post("/en/feedback", data={**base, "helpful": "no"}, follow_redirects=False)
    assert reply.status_code == 303
    thanks = reply.headers["location"]
    for _ in range(3):  # reloads of the thank-you page
        page = client.get(thanks)
    assert page.status_code == 200 and 'action="/en/ask"' in page.text
    assert "ask a person" in page.text
    votes, _ = _stored(tmp_path)
    assert [(v.yes, v.no) for v in votes] == [(0, 1)]
    home = client.get("/en/feedback", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/en/"


def test_a_second_vote_on_the_same_answer_counts_once(tmp_path: Path) -> None:
    # Back to the answer page after voting shows the buttons again: a second click stores nothing.
    client = make_client(tmp_path)
    base = {"csrf": csrf(client), "entry": "faq.dpa", "confidence": "0.5", "q": "DPA はありますか"}
    client.post("/en/feedback", data={**base, "helpful": "no", "comment": "want the PDF"})
    again = client.post("/en/feedback", data={**base, "helpful": "yes"})
    assert "already received" in again.text
    votes, _ = _stored(tmp_path)
    assert [(v.yes, v.no) for v in votes] == [(0, 1)]
    other = make_client(tmp_path)  # another visitor's vote on the same answer counts
    other.post("/en/feedback", data={**base, "csrf": csrf(other), "helpful": "yes"})
    votes, _ = _stored(tmp_path)
    assert [(v.yes, v.no) for v in votes] == [(1, 1)]


def test_voting_does_not_use_up_the_question_limit(tmp_path: Path) -> None:
    from app.web.settings import Limit

    client = make_client(tmp_path, ask_limit=Limit(2, 3600))
    base = {"csrf": csrf(client), "entry": "faq.dpa", "helpful": "yes"}
    assert client.post("/en/feedback", data=base).status_code == 200
    assert client.post("/en/feedback", data=base).status_code == 200
    assert ask(client, "en", "How long is API data kept?").status_code == 200


def test_bad_feedback_is_refused(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    token = csrf(client)
    assert (
        client.post(
            "/en/feedback", data={"csrf": token, "entry": "nope", "helpful": "yes"}
        ).status_code
        == 400
    )
    assert (
        client.post("/en/feedback", data={"entry": "faq.dpa", "helpful": "yes"}).status_code == 403
    )
    assert _stored(tmp_path)[0] == []


def test_declined_questions_are_logged_answered_ones_not(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    ask(client, "en", "What is the price per token?")
    ask(client, "en", "How long is API data kept?")
    assert [q.question for q in _stored(tmp_path)[1]] == ["What is the price per token?"]


def test_log_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "off")
    client = make_client(tmp_path)
    ask(client, "en", "What is the price per token?")
    assert _stored(tmp_path)[1] == []


def test_start_up_purges_old_questions(tmp_path: Path) -> None:
    with RequestStore(tmp_path / "data") as store, ql.transaction(store) as con:
        ql.log_question(
            con,
            channel="web",
            lang="en",
            question="old",
            decision="decline",
            confidence=0.0,
            now=datetime.now(UTC) - timedelta(days=31),
        )
    make_client(tmp_path, question_log_days=30)
    assert _stored(tmp_path)[1] == []


@pytest.mark.parametrize(("lang", "words"), [("ja", "30 日間"), ("en", "30 days")])
def test_the_footer_says_what_is_kept_and_for_how_long(
    tmp_path: Path, lang: str, words: str
) -> None:
    page = make_client(tmp_path).get(f"/{lang}/")
    footer = re.search(r"<footer.*?</footer>", page.text, re.S)
    assert footer and words in footer.group(0)
    off = make_client(tmp_path / "off", log_questions="off").get(f"/{lang}/")
    off_footer = re.search(r"<footer.*?</footer>", off.text, re.S)
    assert off_footer and words not in off_footer.group(0)
    assert ("保存されません" if lang == "ja" else "not kept") in off_footer.group(0)
