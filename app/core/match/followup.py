"""A follow-up in a conversation ("and for files?", 「じゃあファイルの方は？」): not clear on its
own, it is read again with the title of the entry answered just before as context."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from app.core.knowledge import Entry
from app.core.match import model_params
from app.core.match.result import Result

# A follow-up's own best entry at this likelihood names its subject (「じゃあファイルの方は？」).
OWN_SUBJECT = 0.05


def follow_up(
    result: Result,
    previous: Entry,
    ask: Callable[[str], Result],
    off_subject: Callable[[str], bool],
) -> Result:
    """`result` is the follow-up read alone, not answered; `ask` reads a text afresh;
    `off_subject` says whether a text names a subject only out-of-scope topics know."""
    query = result.query
    if result.reason in ("empty", "no_content"):
        return result
    # The follow-up's own best entry, when its own words point somewhere ("and is it used
    # for training?" after the retention answer): context may settle it, never replace it.
    own = result.candidates[0] if result.candidates else None
    own_id = own.id if own is not None and own.score >= OWN_SUBJECT else None
    if result.reason == "out_of_scope_topic" and (own_id is None or off_subject(query)):
        # "and the price?", 「DPA の締結に費用は？」: off-topic on its own words, context or not
        return result
    again = ask(f"{query}\n{previous.text(result.lang).title}")
    # Only the previous subject or an entry it names as related: context must not wander.
    allowed = {previous.id, *previous.related}
    if own_id is not None:
        # The context sentence is no question of its own: the answer is the follow-up's own
        # entry, when read with the context it is plausible.
        found = next((c for c in again.candidates if c.id == own_id), None)
        if own_id not in allowed or found is None or found.score < model_params.CLARIFY_AT:
            return result
    elif again.decision == "answer" and set(again.answer_ids) <= allowed:
        found = again.answered_as(again.answer_ids[0])
    else:
        return result
    if found is None:
        return result
    # "Why" names only words the customer wrote, not the context sentence's.
    found = dataclasses.replace(
        found, matched=tuple(w for w in found.matched if w.casefold() in query.casefold())
    )
    return dataclasses.replace(
        again,
        query=query,
        decision="answer",
        confidence=found.score,
        answer_ids=(found.id,),
        answered=(found,),
        suggestions=(),
        reason="follow_up",
        context=previous.id,
    )
