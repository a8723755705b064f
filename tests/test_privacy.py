"""Personal data is masked before a question or comment is kept."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.paths import knowledge_dir
from app.core.privacy import fallback_marks, mask_personal, mask_question

FULL_WIDTH = str.maketrans("0123456789-+@.", "０１２３４５６７８９－＋＠．")


@settings(max_examples=200, deadline=None)
@given(email=st.emails(), full_width=st.booleans(), before=st.sampled_from(["", "連絡は", "to "]))
def test_every_email_address_is_masked(email: str, full_width: bool, before: str) -> None:
    shown = email.translate(FULL_WIDTH) if full_width else email
    masked = mask_personal(f"{before}{shown} まで")
    assert "[email]" in masked
    assert "@" not in masked
    domain = email.rpartition("@")[2]
    assert domain.lower() not in masked.lower()


def _group(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


_sep = st.sampled_from(["-", " ", "", "－", "ー", "."])
japanese_mobile = st.builds(
    lambda a, s1, b, s2, c: f"0{a}0{s1}{b}{s2}{c}",
    st.sampled_from("789"),
    _sep,
    _group(4),
    _sep,
    _group(4),
)
japanese_landline = st.builds(
    lambda area, s1, b, s2, c: f"0{area}{s1}{b}{s2}{c}",
    _group(1).filter(lambda d: d != "0"),
    _sep,
    _group(4),
    _sep,
    _group(4),
)
international = st.builds(
    lambda cc, s1, trunk, a, s2, b: f"+{cc}{s1}{trunk}{a}{s2}{b}",
    st.sampled_from(["81", "49", "1", "44", "33"]),
    st.sampled_from([" ", "-", ""]),
    st.sampled_from(["", "(0)", "(0) "]),
    st.text("0123456789", min_size=2, max_size=4),
    st.sampled_from([" ", "-", ""]),
    st.text("0123456789", min_size=6, max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(
    phone=st.one_of(japanese_mobile, japanese_landline, international),
    full_width=st.booleans(),
    template=st.sampled_from(["電話は{}です", "call me at {} please", "{}", "番号：{}。"]),
)
def test_every_phone_number_is_masked(phone: str, full_width: bool, template: str) -> None:
    shown = phone.translate(FULL_WIDTH) if full_width else phone
    masked = mask_personal(template.format(shown))
    assert "[phone]" in masked or "[number]" in masked
    assert not re.search(r"\d", masked), masked


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("key sk-proj-AbC123xyz789 leaked", "[id]"),
        ("org-Z9y8X7w6 の請求", "[id]"),
        ("file-abc123def を消したい", "[id]"),
        ("order 12345678", "[number]"),
        ("ｃａｒｄ　４１１１１１１１１１１１１１１１", "[number]"),
        ("see https://example.com/path?q=1 now", "[url]"),
        ("www.example.co.jp を見ました", "[url]"),
        ("from 203.0.113.7", "[ip]"),
    ],
)
def test_each_kind_of_personal_data_is_masked(text: str, placeholder: str) -> None:
    masked = mask_personal(text)
    assert placeholder in masked
    assert not re.search(r"\d{4,}|example|sk-|org-|file-", masked), masked


@pytest.mark.parametrize(
    "text",
    [
        "2023年3月1日以前のデータ",
        "GPT-4 と SOC 2 Type 1",
        "30 日間保持されますか",
        "SCC module 2 or 3?",
        "is data from 2023-03-01 used?",
    ],
)
def test_policy_words_and_dates_are_kept(text: str) -> None:
    assert mask_personal(text) == text


def test_greetings_signatures_and_contact_sentences_are_dropped() -> None:
    text = (
        "お世話になっております。株式会社サンプルの山田と申します。"
        "APIのデータは学習に使われますか？"
        "連絡先は yamada@example.jp です。よろしくお願いいたします。"
    )
    assert mask_question(text) == "APIのデータは学習に使われますか?"
    en = "Hi Taro, how long do you keep data? Thanks, Taro. You can call me at 090-1234-5678."
    assert mask_question(en) == "how long do you keep data?"
    marks = [m for _, m in fallback_marks(en)]
    assert marks == [None, "greeting", "contact"]


def test_after_a_sign_off_only_a_question_is_kept() -> None:
    en = (
        "Hi team, this is Jane Roe from Example Ltd.\nHow much does the API cost?\n"
        "Best regards,\nJane Roe\nHead of IT, Example Ltd, 1 High Street, Leeds\n"
        "Also, one more: is TLS used?"
    )
    assert mask_question(en) == "How much does the API cost? Also, one more: is TLS used?"
    ja = "料金について教えてください。\n--\n佐藤 次郎\n総務部"
    assert mask_question(ja) == "料金について教えてください。"
    # A company name between 株式会社 and の still introduces the writer.
    assert mask_question("株式会社サンプルの佐藤です。料金はいくら？") == "料金はいくら?"


def test_a_question_that_is_only_a_greeting_keeps_nothing() -> None:
    assert mask_question("Hello") == ""
    assert mask_question("こんにちは。") == ""


def test_an_e_mail_keeps_only_its_questions() -> None:
    ja = (
        "いつもお世話になっております。株式会社サンプル 開発部の田中です。"
        "API に送ったデータの保存期間を教えてください。"
        "お手数ですがよろしくお願いいたします。 田中 一郎 株式会社サンプル 開発部 03-1234-5678"
    )
    assert mask_question(ja) == "API に送ったデータの保存期間を教えてください。"
    en = "Is plain HTTP accepted? Thanks, Jane Roe | Engineer | Example Ltd."
    assert mask_question(en) == "Is plain HTTP accepted?"
    # A question that begins with thanks is still a question.
    assert mask_question("Thanks, but does it apply to files too?") == (
        "Thanks, but does it apply to files too?"
    )


def test_greetings_come_from_the_knowledge_boilerplate(tmp_path: Path) -> None:
    # One list: a greeting an editor adds to boilerplate.toml is dropped from the log too.
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), folder)
    path = folder / "boilerplate.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('en = ["hi", ', 'en = ["howdy", "hi", ', 1), encoding="utf-8")
    assert fallback_marks("Howdy folks", folder) == [("Howdy folks", "greeting")]
    assert fallback_marks("Howdy folks") == [("Howdy folks", None)]
    assert fallback_marks("Howdy Sam, how long is data kept", folder) == [
        ("how long is data kept", None)
    ]
    # Phrases are matched whatever the separators and case: "hope you're well" in the list.
    assert fallback_marks("Hope you’re WELL!") == [("Hope you’re WELL!", "greeting")]
