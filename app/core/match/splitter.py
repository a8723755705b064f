"""Split a message into the sentences worth matching.

A pasted e-mail or chat message carries a greeting, a self-introduction, context, the question,
a sign-off and a signature with a phone number. Greetings, sign-offs, introductions and fillers
are data (knowledge/boilerplate.toml); contact details are recognised by their shape. What is
left is a list of sentences, each marked as asking or as context.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.core.match.joins import (
    EN_AND,
    ENUM,
    JA_AND,
    JA_LIST,
    TWO,
    split_joins,
)
from app.core.match.sentence_marks import (
    ADDS,
    ADDS_BEFORE,
    ALTERNATIVE,
    ANNOUNCES,
    CONTACT_LINE,
    CONTACT_REST,
    EXAMPLES,
    GUESS,
    JA_QUESTION_WORD,
    NEEDED_FOR,
    POINTS_BACK,
    POINTS_BACK_CHARS,
    PURPOSE,
    REASON,
    REPORTS,
    REQUEST_REST,
    SENTENCE_BREAK,
    STATEMENT,
    STRONG,
    about_previous,
    background_clause,
    phrases_anywhere,
    phrases_at_start,
    previous_clause,
)
from app.core.match.text import drop_negated, normalise_keep_script, strip_escapes
from app.core.scope import BOILERPLATE_KINDS, MessageBoilerplate

# Boilerplate is stripped from this much of a message before matching caps what is left.
MAX_MESSAGE_CHARS = 4000
# What is left after stripping is matched up to this length (asking sentences first).
MAX_KEPT_CHARS = 1000
# A request-only sentence this short that names a subject ("TLS?" after a question) adds it.
FRAGMENT_CHARS = 8
# Asking sentences shorter than this in all are a bare request ("Could you tell me?").
BARE_REQUEST = 40

_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"[A-Z0-9]{3}")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』")


@dataclass(frozen=True)
class Sentence:
    text: str  # normalised, greeting and sign-off removed
    asking: bool
    raw: str = ""  # as written, for splitting two questions at their conjunction
    wants: bool = False  # states a want or need: a question only beside another one
    recap: bool = False  # sums up an earlier answer ("OK so …", 「…はわかりました」), asks nothing


def _is_symbol(ch: str) -> bool:
    # Emoji and pictographs say nothing the matcher can use.
    return unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") or ch in "\ufe0f\u200d"


class Splitter:
    def __init__(self, boilerplate: MessageBoilerplate | None, state: dict | None = None) -> None:
        """From the boilerplate data, or from `state()` saved with the index (no re-normalising)."""
        forms = state if state is not None else self.forms(boilerplate or MessageBoilerplate())
        self._state = forms
        self._greeting = phrases_at_start(forms["greeting"])
        self._signoff_en = phrases_at_start([p for p in forms["signoff"] if p.isascii()])
        self._signoff_ja = phrases_anywhere([p for p in forms["signoff"] if not p.isascii()])
        self._intro = phrases_anywhere(forms["introduction"], words=True)
        self._asking = phrases_anywhere(forms["asking"], words=True)
        self._wanting = phrases_anywhere(forms.get("wanting", ()), words=True)
        self._contact = phrases_anywhere(forms.get("contact", ()), words=True)
        self._question_start = phrases_at_start(forms["question_start"])
        self._filler = phrases_anywhere(forms["filler"], words=True)
        self._recap = phrases_anywhere(forms.get("recap", ()), words=True)
        # Whether a sentence names a subject of the knowledge; the matcher sets it.
        self.names_subject: Callable[[str], bool] | None = None

    def _on_subject(self, sentence: str) -> bool:
        return self.names_subject is not None and self.names_subject(sentence)

    @staticmethod
    def forms(boilerplate: MessageBoilerplate) -> dict[str, list[str]]:
        """Normalised phrases per kind, longest first."""
        return {
            kind: sorted(
                {normalise_keep_script(p) for p in boilerplate.get(kind)} - {""},
                key=len,
                reverse=True,
            )
            for kind in BOILERPLATE_KINDS
        }

    def state(self) -> dict[str, list[str]]:
        return self._state

    def split(self, message: str) -> list[Sentence]:
        text = strip_escapes(message[:MAX_MESSAGE_CHARS])
        text = "".join(" " if _is_symbol(ch) else ch for ch in text)
        text = drop_negated(CONTACT_LINE.sub(" ", text))
        out: list[Sentence] = []
        signed_off = False
        for raw in SENTENCE_BREAK.split(text):
            sentence = _SPACE.sub(" ", raw).strip()
            if not sentence:
                continue
            marked = "?" in sentence or "？" in sentence
            norm = normalise_keep_script(sentence)
            if signed_off and not (marked or self._asks(norm)):
                continue
            norm, ended = self._strip(norm, marked)
            signed_off = signed_off or ended
            recap = self._has(self._recap, norm)  # "ok so" is a filler too
            if self._filler:  # before asking: "umm does …" starts with its question word
                norm = _SPACE.sub(" ", self._filler.sub(" ", norm)).strip()
            if not norm:
                continue
            asking = marked or self._asks(norm)
            if not asking and self._has(self._intro, norm) and not self._on_subject(norm):
                continue  # 「情報システム部の佐藤です」, but not 「保存期間の確認をしております」
            if asking and out and self._request_only(norm):
                # 「…を確認しております。ご教示ください。」: the request asks the one before. A
                # fragment as short that names a subject ("…? TLS?") keeps its word there.
                prev = out[-1]
                short = len(norm) <= FRAGMENT_CHARS and self._on_subject(norm)
                text = f"{prev.text} {norm}" if short else prev.text
                out[-1] = Sentence(text, True, f"{prev.raw} {sentence}")
                continue
            if (
                asking
                and out
                and not out[-1].asking
                and len(norm) <= POINTS_BACK_CHARS
                and POINTS_BACK.match(norm)
            ):
                prev = out[-1]
                out[-1] = Sentence(prev.text, True, f"{prev.raw} {sentence}", prev.wants)
                continue
            if (
                out
                and out[-1].asking
                and (ALTERNATIVE.match(norm) or (not marked and EXAMPLES.match(norm)))
            ):
                # 「日本のサーバー？それともアメリカ？」: an alternative is the same question.
                prev = out[-1]
                out[-1] = replace(prev, text=f"{prev.text} {norm}", raw=f"{prev.raw} {sentence}")
                continue
            # A want inside quotes is someone's reported words (「『消してほしい』とのこと」).
            wants = self._has(self._wanting, norm) and (
                not _QUOTED.search(sentence)
                or self._has(self._wanting, normalise_keep_script(_QUOTED.sub(" ", sentence)))
            )
            wants = wants and not NEEDED_FOR.fullmatch(norm)
            # A recap (「さっきの30日retentionの件、」) or background (「…のですが、」) is context.
            head = previous_clause(sentence, self._asks_something) if asking else None
            recap_head = head is not None
            if asking and not head:
                head = background_clause(sentence, self._on_subject)
            if head:
                tail = sentence[len(head) :]
                out.append(Sentence(normalise_keep_script(head), False, head, recap=recap_head))
                out.append(Sentence(normalise_keep_script(tail), True, tail, wants))
                continue
            out.append(Sentence(norm, asking, sentence, wants, recap and not asking))
        for i in range(len(out) - 1):
            if out[i].asking and out[i + 1].asking and ANNOUNCES.search(out[i].text):
                out[i] = replace(out[i], asking=False)
        for i, s in enumerate(out):
            later = next((t for t in out[i + 1 :] if t.asking), None) if s.asking else None
            if later is None:
                continue
            if about_previous(s.text):
                out[i] = replace(s, asking=False, recap=True)
            elif (
                "?" not in s.raw
                and "？" not in s.raw
                and REPORTS.search(s.text)
                and not ADDS.match(later.text)
                and self._on_subject(later.text)  # "What are the criteria?" leans on it
            ):
                out[i] = replace(s, asking=False)
        # "1) List the subprocessors. 2) State whether …": the items of a numbered list that
        # asks are all asked, imperatives included.
        numbered = [i for i, s in enumerate(out) if ENUM.match(s.raw)]
        if len(numbered) >= 2 and any(out[i].asking for i in numbered):
            for i in numbered:
                out[i] = replace(out[i], asking=True)
        # 「以下2点をご確認ください。1. … 2. …」: a list that a request announces is what is
        # asked; the request itself says only "the following".
        # 「2点ご教示ください。BAA の要件と、DPA の有無です。」: so is a pair the count announces.
        for i in range(1, len(out)):
            if (
                not out[i].asking
                and out[i - 1].asking
                and (
                    len(ENUM.findall(out[i].raw)) >= 2
                    or (TWO.search(out[i - 1].text) and len(self._halves(out[i].raw)) >= 2)
                )
            ):
                out[i - 1] = replace(out[i - 1], asking=False)
                out[i] = replace(out[i], asking=True)
        return out

    def _halves(self, raw: str) -> list[str]:
        pieces = [p for p in split_joins(raw) if len(p.strip()) >= 3]
        # 「…があれば、あわせてお伺いしたく存じます」: a piece that only asks is no question.
        pieces = [p for p in pieces if not self._request_only(normalise_keep_script(p))] or [raw]
        return [raw] if any(self._states(p) for p in pieces[:-1]) else pieces

    def _asks_something(self, norm: str) -> bool:
        """Asks, and more than a bare request (「追加で確認させてください」)."""
        return self._asks(norm) and not self._request_only(norm)

    def _without_reason(self, piece: str) -> str:
        """「国外に出せない案件なので、自社ホスティングは可能か」: the reason before the question
        is context; the part is what follows it, when that names a subject of its own."""
        m = REASON.search(piece)
        if m is None:
            return piece
        tail = piece[m.end() :]
        return tail if self._on_subject(normalise_keep_script(tail)) else piece

    def _states(self, piece: str) -> bool:
        """ "We run a payroll SaaS" before "and our auditor wants to know …": context."""
        return bool(STATEMENT.match(piece)) and not self._piece_asks(piece)

    def _piece_asks(self, piece: str) -> bool:
        norm = normalise_keep_script(piece)
        return bool(
            "?" in piece
            or "？" in piece
            or self._asks(norm)
            or self._has(self._wanting, norm)
            or JA_QUESTION_WORD.search(norm)
        )

    @staticmethod
    def added(part: str, sentences: list[Sentence]) -> bool:
        """Whether the part is introduced as one more question (「加えて、…」「…？あと、…」,
        "Also, …"): by a word at its start or just before it in the message."""
        message = " ".join(s.raw for s in sentences)
        at = message.find(part)
        before = message[max(0, at - 12) : at] if at > 0 else ""
        norm = normalise_keep_script(part)
        return bool(
            ADDS.match(norm)
            # "…? And for the API itself, how long …?": a sentence of its own that starts so.
            or norm.startswith("and ")
            or ADDS_BEFORE.search(normalise_keep_script(before))
        )

    @staticmethod
    def announces_two(sentences: list[Sentence]) -> bool:
        """Whether the message says it asks two things ("two quick questions:", 「2点」)."""
        return any(TWO.search(s.raw) for s in sentences)

    def contact_only(self, piece: str) -> bool:
        """A part that only asks whom to contact ("who do we contact?", 「問い合わせ先はどこ？」):
        the answer to the rest of the message says that, where there is someone to contact."""
        norm = normalise_keep_script(piece)
        if not self._has(self._contact, norm):
            return False
        rest = self._contact.sub(" ", norm) if self._contact else norm
        rest = self._asking.sub(" ", rest) if self._asking else rest
        rest = CONTACT_REST.sub(" ", REQUEST_REST.sub(" ", rest))
        return len(rest.replace(" ", "")) <= 3

    def _request_only(self, norm: str) -> bool:
        """A sentence that only asks ("please advise", 「ご教示いただけますと幸いです」)."""
        rest = PURPOSE.sub(" ", norm, count=1)
        rest = self._asking.sub(" ", rest) if self._asking else rest
        rest = REQUEST_REST.sub(" ", rest)
        return len(rest.replace(" ", "")) <= 3

    def _strip(self, norm: str, marked: bool = False) -> tuple[str, bool]:
        """Remove a leading greeting and a sign-off with what follows it. `marked`: the
        sentence has a question mark."""
        ended = False
        for _ in range(2):
            m = self._greeting.match(norm) if self._greeting else None
            if not m:
                break
            rest = norm[m.end() :].lstrip()
            # "Hi team," / "Dear Ms Sato," : a short address up to the first comma goes too.
            head, comma, tail = rest.partition(",") if "," in rest[:30] else ("", "", rest)
            norm = tail.strip() if comma and len(head) <= 25 else rest
            if len(norm) <= 12 and not self._has(self._asking, norm):
                norm = ""
        m = self._signoff_en.match(norm) if self._signoff_en and norm else None
        if m is None and self._signoff_ja and norm:
            m = self._signoff_ja.search(norm)
        if m is not None:
            rest = norm[m.end() :].strip()
            if m.start() == 0 and rest and (marked or self._asks(rest)):
                norm = rest  # "Thanks — and for deletion, what do we do?": thanks, then a question
            else:
                norm, ended = norm[: m.start()].strip(), True
        return norm, ended

    def _asks(self, norm: str) -> bool:
        if STRONG.search(norm) or self._has(self._asking, norm) or ADDS.match(norm):
            return True
        if GUESS.search(norm) and JA_QUESTION_WORD.search(norm):
            return True  # 「通常の保持期間は何日でしょう。」, not 「…で問題ないでしょう。」
        return bool(self._question_start and self._question_start.match(norm))

    @staticmethod
    def _has(pattern: re.Pattern[str] | None, text: str) -> bool:
        return bool(pattern and pattern.search(text))

    def split_parts(self, sentences: list[Sentence]) -> tuple[list[str], bool]:
        """The separate questions of a message — its asking sentences, or the parts of one
        asking sentence joined by "and how …" / 「、また」 — and whether they were cut only at a
        bare "and" / 「と」 between two subjects: a loose cut, which may as well join two nouns
        of one question."""
        # A message with no asking mark at all still asks: all of it is the question.
        # Nothing asks: a sentence that states a want is the question, the rest its context.
        # A lead-in ending in a colon ("Quick ones:") introduces what follows: never a part.
        said = [s for s in sentences if not s.raw.rstrip().endswith((":", "："))] or sentences
        announced = self.announces_two(sentences)
        asking = [s for s in said if s.asking] or [s for s in said if s.wants]
        if not asking and len(said) > 1 and not announced:
            # Nothing asks: statements that together tell one need (「…を検討しています。
            # …暗号化されているか確認するよう言われました。」), not a question each.
            return [" ".join(s.raw for s in said)], False
        asking = asking or said
        strong = [s for s in asking if "?" in s.raw or "？" in s.raw or STRONG.search(s.text)]
        chosen = strong if len(strong) >= 2 else asking
        if len(chosen) == 1 and any(s.wants and not s.asking for s in sentences):
            chosen = [s for s in sentences if s.asking or s.wants]
        # 「…の2点を求められています。ご回答お願いします。」: the request asks nothing of its own.
        kept = [s for s in chosen if not self._request_only(normalise_keep_script(s.raw))]
        if kept and len(kept) < len(chosen):
            chosen = asking = kept
        # Each sentence may itself hold two questions ("…, and how long …?", "1) … 2) …").
        pieces = [p for s in chosen for p in self._halves(s.raw)]
        if len(pieces) >= 2:
            return [self._without_reason(p) for p in pieces], False
        if announced:
            # 「認証の取得状況、およびデータの保管国について、それぞれ記載してください」
            listed = [p for s in asking for p in JA_LIST.split(s.raw) if len(p.strip()) >= 4]
            if len(listed) >= 2:
                return listed, False
        for s in asking:
            # 「SOC 2 の状況と DPA の締結方法を教えて」: two subjects joined by 「と」. Each half
            # must still be clearly answered by a different entry (matcher), so a split of
            # 「30 日と聞きました」 answers nothing twice.
            split = EN_AND.split if s.raw.isascii() else JA_AND.split
            # A piece of three letters may be a whole subject (「BAA と dedicated capacity」).
            pieces = [p for p in split(s.raw) if len(p.strip()) >= 4 or _NAME.fullmatch(p.strip())]
            # Two subjects, not a statement and a question: "We run a payroll SaaS and our
            # auditor wants to know …" is one question with its context.
            if len(pieces) == 2 and not any(self._states(p) for p in pieces):
                return pieces, True
        return [s.raw for s in asking], False


def kept_text(sentences: list[Sentence]) -> list[tuple[str, bool, bool]]:
    """(text, asks, recap) of the sentences to analyse, asking ones first, within
    MAX_KEPT_CHARS in all."""
    # "Could you provide that information?" asks, but what it asks for was said before it
    # ("I need to record how long …"): a bare request leaves the asking to the stated need.
    bare = sum(len(s.text) for s in sentences if s.asking) < BARE_REQUEST

    def asks(s: Sentence) -> bool:
        return s.asking or (bare and s.wants)

    ordered = [s for s in sentences if asks(s)] + [s for s in sentences if not asks(s)]
    out, used = [], 0
    for s in ordered:
        if used >= MAX_KEPT_CHARS:
            break
        piece = s.text[: MAX_KEPT_CHARS - used]
        used += len(piece)
        out.append((piece, asks(s), s.recap))
    return out
