"""What is dropped from a message before matching: addresses and phone numbers, and what the
question sets aside ("not the files") — and only those."""

from __future__ import annotations

from app.core.match.matcher import Matcher


def test_a_url_in_japanese_text_takes_only_itself_with_it(matcher: Matcher) -> None:
    message = (
        "監査で、スクリプトに http://example.com/v1 と書かれていると指摘されました。"
        "API は暗号化されていない通信を受け付けますか？"
    )
    text = " ".join(s.text for s in matcher.splitter.split(message))
    assert "example" not in text
    assert "暗号化されていない通信" in text
    assert matcher.ask(message).answer_ids == ("faq.encryption-in-transit",)


def test_a_bare_scheme_with_no_address_ends_nothing(matcher: Matcher) -> None:
    message = "スクリプトにhttp://のURLが直書きされていました。APIはTLS必須ですか？"
    text = " ".join(s.text for s in matcher.splitter.split(message))
    assert "tls必須" in text.replace(" ", "")


def test_an_address_keeps_the_japanese_words_before_it(matcher: Matcher) -> None:
    sentences = matcher.splitter.split("保存期間の件は佐藤sato@example.jpまでご連絡ください。")
    text = " ".join(s.text for s in sentences)
    assert "sato" not in text and "example" not in text
    assert "保存期間" in text


def test_what_a_question_sets_aside_is_no_evidence(matcher: Matcher) -> None:
    for message in (
        "And the prompts we send through the API — not the uploaded files — how long are they"
        " kept?",
        "ファイルではなく、普通にAPIで送ったデータは何日残りますか？",
    ):
        assert matcher.ask(message).answer_ids == ("policy.retention-30-days",), message


def test_a_not_that_is_no_aside_is_kept(matcher: Matcher) -> None:
    # Only an aside set off by dashes or brackets is dropped.
    sentences = matcher.splitter.split("I do not know how long you keep data, can you tell me?")
    assert "know how long you keep data" in " ".join(s.text for s in sentences)
