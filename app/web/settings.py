"""Settings of the web site, read from the environment so that every uvicorn worker sees the
same ones (`kotae serve` sets them before the workers start)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.core.config import load_config
from app.core.match.splitter import MAX_MESSAGE_CHARS
from app.store.sqlite import default_data_dir

SECRET_FILE = "web-secret.key"
MAX_BODY = 64 * 1024  # bytes of a request body
MAX_QUESTION = MAX_MESSAGE_CHARS  # characters of a question: as much as the matcher reads


@dataclass(frozen=True)
class Limit:
    """A token bucket: `burst` requests at once, refilled at burst/per_seconds a second."""

    burst: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "20/60" = 20 requests per 60 seconds."""
        count, _, seconds = text.partition("/")
        limit = cls(int(count), float(seconds or 60))
        if limit.burst < 1 or limit.per_seconds <= 0:
            raise ValueError(text)
        return limit


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    secret_key: bytes
    knowledge: Path | None = None
    rate_limit: bool = True  # KOTAE_WEB_RATE_LIMIT=off lifts every limit (load benches only)
    ask_limit: Limit = Limit(20, 60)
    submit_limit: Limit = Limit(5, 3600)
    draft_hours: float = 24.0
    contact: str = ""  # a human contact shown when Kotae has no answer
    timezone: str = "Asia/Tokyo"  # days of receipt (and so due dates) are counted in it
    log_questions: str = "unanswered"  # config log_questions: which questions are kept
    question_log_days: int = 30  # config question_log_days: then they are purged

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = default_data_dir(env.get("KOTAE_DATA_DIR"))
        knowledge = env.get("KOTAE_WEB_KNOWLEDGE")
        config_path = Path(env["KOTAE_CONFIG"]) if env.get("KOTAE_CONFIG") else None
        config = load_config(config_path)
        return cls(
            data_dir=data_dir,
            secret_key=load_secret(data_dir, env),
            knowledge=Path(knowledge) if knowledge else None,
            rate_limit=env.get("KOTAE_WEB_RATE_LIMIT", "on").lower() not in ("off", "0", "no"),
            ask_limit=Limit.parse(env.get("KOTAE_WEB_ASK_LIMIT", "20/60")),
            submit_limit=Limit.parse(env.get("KOTAE_WEB_SUBMIT_LIMIT", "5/3600")),
            draft_hours=float(env.get("KOTAE_WEB_DRAFT_HOURS", "24")),
            contact=env.get("KOTAE_WEB_CONTACT", ""),
            # The same office time zone as the agents' (config file), so due dates agree.
            timezone=config.timezone,
            log_questions=config.log_mode(),
            question_log_days=config.question_log_days,
        )


def load_secret(data_dir: Path, env: dict[str, str]) -> bytes:
    """The key every worker signs with: $KOTAE_SECRET_KEY, else the file named by
    $KOTAE_SECRET_KEY_FILE, else <data dir>/web-secret.key (created 0600 when missing)."""
    if env.get("KOTAE_SECRET_KEY"):
        return env["KOTAE_SECRET_KEY"].encode()
    path = Path(env.get("KOTAE_SECRET_KEY_FILE") or data_dir / SECRET_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another worker wrote it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise ValueError(f"{path}: the secret key must have at least 32 characters")
    return key.encode()
