"""Keeping one question from a short-lived process (`kotae ask`) without the store's imports.

Importing the request store costs ~35 ms (deadlines, statuses, Babel-backed messages) against
~2 ms of database work. When the store file exists and already has the question log, it is
opened directly; otherwise RequestStore creates or migrates it first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.store.sqlite_file import BUSY_TIMEOUT_MS, DB_NAME, default_data_dir, immediate


@contextmanager
def log_connection(data_dir: Path | None, channel: str = "cli") -> Iterator[Any]:
    """A connection inside one write transaction, for logging."""
    path = default_data_dir(data_dir) / DB_NAME
    con = None
    if path.is_file():
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'question_log'"
        ).fetchone()
        if not found:
            con.close()
            con = None
    if con is None:
        from app.store.questions import transaction
        from app.store.sqlite import RequestStore

        with RequestStore(data_dir, channel=channel) as store, transaction(store) as c:
            yield c
        return
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with immediate(con):
            yield con
    finally:
        con.close()
