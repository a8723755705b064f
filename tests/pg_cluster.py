"""A throwaway PostgreSQL server for the tests, from the distribution's `postgresql` binaries.

initdb and pg_ctl refuse to run as root, so as root the cluster belongs to the `postgres` user
(or `kotae-test`, created when missing) and the commands run through runuser. The server listens
on a free loopback port with its unix socket inside its own temporary folder, so it never meets
a system cluster, and is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = "PostgreSQL server not found: install postgresql (apt-get install postgresql)"
SUPERUSER_PASSWORD = "kotae-test-superuser"


def find_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The unprivileged account to run the server as when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "kotae-test"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(["useradd", "--system", "--no-create-home", "kotae-test"], check=True)
    return "kotae-test"


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def run(self, tool: str, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)

    def url(self, user: str = "postgres", password: str | None = None, db: str = "postgres") -> str:
        secret = password if password is not None else SUPERUSER_PASSWORD
        return f"postgresql://{user}:{secret}@127.0.0.1:{self.port}/{db}"

    durable: bool = False  # False: no fsync, for fast tests

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                 "-w", "start")  # fmt: skip

    def restart(self) -> None:
        # -l again: without it the server would write to (and hold open) our pipe.
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-m", "fast",
                 "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, statement: str, db: str = "postgres") -> None:
        """Run SQL as the superuser through psql, the way the README's setup is run."""
        psql = self.bindir / "psql"
        subprocess.run(
            [str(psql), "-v", "ON_ERROR_STOP=1", "-q", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-d", db, "-c", statement],
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": SUPERUSER_PASSWORD},
        )  # fmt: skip


def start_cluster(durable: bool = False) -> Cluster:
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError(INSTALL_HINT)
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="kotae-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    pwfile = root / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    if user:
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir, root, _free_port(), user, durable)
    cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", f"--pwfile={pwfile}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
                "-E", "UTF8", "--locale=C", timeout=120)  # fmt: skip
    cluster.start()
    return cluster


def missing_server() -> None:
    """Skip with one line saying what to install; under KOTAE_REQUIRE_SYSTEM=1 (CI), fail."""
    if os.environ.get("KOTAE_REQUIRE_SYSTEM") == "1":
        pytest.fail(INSTALL_HINT)
    pytest.skip(INSTALL_HINT)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except FileNotFoundError:
        missing_server()
    try:
        yield cluster
    finally:
        cluster.stop()


PG_DB = "kotae_store"


@pytest.fixture(scope="session")
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A database at the latest schema, shared by the tests (emptied by `store_target`)."""
    import sqlalchemy as sa

    from app.store.postgres import PgStore

    pg_cluster.sql(f"CREATE DATABASE {PG_DB}")
    url = pg_cluster.url(db=PG_DB)
    store = PgStore(url, check_schema=False)
    store.upgrade()
    store.close()
    # pre_ping: a test restarts the server under this engine's pooled connection.
    engine = sa.create_engine(url.replace("postgresql:", "postgresql+psycopg:"), pool_pre_ping=True)
    _ENGINES[url] = engine
    yield url
    engine.dispose()


_ENGINES: dict[str, object] = {}


def empty_database(url: str) -> None:
    """Remove every row, the append-only event log's too (the superuser may skip triggers)."""
    engine = _ENGINES[url]
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql("TRUNCATE requests, events, drafts, counters RESTART IDENTITY")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store test's store lives: a data directory, or the test database emptied."""
    if request.param == "sqlite":
        return str(tmp_path / "data")
    url = request.getfixturevalue("pg_url")
    empty_database(url)
    return url
