"""What the wizard and the Requests screen share: the request store, the regimes, the workflows.

Each is opened on first use, so the Ask screen starts without touching the disk. Errors are the
core's own (StoreError, KnowledgeError); the screens show them.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from functools import cached_property
from pathlib import Path

from app.core.config import Config
from app.core.deadlines import Regime, load_regimes
from app.core.knowledge import KnowledgeBase, KnowledgeError
from app.core.messages import KotaeError
from app.core.workflow.engine import Workflow, load_workflow
from app.store.base import StoreBase


class Services:
    def __init__(
        self, kb: KnowledgeBase, data_dir: Path | None, config: Config | None = None
    ) -> None:
        self.kb = kb
        self.data_dir = data_dir
        self.config = config or Config()
        self._workflows: dict[str, Workflow] = {}

    @cached_property
    def store(self) -> StoreBase:
        # The shared database when one is configured ($KOTAE_DATABASE_URL, the config file),
        # else the local SQLite store.
        from app.store.factory import choose_database, open_store

        return open_store(
            choose_database(None, self.config.database),
            data_dir=self.data_dir,
            channel="tui",
            agent=self.config.agent,
            password_file=self.config.password_file,
        )

    def open_local_store(self) -> None:
        """Open the local SQLite store ahead of need (the Requests screen, the question log);
        a shared database is left to connect when used, and a failure to be shown then."""
        from app.store.factory import choose_database, is_postgres

        if is_postgres(choose_database(None, self.config.database)):
            return
        with suppress(KotaeError):  # shown by whatever needs the store next
            _ = self.store

    @cached_property
    def regimes(self) -> dict[str, Regime]:
        return load_regimes(self.kb.root)

    def workflow(self, name: str) -> Workflow:
        if name not in self._workflows:
            self._workflows[name] = load_workflow(name, self.kb)
        return self._workflows[name]

    def workflow_or_none(self, name: str) -> Workflow | None:
        """For showing stored requests: a broken definition must not hide the queue."""
        try:
            return self.workflow(name)
        except KnowledgeError:
            return None

    def regime_for(self, code: str) -> Regime:
        return self.regimes.get(code) or self.regimes["other"]

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()


def due_soon(due: date, today: date, days: int = 3) -> bool:
    """Due within `days` days from today (and not yet overdue)."""
    return 0 <= (due - today).days <= days
