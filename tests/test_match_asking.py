"""Which sentences of a message ask (a bare request leans on the need stated before it; a half
that only leans on the other is no second question), and questions near the policy that it
does not answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.knowledge import check_knowledge
from app.core.match import splitter
from app.core.match.matcher import Matcher

NEED_THEN_BARE_REQUEST = (
    "Hello, I look after compliance at a small logistics firm. I need to record how long your "
    "service keeps the prompts we send through the API. Could you provide that? Thanks, Tom"
)


def test_a_bare_request_leaves_the_asking_to_the_need_stated_before_it(matcher: Matcher) -> None:
    sentences = matcher.splitter.split(NEED_THEN_BARE_REQUEST)
    kept = {text: asks for text, asks, _recap in splitter.kept_text(sentences)}
    need = next(text for text in kept if "how long" in text)
    assert kept[need] is True  # asks, though it has no question mark
    assert matcher.ask(NEED_THEN_BARE_REQUEST).answer_ids == ("policy.retention-30-days",)


def test_a_request_that_names_its_subject_keeps_the_need_as_context(matcher: Matcher) -> None:
    message = (
        "We need to finish our vendor review this week. "
        "Could you tell us whether API data is used for training?"
    )
    kept = {
        text: asks for text, asks, _recap in splitter.kept_text(matcher.splitter.split(message))
    }
    need = next(text for text in kept if "vendor review" in text)
    assert kept[need] is False
    assert matcher.ask(message).answer_ids == ("policy.no-training-by-default",)


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("We'd like zero data retention. What conditions apply?", "policy.zero-retention"),
        (
            "Where do you list your subprocessors? Also, who else holds our stuff?",
            "faq.data-storage-location",
        ),
        # A weak half on a word or two that names no concept of the knowledge.
        ("BAA って結べます？API でも sign できる？", "faq.hipaa"),
        ("We're a dental group. Do you offer a BAA, and what do we need to qualify?", "faq.hipaa"),
    ],
)
def test_a_half_that_only_leans_on_the_other_is_not_a_second_question(
    matcher: Matcher, message: str, entry: str
) -> None:
    result = matcher.ask(message)
    assert result.decision == "answer"
    assert result.answer_ids == (entry,)


@pytest.mark.parametrize(
    ("message", "entries"),
    [
        (
            "Two quick questions: is our API traffic used to train models, and how many days "
            "is it kept?",
            {"policy.no-training-by-default", "policy.retention-30-days"},
        ),
        # Long, but it says it asks two things.
        (
            "Hello, our compliance team asked me to confirm two points before we sign off on "
            "the integration with our claims platform: how many days prompts stay on your "
            "servers, and which of your staff or contractors are able to look at them.",
            {"policy.retention-30-days", "policy.abuse-review-access"},
        ),
    ],
)
def test_a_message_that_counts_its_questions_gets_both_answered(
    matcher: Matcher, message: str, entries: set[str]
) -> None:
    assert set(matcher.ask(message).answer_ids) == entries


def test_a_short_second_question_with_its_own_subject_still_counts(matcher: Matcher) -> None:
    result = matcher.ask("Do you train on API data, and how long do you keep it?")
    assert result.answer_ids == ("policy.no-training-by-default", "policy.retention-30-days")


@pytest.mark.parametrize(
    "question",
    [
        "I removed a file by accident, can it be recovered?",
        "うっかり削除したファイル、復元できる？",
        "保存データは AES-256 で暗号化されていますか",
        "Is your service PCI-DSS certified? Our card team needs to know.",
        "御社は PCI DSS の認定を受けていますか？",
        "Can unused credits be refunded if we close the account?",
        "Our client handed us their DPA template. Which clauses do people usually push back on?",
        "Is the governing law of your terms negotiable? We need Japanese law and Tokyo courts.",
        "御社のデータセンターに立ち入り検査をさせていただくことは可能ですか",
    ],
)
def test_questions_near_the_policy_that_it_does_not_answer_are_declined(
    matcher: Matcher, question: str
) -> None:
    assert matcher.ask(question).decision == "decline"


def test_a_want_in_quotes_is_reported_not_asked(matcher: Matcher) -> None:
    message = (
        "利用者から「自分の入力内容を消してほしい」と連絡がありました。"
        "OpenAI 側のデータの削除はどう依頼すればいいですか？"
    )
    first = matcher.splitter.split(message)[0]
    assert not first.wants
    assert matcher.ask(message).answer_ids == ("faq.deletion-request",)


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("送ったデータが学習に使われないか心配です。", True),  # a worry whether
        ("通常の保持期間は何日でしょう。", True),  # でしょう with a question word
        ("データは30日で削除されるでしょう。", False),  # a guess
        ("以前のデータは学習に使われた可能性があると聞きました。", True),  # put to be confirmed
        ("And separately, confirm for me that API inputs are not used for training.", True),
        ("Our DPO asked where the text we send you ends up being stored.", True),  # reported
        ("Legal asks whether anyone at your end reads our prompts.", True),
        ("The auditor asked for last year's report.", False),  # a request for a thing
    ],
)
def test_sentences_that_ask_without_a_question_mark(
    matcher: Matcher, sentence: str, asks: bool
) -> None:
    assert [s.asking for s in matcher.splitter.split(sentence)] == [asks]


@pytest.mark.parametrize(
    ("message", "entries"),
    [
        (
            "ゼロリテンションは申請できますか？できないなら、通常の保存期間は何日でしょう。",
            ("policy.zero-retention", "policy.retention-30-days"),
        ),
        (
            "Is ChatGPT covered by this policy? Separately, confirm whether API data is used "
            "for training by default.",
            ("policy.consumer-services-excluded", "policy.no-training-by-default"),
        ),
    ],
)
def test_a_second_question_without_a_question_mark_is_answered(
    matcher: Matcher, message: str, entries: tuple[str, ...]
) -> None:
    assert matcher.ask(message).answer_ids == entries


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("その期間中に誰が中身を見られますか", "その期間中に"),
        ("この間、データを閲覧できるのは誰ですか", "この間、"),
        ("この間違いは学習に使われますか", None),  # 間違い: no period at all
        (
            "If they paste essays into it, will those be used to train?",
            "If they paste essays into it, ",
        ),
        ("When we upload a file, how long is it kept?", "When we upload a file, "),
        ("When was the last audit, and who did it?", None),  # asks when: no condition
    ],
)
def test_the_period_a_sentence_opens_with(sentence: str, period: str | None) -> None:
    from app.core.match.sentence_marks import background_clause

    assert background_clause(sentence, lambda _tail: True) == period


def test_a_reported_question_in_quotes_is_what_is_asked(matcher: Matcher) -> None:
    message = (
        "店長から「お客さんのデータって日本に保存されてるの？」って聞かれたんですが、"
        "実際どこなんでしょう？"
    )
    assert [s.asking for s in matcher.splitter.split(message)] == [True]
    assert matcher.ask(message).answer_ids == ("faq.european-datacenter",)


def test_a_half_added_with_ato_says_the_first_half_is_a_question_too(matcher: Matcher) -> None:
    # The first half fits the retention and the Files entries alike; 「あと、」 says it asks.
    message = "送ったデータは何日残りますか？あと、誰が見られますか？"
    result = matcher.ask(message)
    assert result.answer_ids == ("policy.retention-30-days", "policy.abuse-review-access")


def test_a_condition_before_a_question_does_not_dilute_it(matcher: Matcher) -> None:
    message = (
        "I teach at a high school and am building a study helper. If my students type essays "
        "into it, will those be used to train your models?"
    )
    assert matcher.ask(message).answer_ids == ("policy.no-training-by-default",)


def test_a_question_about_the_period_just_named_is_its_own(matcher: Matcher) -> None:
    result = matcher.ask("保持期間は何日でしょうか。その間に、データを閲覧できるのはどなたですか？")
    assert result.answer_ids == ("policy.retention-30-days", "policy.abuse-review-access")


def test_a_reported_question_before_a_bare_request_is_what_is_asked(matcher: Matcher) -> None:
    # "What should I tell her?" asks, but names nothing: the question is the one reported.
    message = (
        "We build a booking tool for dentists. Our DPO asked how long you hold on to the "
        "prompts we send through the API. What should I tell her?"
    )
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)


def test_a_background_clause_before_a_question_is_context(matcher: Matcher) -> None:
    message = (
        "薬局の在庫照会をAPIで自動化しているのですが、処方内容の入った文面はそちらで何日くらい"
        "残るのでしょうか？"
    )
    sentences = matcher.splitter.split(message)
    assert [s.asking for s in sentences] == [False, True]
    assert "何日" in sentences[1].text
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("30日の保持期間の間、OpenAIの誰が見られるんでしょうか", "policy.abuse-review-access"),
        (
            "During that period, does anyone at OpenAI read the prompts?",
            "policy.abuse-review-access",
        ),
        (
            "During those 30 days, does anyone use what we sent to train a model?",
            "policy.no-training-by-default",
        ),
    ],
)
def test_the_time_a_question_asks_about_is_not_its_subject(
    matcher: Matcher, message: str, entry: str
) -> None:
    assert matcher.ask(message).answer_ids == (entry,)


@pytest.mark.parametrize(
    "message",
    [
        # the question is about the clause: 「そのような」 points back to it
        "送信データを一切残さない形を検討しておりますが、そのような対応は可能でしょうか。",
        # 「…なら」 asks a question of its own
        "自社サーバーで動かせるならそれが一番なんですが、無理なら保存しない設定はできますか？",
    ],
)
def test_a_clause_the_question_leans_on_stays_part_of_it(matcher: Matcher, message: str) -> None:
    assert [s.asking for s in matcher.splitter.split(message)] == [True]


@pytest.mark.parametrize(
    ("sentence", "wants"),
    [
        ("社内調査で必要です。", False),  # what it is needed for
        ("稟議のために必要です。", False),
        ("DPA が必要です。", True),  # the thing needed
    ],
)
def test_a_need_for_a_purpose_is_no_want(matcher: Matcher, sentence: str, wants: bool) -> None:
    assert [s.wants for s in matcher.splitter.split(sentence)] == [wants]


def test_when_nothing_asks_the_stated_want_is_the_question(matcher: Matcher) -> None:
    # The first sentence is context: it must not become a question of its own.
    result = matcher.ask(
        "セキュリティ審査の資料を作っています。DPA の締結方法を知っておきたいです。"
    )
    assert result.answer_ids == ("faq.dpa",)


def test_soshite_joins_two_questions(matcher: Matcher) -> None:
    result = matcher.ask("API のデータは学習に使われないのか、そして保存期間は何日なのか。")
    assert result.answer_ids == ("policy.no-training-by-default", "policy.retention-30-days")


def test_to_after_a_latin_word_joins_two_questions(matcher: Matcher) -> None:
    # 「type と、」: a space before と, as mixed writing puts it.
    result = matcher.ask("監査用です。SOC 2 の status と、BAA の締結可否を教えてください。")
    assert result.answer_ids == ("faq.security-certifications", "faq.hipaa")


@pytest.mark.parametrize(
    ("question", "entries"),
    [
        # 「第一に、…第二に、…」 after a request that announces two points.
        (
            "確認事項は二点です。第一に、APIデータが学習に使われるかどうか、第二に、データの"
            "保持期間です。",
            ("policy.no-training-by-default", "policy.retention-30-days"),
        ),
        # A list joined by 「、および」 under 「それぞれ」.
        (
            "データの保存場所、およびTLSでの暗号化の有無について、それぞれご回答ください。",
            ("faq.data-storage-location", "faq.encryption-in-transit"),
        ),
        # The count asks; the pair it announces stands in the statement after it.
        (
            "監査対応として2点教えてください。保存期間の日数と、保存先の国です。",
            ("policy.retention-30-days", "faq.european-datacenter"),
        ),
        # The points stand in a statement; the request after it asks nothing of its own.
        (
            "社内監査で、SOC 2 の取得状況と DPA の締結方法の2点を聞かれています。"
            "ご回答をお願いいたします。",
            ("faq.security-certifications", "faq.dpa"),
        ),
    ],
)
def test_counted_points_are_each_answered(
    matcher: Matcher, question: str, entries: tuple[str, str]
) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.answer_ids) == ("answer", entries)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Can we get capacity reserved just for our workloads?", "faq.self-hosting"),
        (
            "Without opting in, is our API content kept out of model training?",
            "policy.no-training-by-default",
        ),
        ("ログってどんくらい残るの？", "policy.retention-30-days"),
        ("送ったデータは30日過ぎたら削除されますか", "policy.retention-30-days"),
        ("Is opting out of the 30 day retention possible for us?", "policy.zero-retention"),
        ("In which jurisdiction is our data processed?", "faq.european-datacenter"),
        ("do your sub-processers keep our data too?", "faq.data-storage-location"),
        ("Describe the transport security applied to API calls.", "faq.encryption-in-transit"),
        (
            "If we don't touch any settings, are our prompts kept out of training?",
            "policy.no-training-by-default",
        ),
        # Having one's data used, asked for (使ってもらう), not feared (使われる).
        (
            "飲食チェーンのメニュー翻訳でAPIを使っています。むしろうちの言い回しを覚えてほしいので、"
            "送った文章をモデルの改善に使ってもらうことってできますか？",
            "policy.opt-in-sharing",
        ),
        (
            "検索の精度あげたいから、逆にうちの文書使って賢くしてよって言える？",
            "policy.opt-in-sharing",
        ),
        ("Is our API traffic used for training?", "policy.no-training-by-default"),
        ("API で送った文章って AI のべんきょうに使われる？", "policy.no-training-by-default"),
        ("Could we run the model in our own data centre?", "faq.self-hosting"),
        # A topic word inside a phrase of the knowledge does not count: downloading the
        # model is self-hosting, though "download" alone is an account question.
        ("Can we download the model and run it locally?", "faq.self-hosting"),
        ("API データを非保存とする契約はできますか？", "policy.zero-retention"),
        # GDPR's Article 28 agreement is the DPA.
        (
            "Under Article 28 we need a processor agreement with every vendor. Can we get one?",
            "faq.dpa",
        ),
        # Wanting one's own data used is opting in.
        (
            "We'd actually want you to use our support tickets to improve the models. How?",
            "policy.opt-in-sharing",
        ),
        # The model on one's own machine, in words that come in any order.
        ("工場のマシンにモデルをインストールして使えますか？", "faq.self-hosting"),
        ("OpenAIのサーバーに置いたデータは何日保存されますか", "policy.retention-30-days"),
        # Formal writing's "who": 「…し得る者」「アクセス可能な者」.
        (
            "貴社で当社の送信データを閲覧し得る者の範囲をご教示願います。",
            "policy.abuse-review-access",
        ),
        (
            "保存期間中に API データへアクセス可能な者について教えてください。",
            "policy.abuse-review-access",
        ),
        (
            "Absent an opt-in, is our API content used to improve your models?",
            "policy.no-training-by-default",
        ),
        # "Who else holds" asks after companies (subprocessors), not people with access.
        ("so who else holds the prompts we send you?", "faq.data-storage-location"),
        (
            "30日経ったら、送ったプロンプトは自動的に削除されるんですよね？",
            "policy.retention-30-days",
        ),
        (
            "うちのデータ、学習に使っていいよって伝えたいんだけどどうすれば？",
            "policy.opt-in-sharing",
        ),
        (
            "Our auditor wants written confirmation that prompts sent through the API are not "
            "used for training. Could you confirm?",
            "policy.no-training-by-default",
        ),
    ],
)
def test_everyday_wordings_reach_their_entries(matcher: Matcher, question: str, entry: str) -> None:
    assert matcher.ask(question).answer_ids == (entry,)


@pytest.mark.parametrize(
    "question",
    [
        "2021年の夏から社内ツールで API を使っていて、設定は何も変えていませんでした。"
        "あの頃送った文章はモデルの改善に使われてしまったんでしょうか？",
        "22年あたりに送ってた議事録、学習されちゃった？",
        "Our chatbot has called the API since 2021 with default settings. Could those "
        "conversations have gone into model improvement?",
    ],
)
def test_a_year_before_the_change_is_the_time_before_it(matcher: Matcher, question: str) -> None:
    assert matcher.ask(question).answer_ids == ("policy.before-march-2023",)


def test_a_bare_year_is_no_policy_subject(matcher: Matcher) -> None:
    assert matcher.ask("Who won the 2022 Tour de France?").decision == "decline"


@pytest.mark.parametrize("written", ["ゼロデータリテンション", "ゼロデータ保持", "保存ゼロ"])
def test_zero_data_retention_in_katakana_is_the_zero_retention_concept(
    matcher: Matcher, written: str
) -> None:
    assert "c:ゼロリテンション" in matcher.analyzer.analyze(f"{written}にしたい").features


def test_an_obligation_is_context_not_a_question(matcher: Matcher) -> None:
    message = (
        "来週の情報セキュリティ委員会で委託先評価を通さなければなりません。"
        "第三者監査を受けたセキュリティ認証はお持ちですか？"
    )
    assert matcher.ask(message).answer_ids == ("faq.security-certifications",)


@pytest.mark.parametrize(
    "message",
    [
        "医療系の案件です。HIPAA の件、OpenAI と契約すれば使えますか？",  # と is "with"
        "貴社 API サービスにつきまして、SOC 2 の報告書はございますでしょうか。",  # keigo て
        "BAA はエンタープライズ契約がないと結べないのでしょうか？",  # a condition
        "学習用のファイルもプロンプトと同様に API データとして扱われますか？",  # a comparison
        "ファイルを削除すると、学習済みのモデルからも消えますか？",  # a verb's と, a condition
        "早く消してほしいとユーザーに言われたら、削除はどう依頼すればいいですか？",  # a quote
    ],
)
def test_these_joins_do_not_cut_a_question_in_two(matcher: Matcher, message: str) -> None:
    parts, _ = matcher.splitter.split_parts(matcher.splitter.split(message))
    assert len(parts) == 1


def test_a_part_clear_on_its_own_is_answered_in_a_long_message(matcher: Matcher) -> None:
    # The whole message leans on files; the deletion part is still a question of its own.
    message = (
        "One of our users asked us to erase everything we hold about them, and we want to know "
        "how to get OpenAI to delete what we sent through the API for that user. We have read "
        "the policy page twice. Also, do the training files we uploaded for fine-tuning get "
        "removed automatically, or do we have to delete them ourselves?"
    )
    assert matcher.ask(message).answer_ids == (
        "faq.deletion-request",
        "policy.files-endpoint-retention",
    )


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("中学生向けのアプリで使いたいのですが、年齢の決まりはありますか？", "own-compliance"),
        (
            "My account got flagged for a policy violation by mistake. How can I appeal?",
            "account-access",
        ),
        ("Are your staff background-checked before they are hired?", "security-other"),
        # Concepts only out-of-scope topics know: other vendors, unnamed certifications …
        ("Claude の API はプロンプトを何日保存しますか？", "other-vendors"),
        ("How long does Cohere keep the prompts we send to its API?", "other-vendors"),
        ("Is your service HITRUST certified?", "security-other"),
        ("ISO 27017 の認証は取得していますか？", "security-other"),
        # … and a data centre's building, which is not its location.
        ("御社のデータセンターを見学させてもらえますか？", "security-other"),
        (
            "What physical security do your data centres have — guards, cameras, badge access?",
            "security-other",
        ),
        # The pricing topic's words: the policy names no price.
        ("Does zero data retention cost extra?", "pricing"),
        ("DPA の締結に費用はかかりますか？", "pricing"),
        # Other topics' words: subjects the policy never names, in its own vocabulary.
        ("不正利用の調査で担当者が見たデータの監査ログを確認できますか？", "security-other"),
        ("微調整したモデルの著作権はどちらに帰属しますか？", "output-ownership"),
        ("ChatGPTで作ったロゴって商用利用できますか？", "output-ownership"),
        ("Is there an uptime SLA for customers with zero data retention?", "service-levels"),
        ("DPA の準拠法はどこの国の法律になりますか？", "contract-terms"),
        ("API データの削除が済んだら削除証明を出してもらえますか？", "contract-terms"),
        ("Were any API prompts exposed in a data breach last year?", "incidents"),
        ("専用容量の契約に必要な最低金額は？", "pricing"),
        ("How many business days is the approval time for zero data retention?", "service-levels"),
        ("Is there a storage quota for the files we upload for fine-tuning?", "rate-limits"),
        ("DPA の日本語バージョンはもらえますか？", "contract-terms"),
        ("30日間保持されているプロンプトをこちらでエクスポートできますか？", "account-access"),
        ("保持期間を1年に延ばしてもらえませんか？", "contract-terms"),
        # The policy says TLS, not which version.
        ("Which TLS version does the API require, 1.2 or 1.3?", "security-other"),
        ("API の TLS のバージョンは何ですか？", "security-other"),
        # Future plans: a topic known by its words alone.
        ("東京にデータセンターを開設予定はありますか？", "roadmap"),
        ("Are there plans to get a SOC 2 Type 2 report?", "roadmap"),
        ("SOC 2 の監査範囲にファイルの保存は入っていますか？", "security-other"),
        ("送ったリクエストの IP アドレスも 30 日保存されますか？", "security-other"),
        ("微調整したモデルを別の組織に移せますか？", "account-access"),
        ("退会してデータを消してもらった後、また同じ会社名で再登録できますか？", "account-access"),
        ("ファインチューニングしたモデルを他の organization に共有できますか？", "account-access"),
        ("ユーザーから開示請求が来たら OpenAI に頼めますか？", "own-compliance"),
        ("不正利用の調査で社員がデータを見たときのアクセスログはもらえる？", "security-other"),
        ("SOC 2 の直近の監査日はいつですか？", "security-other"),
        ("Which month was your latest SOC 2 audit report issued in?", "security-other"),
        ("クレジットは API データと同じく30日で消えますか？", "pricing"),
        ("Do free credits expire after 30 days?", "pricing"),
        ("GPT の学習データっていつ時点までの情報？", "models"),
        ("Which state is the US data centre in?", "security-other"),
        ("How many employees can open flagged API data?", "security-other"),
        ("送ったデータはディスク上でも暗号化されていますか？", "security-other"),
        # Details of a rule the policy states but does not work out.
        ("30日って送った日から数えるのですか？", "policy-details"),
        ("ポリシー変更前の保存期間は何日だったんですか？", "policy-details"),
        ("How many staff at OpenAI could open a flagged conversation?", "security-other"),
        ("Which laws would make you keep our data longer than 30 days?", "policy-details"),
        ("オプトインを撤回したら、共有済みのデータはどうなりますか？", "policy-details"),
        ("データが削除されたら通知してもらえますか？", "policy-details"),
        ("Will you notify us if our data is ever reviewed by a person?", "policy-details"),
        ("うちの会社のデータが学習に使われたか個別に確認してもらえますか？", "policy-details"),
        ("Is the March 2023 cut-off in Pacific time or in our time zone?", "policy-details"),
        ("BAA の契約書が届くまで何日くらい？", "service-levels"),
        ("ゼロリテンションの審査にはどれくらい時間がかかりますか？", "service-levels"),
        ("社員がうちのデータを見たアクセス履歴はもらえますか？", "security-other"),
        ("How much notice do you give before adding a subprocessor?", "contract-terms"),
        ("サブプロセッサーが変わるとき change notification はもらえますか？", "contract-terms"),
        ("無料トライアルは何日間ですか？", "pricing"),
        ("御社のデータセンターに実地監査に伺えますか？", "contract-terms"),
        ("Can our SIEM pull the access records of our API data?", "security-other"),
        ("Is every API call stateless, or does the model keep our data between calls?", "models"),
        ("APIにデータを送る前に本人同意は必要ですか？", "own-compliance"),
        ("Files にアップできるのは何メガまで？", "files-howto"),
        ("Does Microsoft's own BAA cover Azure OpenAI for HIPAA data?", "other-vendors"),
        ("SOC 2 の報告書を取り寄せたいです", "security-other"),
        ("How do I sign in to the DPA portal?", "account-access"),
        ("専用容量の契約期間は最短どれくらい？", "contract-terms"),
        ("Can we join the beta of the new data controls?", "roadmap"),
        ("御社が買収されたら、保存されているデータはどうなりますか？", "contract-terms"),
        # What the law asks of the customer, not what the policy says OpenAI does.
        ("Are we legally required to tell users we use an AI vendor?", "own-compliance"),
        ("自社の顧客データは法律上何年保存すべきですか？", "own-compliance"),
        # A recommendation, whatever the policy words around it.
        ("データを30日より長く残さないクラウドのおすすめは？", "recommendations"),
        ("Which self-hosted model do you recommend for HIPAA workloads?", "recommendations"),
        ("Which vendors do you recommend for hosting?", "recommendations"),
    ],
)
def test_near_questions_are_declined_with_the_topic_that_redirects_them(
    matcher: Matcher, question: str, topic: str
) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.out_of_scope) == ("decline", topic)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("えすおーしーつーってもってる？", "faq.security-certifications"),
        ("びーえーえーってむすべるの？", "faq.hipaa"),
        ("でーぴーえーのむすびかたおしえて", "faq.dpa"),
    ],
)
def test_acronyms_spelt_in_kana_are_the_acronyms(
    matcher: Matcher, question: str, entry: str
) -> None:
    assert matcher.ask(question).answer_ids == (entry,)


def test_a_third_partys_need_asks_beside_a_bare_request(matcher: Matcher) -> None:
    message = (
        "Our records policy needs the retention period for data sent to the API. Could you confirm?"
    )
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)


@pytest.mark.parametrize(
    "message",
    [
        "うちのシステムは外部のネットワークから切り離されています。そこにモデルを置けますか？",
        "This is for a hospital. Can you sign a BAA with us?",
    ],
)
def test_a_sentence_of_content_is_no_self_introduction(matcher: Matcher, message: str) -> None:
    # 「外部の」 holds 部の (as in 営業部の佐藤です); "This is for …" is no "This is Jane".
    assert len(matcher.splitter.split(message)) == 2


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "現在、API に送ったデータの保存期間について社内で確認をしております。"
            "ご教示いただけますでしょうか。",
            "policy.retention-30-days",
        ),
        (
            "I am the person responsible for checking how long you keep API data. "
            "Could you tell me?",
            "policy.retention-30-days",
        ),
    ],
)
def test_an_introduction_that_names_the_subject_is_kept(
    matcher: Matcher, message: str, entry: str
) -> None:
    assert matcher.ask(message).answer_ids == (entry,)


def test_a_plain_introduction_is_still_dropped(matcher: Matcher) -> None:
    sentences = matcher.splitter.split(
        "お世話になっております。株式会社みなと物流 情報システム部の佐藤です。"
        "保存期間は何日ですか？"
    )
    assert [s.text for s in sentences] == ["保存期間は何日ですか"]


@pytest.mark.parametrize(
    "message",
    [
        "API のデータは日本のサーバーに置かれますか？それともアメリカですか？",
        "Is our data kept in the EU? Or only in the US?",
    ],
)
def test_an_alternative_is_the_same_question(matcher: Matcher, message: str) -> None:
    result = matcher.ask(message)
    assert result.answer_ids == ("faq.european-datacenter",)


@pytest.mark.parametrize(
    "message",
    [
        "How long do you keep API inputs? And are they wiped after that on their own?",
        "API データの保持期間を教えてください。当該データはその後自動的に削除されますか。",
    ],
)
def test_a_half_that_points_back_asks_about_the_same_thing(matcher: Matcher, message: str) -> None:
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)


@pytest.mark.parametrize(
    "message",
    [
        "「API データ」の範囲を教えてください。アップロードした学習用ファイルも含まれますか？",
        "What exactly counts as API data? Does that include the files we upload for fine-tuning?",
    ],
)
def test_a_half_asking_what_the_subject_includes_is_no_question_of_its_own(
    matcher: Matcher, message: str
) -> None:
    assert matcher.ask(message).answer_ids == ("policy.api-data-definition",)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("30日で消えるってほんと？", "policy.retention-30-days"),
        ("APIに送ったデータの保持機関はどのくらい？", "policy.retention-30-days"),
        ("アップしたファイルはいつまで残る？", "policy.files-endpoint-retention"),
    ],
)
def test_an_entry_defined_by_a_concept_needs_the_question_to_name_it(
    matcher: Matcher, question: str, entry: str
) -> None:
    # Every example question of the Files entry names files; one that names no file is not
    # about it, though it shares its words of keeping and deleting.
    files = matcher.index.ids.index("policy.files-endpoint-retention")
    assert "c:ファイル" in matcher.index.defining[files]
    assert matcher.ask(question).answer_ids == (entry,)


def test_personal_health_advice_is_out_of_scope(matcher: Matcher) -> None:
    # 病院 is a word of the HIPAA entry; a sick dog is no health-care workload.
    question = "犬の具合が悪いのですが、病院に連れて行くべきでしょうか？"
    assert matcher.ask(question).decision == "decline"


def test_a_certification_the_knowledge_answers_with_soc_2_stays_answered(
    matcher: Matcher,
) -> None:
    assert matcher.ask("ISMS や SOC 2 などの認定はありますか").answer_ids == (
        "faq.security-certifications",
    )


def test_giving_data_casually_is_sharing(matcher: Matcher) -> None:
    assert matcher.ask("うちのデータあげてもいいんだけど、どうすればいい？").answer_ids == (
        "policy.opt-in-sharing",
    )


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("Can you sign a BAA with us, and how much does it cost?", "faq.hipaa"),
        ("API の保存期間は？あと料金も知りたい", "policy.retention-30-days"),
        # The off-topic part names the subject: files, not API data in general.
        (
            "ファイルは1つ何MBまでアップロードできますか？保存期間も知りたいです",
            "policy.files-endpoint-retention",
        ),
    ],
)
def test_beside_a_price_the_part_the_policy_answers_is_answered(
    matcher: Matcher, message: str, entry: str
) -> None:
    assert matcher.ask(message).answer_ids == (entry,)


def test_beside_an_off_topic_part_a_part_fitting_two_entries_alike_is_not_answered(
    matcher: Matcher,
) -> None:
    # The first part is as near the data-centre entry as the BAA's (0.315 against 0.308).
    message = (
        "API で顧客の問い合わせを処理する場合、当社のプライバシーポリシーには何を書けば"
        "いいですか？利用者への通知は必要ですか？"
    )
    assert matcher.ask(message).decision == "decline"


def test_a_bare_and_between_two_nouns_leaves_no_part_to_answer(matcher: Matcher) -> None:
    # "the staff and contractors who …" is one subject, not a second question.
    message = "Do you run background checks on the staff and contractors who read flagged API data?"
    result = matcher.ask(message)
    assert (result.decision, result.out_of_scope) == ("decline", "security-other")


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("データ保持の期間と削除証明書について教えてください", "policy.retention-30-days"),
        ("How long do you keep prompts and is there an SLA for it?", "policy.retention-30-days"),
    ],
)
def test_a_part_cut_at_and_that_reads_as_an_example_is_answered_beside_an_off_topic_one(
    matcher: Matcher, message: str, entry: str
) -> None:
    # Unlike "the staff and contractors who …", each side is a subject of its own.
    assert matcher.ask(message).answer_ids == (entry,)


def test_check_names_the_topic_and_field_of_bad_topic_words(kb_copy: Path) -> None:
    path = kb_copy / "out_of_scope.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('words = ["料金", ', 'words = ["料金", "", "料金", 3, ', 1)
    path.write_text(text, encoding="utf-8")
    _, problems = check_knowledge(kb_copy)
    assert any(
        "out_of_scope.toml: pricing: words: must be a list of strings" in str(p) for p in problems
    )
    path.write_text(
        text.replace('"料金", "", "料金", 3, ', '"料金", "", "料金", ', 1), encoding="utf-8"
    )
    found = "\n".join(str(p) for p in check_knowledge(kb_copy)[1])
    assert "pricing: words[1]: is empty" in found
    assert "pricing: words: lists '料金' twice" in found


def test_a_topic_known_by_its_words_needs_no_examples(kb_copy: Path) -> None:
    path = kb_copy / "out_of_scope.toml"
    topic = (
        '\n[[topic]]\nid = "plain"\n{words}'
        '[topic.ja]\ntitle = "題"\nredirect = "案内。"\n'
        '[topic.en]\ntitle = "Title"\nredirect = "Redirect."\n'
    )
    original = path.read_text(encoding="utf-8")
    path.write_text(original + topic.format(words='words = ["かくれんぼ"]\n'), encoding="utf-8")
    kb, problems = check_knowledge(kb_copy)
    assert problems == [] and kb is not None
    matcher = Matcher(kb, use_cache=False)
    assert "oos:plain" not in matcher.index.ids  # no statistics of the ranking change
    result = matcher.ask("ファイルの保存はかくれんぼ方式ですか？")
    assert (result.decision, result.out_of_scope) == ("decline", "plain")
    # Without words, a topic still needs its example questions.
    path.write_text(original + topic.format(words=""), encoding="utf-8")
    found = "\n".join(str(p) for p in check_knowledge(kb_copy)[1])
    assert "plain: ja.questions: must be a list of strings" in found


@pytest.mark.parametrize(
    "message", ["umm does the api keep my prompts", "ok so is there a dpa we can sign"]
)
def test_a_filler_before_the_question_word_leaves_the_sentence_asking(
    matcher: Matcher, message: str
) -> None:
    (sentence,) = matcher.splitter.split(message)
    assert sentence.asking
    assert not sentence.text.startswith(("umm", "ok so"))


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("ぶっちゃけ学習に使ってる？", "policy.no-training-by-default"),
        ("yo is my api stuff used for training or nah", "policy.no-training-by-default"),
        # "thru" is "through": no word of a subject, unknown to every entry
        ("do u guys train on what we send thru the api", "policy.no-training-by-default"),
    ],
)
def test_chat_fillers_do_not_sink_a_casual_question(
    matcher: Matcher, message: str, entry: str
) -> None:
    assert matcher.ask(message).answer_ids == (entry,)


@pytest.mark.parametrize(
    "message",
    [
        "微調整用のデータが自社専用なのは分かりました。通常のAPIのプロンプトは学習に使われますか？",
        "Understood on fine-tuning data staying ours. "
        "Is ordinary API traffic used for training though?",
    ],
)
def test_a_sentence_summing_up_an_earlier_answer_does_not_outweigh_the_new_question(
    matcher: Matcher, message: str
) -> None:
    recap, question = matcher.splitter.split(message)
    assert recap.recap and not recap.asking
    assert question.asking and not question.recap
    assert matcher.ask(message).answer_ids == ("policy.no-training-by-default",)


def test_what_the_writer_says_they_know_already_is_not_the_question(matcher: Matcher) -> None:
    message = (
        "We know API data isn't used for training by default. We'd like to share ours so the "
        "models learn our field. How do we do that?"
    )
    assert matcher.splitter.split(message)[0].recap
    assert matcher.ask(message).answer_ids == ("policy.opt-in-sharing",)


@pytest.mark.parametrize(
    "message",
    [
        "削除の依頼方法はわかりました。何もしなくても、送ったデータはいずれ消えますか？",
        "ファイルの保存期間は分かりました。普通に送ったデータはいつ消えますか？",
    ],
)
def test_a_recap_naming_an_entrys_title_does_not_lend_it_the_title(
    matcher: Matcher, message: str
) -> None:
    # The recap names the deletion request or the Files entry; the question asks how long.
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)


def test_an_acknowledgement_that_asks_is_no_recap(matcher: Matcher) -> None:
    (sentence,) = matcher.splitter.split("Got it, so how long do you keep the files?")
    assert sentence.asking and not sentence.recap


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        (
            "社内規程で、御社側にデータを一切保存しない形にするよう求められています。"
            "このような依頼は可能でしょうか。",
            "policy.zero-retention",
        ),
        (
            "Our regulator wants no copy of the prompts kept on the vendor side, not even for "
            "abuse monitoring. Is that possible?",
            "policy.zero-retention",
        ),
        (
            "監査部から、API経由のデータが学習に使われないことを書面で確認するよう言われました。"
            "それは可能ですか？",
            "policy.no-training-by-default",
        ),
    ],
)
def test_a_short_question_about_such_a_request_asks_what_was_described_before_it(
    matcher: Matcher, message: str, entry: str
) -> None:
    (sentence,) = matcher.splitter.split(message)
    assert sentence.asking
    assert matcher.ask(message).answer_ids == (entry,)


def test_a_question_opening_with_in_that_case_keeps_its_own_subject(matcher: Matcher) -> None:
    result = matcher.ask("その場合、料金はかかりますか？")
    assert (result.decision, result.out_of_scope) == ("decline", "pricing")


def test_a_lead_in_before_a_colon_is_a_sentence_of_its_own(matcher: Matcher) -> None:
    assert matcher.ask("Quick one: is the API covered by SOC 2?").answer_ids == (
        "faq.security-certifications",
    )
    lead, question = matcher.splitter.split("Following up on retention: who can read our data?")
    assert lead.recap and not lead.asking
    assert question.asking and question.text == "who can read our data"
    # A time is not cut.
    (one,) = matcher.splitter.split("We call the API at 10:30 every day.")
    assert one.text == "we call the api at 10 30 every day"


@pytest.mark.parametrize(
    ("message", "left"),
    [
        ("quick one — any soc 2 report?? yes/no is fine", "any soc 2 report"),
        ("学習に使われますか？はい/いいえで", "学習に使われますか"),
    ],
)
def test_how_the_answer_should_be_put_is_no_part_of_the_question(
    matcher: Matcher, message: str, left: str
) -> None:
    assert [s.text for s in matcher.splitter.split(message)] == [left]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Someone else's question, then the writer's own on a subject: the report says why.
        (
            "情シスから暗号化について確認依頼がありました。通信はTLSで暗号化されていますか？",
            ("faq.encryption-in-transit",),
        ),
        # A later question that names no subject ("What are the criteria?") leans on the
        # report, which keeps asking.
        (
            "Our DPO asked whether storage can be switched off for us. What are the criteria?",
            ("policy.zero-retention",),
        ),
        # "Separately" adds a question: the report is one of two.
        (
            "Our CISO asked whether traffic to the API is encrypted. Separately, how long do you "
            "keep our data?",
            ("faq.encryption-in-transit", "policy.retention-30-days"),
        ),
    ],
)
def test_a_reported_question_beside_the_writers_own_is_context(
    matcher: Matcher, message: str, expected: tuple[str, ...]
) -> None:
    assert matcher.ask(message).answer_ids == expected


def test_a_reported_question_stops_asking_only_before_a_question_on_a_subject(
    matcher: Matcher,
) -> None:
    reported = "監査法人から、API に送ったデータが何日残るのか聞かれました。"
    own = matcher.splitter.split(reported + "保存期間を教えてください。")
    leaning = matcher.splitter.split(reported + "どうなっていますか？")
    assert [s.asking for s in own] == [False, True]
    assert [s.asking for s in leaning] == [True, True]


@pytest.mark.parametrize(
    "message",
    [
        "保存期間は30日で合ってますか？社内監査用に確認させてください。",
        "Is API traffic encrypted with TLS? For our audit file, please confirm.",
    ],
)
def test_a_request_that_says_what_it_is_for_asks_the_question_before_it(
    matcher: Matcher, message: str
) -> None:
    # The audit it is for is no second question about audits (SOC 2).
    assert len(matcher.ask(message).answer_ids) == 1


def test_a_request_that_gives_its_reason_is_no_question_of_its_own(matcher: Matcher) -> None:
    # 「…ので確認したいです」 says why the writer asks: patients' data is no HIPAA question.
    two = matcher.ask("データは何日保存されますか？患者さんの情報を扱うので確認したいです。")
    assert two.answer_ids == ("policy.retention-30-days",)
    # Beside a standard the policy does not name, the reason is not the part to answer.
    other = matcher.ask("ISO 27017 は取得済みですか？医療機関向けの案件なので確認させてください。")
    assert other.decision == "decline"
    # A role or reason counts only before a request: 「…として使われますか」 asks.
    sentences = matcher.splitter.split("保存期間は何日ですか？学習データとして使われますか？")
    assert [s.asking for s in sentences] == [True, True]
    assert "学習" in sentences[-1].text
    # 「…として」 says in what role the writer asks.
    role = matcher.ask("APIのデータは何日保存されますか？金融機関として確認が必要です。")
    assert role.answer_ids == ("policy.retention-30-days",)


def test_an_announced_part_close_to_two_entries_is_still_a_question(matcher: Matcher) -> None:
    # "by default" brings the training entry close behind retention; the writer has said there
    # are two questions, so the first part is answered by its top entry, not dropped.
    result = matcher.ask(
        "Two questions: how long is our API request data kept by default, and can an "
        "enterprise account get zero retention?"
    )
    assert result.answer_ids == ("policy.retention-30-days", "policy.zero-retention")


@pytest.mark.parametrize(
    "message",
    [
        "which companies get our data besides you? like subprocessors or something",
        "送ったデータは他社にも渡りますか？例えば委託先とか。",
    ],
)
def test_examples_after_a_question_are_part_of_it(matcher: Matcher, message: str) -> None:
    # The examples say what the question asks about: its asking words, not context.
    sentences = matcher.splitter.split(message)
    assert len(sentences) == 1 and sentences[0].asking


@pytest.mark.parametrize(
    ("message", "word"),
    [("通信路の暗号化ってどうなってます？TLS？", "tls"), ("where is our data stored? US?", "usa")],
)
def test_a_one_word_fragment_after_a_question_adds_its_word(
    matcher: Matcher, message: str, word: str
) -> None:
    # Too short to be a question of its own, it still names what the question is about.
    (sentence,) = matcher.splitter.split(message)
    assert sentence.asking and word in sentence.text.split()


def test_statements_that_ask_nothing_are_one_question(matcher: Matcher) -> None:
    # No sentence asks: together they tell one need, not a question each.
    message = (
        "社内チャットの要約にAPIを使う検討をしています。"
        "情報システム部から、通信が暗号化されているか確認するよう言われました。"
    )
    parts, _ = matcher.splitter.split_parts(matcher.splitter.split(message))
    assert len(parts) == 1
    assert matcher.ask(message).answer_ids == ("faq.encryption-in-transit",)
    # Said to be two, they are two.
    two = matcher.splitter.split("Our legal team has two asks. First, X. Second, Y.")
    assert matcher.splitter.announces_two(two)


@pytest.mark.parametrize(
    ("message", "part", "added"),
    [
        ("BAAって結べる？あと、データって日本に置けないの？", "データって日本に置けないの？", True),
        ("SOC 2は？加えて、オンプレは可能？", "加えて、オンプレは可能？", True),
        ("Do you sign a BAA? Also, where is data kept?", "where is data kept?", True),
        (
            "Is ChatGPT covered? And for the API, how long is data kept?",
            "And for the API, how long is data kept?",
            True,
        ),
        ("BAAって結べる？データって日本に置けないの？", "データって日本に置けないの？", False),
    ],
)
def test_a_part_introduced_as_one_more_question_is_known(
    matcher: Matcher, message: str, part: str, added: bool
) -> None:
    sentences = matcher.splitter.split(message)
    assert matcher.splitter.added(part, sentences) is added


def test_the_reason_before_a_part_is_context_when_the_rest_names_a_subject(
    matcher: Matcher,
) -> None:
    reason_first = (
        "海外にデータを出せない契約なので、自社サーバーでのホスティングは可能か、"
        "無理ならどの国で保管されるのかを教えてください。"
    )
    parts, _ = matcher.splitter.split_parts(matcher.splitter.split(reason_first))
    assert parts[0] == "自社サーバーでのホスティングは可能か"
    # 「条件を教えてください」 names nothing: the reason says what the conditions are for.
    leaning = "SOC 2 は取得していますか？ゼロリテンションを使いたいので、条件を教えてください。"
    parts, _ = matcher.splitter.split_parts(matcher.splitter.split(leaning))
    assert parts[1] == "ゼロリテンションを使いたいので、条件を教えてください。"


def test_a_sentence_about_an_earlier_answer_is_a_recap_beside_the_new_question(
    matcher: Matcher,
) -> None:
    message = (
        "先ほどの保持期間30日の件、追加で確認させてください。"
        "外部の請負業者に渡ったデータにも同じ30日ルールが適用されますか。"
    )
    sentences = matcher.splitter.split(message)
    assert [(s.asking, s.recap) for s in sentences] == [(False, True), (True, False)]
    assert matcher.ask(message).answer_ids == ("faq.data-storage-location",)


@pytest.mark.parametrize(
    ("message", "clause"),
    [
        ("さっきの30日retentionの件、その期間中にデータを見る人は誰？", True),
        ("保存期間が30日というのはわかりましたが、最初から保存しないようお願いできますか？", True),
        ("前に「学習には使わない」って聞いたけど、逆にデータを提供したい場合は？", True),
        # 「そっち」 asks more of the earlier answer's subject: one question.
        ("さっきのsub-processorの件ですが、そっちに渡ったデータも30日で消えます？", False),
        ("2023年3月より前に送ったデータは学習に使われましたか？", False),
    ],
)
def test_a_clause_about_an_earlier_answer_opens_a_question(
    matcher: Matcher, message: str, clause: bool
) -> None:
    sentences = matcher.splitter.split(message)
    assert (sentences[0].recap and len(sentences) == 2) is clause
    assert sentences[-1].asking


def test_a_humble_want_is_a_stated_need_a_bare_request_leans_on(matcher: Matcher) -> None:
    # 「…したく存じます」 is keigo for 「…したいです」.
    message = (
        "調達仕様書を作成しております。送信データの保持期間を仕様書に記載したく存じます。"
        "ご多忙のところ恐縮ですが、ご教示いただけますでしょうか。"
    )
    sentences = matcher.splitter.split(message)
    kept = {text: asks for text, asks, _recap in splitter.kept_text(sentences)}
    need = next(text for text in kept if "保持期間" in text)
    assert kept[need] is True


@pytest.mark.parametrize(
    ("message", "sentences"),
    [
        ("ふぁいんちゅーにんぐ？ってやつでアップしたファイル、いつ消える？", 1),
        ("ゼロリテンション？とかいう設定、うちでも使える？", 1),
        ("保存期間は？学習には使う？", 2),
    ],
)
def test_a_word_put_in_doubt_does_not_end_its_sentence(
    matcher: Matcher, message: str, sentences: int
) -> None:
    assert len(matcher.splitter.split(message)) == sentences


@pytest.mark.parametrize("written", ["社員がログを読んだりする？", "人がのぞいたりできる？"])
def test_reading_and_peeking_are_access(matcher: Matcher, written: str) -> None:
    assert "c:アクセス" in matcher.analyzer.analyze(written).features


@pytest.mark.parametrize("written", ["kept for 30d?", "kept for 30days?"])
def test_days_written_short_are_days(matcher: Matcher, written: str) -> None:
    short = matcher.analyzer.analyze(written).features
    assert short == matcher.analyzer.analyze("kept for 30 days?").features


def test_a_part_near_a_topic_is_found_among_the_answers_whatever_words_it_shows() -> None:
    # An answered part carries its own words ("保存先"), its ranking the fragments ("保存"):
    # they are the same answer, so a part as close to a topic as to its entry still counts.
    from app.core.match.parts import clear_of_topics
    from app.core.match.result import Candidate, Evidence

    ranked = Candidate("faq.deletion-request", 0.6, ("消",), (0.0,) * 4 + (0.3, 0.4))
    shown = Candidate("faq.deletion-request", 0.6, ("消す",), ranked.signals)
    ev = Evidence([ranked], "fine-tuning-howto", 10.0, 10.0)
    assert clear_of_topics(["モデルを消す手順"], lambda _part: ev, (shown,)) is False


@pytest.mark.parametrize(
    "message",
    [
        "削除依頼とは別件ですが、APIのデータって何日保持されるんでしたっけ？",
        "ファイルの件はさておき、通常のAPIデータは何日残りますか？",
    ],
)
def test_what_the_writer_sets_aside_is_not_the_subject(matcher: Matcher, message: str) -> None:
    assert matcher.ask(message).answer_ids == ("policy.retention-30-days",)
