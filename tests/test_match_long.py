"""Questions as customers write them: long e-mails, two questions in one, out-of-scope topics,
and an entry added by an editor that the decision model has never seen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app.core.answers import how_sure
from app.core.knowledge import KnowledgeBase, load_knowledge
from app.core.match import cache
from app.core.match.matcher import Matcher

FILLER_JA = "弊社では現在、社内の問い合わせ対応の効率化に向けた検討を進めております。" * 30
EMAIL_JA = (
    "お世話になっております。株式会社みなと物流 情報システム部の佐藤です。"
    + FILLER_JA
    + "API に送信したデータは何日間保持されるのでしょうか。ご教示いただけますと幸いです。"
    "何卒よろしくお願いいたします。 佐藤 花子 株式会社みなと物流 03-1234-5678 sato@example.jp"
)
FILLER_EN = "We are evaluating several vendors for our customer-support tooling this quarter. " * 12
EMAIL_EN = (
    "Hi team, I hope this email finds you well. My name is Jane Doe and I work at Acme GmbH. "
    + FILLER_EN
    + "Could you tell us how long you keep the data we send through the API? "
    "Best regards, Jane Doe | Acme GmbH | +49 30 1234567 | jane@example.com"
)


@pytest.mark.parametrize("email", [EMAIL_JA, EMAIL_EN], ids=["ja", "en"])
def test_long_email_with_the_question_last_is_answered(matcher: Matcher, email: str) -> None:
    assert len(email) >= 1000
    result = matcher.ask(email)
    assert result.answer_ids == ("policy.retention-30-days",), result.candidates[:3]


def test_splitter_drops_greeting_signature_and_contact_lines(matcher: Matcher) -> None:
    kept = " ".join(s.text for s in matcher.splitter.split(EMAIL_EN))
    assert "jane@example.com" not in kept and "1234567" not in kept
    assert "best regards" not in kept and "hope this email" not in kept
    assert "how long you keep the data" in kept
    asking = [s.text for s in matcher.splitter.split(EMAIL_EN) if s.asking]
    assert asking == ["could you tell us how long you keep the data we send through the api"]


def test_emoji_are_not_evidence(matcher: Matcher) -> None:
    plain = matcher.ask("ok so files stay forever??")
    emoji = matcher.ask("ok so files stay forever?? 🤔😅")
    assert plain.answer_ids == emoji.answer_ids


@pytest.mark.parametrize(
    "pasted",
    [
        "Do you train on my data? <img src=x onerror=alert(1)>",
        "<p>Do you train on my data?</p><br/>",
    ],
)
def test_markup_pasted_with_a_question_is_not_evidence(matcher: Matcher, pasted: str) -> None:
    result = matcher.ask(pasted)
    assert result.answer_ids == matcher.ask("Do you train on my data?").answer_ids
    assert result.query == pasted  # shown as typed


def test_two_questions_get_two_answers(matcher: Matcher) -> None:
    result = matcher.ask("Is my data used for training by default, and how long do you keep it?")
    assert result.decision == "answer" and result.reason == "two_questions"
    assert result.answer_ids == ("policy.no-training-by-default", "policy.retention-30-days")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How much does the API cost per token?", "pricing"),
        ("ChatGPT Plus を解約したい", "consumer-accounts"),
        ("My fine-tuning job failed, what went wrong?", "fine-tuning-howto"),
        # A model's name belongs to the models topic, but its price is a pricing question.
        ("What is the price of GPT-4?", "pricing"),
        ("is GPT-4 better than GPT-3.5?", "models"),
        # Known by their words alone, however much of the policy the rest names.
        ("裁判所から開示を命じられたら、API データを提出しますか？", "legal-requests"),
        ("Do you ever give API data to law enforcement?", "legal-requests"),
        ("Where in the dashboard do I switch on data sharing?", "account-access"),
        ("Which Python library should we use to hash user IDs before sending them?", "coding-help"),
        ("Does a BAA come at an extra charge?", "pricing"),
        ("How do I download our usage report?", "account-access"),
        ("Are we in violation of HIPAA if a nurse pastes notes without a BAA?", "own-compliance"),
        ("翻訳にはどのモデルを推奨しますか？", "recommendations"),
    ],
)
def test_out_of_scope_topics_are_recognised(matcher: Matcher, question: str, topic: str) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.reason, result.out_of_scope) == (
        "decline",
        "out_of_scope_topic",
        topic,
    )


QUOTE = (
    "OpenAI には、プラットフォームの悪用が疑われるデータにフラグを立てる"
    "コンテンツ分類子がまだある可能性があります。"
)
NEW_ENTRY = """
[[entry]]
id = "policy.content-classifier"
topic = "access"
source = "データ使用ポリシー"
quote = "QUOTE"
related = ["policy.zero-retention"]

[entry.ja]
title = "コンテンツ分類子による悪用の検知"
answer = "悪用が疑われるデータにフラグを立てるコンテンツ分類子が残っている可能性があります。"
questions = ["コンテンツ分類子とは", "分類子は何をしますか", "自動でフラグが立つ仕組み",
             "分類子がデータを見ますか", "悪用の自動検知", "分類子は残りますか",
             "ぶんるいきって何", "フラグを立てる分類器"]

[entry.en]
title = "Content classifiers that flag abuse"
answer = "OpenAI may still run content classifiers that flag data suspected of platform abuse."
questions = ["What is the content classifier?", "what do classifiers do with my data",
             "automatic abuse flagging", "classifier flags", "is there a classifier",
             "content classifier abuse", "do classifiers still run", "classifiers that flag data"]
""".replace("QUOTE", QUOTE)


def test_an_added_entry_is_answered_without_refitting(kb_copy: Path) -> None:
    (kb_copy / "entries" / "extra.toml").write_text(NEW_ENTRY, encoding="utf-8")
    kb = load_knowledge(kb_copy)
    matcher = Matcher(kb, use_cache=False)
    for question in (
        "Do you run an automated classifier that flags my prompts as abusive?",
        "分類子によって自分のデータにフラグが付けられることはありますか",
    ):
        result = matcher.ask(question)
        assert result.answer_ids == ("policy.content-classifier",), result.candidates[:3]


@pytest.fixture
def cached_kb(kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """The knowledge, its index cached in the test's own folder (tmp_path / "cache")."""
    monkeypatch.setenv("KOTAE_CACHE_DIR", str(tmp_path / "cache"))
    return load_knowledge(kb_copy)


def test_index_cache_is_written_reused_and_rebuilt_when_corrupt(
    cached_kb: KnowledgeBase, tmp_path: Path
) -> None:
    kb = cached_kb
    first = Matcher(kb).ask("保存期間は？")
    files = list((tmp_path / "cache").iterdir())
    assert [f.suffix for f in files] == [".marshal"]  # no temporary file left behind
    assert cache.load(kb) is not None
    files[0].write_bytes(b"\x00garbage")
    assert cache.load(kb) is None
    again = Matcher(kb).ask("保存期間は？")
    assert again.answer_ids == first.answer_ids
    assert cache.load(kb) is not None  # rebuilt and saved again


def test_a_saved_index_answers_without_compiling_its_term_patterns(
    cached_kb: KnowledgeBase,
) -> None:
    # Compiling the concept, boilerplate, reading and topic regexes took about 12 ms of each
    # `kotae ask`; loaded from the cache, a question is scanned by their tables instead.
    kb = cached_kb
    built = Matcher(kb).ask("ほぞんきかんは？ Is the price of a BAA logged?")
    loaded = Matcher(kb)
    again = loaded.ask("ほぞんきかんは？ Is the price of a BAA logged?")
    assert (again.decision, again.answer_ids, again.out_of_scope) == (
        built.decision,
        built.answer_ids,
        built.out_of_scope,
    )
    a = loaded.analyzer
    tables = (a._concepts, a._boilerplate, a._readings, loaded.topic_words._table)
    assert all(t is not None and t._regex is None for t in tables)


def test_index_cache_key_follows_the_knowledge(kb_copy: Path) -> None:
    kb = load_knowledge(kb_copy)
    before = cache.key(kb)
    (kb_copy / "entries" / "extra.toml").write_text(NEW_ENTRY, encoding="utf-8")
    assert cache.key(load_knowledge(kb_copy)) != before


@pytest.mark.skipif(sys.platform != "linux", reason="the fast path is Linux's")
@pytest.mark.parametrize("value", [None, "/srv/somewhere", "  "])
@pytest.mark.parametrize("kind", ["cache", "config", "data"])
def test_the_user_folders_are_the_ones_platformdirs_names(
    kind: str, value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    from app.core.paths import user_dir

    var = {"cache": "XDG_CACHE_HOME", "config": "XDG_CONFIG_HOME", "data": "XDG_DATA_HOME"}[kind]
    if value is None:
        monkeypatch.delenv(var, raising=False)
    else:
        monkeypatch.setenv(var, value)
    assert user_dir(kind) == Path(getattr(platformdirs, f"user_{kind}_dir")("kotae"))
    monkeypatch.delenv("KOTAE_CACHE_DIR", raising=False)
    assert cache.cache_dir() == user_dir("cache")


def test_unwritable_cache_dir_is_not_an_error(
    kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KOTAE_CACHE_DIR", str(blocker / "cache"))
    result = Matcher(load_knowledge(kb_copy)).ask("保存期間は？")
    assert result.decision == "answer"
    assert sorted(os.listdir(tmp_path)) == ["file", "knowledge"]


def test_check_names_file_topic_and_field_of_a_broken_out_of_scope_topic(kb_copy: Path) -> None:
    from app.core.knowledge import check_knowledge

    path = kb_copy / "out_of_scope.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[topic]]\nid = "Bad Id"\n[topic.ja]\ntitle = "x"\nquestions = ["a"]\n',
        encoding="utf-8",
    )
    _, problems = check_knowledge(kb_copy)
    text = "\n".join(str(p) for p in problems)
    assert "out_of_scope.toml: Bad Id: id:" in text
    assert "out_of_scope.toml: Bad Id: ja.redirect: missing" in text
    assert "out_of_scope.toml: Bad Id: ja.questions: has 1 examples" in text
    assert "out_of_scope.toml: Bad Id: en: missing" in text


def test_a_follow_up_can_lean_on_the_previous_answer(matcher: Matcher) -> None:
    question = "その場合はどうなりますか？"
    assert matcher.ask(question).decision != "answer"
    followed = matcher.ask(question, previous="policy.retention-30-days")
    assert followed.answer_ids == ("policy.retention-30-days",)
    assert followed.reason == "follow_up" and followed.query == question
    # Context never turns an off-topic question into an answer.
    priced = matcher.ask("and the price?", previous="policy.retention-30-days")
    assert priced.decision == "decline"


# The issue's own example: the question stands in a sentence that reads as context, and the
# sentence after it only asks politely.
EMAIL_ONE_LINE = (
    "お世話になっております。株式会社みなと物流の佐藤です。弊社では API 経由で送ったデータが"
    "どのくらいの期間保存されるのかを社内で確認しております。ご教示いただけますと幸いです。"
    "何卒よろしくお願いいたします。 佐藤 花子 03-1234-5678"
)


def test_a_bare_request_lends_its_asking_to_the_sentence_before(matcher: Matcher) -> None:
    sentences = matcher.splitter.split(EMAIL_ONE_LINE)
    assert [s.asking for s in sentences] == [True]
    assert "保存" in sentences[0].text and "ご教示" not in sentences[0].text
    assert matcher.ask(EMAIL_ONE_LINE).answer_ids == ("policy.retention-30-days",)


@pytest.mark.parametrize(
    "question", ["how can i finetune my own model", "ファインチューニングのやり方を教えて"]
)
def test_how_to_fine_tune_is_not_the_fine_tuning_policy(matcher: Matcher, question: str) -> None:
    result = matcher.ask(question)
    assert (result.decision, result.out_of_scope) == ("decline", "fine-tuning-howto")


def test_a_strong_part_is_answered_over_a_blend_of_both(matcher: Matcher) -> None:
    # Whole, the message's words ("how long", "kept", "training") fit the Files endpoint's
    # training files best; its first part is plainly the retention question.
    result = matcher.ask("How long is our data kept? Also, it is never used for training, right?")
    assert (result.decision, result.answer_id) == ("answer", "policy.retention-30-days")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "SOC 2 の状況と DPA の締結方法を教えてください",
            ("faq.security-certifications", "faq.dpa"),
        ),
        (
            "Do you train on our API requests, and how many days do you keep them around?",
            ("policy.no-training-by-default", "policy.retention-30-days"),
        ),
        ("保存期間は 30 日と聞きましたが本当ですか", ("policy.retention-30-days",)),
        # "— and separately, does …" starts a second question; "this same policy" in it is no
        # pointing back.
        (
            "We'd like to share our data to improve the models — and separately, does this "
            "policy cover ChatGPT?",
            ("policy.opt-in-sharing", "policy.consumer-services-excluded"),
        ),
        # Three letters can be a whole subject.
        (
            "BAA と dedicated capacity、どちらも営業に問い合わせればいいですか？",
            ("faq.hipaa", "faq.self-hosting"),
        ),
        # A half pointing back ("thereafter", "there too") asks more about the first one's.
        (
            "How long are prompts retained, and are they deleted thereafter?",
            ("policy.retention-30-days",),
        ),
        # "Can someone confirm?" asks the question before it; "someone" asks after nobody.
        (
            "Our legal team asks: is API data used for training by default? Can someone confirm?",
            ("policy.no-training-by-default",),
        ),
        # After asking what a term takes in, 「…も？」 asks the same of one more thing; after
        # another question it is a question of its own.
        (
            "APIデータってどこまで含まれますか？ファインチューニング用のファイルも？",
            ("policy.api-data-definition",),
        ),
        ("DPAは結べますか？保存期間も？", ("faq.dpa", "policy.retention-30-days")),
        # 「…も含めるんですか」 asks how far the first half's term reaches (as 「も含まれますか」).
        (
            "ポリシーの「APIデータ」はプロンプトとコンプリーションだけですか？"
            "ファイルでアップした学習データも含めるんですか？",
            ("policy.api-data-definition",),
        ),
        # An aside in brackets that says what a half takes in is no "does it include …?".
        (
            "モデルを自社サーバーで動かせますか？無理なら、データがどこ（他社のシステムも含む）に"
            "保存されるのか教えてください。",
            ("faq.self-hosting", "faq.data-storage-location"),
        ),
        # The first half is as near the consumer-services entry (what the policy covers) as
        # the definition's, but at 0.9 or more it is a question of its own.
        (
            'What does "API data" cover in your policy, and how long is it kept?',
            ("policy.api-data-definition", "policy.retention-30-days"),
        ),
        # The last half asks how long the files stay: it leans on the first, whose entry it
        # fits nearly as well as the retention of API data in general.
        (
            "We uploaded training files last year. Are they deleted automatically? "
            "How long do they stay?",
            ("policy.files-endpoint-retention",),
        ),
        # The first half fits the Files endpoint's retention nearly as well, but it names the
        # entry the whole message leads with: still a question of its own.
        (
            "APIに送ったデータって何日残るの？それと学習には使われないよね？",
            ("policy.retention-30-days", "policy.no-training-by-default"),
        ),
        # The whole message reads as close to the "other security questions" topic as to an
        # entry, but each half stands clear of every topic on its own.
        (
            "送ったデータは暗号化されますか。それとSOC2レポートはありますか。",
            ("faq.encryption-in-transit", "faq.security-certifications"),
        ),
        # The message says it asks two things: each part's clear lead is answered, though
        # alone it would be below the usual bar for a second question.
        (
            "2点教えてください。まず、送ったデータはどの国に置かれますか。次に、その保管期間は何日ですか。",
            ("faq.european-datacenter", "policy.retention-30-days"),
        ),
        # 「加えて、」 introduces one more question: its lead needs less than an unmarked half's.
        (
            "認証の取得状況を教えてください。加えて、自社ホストする選択肢があるかも知りたいです。",
            ("faq.security-certifications", "faq.self-hosting"),
        ),
        # The lead (the BAA) is close behind the second half's own first, which would make it
        # lean on the first; "Also," says it is a question of its own.
        (
            "Do you sign BAAs? Also, could we switch off storage entirely for PHI?",
            ("faq.hipaa", "policy.zero-retention"),
        ),
    ],
)
def test_two_questions_only_when_each_half_is_clear(
    matcher: Matcher, question: str, expected: tuple[str, ...]
) -> None:
    assert matcher.ask(question).answer_ids == expected


@pytest.mark.parametrize(
    "previous", ["no.such-entry", "oos:pricing", "", "policy.retention-30-days"]
)
@pytest.mark.parametrize("question", ["", "  ", "x" * 5000, "\u2028そっちは？"])
def test_follow_up_context_never_breaks(matcher: Matcher, previous: str, question: str) -> None:
    result = matcher.ask(question, previous=previous)
    assert result.decision in ("answer", "clarify", "decline")
    assert result.query == question
    if previous not in matcher.kb.entries:
        assert result == matcher.ask(question)


@pytest.mark.parametrize(
    ("message", "halves"),
    [
        ("Quick ones: 1) is TLS used 2) where is the data kept", 2),
        ("①SOC 2 はありますか ②DPA は結べますか", 2),
        ("Q1: retention period? Q2: training use?", 2),
        ("一つ目は保存期間、二つ目は学習への利用です。", 2),
        ("Please define API data, and state how long it is retained.", 2),
        ("顧客から二点です。「誰が見られるのか」「何日保存されるのか」。お願いします。", 2),
        ("「誰が見られるのか」と聞かれました。", 1),
        ("データを見られるのは誰で、保存期間は何日ですか？", 2),
        ("ファイルで、保存期間はどうなりますか？", 1),
        ("Is TLS enforced on the API, and in which country are the servers?", 2),
        ("データはどこの国で保存されて、何日間保持されますか", 2),
        # A request that announces a numbered list: the items are the questions.
        (
            "下記2点についてご回答ください。"
            "1. 送信したデータがモデルの学習に利用されるか 2. データの保存期間",
            2,
        ),
        ("Please answer the following. 1. Where is customer content stored 2. Is it encrypted", 2),
        # 「と」 between two English words typed with spaces, as mixed Japanese is.
        ("TLS の version と SOC 2 の report はどうなっていますか", 2),
        # A dash or semicolon before "and", a comma after "also".
        ("Is there a SOC 2 report — and also, who can read our prompts?", 2),
        ("Is there a SOC 2 report; and who can read our prompts?", 2),
        # Not two questions: a topic marker, "について", a version number.
        ("あっぷしたふぁいるって、けさないとずっとあるの？", 1),
        ("学習データについて、保持期間を教えてください", 1),
        # Particles that end in て are no verb's て-form.
        ("弊社の質問票にて、サブプロセッサの一覧をご共有いただけますか", 1),
        ("API を通じて、送ったデータは何日保存されますか", 1),
        ("ファイルも含めて、何日保存されますか", 1),
        ("Is TLS 1.2 the minimum?", 1),
        ("微調整用のデータはそれとは別の扱いですか", 1),  # それとは: "from that", not "and"
        ("Are prompts + outputs kept for 30 days?", 1),  # "+" between two nouns
        ("Is the DPA signed online + where are the servers?", 2),  # "+" before a clause
        # A sentence that announces the question names its subject; it asks nothing itself.
        ("DPA の件でご相談です。署名済みの PDF はもらえますか？", 1),
        ("I have a question about the DPA, please. Can we get a signed PDF?", 1),
        ("2点教えてください。保存期間は？学習に使われますか？", 2),
        # 「…の観点で伺います」 says from where the questions after it are asked.
        (
            "情報セキュリティの観点で伺います。"
            "TLSの対応と、SOC 2の取得状況をそれぞれご教示ください。",
            2,
        ),
        # A lead-in before a single numbered item; 「あわせて、」 starts the second question.
        ("導入にあたり、①DPA は結べますか。②SOC 2 の報告書はありますか。", 2),
        ("TLS は必須ですか？あわせて、SOC 2 の報告書も見たいです。", 2),
        # A fallback asks too: 「無理なら」, "or if not".
        ("オンプレで動かせますか、無理なら保存しない設定はできますか", 2),
        ("Can you host it for us, or if not, can we turn off storage?", 2),
        ("自社設備でホストできるか、それが無理なら国内で処理してもらえるかを教えてください。", 2),
        # A piece or sentence that only asks (「あわせてお伺いしたく存じます」) asks nothing new.
        ("オンプレ版はありますか。なければ専用の容量があれば、あわせてお伺いしたく存じます。", 2),
        ("TLS は必須でしょうか。あわせてお伺いしたく存じます。", 1),
        # "also" inside a clause joins nothing; 「…に関連して、」 only frames the question.
        ("For our EU customers, do you also have a DPA we can sign?", 1),
        ("先ほどの保持期間の件に関連して、その間に誰がデータを見られますか", 1),
        # Under a count, embedded questions side by side are the items (「…か、…か」).
        ("取引先から2点：専用容量での提供は可能か、通信はTLSで暗号化されるか。", 2),
        ("TLSのバージョンは1.2ですか、それとも1.3だけですか", 1),
        # An alternative is the same question, English words after 「それとも」 too.
        ("学習用のfileもAPI data扱い？それともpromptだけ？", 1),
        # A question inside quotes is a reported one, not the end of a sentence.
        ("取引先から「保存期間の目的は？」って聞かれました、abuse monitoring でOK？", 1),
        # A dash or a curly quote does not make English Japanese.
        ("We need a DPA signed, and we’ve got an erasure request — how do we send it?", 2),
    ],
)
def test_a_message_is_cut_into_its_questions(matcher: Matcher, message: str, halves: int) -> None:
    splitter = matcher.splitter
    assert len(splitter.split_parts(splitter.split(message))[0]) == halves


def test_two_nouns_joined_by_and_are_one_question(matcher: Matcher) -> None:
    result = matcher.ask("Are requests and responses encrypted between my client and your servers?")
    assert result.answer_ids == ("faq.encryption-in-transit",)


def test_a_stated_need_beside_a_question_is_a_second_question(matcher: Matcher) -> None:
    result = matcher.ask("Is there an on-premise version? We'd also need a signed DPA first.")
    assert result.answer_ids == ("faq.self-hosting", "faq.dpa")
    # Alone, a stated need is the question.
    assert matcher.ask("We need a signed DPA before the pilot.").answer_ids == ("faq.dpa",)


def test_a_short_half_with_one_clear_subject_counts(matcher: Matcher) -> None:
    result = matcher.ask("Do you use API calls to train? Is it TLS only?")
    assert set(result.answer_ids) == {"policy.no-training-by-default", "faq.encryption-in-transit"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # A weak half whose words the lead's entry holds asks about the lead's subject.
        (
            "2022年の秋ごろにAPIへ送ったログはどうなっていますか？学習に使われたんでしょうか？",
            ("policy.before-march-2023",),
        ),
        # A half that names a subject of its own is still a question of its own.
        (
            "2023年3月より前に送ったデータは学習に使われましたか？あと、今の保存期間は何日ですか？",
            ("policy.before-march-2023", "policy.retention-30-days"),
        ),
    ],
)
def test_a_weak_half_the_lead_covers_asks_about_the_lead(
    matcher: Matcher, question: str, expected: tuple[str, ...]
) -> None:
    assert matcher.ask(question).answer_ids == expected


@pytest.mark.parametrize(
    "question",
    [
        # The policy says TLS, never which version; backups it never names.
        "Do you use API calls to train? Is TLS 1.2 the minimum?",
        "APIのデータは学習に使われますか？TLSのバージョンは？",
        "How long do you keep prompts? And is there an SLA for deletion?",
    ],
)
def test_a_half_naming_an_off_topic_subject_is_not_answered(
    matcher: Matcher, question: str
) -> None:
    # Words that decide a one-question message decide each half of a two-part one too.
    result = matcher.ask(question)
    assert result.decision == "answer"
    assert len(result.answer_ids) == 1


def test_each_answer_of_a_two_part_question_has_its_own_confidence_and_words(
    matcher: Matcher,
) -> None:
    from app.core.answers import describe, result_to_json

    result = matcher.ask("Is there an on-premise version? We'd also need a signed DPA first.")
    answers = result_to_json(result, matcher.kb)["answers"]
    assert [a["id"] for a in answers] == ["faq.self-hosting", "faq.dpa"]
    # Each half's words, not the whole message's: "dpa" belongs to the second answer only.
    assert not any("dpa" in w.lower() for w in answers[0]["matched"])
    assert any("dpa" in w.lower() for w in answers[1]["matched"])
    assert result.confidence == min(a["confidence"] for a in answers)
    text = describe(result, matcher.kb)
    assert text.count("[confidence ") == 2 and text.count("Matched: ") == 2


@pytest.mark.parametrize(
    "message",
    [
        "専用の処理枠を用意してもらうことはできますか。お問い合わせ窓口と併せてご教示ください。",
        "Can we get dedicated capacity for our workloads? And who do we contact about it?",
    ],
)
def test_asking_whom_to_contact_is_not_a_second_question(matcher: Matcher, message: str) -> None:
    assert matcher.ask(message).answer_ids == ("faq.self-hosting",)
    # A contact part with a subject of its own still counts.
    assert not matcher.splitter.contact_only("Who should we contact to get a DPA signed?")


def test_a_statement_joined_to_a_question_is_context_not_a_second_question(
    matcher: Matcher,
) -> None:
    result = matcher.ask(
        "We run a payroll SaaS and our auditor wants to know which outside companies could end "
        "up holding the text we send you."
    )
    assert result.answer_ids == ("faq.data-storage-location",)


def test_a_bare_and_between_nouns_does_not_lend_a_weak_second_answer(matcher: Matcher) -> None:
    result = matcher.ask(
        "State whether customer content is transferred to sub-processors and the safeguards "
        "applied."
    )
    assert result.answer_ids == ("faq.data-storage-location",)


def test_is_it_all_right_asks_how_not_what(matcher: Matcher) -> None:
    # 「大丈夫？」 is how the question is asked; the subject is the default setting.
    assert matcher.ask("きほんせっていのままで大丈夫？").answer_ids == (
        "policy.no-training-by-default",
    )


def test_an_entry_question_worded_like_an_out_of_scope_topic_is_answered(
    matcher: Matcher,
) -> None:
    # "train" and "data" are also the words of "what were the models trained on".
    assert matcher.ask("do you train on our data?").answer_ids == ("policy.no-training-by-default",)
    for question in (
        "わたしのデータって学習につかわれますか？",
        "がくしゅうにつかわれないってほんとですか？",
    ):
        assert matcher.ask(question).answer_ids == ("policy.no-training-by-default",)
    for question in (
        "What data was GPT-4 trained on?",
        "Was my public blog in your training set?",
        "うちの会社のブログ記事もGPTの学習データに入ってる？",
    ):
        assert matcher.ask(question).out_of_scope == "training-provenance"


def test_matched_words_are_shown_as_written_in_every_face(matcher: Matcher) -> None:
    from app.core.answers import describe, result_to_json

    result = matcher.ask("学習には使われますか？")
    matched = result_to_json(result, matcher.kb)["answers"][0]["matched"]
    assert "使われます" in matched and "使わ" not in matched
    assert "使われます" in describe(result, matcher.kb)


def test_how_many_days_is_not_what_is(matcher: Matcher) -> None:
    # 「って何日」 must not be read as 「って何」 (what is …) followed by 日.
    features = matcher.analyzer.analyze("promptって何日で消えるの？").features
    assert "c:期間" in features and "c:とは" not in features


def test_a_particle_alone_is_no_evidence(matcher: Matcher) -> None:
    assert matcher.ask("lol my cat just knocked my coffee over 😂").decision == "decline"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "1) List the sub-processors that store customer content. 2) State whether customer "
            "content is encrypted in transit.",
            {"faq.data-storage-location", "faq.encryption-in-transit"},
        ),
        # A list that a request announces: the items are what it asks.
        (
            "下記2点についてご回答ください。"
            "1. 送信したデータがモデルの学習に利用されるか 2. データの保存期間",
            {"policy.no-training-by-default", "policy.retention-30-days"},
        ),
    ],
)
def test_every_item_of_a_numbered_list_is_asked(
    matcher: Matcher, message: str, expected: set[str]
) -> None:
    assert set(matcher.ask(message).answer_ids) == expected


def test_how_far_asks_what_is_covered_not_where(matcher: Matcher) -> None:
    # 「どこまで」 is "to what extent", not 「どこ」 (where).
    result = matcher.ask("APIデータってどこまでのこと？")
    assert result.answer_ids == ("policy.api-data-definition",)


def test_a_version_number_does_not_end_a_sentence_but_its_period_does(matcher: Matcher) -> None:
    sentences = matcher.splitter.split("We use TLS 1.2. Do you sign a DPA?")
    assert [(s.text, s.asking) for s in sentences] == [
        ("we use tls 1 2", False),
        ("do you sign a dpa", True),
    ]
    # A short question about it asks what the sentence before it says.
    (sentence,) = matcher.splitter.split("We use TLS 1.2. Is that enough?")
    assert (sentence.text, sentence.asking) == ("we use tls 1 2", True)


def test_a_second_question_counts_when_its_entry_is_anywhere_on_the_shortlist(
    matcher: Matcher,
) -> None:
    # The whole message leans to retention; training is only fifth for it, yet clearly asked.
    result = matcher.ask(
        "Two quick ones — 1) how long do you hang on to API logs 2) are they used to train models"
    )
    assert set(result.answer_ids) == {"policy.retention-30-days", "policy.no-training-by-default"}


@pytest.mark.parametrize(
    "question",
    [
        "How long do you keep the prompts and completions we send through the API?",
        "how do i delete my account and all the api data",
    ],
)
def test_two_nouns_joined_by_a_bare_and_get_one_answer(matcher: Matcher, question: str) -> None:
    assert len(matcher.ask(question).answer_ids) == 1


@pytest.mark.parametrize(
    "message",
    [
        "Thanks — and for deletion, what do we do if we want our data gone sooner?",
        "thanks, how do we get our data deleted?",
    ],
)
def test_thanks_before_a_question_is_not_a_sign_off(matcher: Matcher, message: str) -> None:
    r = matcher.ask(message)
    assert r.decision == "answer" and r.answer_ids == ("faq.deletion-request",)


def test_a_sign_off_still_drops_the_signature_after_it(matcher: Matcher) -> None:
    kept = " ".join(s.text for s in matcher.splitter.split("Thanks in advance. Jane Doe, Acme"))
    assert kept == ""


def test_terminal_colour_codes_in_a_pasted_question_are_not_words(matcher: Matcher) -> None:
    plain = matcher.ask("how long do you keep data?")
    coloured = matcher.ask("how long do you \x1b[31mkeep\x1b[0m data?")
    assert coloured.answer_ids == plain.answer_ids == ("policy.retention-30-days",)
    assert coloured.confidence == plain.confidence


def test_an_example_question_as_written_is_answered_with_high_confidence(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    from app.core.match.decision import HIGH_AT

    entry = kb.entries["policy.no-training-by-default"]
    for question in (*entry.en.questions[:3], *entry.ja.questions[:3]):
        result = matcher.ask(question)
        assert result.answer_ids == (entry.id,), question
        assert result.confidence >= HIGH_AT, question


@pytest.mark.parametrize("question", ["data retention", "Please tell me about data retention."])
def test_a_vague_question_in_the_policy_s_words_asks_which_one(
    matcher: Matcher, question: str
) -> None:
    result = matcher.ask(question)
    assert result.decision == "clarify" and result.reason == "vague_question"
    assert result.suggestions[0] == "policy.retention-30-days"


def test_a_part_answered_beside_an_off_topic_one_shows_only_its_own_words(
    matcher: Matcher,
) -> None:
    result = matcher.ask("DPAは結べますか？費用はいくらですか？")
    assert (result.answer_ids, result.out_of_scope) == (("faq.dpa",), "pricing")
    _, words = how_sure(result, "faq.dpa")
    assert "DPA" in words
    assert not any("費" in w or "用" in w for w in words)
