"""Per-client token buckets kept in one SQLite file in the data directory.

Every uvicorn worker is a separate process, so a counter in memory would let a client get N
times the limit. The `limits` library shares its counters only through Redis or Memcached,
which Kotae does not otherwise need; a WAL SQLite file beside the request store is shared by
every worker on the host and costs one short write transaction per limited request.
Clients are stored as a keyed hash, never as an address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import sqlite3
import threading
import time
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.core.i18n import N_, gettext_for
from app.store.sqlite_file import immediate
from app.web.settings import Limit

DB_NAME = "web-ratelimit.sqlite3"


class RateLimiter:
    def __init__(self, data_dir: Path, secret: bytes) -> None:
        path = data_dir / DB_NAME
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._secret = secret
        self._lock = threading.Lock()
        self._con = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        path.chmod(0o600)
        self._con.execute("PRAGMA busy_timeout = 10000")
        for _ in range(200):  # switching to WAL needs a moment alone with the file
            try:
                self._con.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError:
                time.sleep(0.01)
        self._con.execute("PRAGMA synchronous = OFF")  # a lost bucket after a crash is harmless
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS buckets "
            "(key TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL)"
        )
        self._last_prune = 0.0

    def hit(self, bucket: str, client: str, limit: Limit, now: float | None = None) -> int:
        """Take one token; 0 when allowed, else the seconds to wait (for Retry-After)."""
        now = time.time() if now is None else now
        key = hmac.new(self._secret, f"{bucket}\0{client}".encode(), hashlib.sha256).hexdigest()
        rate = limit.burst / limit.per_seconds
        with self._lock, immediate(self._con):
            row = self._con.execute(
                "SELECT tokens, at FROM buckets WHERE key = ?", (key,)
            ).fetchone()
            tokens = float(limit.burst)
            if row is not None:
                tokens = min(float(limit.burst), row[0] + (now - row[1]) * rate)
            wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / rate))
            if not wait:
                tokens -= 1
            self._con.execute(
                "INSERT INTO buckets (key, tokens, at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
                (key, tokens, now),
            )
            if now - self._last_prune > 600:  # full buckets need no row
                self._last_prune = now
                self._con.execute("DELETE FROM buckets WHERE at < ?", (now - 86_400,))
        return wait

    def close(self) -> None:
        self._con.close()


def client_key(request: Request) -> str:
    return request.client.host if request.client else "-"


def rate_wait(request: Request, bucket: str) -> int:
    """Seconds this visitor must wait before another request of `bucket`; 0 when free."""
    state = request.app.state
    if not state.settings.rate_limit:
        return 0
    limit = state.settings.submit_limit if bucket == "submit" else state.settings.ask_limit
    return state.limiter.hit(bucket, client_key(request), limit)


def check_rate(request: Request, bucket: str) -> None:
    wait = rate_wait(request, bucket)
    if wait:
        raise HTTPException(429, headers={"Retry-After": str(wait)})


def wait_words(lang: str, seconds: int) -> str:
    """ "Wait 45 seconds" up to two minutes, then whole minutes: "Wait 12 minutes"."""
    if seconds < 120:
        return gettext_for(lang, N_("Wait {n} seconds, then try again.")).format(n=seconds)
    minutes = -(-seconds // 60)
    return gettext_for(lang, N_("Wait {n} minutes, then try again.")).format(n=minutes)
