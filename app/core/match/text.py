"""Text normalisation for matching, and safe display of untrusted text.

Order matters (measured): NFKC first (half-width kana and full-width latin become ordinary),
then case folding, NFKC again (case folding can leave a decomposed form), then kana folding.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_KATAKANA_START, _KATAKANA_END = 0x30A1, 0x30F6  # ァ..ヶ; ヷ-ヺ have no hiragana twin
_KANA_SHIFT = 0x60
# Matching looks at no more than this much of a question; it keeps a pasted novel fast.
MAX_QUERY_CHARS = 500
# Stand-alone upper-case "US" / "U.S." is the country, not the pronoun; decided before case folding.
_US = re.compile(r"(?<![A-Za-z])U\.?S\.?A?\.?(?![A-Za-z])")


_FOLD = {code: code - _KANA_SHIFT for code in range(_KATAKANA_START, _KATAKANA_END + 1)}
# Anything that is not a letter or digit separates words; ー and 々 count as letters.
_SEPARATORS = re.compile(r"[\W_]+")


# Terminal escape sequences (colours, cursor moves) pasted along with a question: CSI and OSC.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


# Markup pasted from an HTML e-mail or a web form ("<br>", "<img src=…>"): no words of a question.
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,300})?/?>")


def strip_escapes(text: str) -> str:
    """Text without terminal escape sequences or markup tags; they say nothing and split words
    apart."""
    if "\x1b" in text:
        text = _ESCAPES.sub("", text)
    return _TAGS.sub(" ", text) if "<" in text else text


def fold_kana(text: str) -> str:
    """Katakana to hiragana, one character for one, so positions stay aligned."""
    return text.translate(_FOLD)


def normalise_keep_script(text: str) -> str:
    """NFKC, case folding and separators folded to single spaces; kana left as written."""
    text = unicodedata.normalize("NFKC", text)
    if "U" in text:  # the pattern needs one; most texts have none and skip its pass
        text = _US.sub(" usa ", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    return _SEPARATORS.sub(" ", text).strip()


def normalise(text: str) -> str:
    """The form every comparison uses: normalise_keep_script plus kana folding."""
    return fold_kana(normalise_keep_script(text))


_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def printable(text: str) -> str:
    """Show untrusted text literally in a terminal: control characters become visible escapes."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa" or ch == "ー"


def is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_japanese(ch: str) -> bool:
    return is_hiragana(ch) or "\u30a0" <= ch <= "\u30ff" or is_kanji(ch) or ch in "ー々〆"


# "— not the uploaded files —", "(not files)", 「ファイルではなく」: what the question sets
# aside is no evidence for the entry about it.
# Only an aside set off by dashes or brackets: "…, not used for training, …" may be what is asked.
_NEGATED_EN = re.compile(
    r"(?:[—–(]|\s-{1,2})\s*(?:not|rather than|other than|apart from)\s+"
    r"[^—–(),;?.!]{1,40}?(?=\s*(?:[—–)]|-{1,2}\s))",
    re.IGNORECASE,
)


# 「削除依頼とは別件ですが、」「…はさておき」: set aside like 「…ではなく」.
_ASIDE_JA = re.compile("なく|別件|別に|さておき|置い")


@functools.cache
def _negated_ja() -> re.Pattern[str]:
    return re.compile(
        r"[\u30a0-\u30ff\u4e00-\u9fffA-Za-z0-9]+(?:の件|の話|のこと)?"
        r"(?=ではなく|じゃなく|とは別件|とは別に|はさておき|は置いといて|は置いておいて)"
    )


def drop_negated(text: str) -> str:
    """The text without what it says it is not asking about."""
    text = _NEGATED_EN.sub(" ", text)
    # Most questions set nothing aside; the wide class costs a millisecond to compile at start.
    return _negated_ja().sub(" ", text) if _ASIDE_JA.search(text) else text
