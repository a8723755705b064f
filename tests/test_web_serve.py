"""`kotae serve`: its options, what it hands uvicorn, and a clear message on bad settings."""

from __future__ import annotations

import socket
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.cli.main import build_parser, main
from app.web import serve as serve_module
from app.web.app import create_app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Capture the uvicorn config instead of serving."""
    configs: list[Any] = []

    class FakeServer:
        def __init__(self, config: Any) -> None:
            configs.append(config)

        def run(self) -> None:
            pass

    monkeypatch.setattr(serve_module.uvicorn, "Server", FakeServer)
    return configs


def test_defaults_listen_on_loopback_and_ignore_forwarded_headers(
    tmp_path: Path, started: list[Any]
) -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers, args.trust_proxy) == ("127.0.0.1", 8080, 1, None)
    assert main(["--data-dir", str(tmp_path), "serve", "--port", "8099"]) == 0
    [config] = started
    assert config.host == "127.0.0.1" and config.port == 8099
    assert config.proxy_headers is False and config.access_log is False
    assert (tmp_path / "web-secret.key").exists()


def test_forwarded_headers_are_trusted_only_when_asked(tmp_path: Path, started: list[Any]) -> None:
    main(["--data-dir", str(tmp_path), "serve", "--trust-proxy", "10.0.0.5"])
    [config] = started
    assert config.proxy_headers is True and config.forwarded_allow_ips == "10.0.0.5"


def test_a_bad_setting_is_a_message_not_a_traceback(
    tmp_path: Path, started: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("KOTAE_WEB_ASK_LIMIT", "many")
    assert main(["--data-dir", str(tmp_path), "serve"]) == 2
    err = capsys.readouterr().err
    assert "Cannot start the web site" in err and "Traceback" not in err
    assert started == []


def test_the_workers_socket_is_tcp_so_nagle_is_off() -> None:
    config = serve_module.NoDelayConfig("app.web.app:create_app_from_env", port=0)
    sock = config.bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_the_site_counts_days_in_the_configured_time_zone(tmp_path: Path) -> None:
    from app.core import deadlines
    from app.web.settings import Settings

    config = tmp_path / "config.toml"
    config.write_text('timezone = "America/Los_Angeles"\n', encoding="utf-8")
    env = {"KOTAE_DATA_DIR": str(tmp_path / "data"), "KOTAE_CONFIG": str(config)}
    settings = Settings.from_env(env)
    assert settings.timezone == "America/Los_Angeles"
    try:
        create_app(settings)
        # 2026-03-01 03:00 in Tokyo is still 28 February in Los Angeles.
        tokyo = datetime(2026, 3, 1, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
        assert deadlines.receipt_day(tokyo) == date(2026, 2, 28)
    finally:
        deadlines.set_timezone("Asia/Tokyo")
