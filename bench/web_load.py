"""Load on loopback against `kotae serve --workers 2` (part of `make bench`).

Asks: N POSTs of questions at C concurrent keep-alive connections, beside a bare Starlette
endpoint served the same way (the ratio is what Kotae's pages cost on top of the framework).
Deletion: complete deletion requests, every step POSTed, until the status page is shown.
Rate limits are lifted for the run with KOTAE_WEB_RATE_LIMIT=off (the 429s are tested in
tests/test_web_routes.py). The client is a minimal asyncio HTTP/1.1 client, so that the client
costs little of the two cores it shares with the server.

    .venv/bin/python -m bench.web_load [--asks 5000] [--submissions 500] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "保存期間は？",
    "Is my data used for training?",
    "APIで送ったデータは学習に使われますか",
    "How do I delete my account?",
    "ファイルはいつ削除されますか？",
    "What is the price per token?",
    "SOC 2 の認証はありますか",
    "Where is my data stored?",
]
PACED = 400.0  # asks/s offered in the paced run (the target rate of the issue)
DELETION = [
    ("scope", {"scope": "account"}),
    ("account", {"email": "load@example.com", "org_id": "org-load1234"}),
    ("residence", {"country": "JP"}),
    ("note", {"note": ""}),
    ("acknowledge", {"ack_irreversible": "yes", "ack_legal_retention": "yes"}),
    ("review", {}),
]


class Connection:
    """One keep-alive HTTP/1.1 connection with its own cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        body = urllib.parse.urlencode(form or {}).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
                if key.lower() == "set-cookie":
                    self.cookie = value.strip().split(";", 1)[0]
        content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, content

    def close(self) -> None:
        self.writer.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(
    command: list[str], port: int, probe: str, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1).read()
            return proc
        except urllib.error.HTTPError:  # an answer, even an error, means it is up
            return proc
        except OSError as exc:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {command}") from exc
            time.sleep(0.1)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _report(name: str, latencies: list[float], errors: int, seconds: float, unit: str) -> float:
    rate = len(latencies) / seconds
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        f"{name:34} {len(latencies):6} {unit:>5}  {rate:8.0f}/s  p50 {q[49]:6.1f} ms  "
        f"p95 {q[94]:6.1f} ms  errors {errors}"
    )
    return rate


async def _asks(
    port: int, total: int, concurrency: int, kotae: bool, rate: float | None = None
) -> tuple[list[float], int, float]:
    """Closed loop (each connection sends as soon as it has its answer), or paced at `rate`
    requests/s in all (latency then counts from when the request was due, so a server that
    falls behind is not flattered)."""
    latencies: list[float] = []
    errors = 0
    todo = iter(range(total))
    csrf_re = re.compile(rb'name="csrf" value="([0-9a-f]{64})"')

    async def worker() -> None:
        nonlocal errors
        conn = Connection(port)
        await conn.open()
        token = ""
        if kotae:
            _s, _h, page = await conn.request("GET", "/ja/")
            token = csrf_re.search(page).group(1).decode()  # type: ignore[union-attr]
        for i in todo:
            form = {"q": QUESTIONS[i % len(QUESTIONS)], "csrf": token}
            started = time.perf_counter()
            if rate:
                started = begin + i / rate
                await asyncio.sleep(max(0.0, started - time.perf_counter()))
            status, _h, _b = await conn.request("POST", "/ja/ask" if kotae else "/ask", form)
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status != 200
        conn.close()

    begin = started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def _deletions(
    port: int, total: int, concurrency: int
) -> tuple[list[float], int, float, int]:
    latencies: list[float] = []
    errors = 0
    requests = 0
    todo = iter(range(total))
    csrf_re = re.compile(rb'name="csrf" value="([0-9a-f]{64})"')

    async def worker() -> None:
        nonlocal errors, requests
        conn = Connection(port)
        await conn.open()
        _s, _h, page = await conn.request("GET", "/ja/request/deletion/scope")
        token = csrf_re.search(page).group(1).decode()  # type: ignore[union-attr]
        for _ in todo:
            started = time.perf_counter()
            ok = True
            for step, form in DELETION:
                status, headers, _b = await conn.request(
                    "POST", f"/ja/request/deletion/{step}", {**form, "csrf": token}
                )
                requests += 1
                ok &= status == 303
                if step == "review" and status == 303:
                    status, _h, body = await conn.request("GET", headers["location"])
                    requests += 1
                    ok &= status == 200 and b"DEL-" in body
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started, requests


def run(asks: int = 5000, submissions: int = 500, concurrency: int = 32) -> None:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "KOTAE_DATA_DIR": data, "KOTAE_WEB_RATE_LIMIT": "off"}
        kotae_port, bare_port = _free_port(), _free_port()
        serve = [sys.executable, "-m", "app", "serve", "--port", str(kotae_port), "--workers", "2"]
        bare_cmd = [sys.executable, "-m", "bench.web_bare", str(bare_port)]
        kotae = _start(serve, kotae_port, "/ja/", env)
        try:
            bare = _start(bare_cmd, bare_port, "/", env)
        except RuntimeError:
            _stop(kotae)
            raise
        try:
            print(f"{concurrency} concurrent keep-alive connections, loopback, 2 workers each")
            lat, err, secs = asyncio.run(_asks(bare_port, asks, concurrency, kotae=False))
            bare_rate = _report("bare Starlette POST", lat, err, secs, "reqs")
            lat, err, secs = asyncio.run(_asks(kotae_port, asks, concurrency, kotae=True))
            rate = _report("kotae serve: ask (answer page)", lat, err, secs, "asks")
            print(f"kotae asks/s ÷ bare requests/s: {rate / bare_rate:.2f}")
            lat, err, secs = asyncio.run(_asks(kotae_port, asks // 2, concurrency, True, PACED))
            _report(f"kotae serve: ask paced at {PACED:.0f}/s", lat, err, secs, "asks")
            lat, err, secs, reqs = asyncio.run(_deletions(kotae_port, submissions, concurrency))
            _report("kotae serve: whole deletion request", lat, err, secs, "subs")
            print(f"  ({reqs} HTTP requests, {reqs / secs:.0f}/s; latency is per whole request)")
        finally:
            _stop(kotae)
            _stop(bare)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web_load")
    parser.add_argument("--asks", type=int, default=5000)
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    run(args.asks, args.submissions, args.concurrency)


if __name__ == "__main__":
    main()
