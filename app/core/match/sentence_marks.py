"""Where a message breaks into sentences, and what a sentence does, read from its words: asks,
announces a question, reports someone else's, adds one more, points back to the one before, or
only makes a request."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from app.core.match.text import normalise_keep_script

# Addresses are ASCII: in Japanese, which has no spaces, "\S+" after http:// took the rest of
# the message with it (「http://のURLが直書きされていると指摘されました。…TLSが必須ですか？」).
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
CONTACT_LINE = re.compile(
    rf"https?://{_URL_CHARS}+|www\.{_URL_CHARS}+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|(?:tel|fax|phone|mobile|mob|電話|携帯|ＴＥＬ|ＦＡＸ)\s*[:：.]?\s*(?=[+\d(（０-９])"
    r"|〒?\s*\d{3}[-‐－]\d{4}(?!\d)"
    r"|\+?[\d０-９(（][\d０-９()（）\s\-‐－]{6,}[\d０-９]",
    re.IGNORECASE,
)
# A period ends a sentence, but not the "1." / 「１．」 that numbers an item of a list.
SENTENCE_BREAK = re.compile(
    # 「ふぁいんちゅーにんぐ？ってやつ」: a word put in doubt, not the end of a sentence.
    # Nor a question inside quotes: 「「目的は？」って聞かれました」.
    r"(?<=[。！？!?])(?![?？!！]*(?:って|っていう|とか|みたいな|[」』”]))|(?<=．)(?<![0-9０-９]．)"
    r"|[\n\r|｜•]+"
    r"|(?<=[.;])(?<![\s。！？!?．:：][0-9]\.)(?<!^[0-9]\.)\s+|(?<=[a-z]:)\s+|\s{3,}"
)

# A short question about "such a request" (「このような依頼は可能でしょうか」, "Is that possible?")
# asks what the sentence before it described.
POINTS_BACK = re.compile(
    r"^(?:(?:この|その|こう|そう)(?:ような|様な|いった|した)|(?:それ|これ)(?:は|って|も)"
    r"|(?:is|would|will|could|can) (?:that|this|such)\b)"
)
POINTS_BACK_CHARS = 24
ALTERNATIVE = re.compile(r"それとも|もしくは|あるいは|or(?![a-z])")
# "…which companies besides you? Like subprocessors or whatever.": examples of what it asks.
EXAMPLES = re.compile(
    r"(?:like|e\.?g\.?|such as|for example|for instance|例えば|たとえば)(?![a-z])"
)
# A sentence that announces a question (「保持期間の件で追加質問です」, "Quick question about
# retention") names the subject of the one that follows; it asks nothing of its own.
ANNOUNCES = re.compile(
    r"(?:質問|相談|問い合わせ|問合せ|お尋ね)(?:です|があります|がございます|させてください|"
    r"させていただきます|いたします|します)[\s。.!！]*$"
    # 「内部監査の観点で伺います」: the standpoint the questions after it are asked from.
    r"|(?:観点|立場|目的|件)(?:で|から|にて)"
    r"(?:お?伺い(?:ます|します|いたします)|(?:質問|確認)(?:します|いたします|させてください))[\s。.!！]*$"
    r"|(?:[2-9２-９二三]|いくつか|以下の|下記の)(?:点|つ)(?:について|ほど)?(?:教えて|質問|確認|ご教示|伺)"
    r"|^(?:i|we) (?:have|had|'ve got) (?:a|one|two|some|a few|few|another) (?:\w+ )?questions?"
    r"|^(?:a |one |another )?(?:quick |short |small |follow-up |follow up )?questions? "
    r"(?:about|on|regarding|re)\b"
)
# What is left of a bare request once its asking phrases are gone: politeness, not content.
REQUEST_REST = re.compile(
    r"(?:です|ます|ください|下さい|幸い|いただけ|頂け|たく|存じ|お願い|いたし|します|よろしく|"
    r"あわせて|併せて|合わせて|追加で|ご?(?:回答|返答|返信|確認)を?|"
    r"\bme\b|\bus\b|\bthanks?\b|\bthank you\b|[、。,.!?！？\s])+"
)
# What a request is for (「監査資料用に」, "for our audit file,"), or why or in what role the
# writer asks (「患者情報を扱うので確認したいです」「金融機関として確認が必要です」): no subject of
# its own. A reason or role counts only before the request itself: 「学習データとして使われますか」
# asks something.
_REQUESTING = (
    r"(?=\s*(?:確認|ご確認|伺|お伺|質問|ご質問|お聞き|お尋ね|教え|ご教示|知り|回答|ご回答))"
)
PURPOSE = re.compile(
    r"^\s*[^、。,\s]{1,12}(?:用に|のために|のため)"
    rf"|^\s*[^、。,\s]{{1,12}}(?:ため(?!の)|ので|の観点から|として|にあたり|にあたって|に際して?)[、,]?"
    rf"{_REQUESTING}"
    r"|^\s*for (?:our|the|my)(?: [a-z]+){1,3} (?=(?:please|pls|kindly|can you|could you)\b)"
)
# What is left of a request for a contact once the contact words are gone: particles, question
# words, "and also".
CONTACT_REST = re.compile(
    r"(?:と併せて|あわせて|併せて|について|どこ|どちら|だれ|誰|です|ます|でしょう|は|も|の|を|が|に|と|お|ご|"
    r"\b(?:where|who|whom|what|which|is|are|the|your|our|do|i|we|should|to|and|also|for|"
    r"this|that|it|at|on|side|end|please|pls|too|as well|well|with|can|could|would|send|share|"
    r"me|us|get|give)\b|[、。,.!?！？:：\s])+"
)

# A sentence that reports someone else's question (「監査担当から…のか聞かれました」, "Our
# auditor needs to know how long …"): beside a question the writer then asks, it says why.
REPORTS = re.compile(
    r"聞かれ|(?:確認|質問|照会|問い合わせ|問合せ)(?:の)?(?:依頼)?(?:が|を)(?:あり|来|き|受け)"
    r"|(?<!\bi )(?<!\bwe )(?:wants to know|needs to know|would like to know|"
    r"(?:is|are|keeps?) asking|asked (?:me |us )?(?:whether|if|how|what|who|where))"
)
# A sentence that starts by adding to the one before asks a second question:
# "Also, the retention period." / 「あと保存場所も」.
ADDS = re.compile(
    r"(?:also|and also|plus|additionally|in addition|one more thing|another question|"
    r"separately|あと|それと(?!も)|それから|また|加えて|さらに|ついでに|もう一つ|もうひとつ|もう1つ)"
    r"(?![a-z0-9])"
)
ADDS_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:also|plus|additionally|separately)|あと|それと|それから|また|加えて|さらに"
    r"|ついでに)\s*$"
)
# 「社内調査で必要です」: what something is needed for, not a thing wanted.
NEEDED_FOR = re.compile(
    r"[^はがを]{1,16}(?:で|のため|ために|のために|に)必要(?:です|となります|になります)"
)
REASON = re.compile(r"(?:ので|のため|ため|にあたり|にあたって|する際|の際)[、,]")
# An English clause that states something ("we run …", "our auditor …").
STATEMENT = re.compile(r"\s*(?:i|we|they|he|she|our|my|their)\b", re.IGNORECASE)
# A question word anywhere: 「どこの国で保存されて、何日…」 asks in both halves.
JA_QUESTION_WORD = re.compile(
    r"どこ|いつ|何|なに|なん|どう|どの|どれ|誰|だれ|いくら|どんな|どういう"
)
# 「…でしょう」 ends a guess, or, with a question word, a question.
GUESS = re.compile(r"でしょう[\s。．.!！]*$")
# A sentence that ends the way a question ends.
STRONG = re.compile(
    r"(?:\?|？|か|かな|の|でしょ|って|いい|大丈夫|ください|下さい|教えて|おしえて|ご教示|幸いです|願います|たい|ですか|ますか)"
    r"[\s。．.!！]*$"
)
# A sentence about an earlier answer (「先ほどの保持期間の件、」「前に…って聞いたけど、」, "You said
# earlier that …"): its subject is done with, as a recap's is.
PREVIOUS = re.compile(
    r"先ほど|さきほど|さっき|前回|先般|先日|この前|^前に|前にお聞き|前に聞い|以前お聞き|以前伺"
    r"|(?<![a-z])(?:you said|you mentioned|you told (?:us|me)|earlier you|last time)(?![a-z])"
)
PREVIOUS_ANSWER = re.compile(
    r"件|ご回答|回答いただ|教えていただ|教えてもら|ありがと|聞い|聞きまし|伺っ|わかりました|分かりました"
    r"|(?<![a-z])(?:said|mentioned|told)(?![a-z])"
)
# Where a clause about an earlier answer ends, inside a sentence that goes on to ask.
PREVIOUS_END = re.compile(r"(?:の件|件で|件について|けど|けれど|ですが|ましたが|たが)[、,]")
# Words that point to the place or party just named: the question goes on about it.
POINTS_THERE = re.compile(r"そっち|そちら|そこ[にでのへ]|(?<![a-z])(?:there|them|those)(?![a-z])")
# 「保存期間が30日というのはわかりましたが、」: a clause that sums up an answer, then a question.
UNDERSTOOD_END = re.compile(
    r"(?:わかりました|分かりました|理解しました|了解しました|承知しました)(?:が|けど|けれど)[、,]"
)


def about_previous(norm: str) -> bool:
    """Whether a (normalised) sentence speaks of an earlier answer."""
    return bool(PREVIOUS.search(norm) and PREVIOUS_ANSWER.search(norm))


def previous_clause(sentence: str, asks: Callable[[str], bool]) -> str | None:
    """The clause about an earlier answer that opens a sentence, when the rest asks
    (`asks` reads a normalised text) and does not point back to that answer's subject."""
    understood = UNDERSTOOD_END.search(sentence)
    end = understood or PREVIOUS_END.search(sentence)
    if end is None:
        return None
    head, tail = sentence[: end.end()], sentence[end.end() :]
    norm_tail = normalise_keep_script(tail)
    if len(norm_tail) < 4 or not (understood or about_previous(normalise_keep_script(head))):
        return None
    if POINTS_THERE.search(norm_tail):
        return None  # 「…の件ですが、そっちに渡ったデータも…」 asks more of the same subject
    return head if asks(norm_tail) or "?" in tail or "？" in tail else None


# 「…に使っているのですが、」: the background a question gives before it asks.
BACKGROUND = re.compile(
    r".{4,}?(?:のですが|んですが|のですけど|ておりますが|ていますが|ておりまして|ていまして|ところ)"
    r"[、,，]\s*"
)
# 「保存期間の30日の間、」 "During those 30 days,": when, not what, the question asks about.
DURING = re.compile(
    r"(?:では|じゃあ|それでは|それで)?[、,，]?\s*[^、,，。]{0,12}?\d+\s*日(?:間)?"
    r"(?:の(?:保持|保存|保管)?期間)?(?:の間|のあいだ|中|の間に)[、,，]\s*"
    r"|(?i:(?:and |so |ok |okay )?during (?:those|the|that|this) \d+[- ]days?"
    r"(?: window| period)?,?\s+)"
    # 「その期間中に」 "during that period": the period just named
    # (「この間違い」 is no period: a bare 間 needs に or a comma)
    r"|(?:では|じゃあ|それでは|で)?[、,，]?\s*(?:その|この)(?:保持|保存)?"
    r"(?:(?:期間中|期間の間)に?[、,，]?|間(?:に[、,，]?|[、,，]))\s*"
    r"|(?i:(?:and |so )?during (?:that|this|the) (?:time|period|window),?\s+)"
)
_QUOTED_QUESTION = re.compile(r"[「『][^」』]*[?？][」』]")
LEANS_BACK = re.compile(r"この|その|これ|それ|そう|こう|あれ|あの")
# "If they type essays into it, will those be used …": the condition sets the scene; the main
# clause after it asks.
CONDITION = re.compile(
    r"(?i:(?:if|when(?! (?:is|are|was|were|do|does|did|will|would|can|could|should)\b)|once"
    r"|whenever|in case) [^,?]{6,90}?,\s+)"
)


def background_clause(sentence: str, names_subject: Callable[[str], bool]) -> str | None:
    """The clause that gives a question's background or time, when the rest asks with a subject
    of its own (`names_subject` reads a normalised text). Not when the rest points back to the
    background (「…ですが、そのような対応は」) or that asks itself (「…なら一番なんですが、」)."""
    m = BACKGROUND.match(sentence)
    if m is not None and ("なら" in m.group() or _QUOTED_QUESTION.search(m.group())):
        return None  # 「「…保存されてるの？」って聞かれたんですが、」 reports the question asked
    tail = normalise_keep_script(sentence[m.end() :]) if m else ""
    if m is None or LEANS_BACK.match(tail):
        m = DURING.match(sentence) or CONDITION.match(sentence)
        if m is None:
            return None
        tail = normalise_keep_script(sentence[m.end() :])
    if len(tail) < 6 or not names_subject(tail):
        return None
    return m.group()


def phrases_at_start(phrases: list[str]) -> re.Pattern[str] | None:
    """One of the phrases (normalised, longest first) at the start of a text."""
    if not phrases:
        return None
    body = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?:{body})(?![a-z0-9])")


def phrases_anywhere(phrases: Iterable[str], words: bool = False) -> re.Pattern[str] | None:
    """One of the phrases anywhere; `words`: a Latin phrase only as whole words."""
    phrases = list(phrases)
    if not phrases:
        return None
    # Neighbouring Latin phrases share one pair of word-boundary checks: the same matches, in
    # the same order of preference, for a pattern that compiles several times faster.
    alts: list[str] = []
    run: list[str] = []
    for p in [*phrases, ""]:
        if p and p.isascii() and words:
            run.append(re.escape(p))
            continue
        if run:
            alts.append(rf"(?<![a-z0-9])(?:{'|'.join(run)})(?![a-z0-9])")
            run = []
        if p:
            alts.append(re.escape(p))
    return re.compile("|".join(alts))
