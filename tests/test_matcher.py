"""The matcher finds the right entry in either language, or declines; it never breaks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.knowledge import KnowledgeBase
from app.core.match.matcher import Matcher
from app.core.match.result import detect_language
from bench import realistic

DATA = Path(__file__).parent / "data" / "questions.tsv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_labelled_set_is_large_and_independent(kb: KnowledgeBase) -> None:
    rows = _rows()
    langs = [r["lang"] for r in rows]
    assert len(rows) >= 300
    assert langs.count("ja") >= 120 and langs.count("en") >= 120 and langs.count("mixed") > 0
    assert sum(r["expected"] == "none" for r in rows) >= 50
    assert {r["expected"] for r in rows} - {"none"} == set(kb.entries)
    examples = {
        q for e in kb.entries.values() for lang in ("ja", "en") for q in e.text(lang).questions
    }
    copied = [r["question"] for r in rows if r["question"] in examples]
    assert copied == []


def test_old_set_not_below_its_earlier_figures(matcher: Matcher) -> None:
    # questions.tsv gave 0.914 overall and 0.980 top-1 before the realistic sets existed.
    totals, _ = realistic.evaluate(matcher.ask, realistic.load("old"))
    assert totals.overall >= 0.914, totals.line("old")
    assert totals.first / totals.inscope >= 0.980, totals.line("old")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("保存期間は？", "policy.retention-30-days"),
        ("ほぞんきかん", "policy.retention-30-days"),  # hiragana written for kanji
        (
            "おくったぶんしょうって、えーあいのがくしゅうにつかわれるの？",
            "policy.no-training-by-default",
        ),
        ("ﾃﾞｰﾀ 削除したい", "faq.deletion-request"),  # half-width katakana
        ("ＨＩＰＡＡ", "faq.hipaa"),  # full-width latin
        ("retention polcy", "policy.retention-30-days"),  # misspelt
        ("HIPPA", "faq.hipaa"),
        ("TLS", "faq.encryption-in-transit"),  # keyword only
        ("any security certs?", "faq.security-certifications"),  # clipped word
        ("APIデータの保存自体をやめてもらうことはできますか？", "policy.zero-retention"),
        ("ゼロ保持 条件", "policy.zero-retention"),  # an agent's search
        ("Can you store nothing of what we send?", "policy.zero-retention"),
        # "don't store" is left out: here it is the other half of a retention question.
        (
            "Do you still keep data after 30 days, or don't store it at all?",
            "policy.retention-30-days",
        ),
        ("送ったデータを保存しないよう依頼できますか？", "policy.zero-retention"),
        ("送った問い合わせ文はいつ消えますか？", "policy.retention-30-days"),
        # The law that may keep data longer is the retention rule's own exception.
        (
            "Are you legally required to keep API data longer than 30 days sometimes?",
            "policy.retention-30-days",
        ),
        ("モデルを院内に設置して使えますか？", "faq.self-hosting"),
        ("do fine-tune files just sit there for good?", "policy.files-endpoint-retention"),
        ("うちのデータを学習に使ってもらうには？", "policy.opt-in-sharing"),
        (
            "データをモデル改善に使ってもらっても大丈夫です。どうすればいいですか？",
            "policy.opt-in-sharing",
        ),
        (
            "does this data policy also cover my ChatGPT Plus chats?",
            "policy.consumer-services-excluded",
        ),
        (
            "むしろうちのデータを学習に使ってほしいくらいなんですが、できますか？",
            "policy.opt-in-sharing",
        ),
        (
            "市役所の案件で、インターネットから切り離したネットワークにモデルを置きたいです。可能ですか？",
            "faq.self-hosting",
        ),
        (
            "do other companies ever hold the prompts we send, like cloud vendors?",
            "faq.data-storage-location",
        ),
        ("We need a data protection agreement before launch. Is one available?", "faq.dpa"),
        ("送信データを保存しないようご依頼することは可能でしょうか。", "policy.zero-retention"),
        # "Unless we opt in" states the default rule's condition: no question about opting in.
        (
            "So unless we explicitly opt in, none of our prompts train your models?",
            "policy.no-training-by-default",
        ),
        (
            "オプトインしない限り、送ったデータは学習に使われないという理解で合っていますか？",
            "policy.no-training-by-default",
        ),
        # 「API経由」 is how customers say "through the API": no sign of another vendor.
        (
            "API経由のdataってretention何日？契約書に書かないといけなくて",
            "policy.retention-30-days",
        ),
        ("ビジネスアソシエートとの契約は結べますか？", "faq.hipaa"),  # "business associate"
        ("HIPAAワークロードで使えますか？", "faq.hipaa"),  # no クロード (Claude) in ワークロード
        ("むかしAPIに送ったデータも学習に使われてないの？", "policy.before-march-2023"),
        ("ホテルのWi-Fiで使うと、送った内容を盗み見られたりしない？", "faq.encryption-in-transit"),
        ("メガバンクの者です。APIデータは何日保存されますか？", "policy.retention-30-days"),
        # Asking what the term takes in.
        (
            "APIデータという言葉には、アップロードしたファイルも入りますか？",
            "policy.api-data-definition",
        ),
        ("APIデータって、返ってきた回答も含むの？", "policy.api-data-definition"),
        ("Which vendors host the prompts we send you?", "faq.data-storage-location"),
        # 委託先管理 is vendor management: the provider is the 委託先, no subprocessor is asked.
        (
            "委託先管理の観点から伺います。APIで送ったデータは何日間保存されますか。",
            "policy.retention-30-days",
        ),
        # Personal data is what is sent, not a question about the customer's own duties.
        (
            "個人情報を含む問い合わせ文をAPIで送っています。貴社での保持期間と保持の目的をご教示ください。",
            "policy.retention-30-days",
        ),
        # Consent withdrawn is why the data is to go, no change of the policy (撤回).
        (
            "参加者から同意の撤回があったので、貴社に送ったデータも消してもらえますか。",
            "faq.deletion-request",
        ),
        # Words made with sub-, re-, pre- name what their stem names.
        ("Do subcontractors ever receive our API content?", "faq.data-storage-location"),
        ("Are our prompts retrained into the model?", "policy.no-training-by-default"),
        # Anyone but the provider: the subprocessors.
        (
            "Besides you, which systems could end up holding the prompts our app sends?",
            "faq.data-storage-location",
        ),
        # Other organisations seeing the data is the access question, not an account move.
        ("Can other organizations see our API data?", "policy.abuse-review-access"),
        (
            "ユーザーの同意書がないデータを送ってしまいました。削除を依頼できますか？",
            "faq.deletion-request",
        ),
        # A retention period's span is the policy's; a report's period is not (declined below).
        ("保持の対象期間はいつからですか？", "policy.retention-30-days"),
        # Where the servers are: the data centre's location.
        ("サーバーの所在地を教えてください", "faq.european-datacenter"),
        ("where are your servers, roughly?", "faq.european-datacenter"),
        ("is my data used for training?", "policy.no-training-by-default"),
        ("データは学習に使われますか", "policy.no-training-by-default"),
        ("Do you have a data center in Europe?", "faq.european-datacenter"),
        ("DPA を結びたい", "faq.dpa"),
        ("Can I host the models myself?", "faq.self-hosting"),
        ("Could we keep the model in-house instead of calling your cloud?", "faq.self-hosting"),
        # "in-house" beside another subject names no self-hosting question.
        ("Our in-house legal team asks how long prompts are kept.", "policy.retention-30-days"),
        # Not having opted in is the default, not a question about opting in.
        (
            "We never opted in — does that mean our prompts stay out of training?",
            "policy.no-training-by-default",
        ),
        (
            "オプトインをしていない場合、送ったデータはモデルの学習に使われますか",
            "policy.no-training-by-default",
        ),
        ("How do we opt in to share data?", "policy.opt-in-sharing"),
        # The writer's own plans are context, not a question about the provider's.
        ("We plan to open a clinic in Osaka next month — can we sign a BAA with you?", "faq.hipaa"),
    ],
)
def test_answers(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.answer_id) == ("answer", expected), result.candidates[:3]


@pytest.mark.parametrize(
    "question",
    [
        "How much does the API cost?",
        # The policy names SOC 2, not when a report was made or what period it covers.
        "SOC 2 レポートの対象期間はいつからいつまでですか？",
        "御社のAPIは医療機器向けにISO 13485やFDAの認証を受けていますか？",
        "弊社の医療アプリにAPIを組み込む場合、薬機法上の承認は必要になりますか？",
        # The policy says classifiers may flag data; nothing of how often they are wrong.
        "コンテンツ分類器の誤検知はどのくらいありますか？",
        # Consent the customer must obtain is its own duty, not the policy's.
        "病院です。患者さんから同意書を取る必要がありますか？",
        # The page says where data is today, never where it will be.
        "Are you planning to open a data centre in Canada?",
        "カナダにデータセンターを開設する予定はいつですか",
        "I forgot my password",
        "What's the weather in Tokyo?",
        "Hi there",
        "train schedule",
        "データベースのバックアップ",
        "こんにちは",
        "料金はいくら？",
        "パスワードを忘れた",
        "",
        "   \t ",
    ],
)
def test_declines(matcher: Matcher, question: str) -> None:
    result = matcher.ask(question)
    assert result.decision == "decline"
    assert result.answer_id is None
    assert len(result.suggestions) <= 3


@pytest.mark.parametrize(
    "text", ["[red]x[/red] \x1b[31m ' OR 1=1", "ありがとうございました！助かりました😊"]
)
def test_a_decline_suggests_only_entries_sharing_a_word(matcher: Matcher, text: str) -> None:
    result = matcher.ask(text)
    assert result.decision == "decline" and result.suggestions == (), result.candidates[:3]


def test_matched_terms_explain_the_answer(matcher: Matcher) -> None:
    top = matcher.rank("保存期間を教えてください", 1)[0]
    assert top.id == "policy.retention-30-days"
    assert "期間" in top.matched
    assert all("教えて" not in m for m in top.matched)


def test_clarify_always_offers_at_least_two_entries(matcher: Matcher) -> None:
    questions = [r.question for r in realistic.load("dev")] + ["データ", "data", "API"]
    for q in questions:
        result = matcher.ask(q)
        if result.decision == "clarify":
            assert 2 <= len(result.suggestions) <= 3, q
            assert set(result.suggestions) <= {c.id for c in result.candidates}


def test_language_detection() -> None:
    assert detect_language("保存期間は？") == "ja"
    assert detect_language("API data の retention は？") == "ja"
    assert detect_language("how long is data kept?") == "en"
    assert detect_language("ﾃﾞｰﾀ") == "ja"


def test_huge_question_is_bounded(matcher: Matcher) -> None:
    result = matcher.ask("保存期間 " * 20_000)
    assert result.decision in ("answer", "clarify", "decline")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_scores_stay_in_range(matcher: Matcher, text: str) -> None:
    result = matcher.ask(text)
    scores = [c.score for c in result.candidates]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert 0.0 <= result.confidence <= 1.0
    assert result.decision in ("answer", "clarify", "decline")
    assert (result.answer_id is not None) == (result.decision == "answer")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_new_result_fields_are_consistent(matcher: Matcher, text: str) -> None:
    result = matcher.ask(text)
    assert result.reason
    if result.decision == "answer":
        assert 1 <= len(result.answer_ids) <= 2
        assert result.answer_id == result.answer_ids[0]
        assert len(set(result.answer_ids)) == len(result.answer_ids)
    else:
        assert result.answer_ids == ()
    if result.out_of_scope is not None:
        assert result.decision == "decline" and result.reason == "out_of_scope_topic"
    if result.decision == "clarify":
        assert len(result.suggestions) >= 2


# --- the realistic sets: totals only for the test split -------------------------------------


@pytest.fixture(scope="module")
def test_totals(matcher: Matcher) -> realistic.Totals:
    totals, _ = realistic.evaluate(matcher.ask, realistic.load("test"))
    return totals


def test_realistic_test_split_holds_its_measured_level(test_totals: realistic.Totals) -> None:
    # What the matcher reaches today (README, "Measured"): a guard against regressions.
    t = test_totals
    assert t.first / t.inscope >= 0.96, t.line("test")
    assert t.answered / t.inscope >= 0.88, t.line("test")
    assert t.declined / t.oos >= 0.85, t.line("test")


def test_realistic_test_split_declines_and_ranks_as_the_issue_asks(
    test_totals: realistic.Totals,
) -> None:
    t = test_totals
    assert t.declined / t.oos >= 0.95, t.line("test")
    assert t.first / t.inscope >= 0.97, t.line("test")


@pytest.mark.xfail(reason="issue 7: in scope answered 95 % is not reached yet", strict=True)
def test_realistic_test_split_answers_as_the_issue_asks(test_totals: realistic.Totals) -> None:
    t = test_totals
    assert t.answered / t.inscope >= 0.95, t.line("test")


@pytest.mark.parametrize("name", ["test", "dev", "old"])
def test_beats_bm25_on_top1_and_overall(kb: KnowledgeBase, matcher: Matcher, name: str) -> None:
    from bench.__main__ import baseline_results, bm25_baseline

    rows = realistic.load(name)
    kotae, _ = realistic.evaluate(matcher.ask, rows)
    _, results = baseline_results(bm25_baseline(kb), rows)
    bm25 = realistic.Totals()
    for row, result in zip(rows, results, strict=True):
        bm25.add(row, result)
    assert kotae.overall > bm25.overall, (kotae.line("kotae"), bm25.line("bm25"))
    assert kotae.first > bm25.first, (kotae.line("kotae"), bm25.line("bm25"))


def test_declines_rarely_suggest_the_entry_asked_about(matcher: Matcher) -> None:
    rows = [r for r in realistic.load("dev") if r.expected != "none"]
    bad = []
    for r in rows:
        result = matcher.ask(r.question)
        if (
            result.decision == "decline"
            and result.suggestions[:1]
            and result.suggestions[0] in r.ids
        ):
            bad.append(r.question)
    assert len(bad) <= 0.05 * len(rows), bad


@pytest.mark.parametrize(
    ("confidence", "expected"), [(0.95, "high"), (0.8, "high"), (0.7, "medium"), (0.4, "low")]
)
def test_every_face_shows_the_same_confidence_band(confidence: float, expected: str) -> None:
    from rich.style import Style

    from app.core.match.decision import band
    from app.tui.widgets.confidence import meta_text
    from app.web.ask import CONFIDENCE, confidence_words

    assert band(confidence) == expected
    assert confidence_words(confidence) == CONFIDENCE[expected]
    used: list[str] = []
    meta_text(confidence, (), lambda name: used.append(name) or Style())
    assert f"meta--{expected}" in used


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how long is the datas keep after i sended it", "policy.retention-30-days"),
        (
            "「APIデータ」の範囲に、微調整用にアップロードした学習データも含まれると"
            "考えてよいでしょうか。",
            "policy.api-data-definition",
        ),
    ],
)
def test_the_decision_model_orders_the_shortlist(
    matcher: Matcher, question: str, expected: str
) -> None:
    # The BM25F share and nearest example put a neighbour first; the model, which also weighs
    # the titles and the asking sentence, puts the entry the question is about first.
    result = matcher.ask(question)
    assert result.answer_ids == (expected,)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_asking_to_see_ones_request_logs_is_declined_with_the_account_redirect(
    matcher: Matcher,
) -> None:
    # How long logs are kept is the policy's; being shown them is the account's.
    result = matcher.ask("おとといのプロンプトをそちらのログから取り出してもらえますか？")
    assert (result.decision, result.out_of_scope) == ("decline", "account-access")
    kept = matcher.ask("リクエストログは何日保存されますか？")
    assert kept.answer_ids == ("policy.retention-30-days",)


@pytest.mark.parametrize(
    ("plain", "wrapped"),
    [
        (
            "Is the API traffic encrypted in transit?",
            "Kindly describe whether the API traffic is encrypted in transit, and clarify every "
            "point separately.",
        ),
    ],
)
def test_questionnaire_wording_does_not_dilute_the_answer(
    matcher: Matcher, plain: str, wrapped: str
) -> None:
    # "kindly", "describe", "separately" say how the point is asked, not what about: the
    # wrapped question is about as sure as the plain one.
    a, b = matcher.ask(plain), matcher.ask(wrapped)
    assert a.answer_ids == b.answer_ids
    assert b.confidence >= a.confidence - 0.15
