"""The customer web site through Starlette's TestClient: every page in ja and en, the forms
step by step, and the safety rules (CSRF, limits, headers, logs, what the web never shows)."""

from __future__ import annotations

import html
import logging
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from app.core.messages import format_day
from app.store.sqlite import RequestStore
from app.web.app import create_app
from app.web.ratelimit import RateLimiter
from app.web.render import negotiate
from app.web.settings import Limit, Settings, load_secret

LANGS = ("ja", "en")
DELETION = {
    "scope": ["account", "files"],
    "email": "taro@example.com",
    "org_id": "org-abc123",
    "file_ids": "file-abc123 file-def456",
    "country": "JP",
    "note": "",
    "ack_irreversible": "yes",
    "ack_legal_retention": "yes",
}
DPA = {
    "legal_name": "Example GmbH",
    "registered_address": "Hauptstr. 1, Berlin",
    "country": "DE",
    "org_id": "org-xyz789",
    "signatory_name": "Erika Muster",
    "signatory_title": "CEO",
    "signatory_email": "erika@example.de",
    "customer_role": "controller",
    "transfers": ["eea"],
    "us_processing": "yes",
}


def make_client(tmp_path: Path, **overrides: object) -> TestClient:
    settings = Settings(data_dir=tmp_path / "data", secret_key=b"k" * 32, **overrides)  # type: ignore[arg-type]
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return make_client(tmp_path)


def csrf(client: TestClient, lang: str = "en") -> str:
    page = client.get(f"/{lang}/")
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text).group(1)  # type: ignore[union-attr]


def ask(client: TestClient, lang: str, question: str):  # type: ignore[no-untyped-def]
    return client.post(f"/{lang}/ask", data={"q": question, "csrf": csrf(client, lang)})


def main_text(page: str) -> str:
    found = re.search(r"<main.*?</main>", page, re.S)
    assert found
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))))


def step_id(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.url).rstrip("/").rsplit("/", 1)[1]


def fill(client: TestClient, lang: str, name: str, answers: dict[str, object]):  # type: ignore[no-untyped-def]
    """Walk a form from its start with these answers; returns the last response."""
    token = csrf(client, lang)
    page = client.get(f"/{lang}/request/{name}")
    for _ in range(15):
        if "/status/" in str(page.url):
            return page
        fields = set(re.findall(r'name="([a-z_]+)"', page.text)) - {"csrf", "action", "q"}
        data = {k: v for k, v in answers.items() if k in fields}
        page = client.post(str(page.url), data={**data, "csrf": token, "action": "next"})
        assert "There is a problem" not in page.text and "入力内容に問題があります" not in page.text
    raise AssertionError("the form did not end")


# -- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("ja,en;q=0.8", "ja"),
        ("en-GB,ja;q=0.5", "en"),
        ("fr, ja;q=0.3", "ja"),
        ("", "en"),
        ("ja;q=0.1, en;q=0.9", "en"),
        ("ja-JP", "ja"),
    ],
)
def test_the_language_comes_from_accept_language(
    client: TestClient, header: str, lang: str
) -> None:
    assert negotiate(header) == lang
    r = client.get("/", headers={"accept-language": header}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/{lang}/"


@pytest.mark.parametrize("lang", LANGS)
def test_home_lists_every_topic_with_headers_and_cookie(client: TestClient, lang: str, kb) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/{lang}/")
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in r.text
    for entry in kb.entries.values():
        assert f'href="/{lang}/entry/{entry.id}"' in r.text
    # The request forms are one step from the home page, not only from an answer.
    assert f'href="/{lang}/request/deletion"' in r.text and f'href="/{lang}/request/dpa"' in r.text
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    # It outlives the browser window as long as a form's draft is kept (24 hours by default).
    assert f"max-age={24 * 3600}" in cookie
    assert "<script>" not in r.text and "style=" not in r.text and "<style" not in r.text


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_has_a_page(client: TestClient, lang: str, kb) -> None:  # type: ignore[no-untyped-def]
    for entry in kb.entries.values():
        r = client.get(f"/{lang}/entry/{entry.id}")
        assert r.status_code == 200
        assert entry.text(lang).title in html.unescape(r.text)
        assert entry.quote.strip()[:20] in html.unescape(r.text)
        # The source is the Japanese page's own words: marked as Japanese on either page.
        assert f'<span lang="ja">{html.escape(entry.source)}</span>' in r.text
    assert client.get(f"/{lang}/entry/no.such-entry").status_code == 404


@pytest.mark.parametrize(
    ("lang", "question"), [("ja", "保存期間は？"), ("en", "How long do you keep my data?")]
)
def test_answer_card(client: TestClient, lang: str, question: str, kb) -> None:  # type: ignore[no-untyped-def]
    r = ask(client, lang, question)
    assert r.status_code == 200
    entry = kb.get("policy.retention-30-days")
    text = main_text(r.text)
    assert entry.text(lang).title in text
    assert entry.quote.strip()[:20] in text
    assert ("確信度" if lang == "ja" else "confidence") in text
    for rid in entry.related:
        assert f'href="/{lang}/entry/{rid}"' in r.text
    assert question not in str(r.url)


@pytest.mark.parametrize("lang", LANGS)
def test_an_entry_with_a_workflow_links_to_its_form(client: TestClient, lang: str) -> None:
    r = client.get(f"/{lang}/entry/faq.deletion-request")
    assert f'href="/{lang}/request/deletion"' in r.text


def _clarify_question(matcher) -> str:  # type: ignore[no-untyped-def]
    for q in ("データ", "data", "削除", "delete", "API", "保存", "training", "ファイル"):
        if matcher.ask(q).decision == "clarify":
            return q
    pytest.skip("no short question gives a clarify with this knowledge base")


@pytest.mark.parametrize("lang", LANGS)
def test_clarify_offers_the_close_entries(client: TestClient, lang: str, matcher, kb) -> None:  # type: ignore[no-untyped-def]
    question = _clarify_question(matcher)
    result = matcher.ask(question)
    r = ask(client, lang, question)
    assert ("どれについて" if lang == "ja" else "Which of these") in r.text or "clarify" in r.text
    for sid in result.suggestions[:3]:
        assert f'href="/{lang}/entry/{sid}"' in r.text


@pytest.mark.parametrize(
    ("lang", "headline"),
    [("en", "No clear answer in the policy"), ("ja", "ポリシーにはっきりした回答が見つかりません")],
)
def test_an_unsure_decline_says_no_clear_answer(tmp_path: Path, lang: str, headline: str) -> None:
    # Not "the policy has no answer": it may answer this in other words (the first suggestion).
    client = make_client(tmp_path)
    r = ask(client, lang, "do you train on my api messages?")
    text = main_text(r.text)
    assert headline in text and "The policy has no answer" not in text
    # The entry it may be about comes first, before the list of topics.
    link = r.text.index(f'href="/{lang}/entry/policy.no-training-by-default"')
    assert link < r.text.index("対象のトピック" if lang == "ja" else "on these topics")


@pytest.mark.parametrize(
    ("lang", "question"),
    [("ja", "今日の天気はどうですか？"), ("en", "What is the price per token?")],
)
def test_decline_says_so_and_names_a_contact(tmp_path: Path, lang: str, question: str) -> None:
    client = make_client(tmp_path, contact="privacy@example.com")
    r = ask(client, lang, question)
    text = main_text(r.text)
    assert ("答えはポリシーにありません" if lang == "ja" else "The policy has no answer") in text
    assert "privacy@example.com" in text
    assert ("トピック" if lang == "ja" else "topics") in text


@pytest.mark.parametrize("lang", LANGS)
def test_empty_and_overlong_questions_get_an_error_summary(client: TestClient, lang: str) -> None:
    r = ask(client, lang, "   ")
    assert r.status_code == 400
    assert 'class="error-summary"' in r.text and 'href="#f-q"' in r.text and 'id="f-q"' in r.text
    r = ask(client, lang, "あ" * 4003)
    assert r.status_code == 400 and "4000" in r.text
    # How much to cut, for someone pasting a long e-mail.
    assert ("4003 文字で、3 文字多すぎます" if lang == "ja" else "has 4003, 3 too many") in r.text
    assert "あ" * 4003 in r.text  # given back whole: nothing typed is lost


def test_a_pasted_e_mail_counts_a_line_break_as_one_character(client: TestClient) -> None:
    # 3,990 characters as the browser counts them, over 4,000 as sent (CR LF).
    lines = ["x" * 37 + " ." for _ in range(99)] + ["How long do you keep API data?"]
    email = "\r\n".join(lines)
    assert len(email.replace("\r\n", "\n")) <= 4000 < len(email)
    r = ask(client, "en", email)
    assert r.status_code == 200 and "error-summary" not in r.text


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "ok thanks!"), ("ja", "ありがとうございます！")]
)
def test_a_thank_you_alone_is_not_told_the_policy_has_no_answer(
    client: TestClient, lang: str, message: str
) -> None:
    text = main_text(ask(client, lang, message).text)
    assert "has no answer" not in text and "答えはポリシーにありません" not in text
    assert ("nothing to look up" if lang == "en" else "調べられる語が見つかりません") in text


def test_a_get_of_the_ask_address_goes_home(client: TestClient) -> None:
    r = client.get("/ja/ask", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ja/"


def test_questions_are_escaped(client: TestClient) -> None:
    r = ask(client, "en", "<script>alert(1)</script> retention?")
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text


# -- forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_deletion_form_end_to_end(tmp_path: Path, lang: str) -> None:
    client = make_client(tmp_path)
    page = fill(client, lang, "deletion", DELETION)
    assert "/received" in str(page.url)
    text = main_text(page.text)
    assert re.search(r"DEL-\d{4}-\d{6}", text)
    assert "t***@example.com" in text and "taro@example.com" not in text
    with RequestStore(tmp_path / "data") as store:
        [filed] = store.list_requests()
        assert filed.channel == "web" and filed.status == "submitted"
        assert filed.answers and filed.answers["email"] == "taro@example.com"
        token = str(page.url).split("/status/")[1].split("/")[0]
        assert len(token) >= 22  # ≥ 128 bits, URL-safe base64
        raw = store._con.execute("SELECT access_token_hash FROM requests").fetchone()[0]
        assert raw != token and len(raw) == 64
        assert store.get_draft("deletion", owner="") is None
    # The browser's Back from the receipt: a new, empty form that says the request was made.
    back = client.get(f"/{lang}/request/deletion/review")
    assert filed.reference in main_text(back.text)
    assert 'value="taro@example.com"' not in back.text
    client.post(
        f"/{lang}/request/deletion/scope", data={"scope": ["account"], "csrf": csrf(client, lang)}
    )
    again = client.get(f"/{lang}/request/deletion/scope")
    assert filed.reference not in again.text  # once a new form is under way, said no more


@pytest.mark.parametrize("lang", LANGS)
def test_dpa_form_end_to_end(tmp_path: Path, lang: str) -> None:
    client = make_client(tmp_path)
    page = fill(client, lang, "dpa", DPA)
    assert re.search(r"DPA-\d{4}-\d{6}", page.text)
    with RequestStore(tmp_path / "data") as store:
        [filed] = store.list_requests()
        assert filed.kind == "dpa" and filed.channel == "web" and filed.lang == lang


def test_the_review_lists_the_answers_the_law_and_the_due_date(client: TestClient) -> None:
    with pytest.raises(AssertionError):  # stop on the review: post it without the confirmation
        fill(client, "en", "dpa", {k: v for k, v in DPA.items() if k != "us_processing"})
    r = client.get("/en/request/dpa/review")
    text = main_text(r.text)
    assert "Example GmbH" in text and "erika@example.de" in text
    assert "Module 2 of the SCCs (controller to processor)" in text
    assert "Internal target" in text  # DPA dates are our own target, not a law's
    assert text.count("Internal target") == 1  # the note under the date does not say it again
    # No law sets a DPA's period: the page names none ("Law that applies: Other" misled).
    assert "Law that applies" not in text and "30 days from receipt" in text
    assert 'href="/en/request/dpa/entity?review=1"' in r.text  # change an answer


ERRORS = [  # (step, posted answers, field linked from the summary, words of the message)
    ("scope", {}, "scope", {"ja": "少なくとも 1 つ選んでください。", "en": "Choose at least one."}),
    (
        "account",
        {"email": "", "org_id": "org-abc123"},
        "email",
        {"ja": "メールアドレスを入力", "en": "Enter the email address"},
    ),
    ("account", {"email": "x@", "org_id": "org-abc123"}, "email", {"ja": "メール", "en": "email"}),
    (
        "account",
        {"email": "a@example.com", "org_id": "abc"},
        "org_id",
        {"ja": "org-", "en": "org-"},
    ),
    ("files", {"file_ids": "abc"}, "file_ids", {"ja": "file-", "en": "file-"}),
    (
        "residence",
        {"country": ""},
        "country",
        {"ja": "国を選んで", "en": "Choose the country"},
    ),
    ("residence", {"country": "XX"}, "country", {"ja": "XX", "en": "XX"}),
    (
        "acknowledge",
        {"ack_irreversible": "yes"},
        "ack_legal_retention",
        {"ja": "チェック", "en": "Tick"},
    ),
]


@pytest.mark.parametrize("lang", LANGS)
def test_every_validation_error_shows_in_the_summary_and_by_the_field(
    tmp_path: Path, lang: str
) -> None:
    client = make_client(tmp_path)
    token = csrf(client, lang)
    base = f"/{lang}/request/deletion"
    reached = {"scope": DELETION["scope"], **{k: v for k, v in DELETION.items() if k != "scope"}}
    current = client.get(base)
    for step, data, anchor, expected in ERRORS:
        while step_id(current) != step:  # answer the steps in between correctly
            fields = re.findall(r'name="([a-z_]+)"', current.text)
            good = {k: v for k, v in reached.items() if k in fields}
            current = client.post(str(current.url), data={**good, "csrf": token})
        r = client.post(f"{base}/{step}", data={**data, "csrf": token})
        assert step_id(r) == step and r.status_code == 200
        summary = re.search(r'class="error-summary".*?</div>', r.text, re.S)
        assert summary, step
        assert expected[lang].lower() in summary.group(0).lower(), (step, summary.group(0))
        assert f'href="#f-{anchor}"' in summary.group(0)
        assert f'id="f-{anchor}"' in r.text
        assert 'class="error-message"' in r.text
        assert re.search(r"<title>(エラー|Error):", r.text)
        # One id per field's errors (aria-describedby names it once), and no ". :" or 「。：」
        assert r.text.count(f'id="f-{anchor}-error"') == 1
        assert ".:" not in summary.group(0) and "。：" not in summary.group(0)
        current = r


DPA_ERRORS = [  # the field types the deletion form lacks: text pattern, date, choice, email
    (
        "entity",
        {"legal_name": "", "registration_number": "#?!"},
        "legal_name",
        "Enter the legal name",
    ),
    (
        "entity",
        {"legal_name": "X GmbH", "registration_number": "#?!"},
        "registration_number",
        "letters and digits",
    ),
    ("account", {"org_id": "org-xyz789", "needed_by": "next week"}, "needed_by", "YYYY-MM-DD"),
    ("account", {"org_id": "org-xyz789", "needed_by": "2001-01-01"}, "needed_by", "or later"),
    (
        "contacts",
        {"signatory_name": "E", "signatory_title": "CEO", "signatory_email": "e@x"},
        "signatory_email",
        "email address",
    ),
    ("role", {}, "customer_role", "Choose controller or processor"),
    ("review", {}, "us_processing", "Tick"),
]


def test_dpa_validation_errors(client: TestClient) -> None:
    token = csrf(client)
    current = client.get("/en/request/dpa")
    for step, data, anchor, words in DPA_ERRORS:
        while step_id(current) != step:
            fields = re.findall(r'name="([a-z_]+)"', current.text)
            good = {k: v for k, v in DPA.items() if k in fields and k != "us_processing"}
            current = client.post(str(current.url), data={**good, "csrf": token})
        r = client.post(f"/en/request/dpa/{step}", data={**data, "csrf": token})
        summary = re.search(r'class="error-summary".*?</div>', r.text, re.S)
        assert step_id(r) == step and summary, step
        assert f'href="#f-{anchor}"' in summary.group(0) and words in summary.group(0), step
        current = r


def test_wrong_input_is_shown_again_and_the_earlier_answer_kept(client: TestClient) -> None:
    token = csrf(client)
    client.post("/en/request/deletion/scope", data={"scope": "account", "csrf": token})
    r = client.post(
        "/en/request/deletion/account",
        data={"email": "bad@", "org_id": "org-abc123", "csrf": token},
    )
    assert 'value="bad@"' in r.text and 'value="org-abc123"' in r.text


def test_back_next_and_reload_keep_the_answers(client: TestClient) -> None:
    token = csrf(client, "ja")
    r = client.post("/ja/request/deletion/scope", data={"scope": ["account"], "csrf": token})
    assert step_id(r) == "account"
    r = client.post(
        "/ja/request/deletion/account",
        data={"email": "taro@example.com", "org_id": "org-abc123", "csrf": token},
    )
    assert step_id(r) == "residence"
    r = client.post("/ja/request/deletion/residence", data={"csrf": token, "action": "back"})
    assert step_id(r) == "account"
    assert 'value="taro@example.com"' in r.text
    again = client.get(str(r.url))  # a reload
    assert 'value="taro@example.com"' in again.text and 'value="org-abc123"' in again.text
    scope = client.get("/ja/request/deletion/scope")  # the browser's back button
    assert re.search(r'value="account"\s+checked', scope.text)
    # a step not reached yet sends the visitor to the one they are on
    r = client.get("/ja/request/deletion/acknowledge")
    assert step_id(r) == "account"


def test_the_step_count_is_an_estimate_while_choices_can_add_steps(client: TestClient) -> None:
    # The first step's choices decide whether later steps show: its total is "about".
    first = client.get("/en/request/deletion")
    assert re.search(r"Step 1 of ~\d+", first.text)
    token = csrf(client)
    r = client.post("/en/request/deletion/scope", data={"scope": ["account"], "csrf": token})
    r = client.post(
        "/en/request/deletion/account",
        data={"email": "taro@example.com", "org_id": "org-abc123", "csrf": token},
    )
    # The country decides a later step too; once it is given, the count is exact.
    assert re.search(r"Step \d+ of ~\d+", r.text)
    r = client.post("/en/request/deletion/residence", data={"country": "JP", "csrf": token})
    assert re.search(r"Step \d+ of \d+<", r.text)


def _to_review(client: TestClient, answers: dict[str, object]):  # type: ignore[no-untyped-def]
    token = csrf(client)
    page = client.get("/en/request/deletion")
    while not str(page.url).endswith("/review"):
        fields = set(re.findall(r'name="([a-z_]+)"', page.text)) - {"csrf", "action", "q"}
        data = {k: v for k, v in answers.items() if k in fields}
        page = client.post(str(page.url), data={**data, "csrf": token, "action": "next"})
    return page, token


def test_change_on_the_review_comes_back_to_the_review(client: TestClient) -> None:
    review, token = _to_review(client, {**DELETION, "country": "DE"})
    assert 'href="/en/request/deletion/account?review=1"' in review.text
    page = client.get("/en/request/deletion/account?review=1")
    assert 'name="to_review"' in page.text
    r = client.post(
        "/en/request/deletion/account",
        data={"email": "new@example.com", "org_id": "org-abc123", "csrf": token, "to_review": "1"},
    )
    assert step_id(r) == "review" and "new@example.com" in r.text
    # A change that brings in a step (a US state) stops there first.
    r = client.post(
        "/en/request/deletion/residence", data={"country": "US", "csrf": token, "to_review": "1"}
    )
    assert str(r.url).endswith("/us_state?review=1") and 'name="to_review"' in r.text
    r = client.post(
        "/en/request/deletion/us_state", data={"us_state": "CA", "csrf": token, "to_review": "1"}
    )
    assert step_id(r) == "review"  # and then back to the review


def test_back_from_a_change_returns_to_the_review_without_the_change(client: TestClient) -> None:
    _review, token = _to_review(client, {**DELETION, "country": "DE"})
    r = client.post(
        "/en/request/deletion/account",
        data={
            "email": "typo@example",
            "org_id": "org-abc123",
            "csrf": token,
            "to_review": "1",
            "action": "back",
        },
    )
    assert step_id(r) == "review"
    assert "taro@example.com" in r.text and "typo@example" not in r.text


def test_the_language_switch_keeps_the_step_and_the_typed_answers(client: TestClient) -> None:
    token = csrf(client, "ja")
    client.post("/ja/request/deletion/scope", data={"scope": ["account"], "csrf": token})
    r = client.post(
        "/ja/request/deletion/account",
        data={"email": "taro@example.com", "org_id": "", "csrf": token, "action": "lang"},
    )
    assert str(r.url).endswith("/en/request/deletion/account")
    assert '<html lang="en">' in r.text and 'value="taro@example.com"' in r.text
    assert "There is a problem" not in r.text
    # A value typed wrong goes across too, with its error, and never turns back into the old one.
    r = client.post(
        "/en/request/deletion/account",
        data={"email": "hanako@", "org_id": "org-abc123", "csrf": token, "action": "lang"},
    )
    assert 'value="hanako@"' in r.text and "taro@example.com" not in r.text
    assert "入力内容に問題があります" in r.text
    back = client.post(
        "/ja/request/deletion/account",
        data={"email": "bad", "org_id": "org-abc123", "csrf": token, "action": "back"},
    )
    assert step_id(back) == "scope"
    again = client.post("/ja/request/deletion/scope", data={"scope": ["account"], "csrf": token})
    assert step_id(again) == "account" and 'value="bad"' in again.text


def test_choosing_to_stop_makes_no_request(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    token = csrf(client, "en")
    client.post("/en/request/deletion/scope", data={"scope": ["prompts"], "csrf": token})
    r = client.post(
        "/en/request/deletion/prompts_info", data={"prompts_continue": "stop", "csrf": token}
    )
    assert "No request was made" in r.text and "30 days" in r.text
    assert "<title>No request was made" in r.text
    assert main_text(r.text).count("No request was made") == 1  # the heading, said once
    with RequestStore(tmp_path / "data") as store:
        assert store.list_requests() == []
    # A choice made by mistake can be changed: the answers are still there.
    change = re.search(r'href="(/en/request/deletion/[a-z_]+)">Change your answer', r.text)
    assert change
    page = client.get(change.group(1))
    assert step_id(page) == "prompts_info" and re.search(r'value="stop"\s+checked', page.text)


def test_drafts_belong_to_one_visitor(tmp_path: Path) -> None:
    first, second = make_client(tmp_path), make_client(tmp_path)
    token = csrf(first)
    first.post("/en/request/deletion/scope", data={"scope": ["account"], "csrf": token})
    first.post(
        "/en/request/deletion/account",
        data={"email": "taro@example.com", "org_id": "org-abc123", "csrf": token},
    )
    r = second.get("/en/request/deletion")
    assert step_id(r) == "scope" and "taro@example.com" not in r.text
    r = second.get("/en/request/deletion/account")
    assert "taro@example.com" not in r.text


def test_web_drafts_are_purged_after_the_configured_hours(tmp_path: Path) -> None:
    client = make_client(tmp_path, draft_hours=2.0)
    store = client.app.state.store  # type: ignore[attr-defined]
    old = datetime.now(UTC) - timedelta(hours=3)
    store.save_draft("deletion", {"answers": {}}, owner="web:old", now=old)
    store.save_draft("deletion", {"answers": {}}, owner="web:new")
    store.save_draft("deletion", {"answers": {}}, owner="agent:taro", now=old)
    client.get("/en/request/deletion")
    assert store.get_draft("deletion", owner="web:old") is None
    assert store.get_draft("deletion", owner="web:new") is not None
    assert store.get_draft("deletion", owner="agent:taro") is not None


# -- safety -----------------------------------------------------------------------------------


def test_an_expired_form_links_to_a_fresh_copy_of_its_page(client: TestClient) -> None:
    csrf(client)
    r = client.post("/en/request/deletion/scope", data={"scope": "account", "csrf": "0" * 64})
    assert r.status_code == 403
    assert 'href="/en/request/deletion/scope"' in r.text and "Open the page again" in r.text
    again = client.get("/en/request/deletion/scope")
    assert again.status_code == 200 and 'name="csrf"' in again.text


@pytest.mark.parametrize(
    "path", ["/en/ask", "/ja/request/deletion/scope", "/en/status/" + "A" * 43 + "/withdraw"]
)
def test_every_post_needs_the_csrf_token(client: TestClient, path: str) -> None:
    csrf(client)
    for data in ({"q": "x"}, {"q": "x", "csrf": "0" * 64}):
        r = client.post(path, data=data)
        assert r.status_code == 403
        assert "有効期限" in r.text or "expired" in r.text
    stranger = TestClient(client.app, raise_server_exceptions=False)
    r = stranger.post(path, data={"q": "x", "csrf": csrf(client)})
    assert r.status_code == 403


def test_ask_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    client = make_client(tmp_path, ask_limit=Limit(3, 60))
    codes = [ask(client, "ja", "保存期間は？").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = ask(client, "ja", "保存期間は？ 二回目です")
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # The question box comes back with what was typed, and says how long to wait.
    assert "質問が多すぎます" in r.text and "保存期間は？ 二回目です</textarea>" in r.text
    assert re.search(r"\d+ ?秒", r.text)
    assert "。 " not in r.text  # no English space between Japanese sentences


def test_a_long_wait_is_said_in_minutes() -> None:
    from app.web.ratelimit import wait_words

    assert wait_words("en", 45) == "Wait 45 seconds, then try again."
    assert wait_words("en", 720) == "Wait 12 minutes, then try again."
    assert wait_words("en", 721) == "Wait 13 minutes, then try again."


def test_submit_rate_limit(tmp_path: Path) -> None:
    client = make_client(tmp_path, submit_limit=Limit(1, 3600))
    fill(client, "en", "deletion", DELETION)
    with pytest.raises(AssertionError):
        fill(client, "en", "deletion", DELETION)
    r = client.post("/en/request/deletion/review", data={"csrf": csrf(client), "action": "next"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_the_bucket_is_shared_by_every_worker(tmp_path: Path) -> None:
    # Two limiters on one data dir stand for two worker processes.
    a, b = RateLimiter(tmp_path, b"s" * 32), RateLimiter(tmp_path, b"s" * 32)
    limit = Limit(2, 60)
    assert [a.hit("ask", "1.2.3.4", limit, now=100), b.hit("ask", "1.2.3.4", limit, now=100)] == [
        0,
        0,
    ]
    assert a.hit("ask", "1.2.3.4", limit, now=100) == 30
    assert b.hit("ask", "5.6.7.8", limit, now=100) == 0
    assert b.hit("ask", "1.2.3.4", limit, now=131) == 0  # refilled
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("web-ratelimit*"))
    assert b"1.2.3.4" not in raw


def test_the_rate_limit_can_be_lifted(tmp_path: Path) -> None:
    client = make_client(tmp_path, ask_limit=Limit(1, 60), rate_limit=False)
    assert {ask(client, "en", "retention?").status_code for _ in range(3)} == {200}


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    token = csrf(client)
    r = client.post("/en/ask", data={"q": "x" * 70_000, "csrf": token})
    assert r.status_code == 413 and "too long" in r.text
    chunks = iter([b"q=" + b"x" * 40_000, b"x" * 40_000])
    r = client.post(
        "/en/ask", content=chunks, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413


def test_errors_are_friendly_pages_in_the_visitors_language(client: TestClient) -> None:
    r = client.get("/ja/nothing-here")
    assert (
        r.status_code == 404 and '<html lang="ja">' in r.text and "ページが見つかりません" in r.text
    )
    r = client.get("/nothing", headers={"accept-language": "en"})
    assert r.status_code == 404 and "Page not found" in r.text
    r = client.get("/fr/")
    assert r.status_code == 404


def test_an_internal_error_is_a_page_not_a_traceback(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(_q: str) -> None:
        raise RuntimeError("matcher exploded /secret/path")

    monkeypatch.setattr(client.app.state.matcher, "ask", broken)  # type: ignore[attr-defined]
    r = ask(client, "ja", "保存期間は？")
    assert r.status_code == 500
    assert "Traceback" not in r.text and "exploded" not in r.text
    assert "問題が発生しました" in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/requests",
        "/ja/requests",
        "/en/requests/list",
        "/admin",
        "/en/queue",
        "/api/requests",
        "/en/request/deletion/../../requests",
    ],
)
def test_the_agents_queue_is_not_reachable(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_no_route_lists_requests(client: TestClient) -> None:
    paths = [getattr(r, "path", "") for r in client.app.routes]  # type: ignore[attr-defined]
    assert not any("requests" in p or "queue" in p or "admin" in p for p in paths)


def test_access_log_names_the_route_never_the_path(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    client = make_client(tmp_path)
    caplog.set_level(logging.INFO, logger="kotae.web.access")
    fill(client, "en", "deletion", DELETION)
    secret_path = "/en/status/" + "Z" * 43
    client.get(secret_path + "?x=taro@example.com")
    ask(client, "en", "retention of taro@example.com")
    lines = [r.getMessage() for r in caplog.records if r.name == "kotae.web.access"]
    assert any("/{lang:lang}/status/{token}" in line for line in lines)
    joined = "\n".join(lines)
    assert "Z" * 20 not in joined and "taro" not in joined and "testclient" not in joined
    assert "/en/" not in joined and "retention" not in joined


def test_the_web_layer_never_imports_textual() -> None:
    code = "import sys, app.web.app; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_one_secret_for_all_workers(tmp_path: Path) -> None:
    first = load_secret(tmp_path, {})
    assert load_secret(tmp_path, {}) == first and len(first) >= 32
    assert (tmp_path / "web-secret.key").stat().st_mode & 0o777 == 0o600
    assert load_secret(tmp_path, {"KOTAE_SECRET_KEY": "e" * 40}) == b"e" * 40
    with pytest.raises(ValueError):
        load_secret(tmp_path, {"KOTAE_SECRET_KEY_FILE": str(_short(tmp_path))})


def _short(tmp_path: Path) -> Path:
    path = tmp_path / "short.key"
    path.write_text("abc")
    return path


# -- status link ------------------------------------------------------------------------------


def _filed(tmp_path: Path, lang: str = "en", kind: str = "deletion") -> tuple[TestClient, str, str]:
    client = make_client(tmp_path)
    page = fill(client, lang, kind, DELETION if kind == "deletion" else DPA)
    token = str(page.url).split("/status/")[1].split("/")[0]
    reference = re.search(r"(?:DEL|DPA)-\d{4}-\d{6}", page.text).group(0)  # type: ignore[union-attr]
    return client, token, reference


@pytest.mark.parametrize("lang", LANGS)
def test_the_status_link_shows_public_facts_only(tmp_path: Path, lang: str) -> None:
    client, token, reference = _filed(tmp_path, lang)
    with RequestStore(tmp_path / "data") as store:
        store.transition(reference, "identity_verified", note="called Taro at home", actor="bob")
        store.transition(
            reference, "denied", reason="no_match", note="internal: sloppy", actor="bob"
        )
    r = client.get(f"/{lang}/status/{token}")
    text = main_text(r.text)
    assert r.status_code == 200 and reference in text
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "t***@example.com" in text and "taro@example.com" not in text
    assert "Taro at home" not in text and "sloppy" not in text and "bob" not in text
    assert ("該当するアカウント" in text) if lang == "ja" else ("no matching account" in text)
    assert "org-abc123" not in text and "file-abc123" not in text
    assert "withdraw" not in r.text  # closed now
    # What was asked for, as chosen: the choices, never typed ids or addresses.
    asked = (
        ("依頼の内容", "アカウント全体")
        if lang == "ja"
        else ("What you asked for", "The whole account")
    )
    assert all(words in text for words in asked), text


def test_an_unknown_token_or_a_reference_reveals_nothing(tmp_path: Path) -> None:
    client, _token, reference = _filed(tmp_path)
    unknown = client.get("/en/status/" + "A" * 43)
    nowhere = client.get("/en/nothing-here")
    assert unknown.status_code == nowhere.status_code == 404
    assert main_text(unknown.text) == main_text(nowhere.text)
    for path in (f"/en/status/{reference}", f"/en/request/{reference}", f"/en/entry/{reference}"):
        r = client.get(path)
        assert r.status_code == 404 and "t***" not in r.text


@pytest.mark.parametrize("kind", ["deletion", "dpa"])
def test_the_requester_withdraws_before_work_starts(tmp_path: Path, kind: str) -> None:
    client, token, reference = _filed(tmp_path, kind=kind)
    r = client.get(f"/en/status/{token}")
    assert f'action="/en/status/{token}/withdraw"' in r.text
    # One stray tap withdraws nothing: the box must be ticked.
    r = client.post(f"/en/status/{token}/withdraw", data={"csrf": csrf(client)})
    # Shown on the status page's own address (Post/Redirect/Get): reload and the language
    # switch work there, and nothing is sent twice.
    assert str(r.url).endswith(f"/en/status/{token}?confirm=missing")
    assert r.status_code == 200 and 'href="#f-confirm"' in r.text
    with RequestStore(tmp_path / "data") as store:
        assert store.get(reference).status == "submitted"
    r = client.post(f"/en/status/{token}/withdraw", data={"csrf": csrf(client), "confirm": "yes"})
    text = main_text(r.text)
    # The page says what the status row says, for a DPA too (withdrawn, not canceled).
    assert "Request withdrawn" in text and f'href="/en/request/{kind}"' in r.text
    assert "<strong>Withdrawn</strong>" in r.text
    assert "Legal deadline" not in text and "/withdraw" not in r.text
    received = client.get(f"/en/status/{token}/received")
    assert "Request received</h1>" not in received.text and "Request withdrawn" in received.text
    with RequestStore(tmp_path / "data") as store:
        assert store.get(reference).status == "withdrawn"
        assert store.events(reference)[-1].actor == "requester"


def test_no_withdrawal_once_work_is_in_progress(tmp_path: Path) -> None:
    client, token, reference = _filed(tmp_path)
    with RequestStore(tmp_path / "data") as store:
        store.transition(reference, "identity_verified")
        store.transition(reference, "in_progress")
    r = client.get(f"/en/status/{token}")
    assert "/withdraw" not in r.text
    client.post(f"/en/status/{token}/withdraw", data={"csrf": csrf(client)})
    with RequestStore(tmp_path / "data") as store:
        assert store.get(reference).status == "in_progress"


def test_agents_see_web_requests_with_their_channel(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from app.cli.main import main

    _client, _token, reference = _filed(tmp_path)
    capsys.readouterr()
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "requests", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reference"] == reference and listed["channel"] == "web"
    assert main(["--data-dir", data, "--lang", "en", "requests", "show", reference]) == 0
    assert "Channel: web" in capsys.readouterr().out


def test_a_two_part_question_shows_two_answers(client: TestClient, kb, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.core.match.result import Result

    two = ("policy.retention-30-days", "faq.deletion-request")

    def two_parts(query: str, **_: object) -> Result:  # what the matcher gives a two-part question
        return Result(query, "en", "answer", 0.9, answer_ids=two, reason="two_questions")

    monkeypatch.setattr(client.app.state.matcher, "ask", two_parts)  # type: ignore[attr-defined]
    r = ask(client, "en", "How long is data kept, and how do I delete it?")
    assert r.text.count('<article class="card"') == 2
    for entry_id in two:
        assert kb.get(entry_id).text("en").answer[:30] in html.unescape(r.text)


def test_a_recognised_out_of_scope_topic_shows_its_redirect(
    client: TestClient, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import dataclass

    from app.core.match.result import Result

    @dataclass
    class Text:
        title: str
        redirect: str

    @dataclass
    class Topic:
        def text(self, lang: str) -> Text:
            return Text("Pricing", "Prices are on the pricing page, not in this policy.")

    def declined(query: str, **_: object) -> Result:
        return Result(query, "en", "decline", 0.1, out_of_scope="pricing")

    state = client.app.state  # type: ignore[attr-defined]
    monkeypatch.setattr(state.kb, "out_of_scope", {"pricing": Topic()}, raising=False)
    monkeypatch.setattr(state.matcher, "ask", declined)
    text = main_text(ask(client, "en", "How much does a token cost?").text)
    assert "Pricing: Prices are on the pricing page" in text.replace(" :", ":")
    assert "The policy has no answer" in text


def test_the_due_date_says_legal_deadline_or_internal_target(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from app.core.deadlines import load_regimes
    from app.core.paths import knowledge_dir
    from app.web.forms import deadline_label

    regime = load_regimes(knowledge_dir())["gdpr"]
    statutory, internal = replace(regime, basis="statutory"), replace(regime, basis="internal")
    assert deadline_label(statutory, "en") == "Legal deadline"
    assert deadline_label(internal, "en") == "Internal target"
    assert deadline_label(statutory, "ja") != deadline_label(internal, "ja")


def test_a_wanted_date_before_the_target_is_said_on_the_review(client: TestClient) -> None:
    soon = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    with pytest.raises(AssertionError):  # stop on the review
        fill(client, "en", "dpa", {**{k: v for k, v in DPA.items() if k != "us_processing"},
                                   "needed_by": soon})  # fmt: skip
    text = main_text(client.get("/en/request/dpa/review").text)
    assert "You asked for it by" in text and "cannot promise" in text


def test_the_review_counts_the_due_date_from_the_office_s_day(tmp_path: Path) -> None:
    from app.core import deadlines

    # A zone whose date differs from UTC's at this hour, so the server's own day would not do.
    zone = "Pacific/Pago_Pago" if datetime.now(UTC).hour < 12 else "Pacific/Kiritimati"
    client = make_client(tmp_path, timezone=zone)
    page, _token = _to_review(client, {**DELETION, "country": "DE"})
    office = deadlines.today()
    assert office != datetime.now(UTC).date()
    regime = deadlines.load_regimes(client.app.state.kb.root)["gdpr"]  # type: ignore[attr-defined]
    expected = deadlines.due_date(office, regime)
    assert format_day(expected, "en") in main_text(page.text)


def test_form_fields_keep_what_customers_type(client: TestClient) -> None:
    review, _token = _to_review(client, {**DELETION, "note": "line one\nline two"})
    assert re.search(r'class="summary-value">line one\s*line two', review.text)
    css = client.get("/static/kotae.css").text
    assert re.search(r"\.summary-value[^{]*\{ white-space: pre-line", css)
    # A Japanese domain stays as typed: a type=email box would send it as punycode.
    account = client.get("/en/request/deletion/account")
    email = re.search(r'<input[^>]+id="f-email"[^>]*>', account.text, re.S)
    assert email and 'type="text"' in email.group(0) and 'inputmode="email"' in email.group(0)


def test_a_statutory_review_names_the_law(client: TestClient) -> None:
    page, _token = _to_review(client, {**DELETION, "country": "DE"})
    text = main_text(page.text)
    assert "Law that applies: GDPR" in text and "Legal deadline" in text


def test_every_page_names_an_icon_the_site_serves(client: TestClient) -> None:
    # Without one, every browser asks for /favicon.ico and the log fills with 404s.
    page = client.get("/en/")
    href = re.search(r'<link rel="icon" href="([^"]+)"', page.text)
    assert href is not None
    icon = client.get(href.group(1))
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")


@pytest.mark.parametrize(
    ("path", "goes_to"),
    [("/EN/", "/en/"), ("/jp/", "/ja/"), ("/Ja/entry/faq.dpa", "/ja/entry/faq.dpa")],
)
def test_a_mistyped_language_prefix_finds_the_page(
    client: TestClient, path: str, goes_to: str
) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == goes_to
    assert client.get(path).status_code == 200


def test_a_missing_page_offers_the_other_language_s_home(client: TestClient) -> None:
    r = client.get("/en/nope")
    assert r.status_code == 404
    assert re.search(r'<a[^>]+href="/ja/"[^>]*>日本語', r.text) or 'href="/ja/"' in r.text
    assert 'href="/ja/nope"' not in r.text
    assert client.get("/fr/").status_code == 404


def test_every_page_has_one_main_heading_and_its_own_title(tmp_path: Path) -> None:
    client, token, reference = _filed(tmp_path)
    pages = {
        "home": client.get("/en/"),
        "answer": ask(client, "en", "How long do you keep API data?"),
        "decline": ask(client, "en", "What's the weather in Tokyo?"),
        "entry": client.get("/en/entry/faq.dpa"),
        "status": client.get(f"/en/status/{token}"),
        "missing": client.get("/en/nope"),
        "thanks": client.get("/en/feedback/thanks?entry=faq.dpa&helpful=yes"),
        "error": ask(client, "en", "   "),
    }
    titles = set()
    for name, r in pages.items():
        main = re.search(r"<main.*?</main>", r.text, re.S).group(0)  # type: ignore[union-attr]
        assert len(re.findall(r"<h1[ >]", main)) == 1, name
        titles.add(re.search(r"<title>(.*?)</title>", r.text).group(1))  # type: ignore[union-attr]
    assert len(titles) == len(pages)
    assert "Error:" in re.search(r"<title>(.*?)</title>", pages["error"].text).group(1)  # type: ignore[union-attr]
    assert reference in re.search(r"<title>(.*?)</title>", pages["status"].text).group(1)  # type: ignore[union-attr]


def test_an_answer_names_the_part_the_policy_does_not_cover(client: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    r = ask(client, "ja", "DPA を結べますか？また、その費用はいくらですか？")
    assert r.text.count('<article class="card"') == 1
    text = main_text(r.text)
    assert kb.get("faq.dpa").text("ja").answer[:20] in text
    topic = kb.out_of_scope["pricing"].text("ja")
    assert 'class="inset unanswered-part"' in r.text
    assert "ご質問のもう一つの点はポリシーに記載がありません" in text and topic.title in text


def test_an_answer_is_cached_only_by_the_visitors_own_browser(client: TestClient) -> None:
    r = ask(client, "en", "How long do you keep API data?")
    assert r.status_code == 200
    # Back from an entry shows it again; no shared cache may keep someone's question.
    assert r.headers["cache-control"] == "private, max-age=0"
    assert client.get("/en/").headers["cache-control"] == "no-store"


def test_an_expired_session_keeps_the_question_in_the_box(client: TestClient) -> None:
    question = "送ったデータは何日残りますか？ <b>tag</b>"
    r = client.post("/ja/ask", data={"q": question, "csrf": "stale-token"})
    assert r.status_code == 403
    assert "質問は入力欄に残っています" in r.text
    assert "送ったデータは何日残りますか？ &lt;b&gt;tag&lt;/b&gt;</textarea>" in r.text
    # The page carries a fresh token: asking again works.
    fresh = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert fresh is not None
    again = client.post("/ja/ask", data={"q": question, "csrf": fresh.group(1)})
    assert again.status_code == 200 and "article" in again.text
