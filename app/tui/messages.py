"""Messages widgets post upwards; the app or a screen decides what they do."""

from __future__ import annotations

from textual.message import Message


class StartWorkflow(Message):
    """The user asked to start a guided request (deletion, DPA) from an answer."""

    def __init__(self, workflow_name: str, entry_id: str) -> None:
        super().__init__()
        self.workflow_name = workflow_name
        self.entry_id = entry_id


class ShowEntry(Message):
    """The user picked an entry: a clarify choice, a suggestion or a related question."""

    def __init__(self, entry_id: str, lang: str, reason: str) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.lang = lang  # the language the entry was offered in
        self.reason = reason  # "pick" | "related" | "suggestion"


class OpenTopic(Message):
    """The user wants to see every entry of a topic (from a decline card)."""

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic
