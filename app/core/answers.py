"""Renderings of a matcher result shared by the CLI and the TUI: plain text, JSON, copy text."""

from __future__ import annotations

from typing import Any

from app.core.i18n import N_, gettext_for
from app.core.knowledge import Entry, KnowledgeBase
from app.core.match.matcher import Result
from app.core.match.text import printable


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


def result_to_json(result: Result, kb: KnowledgeBase, pinned: str | None = None) -> dict[str, Any]:
    lang = answer_language(result.lang, pinned)
    answer = None
    if result.answer_id:
        entry = kb.get(result.answer_id)
        t = entry.text(lang)
        answer = {
            "id": entry.id,
            "title": t.title,
            "text": t.answer,
            "quote": entry.quote,
            "source": entry.source,
            "related": list(entry.related),
            "workflow": entry.workflow,
        }
    return {
        "query": result.query,
        "lang": lang,
        "decision": result.decision,
        "answer_id": result.answer_id,
        "confidence": round(result.confidence, 3),
        "candidates": [{"id": c.id, "score": c.score} for c in result.candidates[:5]],
        "answer": answer,
        "suggestions": list(result.suggestions),
    }


def describe(result: Result, kb: KnowledgeBase, pinned: str | None = None) -> str:
    """The human-readable reply of `kotae ask`, in the answer's language."""
    lang = answer_language(result.lang, pinned)

    def tr(message: str, **values: object) -> str:
        return gettext_for(lang, message).format(**values)

    def title(entry_id: str) -> str:
        return f"{kb.get(entry_id).text(lang).title} ({entry_id})"

    lines = [f"Q: {printable(result.query[:200])}"]
    percent = f"{round(result.confidence * 100)}%"
    if result.answer_id:
        entry = kb.get(result.answer_id)
        t = entry.text(lang)
        lines.append(t.title + "  " + tr(N_("[confidence {percent}]"), percent=percent))
        lines += ["", t.answer, "", f"  「{entry.quote.strip()}」"]
        lines.append("  — " + tr(N_("Source: {source}"), source=entry.source))
        if result.candidates[0].matched:
            matched = ", ".join(result.candidates[0].matched)
            lines.append(tr(N_("Matched: {terms}"), terms=matched))
        if entry.workflow:
            lines.append(tr(N_("You can start this request with the guided form in `kotae`.")))
        if entry.related:
            lines.append(tr(N_("Related questions:")))
            lines.extend(f"  • {title(r)}" for r in entry.related if r in kb.entries)
        return "\n".join(lines)
    if result.decision == "clarify":
        lines.append(tr(N_("Which of these do you mean?")))
    elif result.note == "no-content":
        lines.append(tr(N_("Kotae found nothing to look up in this question.")))
    else:
        lines.append(tr(N_("Kotae has no answer to this in the data-usage policy.")))
    if result.suggestions:
        if result.decision == "decline":
            lines.append(tr(N_("You could ask about:")))
        lines.extend(f"  • {title(s)}" for s in result.suggestions[:3])
    if result.decision == "decline":
        topics = ", ".join(kb.topic_label(t, lang) for t in kb.by_topic())
        lines.append(tr(N_("Kotae answers questions on these topics: {topics}"), topics=topics))
    return "\n".join(lines)
