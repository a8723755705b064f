"""`kotae serve`: run the web site under uvicorn, with settings every worker shares."""

from __future__ import annotations

import copy
import os
import socket
import sys
from pathlib import Path

import uvicorn

from app.core.config import ConfigError
from app.core.i18n import _
from app.core.knowledge import KnowledgeError
from app.core.messages import KotaeError
from app.web.settings import Settings


class NoDelayConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        # uvicorn binds `socket.socket(family)`, whose proto is 0; asyncio then skips
        # TCP_NODELAY on the connections the workers accept, and every keep-alive response
        # body waited ~40 ms for the client's delayed ACK (measured with `make bench`).
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        return sock


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    data_dir: Path | None,
    knowledge: Path | None,
    trust_proxy: str | None,
) -> int:
    """Start uvicorn; returns an exit code. Settings reach the workers through the environment."""
    if data_dir:
        os.environ["KOTAE_DATA_DIR"] = str(data_dir.resolve())
    if knowledge:
        os.environ["KOTAE_WEB_KNOWLEDGE"] = str(knowledge.resolve())
    try:
        # Read once here: the secret key file is created before any worker starts, and a bad
        # setting stops the command with a message instead of every worker with a traceback.
        settings = Settings.from_env()
        from app.web.app import create_app

        probe = create_app(settings)
        probe.state.store.close()
        probe.state.limiter.close()
    except (ValueError, OSError, KotaeError, KnowledgeError, ConfigError) as exc:
        print(_("Cannot start the web site: {error}").format(error=exc), file=sys.stderr)
        return 2
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config["formatters"]["kotae"] = {"format": "%(asctime)s %(name)s %(message)s"}
    log_config["handlers"]["kotae"] = {
        "class": "logging.StreamHandler",
        "formatter": "kotae",
        "stream": "ext://sys.stderr",
    }
    log_config["loggers"]["kotae"] = {"handlers": ["kotae"], "level": "INFO", "propagate": False}
    if not settings.rate_limit:
        print("kotae serve: rate limits are off (KOTAE_WEB_RATE_LIMIT=off)", file=sys.stderr)
    config = NoDelayConfig(
        "app.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # ours logs the route template, never the path (see security.Guard)
        proxy_headers=trust_proxy is not None,
        forwarded_allow_ips=trust_proxy or "",
        server_header=False,
        log_config=log_config,
        log_level="info",
        timeout_graceful_shutdown=5,
    )
    try:
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass
    return 0
