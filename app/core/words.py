"""The whole word of the question around a matched fragment, for showing why an answer matched.

The matcher's evidence is often a piece of a word: a stem ("delet"), or a kanji with part of
its inflection (「使わ」 from 「使われますか」). A reader wants the word as they wrote it. Japanese
has no spaces, so a word here is a run of one script: kanji with the kana that inflect it up to
the next particle, a katakana run, or a Latin word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Hiragana that usually begin the particle after a word rather than continue its inflection.
_PARTICLES = set("はがをにでとものかへやよねぞ")
_MAX_OKURIGANA = 6
# Kana that end a verb form (送った, 残る, 入れて): what follows is the next word (送ったあと,
# 残るんでしょうか), not more inflection. ん never continues one.
_VERB_ENDS = set("たてるうくすつむぶぐぬん")


def _kind(ch: str) -> str:
    if ch.isascii() and (ch.isalnum() or ch in "'-"):
        return "latin"
    if "\u3041" <= ch <= "\u309f":
        return "hiragana"
    if "\u30a1" <= ch <= "\u30ff" or ch == "ー":
        return "katakana"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆":
        return "kanji"
    return "other"


def _find(text: str, fragment: str) -> tuple[str, int, int] | None:
    """Where the fragment stands, in the question as written or in its folded form. The
    matcher reads "haven't" and "opt-in" with a space for the mark (haven t, opt in): a space
    of the fragment stands for any run of spaces and marks."""
    for source in (text, text.casefold(), unicodedata.normalize("NFKC", text).casefold()):
        at = source.find(fragment) if source is text else source.find(fragment.casefold())
        if at >= 0:
            return source, at, at + len(fragment)
    if " " in fragment.strip():
        source = unicodedata.normalize("NFKC", text).casefold()
        loose = _MARKS.join(re.escape(w) for w in fragment.casefold().split())
        if m := re.search(loose, source):
            return source, m.start(), m.end()
    return None


_MARKS = r"[\s'’\-_./]+"


def _span(text: str, fragment: str) -> tuple[str, int, int] | None:
    """(shown text, start, end) of the word of `text` that contains `fragment`."""
    found = _find(text, fragment) if fragment else None
    if found is None:
        return None
    source, start, end = found
    first, last = _kind(source[start]), _kind(source[end - 1])
    if first in ("latin", "katakana", "kanji"):
        while start > 0 and _kind(source[start - 1]) == first:
            start -= 1
    if last in ("latin", "katakana"):
        while end < len(source) and _kind(source[end]) == last:
            end += 1
    elif last in ("kanji", "hiragana") and _kind(source[start]) == "kanji":
        while end < len(source) and _kind(source[end]) == "kanji":
            end += 1
        added = 0
        while (
            end < len(source)
            and _kind(source[end]) == "hiragana"
            and source[end] not in _PARTICLES
            and added < _MAX_OKURIGANA
            and source[end - 1] not in _VERB_ENDS
        ):
            end += 1
            added += 1
    # Show it as written ("BAA", not "baa") when folding kept every position.
    return (text if len(source) == len(text) else source), start, end


def whole_word(text: str, fragment: str) -> str:
    """The word of `text` that contains `fragment`; the fragment itself if it is not found."""
    span = _span(text, fragment)
    return span[0][span[1] : span[2]] if span else fragment


def whole_words(text: str, fragments: Iterable[str]) -> tuple[str, ...]:
    """Each fragment widened to its word, in order, without repeats. Words that overlap in the
    question are shown as one (「パソコンにAIを入れ」 and 「入れて」: 「パソコンにAIを入れて」)."""
    # (shown text, start, end) of each word; a fragment not found stands as itself (None).
    found: list[tuple[str | None, int, int, str]] = []
    for fragment in fragments:
        span = _span(text, fragment)
        if span is None:
            found.append((None, 0, 0, fragment))
            continue
        shown, start, end = span
        for i, (other, a, b, _) in enumerate(found):
            if other is shown and start < b and a < end:
                start, end = min(a, start), max(b, end)
                found[i] = (shown, start, end, shown[start:end])
                break
        else:
            found.append((shown, start, end, shown[start:end]))
    return tuple(dict.fromkeys(word for *_, word in found if word))
