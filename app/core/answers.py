"""Renderings of a matcher result shared by the CLI and the TUI: plain text, JSON, copy text."""

from __future__ import annotations

import json
from typing import Any

from app.core.i18n import N_, gettext_for, sentences
from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.result import Result
from app.core.match.text import printable
from app.core.words import whole_words


def answer_language(question_lang: str, pinned: str | None) -> str:
    """Answers follow the question's language unless the user pinned one ("auto" pins none)."""
    return pinned if pinned in ("ja", "en") else question_lang


def copy_text(entry: Entry, lang: str) -> str:
    """The answer as an agent pastes it into a ticket: text, policy quote, source."""
    t = entry.text(lang)
    return (
        f"{t.title}\n\n{t.answer}\n\n"
        + gettext_for(lang, N_("Policy text: 「{quote}」")).format(quote=entry.quote.strip())
        + "\n"
        + gettext_for(lang, N_("Source: {source}")).format(source=entry.source)
        + "\n"
    )


def answer_ids(result: Result) -> tuple[str, ...]:
    """The entries a result answers with: one, two for a two-part question, or none."""
    if result.decision != "answer":
        return ()
    return result.answer_ids or ((result.answer_id,) if result.answer_id else ())


def _answer_json(entry: Entry, lang: str) -> dict[str, Any]:
    t = entry.text(lang)
    return {
        "id": entry.id,
        "title": t.title,
        "text": t.answer,
        "quote": entry.quote,
        "source": entry.source,
        "related": list(entry.related),
        "workflow": entry.workflow,
    }


def how_sure(result: Result, entry_id: str) -> tuple[float, tuple[str, ...]]:
    """One answer's own confidence and matched words, as every face shows them: a two-part
    question's half has its own; the words as the question wrote them (「使われます」, not the
    fragment 「使わ」)."""
    candidate = result.answered_as(entry_id)
    if candidate is None:
        return result.confidence, ()
    return candidate.score, whole_words(result.query, candidate.matched)


def _how_sure_json(result: Result, entry_id: str) -> dict[str, Any]:
    confidence, matched = how_sure(result, entry_id)
    return {"confidence": round(confidence, 3), "matched": list(matched)}


def result_to_json(result: Result, kb: KnowledgeBase, pinned: str | None = None) -> dict[str, Any]:
    lang = answer_language(result.lang, pinned)
    answers = [
        {**_answer_json(kb.get(i), lang), **_how_sure_json(result, i)}
        for i in answer_ids(result)
        if i in kb.entries
    ]
    topic = kb.out_of_scope.get(result.out_of_scope or "")
    out_of_scope = None
    if topic is not None:
        text = topic.text(lang)
        out_of_scope = {"id": topic.id, "title": text.title, "redirect": text.redirect}
    return {
        "query": result.query,
        "lang": lang,
        "decision": result.decision,
        "reason": result.reason,
        "answer_id": result.answer_id,
        "confidence": round(result.confidence, 3),
        "candidates": [{"id": c.id, "score": c.score} for c in result.candidates[:5]],
        "answer": answers[0] if answers else None,
        "answers": answers,
        "suggestions": list(result.suggestions),
        "out_of_scope": out_of_scope,
        "context": result.context,
    }


# JSON allows these raw, but a line-oriented reader (and JavaScript before ES2019) breaks on them.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}


def json_line(data: dict[str, Any]) -> str:
    """One JSON object on one line, UTF-8 kept readable, Unicode line separators escaped."""
    text = json.dumps(data, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


def unsure(result: Result) -> bool:
    """A decline for want of a clear match, with entries that may answer it: every face says it
    found no clear answer, not that the policy has none (it may, in other words)."""
    return (
        result.decision == "decline"
        and result.reason == "low_confidence"
        and bool(result.suggestions)
    )


def redirect_line(kb: KnowledgeBase, result: Result, lang: str) -> str:
    """ "Topic: where to ask instead" for the out-of-scope topic a result names, else ""."""
    topic = kb.out_of_scope.get(result.out_of_scope or "")
    text = topic.text(lang) if topic is not None else None
    return f"{text.title}: {text.redirect}" if text is not None and text.redirect else ""


def context_line(kb: KnowledgeBase, result: Result, lang: str) -> str:
    """The visible note that a follow-up was read with the previous answer's subject."""
    title = kb.get(result.context or "").text(lang).title
    return gettext_for(lang, N_("Read as a follow-up to: {title}")).format(title=title)


def unanswered_part(kb: KnowledgeBase, result: Result, lang: str) -> str:
    """Beside an answer, the line saying which other part of the message the policy does not
    cover, and where to ask instead; empty when the answer covers the whole message."""
    topic = kb.out_of_scope.get(result.out_of_scope or "")
    if result.decision != "answer" or topic is None:
        return ""
    text = topic.text(lang)
    line = gettext_for(
        lang, N_("The policy does not cover another part of your question: {title}.")
    )
    return sentences(lang, line.format(title=text.title), text.redirect)


def describe(result: Result, kb: KnowledgeBase, pinned: str | None = None) -> str:
    """The human-readable reply of `kotae ask`, in the answer's language."""
    lang = answer_language(result.lang, pinned)

    def tr(message: str, **values: object) -> str:
        return gettext_for(lang, message).format(**values)

    def title(entry_id: str) -> str:
        return f"{kb.get(entry_id).text(lang).title} ({entry_id})"

    lines = [f"Q: {printable(result.query[:200])}"]
    if result.context in kb.entries:
        lines.append(context_line(kb, result, lang))
    ids = [i for i in answer_ids(result) if i in kb.entries]
    if ids:
        for n, entry_id in enumerate(ids, 1):
            if len(ids) > 1:
                lines.append(
                    ("" if n == 1 else "\n") + tr(N_("Answer {n} of {total}:"), n=n, total=len(ids))
                )
            confidence, matched = how_sure(result, entry_id)
            lines += _entry_lines(kb, kb.get(entry_id), lang, f"{round(confidence * 100)}%", tr)
            if matched:
                lines.append(tr(N_("Matched: {terms}"), terms=", ".join(matched)))
        if rest := unanswered_part(kb, result, lang):
            lines += ["", rest]
        return "\n".join(lines)
    if result.decision == "clarify":
        lines.append(tr(N_("Which of these do you mean?")))
    elif result.note == "no-content":
        lines.append(tr(N_("Kotae found nothing to look up in this question.")))
    elif unsure(result):
        lines.append(tr(N_("Kotae found no clear answer to this in the data-usage policy.")))
    else:
        lines.append(tr(N_("Kotae has no answer to this in the data-usage policy.")))
        if redirect := redirect_line(kb, result, lang):
            lines.append(redirect)
    if result.suggestions:
        if result.decision == "decline":
            lines.append(tr(N_("You could ask about:")))
        lines.extend(f"  • {title(s)}" for s in result.suggestions[:3])
    if result.decision == "decline":
        topics = ", ".join(kb.topic_label(t, lang) for t in kb.by_topic())
        lines.append(tr(N_("Kotae answers questions on these topics: {topics}"), topics=topics))
    return "\n".join(lines)


def _entry_lines(kb: KnowledgeBase, entry: Entry, lang: str, percent: str, tr: Any) -> list[str]:
    t = entry.text(lang)
    head = t.title + ("  " + tr(N_("[confidence {percent}]"), percent=percent) if percent else "")
    lines = [head, "", t.answer, "", f"  「{entry.quote.strip()}」"]
    lines.append("  — " + tr(N_("Source: {source}"), source=entry.source))
    if entry.workflow:
        lines.append(tr(N_("You can start this request with the guided form in `kotae`.")))
    if entry.related:
        lines.append(tr(N_("Related questions:")))
        lines.extend(
            f"  • {kb.get(r).text(lang).title} ({r})" for r in entry.related if r in kb.entries
        )
    return lines
