"""Where one sentence holds more than one question: numbered items, "…, and how long …?",
「…と、…」, a fallback (「無理なら」, "or if not"), and the lead-ins that count them. A sentence
that announces the question after it is the splitter's to read (_ANNOUNCES)."""

from __future__ import annotations

import re

from app.core.match.result import detect_language

# A lead-in before a single numbered item (「米国展開にあたり、①…」) ends like this.
LEAD_IN = re.compile(r"[、,:：]\s*$")
# A message that says it asks two things ("two quick questions", 「2点」).
TWO = re.compile(
    r"(?<![a-z])(?:two|2)\s+(?:quick\s+|short\s+|small\s+)?"
    r"(?:things|questions|facts|points|items|asks|requests|queries|topics)\b"
    r"|[2２二]点|ふたつ質問|二つ質問|2つ質問"
    # 「…と…、両方確認したい」「…について、それぞれ記載してください」: each item is asked.
    r"|それぞれ|両方",
    re.IGNORECASE,
)
# "Two things: …", 「以下2点：」: the count before the colon asks nothing.
COUNTED_LEAD = re.compile(
    r"[^:：?？]{0,60}?(?<![a-z])(?:two|three|2|3|a couple of|couple of|a few)\s+"
    r"(?:quick\s+|short\s+|small\s+)?(?:things|questions|facts|points|items|ones|qs)\b"
    r"[^:：?？]*[:：]\s*"
    r"|[^:：?？。]{0,40}?[2-3２-３二三]点[^:：?？。]*[:：]\s*",
    re.IGNORECASE,
)
# Two questions in one sentence: split before a conjunction that starts a new question.
EN_JOIN = re.compile(
    # A bare "also" inside a clause ("do you also have …") joins nothing: only after a comma.
    r"(?:(?:,|;|\s+[—–-]+)?\s+(?:and|plus)|(?:,|;|\s+[—–-]+)\s*also)"
    r"(?:,?\s+(?:also|separately))?,?\s+"
    r"(?=(?:(?:in|on|for|from|at|to|with|by|under)\s+(?:which|what|whom)|how|what|where|when|"
    r"who|which|why|is|are|do|does|can|could|will|would|should|has|have|did|"
    # A questionnaire's second item: "…, and state / describe / confirm …".
    r"state|describe|confirm|explain|specify|list|provide|indicate|outline|identify)\b)",
    re.IGNORECASE,
)
# A bare "and" or "+" joins two questions only when a new clause follows ("…, and can we …"),
# not two nouns ("requests and responses", "requests + responses").
EN_JOIN2 = re.compile(
    # "Can you host it for us, or if not, can we …": the fallback is a question too.
    r",?\s+(?:or\s+|and\s+)?(?:if\s+(?:not|that'?s not possible|that is not possible)|otherwise)"
    r"\s*,\s*|"
    r",\s*also\s+|(?:\s*\+\s*|,?\s+and\s+"
    r"(?:also\s+|on top of that\s+|then\s+|separately\s*,?\s+|while i'?m at it\s*,?\s*)?)"
    r"(?=(?:i|i'd|i'm|we|we'd|we're|you|u|my|our|your|it|they|there|that|this|if|whether|"
    r"what|how|where|when|who|which|why|is|are|do|does|can|could|will|would|should)\b)",
    re.IGNORECASE,
)
EN_AND = re.compile(r"\s+and\s+", re.IGNORECASE)  # last resort: "the list and the form"
JA_JOIN = re.compile(
    r"(?:[、,]\s*(?:また|あと|それと(?![はもの])|それから|加えて|さらに|ついでに|そして)[、,]?"
    r"|それと(?![はもの])[、,]?|あと[、,]|"
    # 「SOC 2 と、」「知りたいのと、」「SOC 2 の type と、」 join; after a verb's plain form と is a
    # condition: 「すると、」.
    r"(?<=[^\sるうくすつむぶぐぬ])(?<!ない)と[、,]|(?<=[A-Za-z0-9] )と[、,]"
    r"|[、,]\s*(?=(?:それに|あわせて|併せて))"
    # 「保存されて、何日…」 but not 「…について、」「…として、」「ファイルって、」, nor a particle
    # that ends in て: 「質問票にて、」「API を通じて、」「ファイルも含めて、」, nor keigo's
    # 「につきまして、」「しておりまして、」.
    r"|(?<=[^\sっ])(?<!つい)(?<!とし)(?<!とっ)(?<!関し)(?<!連し)(?<!対し)(?<!おい)(?<!よっ)(?<!たっ)"
    r"(?<!際し)(?<!に)(?<!通し)(?<!通じ)(?<!応じ)(?<!含め)(?<!まし)(?<!あわせ)(?<!併せ)(?<!加え)て[、,]"
    # 「「人が見るのか」「どのくらい保存されるのか」」: two quoted questions side by side.
    r"|(?<=[?？]」)\s*(?=「)|(?<=のか」)\s*(?=「)|(?<=ますか」)\s*(?=「)"
    # 「アクセスできるのは誰で、保持期間は何日ですか」: a question word, then で、.
    r"|(?:(?<=誰)|(?<=だれ)|(?<=何)|(?<=どこ)|(?<=いつ)|(?<=どれ))で[、,]"
    # 「オンプレで動かせるならそれが一番ですが、無理なら…」「…、それが無理なら…」: the fallback
    # is a question too.
    r"|[、,]\s*(?:それが|もし)?(?:(?:無理|難しい|不可|だめ|ダメ|できない)(?:なら|場合は?)|難しければ)[、,]?"
    r")"
)
# 「A、および B について、それぞれ」: under a count the items of a list are the questions.
# 「2点：オンプレ設置は可能か、SOC2は取得済みか」: so are questions side by side.
JA_LIST = re.compile(r"[、,]\s*(?:および|及び|ならびに|並びに)|(?<=か)[、,]\s*(?!それとも)")
# 「A と B」 joins two subjects, not 「ごと」「こと」「もっと」, 「…と思う / 聞いた」, a quote after
# an adjective or a want (「消してほしいとユーザーに言われたら」) or a condition
# (「契約がないと結べない」「使うと」).
JA_AND = re.compile(
    r"(?:(?<=[^\sとはもをがにでごこっひるだた])|(?<=[A-Za-z0-9] ))"
    r"(?<!ない)(?<!しい)(?<!たい)(?<!いい)と(?![言思聞考書記])"
    # 「OpenAI と契約」「営業と相談」「プロンプトと同様」: と is "with" / "as" here, not "and".
    r"(?!\s?(?:契約|話|相談|連携|提携|協議|交渉|やりとり|やり取り|一緒|同様|同じ|比べ|違|異な))"
    r"(?=\s?[A-Za-z0-9\u30a0-\u30ff\u4e00-\u9fff])"
)
# Numbered or ordinal questions: "1) … 2) …", "①…②", "Q1 … Q2", "(a) … (b)", "First, … Second, …",
# 「一つ目は…二つ目は…」.
ENUM = re.compile(
    r"(?:(?<=\s)|^)(?:\(?[1-9a-d][)）]|[1-9][.．](?=\s*[^\d\s])|q[1-9][:.：]?)\s*"
    r"|[①-⑨]|[(（][1-9１-９][)）]"
    r"|(?<![a-z])(?:first(?:ly)?|second(?:ly)?|third(?:ly)?)(?:\s+(?:question|thing))?\s*[,:]"
    r"|(?<![a-z])(?:second|another|next) question\b[,:]?"
    r"|(?:一つ目|ひとつ目|ひとつめ|二つ目|ふたつ目|ふたつめ|三つ目|[1-3１-３一二三]点目)(?:は|として)?[、,]?"
    r"|第[一二三1-3１-３](?:に|点目?は?)[、,]?",
    re.IGNORECASE,
)


def split_joins(text: str) -> list[str]:
    lead = COUNTED_LEAD.match(text)
    if lead and len(text) - lead.end() >= 10:
        text = text[lead.end() :]  # "Two things: …": the count asks nothing
    marks = list(ENUM.finditer(text))
    # "Two quick ones: 1) … 2) …", 「米国展開にあたり、①…」: the lead-in asks nothing.
    if len(marks) >= 2 or (marks and LEAD_IN.search(text[: marks[0].start()])):
        text = text[marks[0].start() :]
    numbered = [p for p in ENUM.split(text) if len(p.strip()) >= 3]
    if len(numbered) >= 2:
        return [q for p in numbered for q in split_joins(p)]
    pieces = EN_JOIN.split(text)
    if len(pieces) == 1:
        # English with a dash or a curly quote is still English; any kana or kanji is not.
        japanese = detect_language(text) == "ja"
        pieces = JA_JOIN.split(text) if japanese else EN_JOIN2.split(text)
    return [p.strip() for p in pieces if p.strip()]
