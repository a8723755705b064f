"""Where the SQLite store lives and how it is written, using only the standard library.

Kept apart from app.store.sqlite so that a short-lived `kotae ask` can log a question without
importing the store (deadlines, statuses, Babel-backed messages).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.paths import user_dir

DB_NAME = "kotae.sqlite3"
ENV_DATA_DIR = "KOTAE_DATA_DIR"
BUSY_TIMEOUT_MS = 30_000


def default_data_dir(explicit: str | Path | None = None) -> Path:
    """--data-dir, else $KOTAE_DATA_DIR, else the per-user data directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    return user_dir("data")


@contextmanager
def immediate(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock at once (other writers wait for it)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
