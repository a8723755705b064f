"""Hiding personal data in lists, exports and anything that might reach a log."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tomli

from app.core.i18n import N_
from app.core.match.text import normalise_keep_script
from app.core.paths import knowledge_dir
from app.core.scope import MessageBoilerplate, load_boilerplate

REDACTED = N_("[redacted]")


def mask_email(email: str) -> str:
    """`taro@example.com` -> `t***@example.com`; anything else -> `***`."""
    local, at, domain = email.strip().partition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


# -- questions and comments kept for editors ---------------------------------------------------
# Everything is matched after NFKC, so full-width ＠, digits and hyphens are caught too; the text
# that is kept is the NFKC form. Placeholders say what was there, never any part of it.

_SEP = r"[\s.\-‐‑‒–—―−ー]"  # separators people put in phone numbers, after NFKC
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(?:https?://|ftp://|www\.)[^\s<>\"'、。「」]+"), "[url]"),
    (
        re.compile(
            r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
        ),
        "[email]",
    ),
    # API keys and account / file ids: sk-…, sk-proj-…, org-…, file-…, user-…, proj_…
    (re.compile(r"(?i)(?<![a-z0-9])(?:sk|org|file|user|proj)[-_][a-z0-9_-]{4,}"), "[id]"),
    (re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"), "[ip]"),
    # International: +81 90-1234-5678, +49 (0)30 1234567, +1 415 555 0123.
    (
        re.compile(rf"\+\d{{1,3}}(?:{_SEP}*\(0\))?(?:{_SEP}*\(?\d{{1,5}}\)?){{2,5}}(?!\d)"),
        "[phone]",
    ),
    # Domestic: 090-1234-5678, 03-1234-5678, (03) 1234-5678, 0120 123 456.
    (
        re.compile(rf"(?<![\dA-Za-z])\(?0\d{{1,4}}\)?{_SEP}*\d{{1,4}}{_SEP}*\d{{3,4}}(?!\d)"),
        "[phone]",
    ),
    (re.compile(r"\d{6,}"), "[number]"),  # card, account, order and ticket numbers
)


def mask_personal(text: str) -> str:
    """Replace e-mail addresses, phone numbers, long numbers, ids, IP addresses and URLs."""
    text = unicodedata.normalize("NFKC", text)
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


# -- sentences that say who someone is rather than what they ask -------------------------------
# The matcher's splitter (app/core/match/splitter.py) prepares text for matching: it drops
# punctuation and case, and left "taro" of "Hi Taro," and "5678" of a phone number in a trial on
# tests/data/realistic_dev.tsv. What editors read must stay readable and hold less, so the log
# keeps a rule of its own (`fallback_marks`, the one function to change), with the greeting and
# sign-off phrases of the knowledge's boilerplate.toml: one list for editors to keep.

_ADDRESS = r"[\w\s.,'-]{0,30}$"  # "Hi team", "Dear Ms Sato", "Best, Jane" after the phrase
_SHAPES = r"sent from my \w+\b|--+$"  # signature lines that are shapes, not phrases


def _phrases(phrases: Iterable[str]) -> str:
    """Alternation of phrases, longest first, with any separator between their words."""
    forms = {normalise_keep_script(p) for p in phrases} - {""}
    words = (
        r"[\W_]+".join(map(re.escape, f.split())) for f in sorted(forms, key=len, reverse=True)
    )
    return "|".join(words)


def _boilerplate(root: Path) -> MessageBoilerplate:
    def read(path: Path) -> dict[str, Any] | None:
        try:
            with path.open("rb") as fh:
                return tomli.load(fh)
        except (OSError, tomli.TOMLDecodeError):
            return None  # `kotae check` names the mistake; the shapes below still apply

    return load_boilerplate(root, read, lambda *_problem: None)


@functools.cache
def _greeting_patterns(
    root: Path,
) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a sentence that is only a greeting or sign-off, a greeting that opens a sentence, a
    sentence that signs off: what follows it is signature)."""
    bp = _boilerplate(root)
    either = _phrases((*bp.get("greeting"), *bp.get("signoff")))
    alone = rf"^(?:(?:{either})(?![a-z0-9]){_ADDRESS}|(?:{_SHAPES}))" if either else _SHAPES
    opening = _phrases(bp.get("greeting")) or r"(?!)"
    closing = _phrases(bp.get("signoff"))
    signs_off = rf"^(?:(?:{closing})(?![a-z0-9]){_ADDRESS}|--+$)" if closing else r"^--+$"
    return (
        re.compile(alone, re.IGNORECASE),
        re.compile(rf"^(?:{opening})(?![a-z0-9])[^,、]{{0,30}}[,、]\s*", re.IGNORECASE),
        re.compile(signs_off, re.IGNORECASE),
    )


_SELF_INTRO = re.compile(
    r"(?:と申します|と言います|^(?:i am|i'm|this is|my name is) .{1,40})$"
    # "…部の佐藤です": a name after where the sender works (not "ファイルの話です")
    r"|(?:会社|部|課|室|事務所|法人|担当|大学|病院|グループ|チーム|センター)"
    r"[^\s。、]{0,12}?(?:の|\s)[^\s。、]{1,8}(?:です|でございます)$",
    re.IGNORECASE,
)
# "Thanks, Marco Bellini | Infrastructure Engineer | …": a sign-off and whatever follows it.
_SIGN_OFF = re.compile(
    r"(?i)^(?:thanks|thank you|many thanks|best|regards|best regards|kind regards|cheers"
    r"|sincerely|yours)\s*[,!]\s*\S"
)
_CLOSING = re.compile(r"よろしくお願い|宜しくお願い|ありがとうございま|失礼いたします|失礼します")
_CONTACT_WORDS = re.compile(
    r"(?i)e-?mail|mail address|phone|call me|reach me|contact me|mobile|tel\b|"
    r"メール|電話|連絡先|携帯|住所"
)
_SENTENCE_END = re.compile(r"(?<=[。！？\n])|(?<=[!?])(?=[^\x00-\x7f])|(?<=[.!?])\s+")


def split_sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


def fallback_marks(text: str, knowledge: Path | None = None) -> list[tuple[str, str | None]]:
    """Each sentence with its mark: "greeting", "signature", "contact" or None. Greetings are
    those of `knowledge`/boilerplate.toml (default: the installed knowledge)."""
    greeting, leading_greeting, signs_off = _greeting_patterns(
        (knowledge or knowledge_dir()).resolve()
    )
    out: list[tuple[str, str | None]] = []
    sentences = split_sentences(unicodedata.normalize("NFKC", text))
    signed_off = False  # after "Best regards," or "--", what does not ask is signature
    for i, sentence in enumerate(sentences):
        # "Hi Taro, how long …": the greeting and the name go, what follows is read on its own.
        sentence = leading_greeting.sub("", sentence).strip() or sentence
        bare = sentence.rstrip("。.!！?？ ").strip()
        personal = mask_personal(bare) != bare
        contact = personal and bool(_CONTACT_WORDS.search(bare))  # "call me at 090-…"
        mark: str | None = None
        asks = sentence.rstrip().endswith("?")  # a question is never a greeting or signature
        if asks:
            mark = "contact" if contact else None
        elif signed_off:
            mark = "contact" if contact else "signature"
        elif greeting.search(bare) or (_CLOSING.search(bare) and len(bare) <= 40):
            mark = "greeting"
        elif _SIGN_OFF.search(bare) or (_SELF_INTRO.search(bare) and len(bare) <= 60):
            mark = "signature"
        elif contact:
            mark = "contact"
        elif personal and 0 < i == len(sentences) - 1 and not sentence.endswith(("。", ".", "!")):
            mark = "signature"  # "佐藤 花子 株式会社… 03-1234-5678" at the end of an e-mail
        signed_off = signed_off or (not asks and bool(signs_off.search(bare)))
        out.append((sentence, mark))
    return out


def mask_question(text: str) -> str:
    """What may be kept of a question or comment: its sentences minus greetings, signatures and
    contact details, with the personal data left in them masked."""
    kept = [s for s, mark in fallback_marks(text) if mark is None]
    return mask_personal(" ".join(kept)) if kept else ""
