"""Keeping one question from a short-lived process (`kotae ask`) without the store's imports.

Importing the request store costs ~35 ms (deadlines, statuses, Babel-backed messages) against
~2 ms of database work. When the store file exists and already has the question log, it is
opened directly; otherwise RequestStore creates or migrates it first.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DB_NAME = "kotae.sqlite3"  # as app.store.sqlite
BUSY_TIMEOUT_MS = 30_000


def _data_dir(explicit: Path | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("KOTAE_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("kotae"))


@contextmanager
def log_connection(data_dir: Path | None, channel: str = "cli") -> Iterator[Any]:
    """A connection inside one write transaction, for logging."""
    path = _data_dir(data_dir) / DB_NAME
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
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()
