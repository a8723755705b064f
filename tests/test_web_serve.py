"""`kotae serve`: its options, what it hands uvicorn, and a clear message on bad settings."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import build_parser, main
from app.web import serve as serve_module


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
