"""Two questions in one message ("…, and how long do you keep it?"): which of its parts is a
question of its own, answered by an entry of its own.

Each part is matched alone. A part counts when its own evidence is clear (or it names the
entry the whole message clearly leads with), it is not a question whom to contact, it names no
subject only out-of-scope topics know (a TLS version, a price), it does not lean on the other
part or point back at it, and — in a long message, where several sentences
mostly elaborate one question — its entry is plausible for the whole message too.

A message of one answer may still be read by its parts: a part far more clearly answered than
the whole message's lead is what it asks (`strongest_part`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from app.core.match import model_params
from app.core.match.decision import FEATURES, topic_over_entry
from app.core.match.result import Candidate, Evidence
from app.core.match.splitter import Sentence, Splitter
from app.core.words import whole_words

SECOND_AT = 0.6
SECOND_AT_SHORT = 0.0
TWO_AT_LEAD = 0.35  # a half naming the whole message's clear lead
TWO_AT_ADDED = 0.35  # a later half introduced as one more question (「あと、」, "also")
TWO_MARGIN = 0.05
TWO_AT_CLEAR = 0.15  # a half this likely, leading its runner-up by TWO_LEAD_RATIO, is a question
TWO_LEAD_RATIO = 2.0
_EVIDENCE = FEATURES.index("evidence")
WEAK_EVIDENCE = 2.5  # log(1 + BM25F): below it a half holds a word or two of an entry's
LONG_MESSAGE = 160  # characters of kept text
# A half this weak needs an example question it comes near (cosine) to be a question of its
# own: "What conditions apply?" after a zero-retention question leans on it.
WEAK_HALF = 0.3
HALF_COS = 0.4
# A part cut at a bare "and" or と is answered beside an off-topic subject only when it reads
# as one of its entry's example questions (cosine).
LOOSE_NEAREST = 0.9
# A part this likely on its own is a question in its own right, whatever the whole leans to.
PART_STRONG = 0.9
# A later half whose runner-up is the whole message's clear lead, this close behind its own
# first, leans on the first half: 「…Files endpoint に上げたまま放置してます。これって自動で消え
# ますか？いつまで残る？」 asks how long the files stay, not about API data in general.
LEAN_GAP = 0.3
# A later half too weak to stand alone, whose words the lead's entry holds this much of
# (coverage), asks about the lead: 「2023年3月より前に送ったデータは？学習に使われた？」.
LEAD_COVERS = 0.4
STRONGEST_AT = 0.8  # a part this likely, STRONGER_BY above the whole message's lead
STRONGER_BY = 0.3
# A half that points back at the other ("after that", 「当該データ」「同様に」) asks more about
# the same thing: no question of its own.
_BACK_REF = re.compile(
    r"\bafter that\b|\bthereafter\b|\bthe same\b|^\W*same\b|\bsame for (?:them|it|those)\b"
    r"|\bthere (?:too|as well)\b|当該|同様|その後|(?:そっち|そちら)でも",
    re.IGNORECASE,
)
# A later half asking what the first one's subject takes in (「ファイルも含まれますか」,
# "does that include files?") asks how far that subject reaches: no question of its own.
# 「…ってどこまで含むの？ 学習用ファイルも？」: after asking what a term takes in, a half that
# names one more thing asks the same question of it.
_ALSO = re.compile(r"も[\s?？!！。]*$")
_SCOPE = re.compile(
    r"どこまで|(?:含|ふく)[まむみめ]|\binclude|\bcover|\bcounts? as\b", re.IGNORECASE
)
# An aside in brackets (「（御社以外の業者も含む）」) says what the half's own subject takes in.
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_INCLUDES = re.compile(r"も(?:含|ふく)[まむめ]|も(?:入|はい)[るり]|\binclude[sd]?\b", re.IGNORECASE)


def two_questions(
    splitter: Splitter,
    evidence: Callable[[str], Evidence | None],
    parts: list[str],
    loose: bool,
    sentences: list[Sentence],
    cands: tuple[Candidate, ...],
) -> tuple[Candidate, ...]:
    """The entries of a message's two questions, or () when it asks one.

    `parts` and `loose` are `Splitter.split_parts` of `sentences`; `evidence` matches one part
    alone; `cands` is the whole message's ranking."""
    if len(parts) < 2:
        return ()
    # A long message mostly elaborates one question, unless it says it asks two ("two things:").
    announced = splitter.announces_two(sentences)
    long = sum(len(s.text) for s in sentences) > LONG_MESSAGE and not announced
    near = {c.id for c in cands if c.score >= (SECOND_AT if long else SECOND_AT_SHORT)}
    found: list[Candidate] = []
    lead = cands[0]
    # 「…？あと、…？」: a later half added as one more question says the first is one too.
    added_later = [splitter.added(p, sentences) for p in parts[1:3]]
    adds_one = any(added_later)
    for i, part in enumerate(parts[:3]):
        if splitter.contact_only(part):
            continue  # "… and who do we contact?": the answer says that
        ev = evidence(part)
        if ev is None or not ev.candidates:
            continue  # no words of an entry, or a subject only out-of-scope topics know
        top = ev.candidates[0]
        # A half that leans on the other ("how long do you keep them?") is weaker alone;
        # it still counts when it names the entry the whole message clearly leads with.
        floor = model_params.TWO_AT
        runner_up = _runner_up(ev)
        names_lead = top.id == lead.id and lead.score >= model_params.ANSWER_AT
        if names_lead:
            floor = TWO_AT_LEAD
        later = i > 0
        added = later and added_later[i - 1]
        if announced:
            floor = min(floor, TWO_AT_CLEAR)  # the writer has said each part is a question
        elif added:
            floor = min(floor, TWO_AT_ADDED)  # 「あと、…」 "Also, …": one more question
        leads = top.score >= TWO_LEAD_RATIO * runner_up  # one clear subject
        # A short half ("Is it TLS only?") has little evidence but one clear subject.
        clear = (
            not loose
            and leads
            and top.score >= TWO_AT_CLEAR
            and lead.score >= model_params.CLARIFY_AT
        )
        if ev.oos_score >= ev.top_score or (top.score < floor and not clear):
            continue
        if top.score < floor and top.signals[_EVIDENCE] < WEAK_EVIDENCE and not ev.concepts:
            # Clear but weak, on a word or two that name no concept: "what are the eligibility
            # conditions?" after a BAA question asks about the BAA.
            continue
        if (
            top.score - runner_up < TWO_MARGIN
            and not names_lead
            and top.score < PART_STRONG
            and not (announced or added or (adds_one and not later))
        ):
            # The half fits two entries alike: it is not a question of its own. Unless it
            # names the whole message's clear lead ("how many days is data kept?" fits the
            # Files endpoint's retention too, but the message has already chosen), or is
            # clearly a question at all (PART_STRONG), or the writer says it is one (「2点」,
            # 「また、」, "Also,"): which entry answers it is then the ranking's.
            continue
        if loose and not leads:
            # A bare "and" joins two nouns of one question as often as two questions
            # ("the prompts and completions we send"): such a half needs a clear subject.
            continue
        if top.score < WEAK_HALF and top.signals[4] < HALF_COS:
            continue
        if top.id != lead.id and (
            _BACK_REF.search(part)
            or (later and _INCLUDES.search(_ASIDE.sub("", part)))
            or (later and _ALSO.search(part) and _SCOPE.search(parts[0]))
        ):
            continue
        # A later half with the lead close behind its own first asks about the lead's subject.
        leans = top.id != lead.id and len(ev.candidates) > 1 and ev.candidates[1].id == lead.id
        if (
            leans
            and not added  # "Also, …" says it is a question of its own
            and later
            and lead.score >= model_params.ANSWER_AT
            and top.score - runner_up < LEAN_GAP
        ):
            continue
        if later and top.id != lead.id and top.score < model_params.TWO_AT:
            own = next((c for c in ev.candidates if c.id == lead.id), None)
            if own is not None and own.signals[0] >= LEAD_COVERS:
                continue
        if top.id not in {c.id for c in found} and (top.id in near or top.score >= PART_STRONG):
            # Its words as written in this part: the same fragment (保存) may stand in the other
            # part first (保存期間 beside 保存先).
            found.append(replace(top, matched=whole_words(part, top.matched)))
    return tuple(found[:2]) if len(found) >= 2 else ()


def _runner_up(ev: Evidence) -> float:
    return ev.candidates[1].score if len(ev.candidates) > 1 else 0.0


def answerable_part(
    parts: list[str],
    loose: bool,
    evidence: Callable[[str], Evidence | None],
    lead: Candidate | None = None,
) -> Candidate | None:
    """Beside a part about a price (another vendor, …): the entry of another part, if one
    answers it. `evidence` is None for a part that names such a subject. Parts cut at a bare
    "and" or と (`loose`) may be two nouns of one question ("checks on the employees and
    contractors who review …"): such a part counts only when it reads as one of its entry's
    examples (「データ保持の期間と削除証明書について」)."""
    for part in parts if len(parts) > 1 else ():
        ev = evidence(part)
        if ev is None or not ev.candidates:
            continue
        top = ev.candidates[0]
        if loose and top.signals[4] < LOOSE_NEAREST:
            continue
        if top.score - _runner_up(ev) < TWO_MARGIN:
            continue  # it fits two entries alike: no answer of its own
        if top.score >= model_params.ANSWER_AT and not topic_over_entry(top, ev):
            # The other part's words may name this one's subject (「ファイルは何MBまで？保存期間
            # も知りたい」): the whole message's clear lead, when the part fits it too.
            if lead is not None and lead.score >= model_params.ANSWER_AT:
                own = next((c for c in ev.candidates[:2] if c.id == lead.id), None)
                if own is not None:
                    # The words shown are the answered part's, not the off-topic part's (費用).
                    return replace(lead, matched=own.matched)
            return top
    return None


def strongest_part(
    parts: list[str],
    loose: bool,
    evidence: Callable[[str], Evidence | None],
    lead: Candidate,
) -> Candidate | None:
    """A part clearly answered by an entry the whole message does not lead with, when that
    lead is much weaker: two questions' worth of words can blend into an entry sharing a few
    with each ("How long is our data kept? Also, it is never used for training, right?" is no
    question about training files)."""
    if len(parts) < 2 or loose:
        return None
    strong = []
    for part in parts[:3]:
        ev = evidence(part)
        if ev is None or not ev.candidates:
            continue
        top = ev.candidates[0]
        if top.id == lead.id:
            return None  # a part does ask what the whole message leads with
        if top.score >= STRONGEST_AT and top.score > lead.score + STRONGER_BY:
            strong.append(top)
    return max(strong, key=lambda c: c.score, default=None)


def clear_of_topics(
    parts: list[str], evidence: Callable[[str], Evidence | None], answers: tuple[Candidate, ...]
) -> bool:
    """No answered part reads as close to an out-of-scope topic as to its entry."""
    found = [ev for part in parts[:3] if (ev := evidence(part)) and ev.candidates]
    answered = {c.id for c in answers}
    return not any(
        ev.candidates[0].id in answered and topic_over_entry(ev.candidates[0], ev) for ev in found
    )
