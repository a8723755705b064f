"""What is PostgreSQL's own: the README's roles and what each may do, schema versions, copying
a SQLite queue over, a connection cut right at COMMIT, and clients outliving a server restart.
The server is started by tests/pg_cluster.py; without one these tests skip (CI: fail)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_cluster import Cluster
from pg_proxy import CommitCutter

from app.cli.main import main
from app.core.deadlines import Regime, load_regimes
from app.core.paths import knowledge_dir
from app.core.records import RequestNotFound, StoreError, UncertainSubmission
from app.store import schema
from app.store.factory import open_store
from app.store.postgres import PgStore

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "store-0.1.0"


@pytest.fixture(scope="module")
def regime() -> Regime:
    return load_regimes(knowledge_dir())["other"]


def _readme_sql() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- roles-sql[^>]*-->\s*```sql\n(.*?)```", text, re.S)
    assert found, "the README's role setup block is missing"
    return found.group(1)


def _readme_password(role: str) -> str:
    found = re.search(rf"CREATE ROLE {role} LOGIN PASSWORD '([^']+)'", _readme_sql())
    assert found
    return found.group(1)


@pytest.fixture(scope="module")
def team(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The README's database and roles, upgraded by the migrator: role -> URL."""
    script = tmp_path_factory.mktemp("sql") / "roles.sql"
    script.write_text(_readme_sql(), encoding="utf-8")
    script.parent.chmod(0o755)
    script.chmod(0o644)
    pg_cluster.sql(f"\\i {script}")
    urls = {
        role: pg_cluster.url(role, _readme_password(role), "kotae")
        for role in ("migrator", "agent", "web")
    }
    with PgStore(urls["migrator"], check_schema=False) as store:
        assert store.upgrade() == (0, schema.LATEST)
        # again: nothing to do, grants re-applied
        assert store.upgrade() == (schema.LATEST, schema.LATEST)
    return urls


def _as(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url.replace("postgresql:", "postgresql+psycopg:"))
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_roles_agent_cannot_rewrite_history_and_web_sees_only_its_request(
    team: dict[str, str], regime: Regime
) -> None:
    with PgStore(team["agent"], agent="sato") as agent:
        ref = agent.create_request("deletion", {"n": 1}, lang="en", regime=regime).reference
        agent.claim(ref)
        [submitted, assigned] = agent.events(ref)
        assert (submitted.actor, submitted.db_user) == ("sato", "agent")
        assert (assigned.actor, assigned.db_user) == ("sato", "agent")
    for sql in ("UPDATE events SET note = 'x'", "DELETE FROM events", "TRUNCATE events"):
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            _as(team["agent"], sql)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            _as(team["migrator"], sql)  # even the owner
    with pytest.raises(sa.exc.ProgrammingError, match=r"must be owner|permission denied"):
        _as(team["agent"], "DROP TABLE requests")

    with PgStore(team["web"], channel="web", agent="web") as web:
        mine = web.create_request(
            "dpa", {"n": 2}, lang="ja", regime=regime, access_token_hash="b" * 64
        )
        assert web.list_requests() == []  # nobody else's requests, not even its own unasked
        with pytest.raises(RequestNotFound):
            web.get(ref)
        assert web.find_by_access_token("b" * 64) == mine
        with web.requester("b" * 64):
            assert [r.reference for r in web.list_requests()] == [mine.reference]
            [event] = web.events(mine.reference)
            assert event.db_user == "web"
            with pytest.raises(RequestNotFound):
                web.get(ref)
    assert _as(team["web"], "SELECT count(*) FROM requests") == [(0,)]
    assert _as(team["web"], "UPDATE requests SET status = 'denied'") == []
    with PgStore(team["agent"], agent="suzuki") as agent:
        # The agents' queue holds both, the web request unchanged.
        queue = {r.reference: r for r in agent.list_requests()}
        assert set(queue) == {ref, mine.reference} and queue[ref].status == "submitted"
        assert queue[mine.reference].channel == "web"


def test_a_schema_newer_or_older_than_this_kotae_is_refused(pg_cluster: Cluster) -> None:
    pg_cluster.sql("CREATE DATABASE kotae_versions")
    url = pg_cluster.url(db="kotae_versions")
    with pytest.raises(StoreError, match="kotae db upgrade"):
        PgStore(url)
    with PgStore(url, check_schema=False) as store:
        store.upgrade()
    pg_cluster.sql("UPDATE schema_version SET version = 99", db="kotae_versions")
    with pytest.raises(StoreError, match="newer") as refused:
        PgStore(url)
    assert "kotae-test-superuser" not in refused.value.message("en")  # the URL is masked


def test_db_copy_moves_a_0_1_0_sqlite_queue_and_is_safe_to_rerun(
    pg_cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    pg_cluster.sql("CREATE DATABASE kotae_copy")
    url = pg_cluster.url(db="kotae_copy")
    monkeypatch.setenv("KOTAE_DATABASE_URL", url)  # the password stays in the environment
    monkeypatch.setenv("KOTAE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    assert main(["db", "upgrade"]) == 0
    target = f"postgresql://postgres@127.0.0.1:{pg_cluster.port}/kotae_copy"
    assert main(["db", "copy", "--from", f"sqlite:///{data}", "--to", target]) == 0
    out = capsys.readouterr().out
    for line in ("requests: 3 in the source, 3 added", "events: 7 in the source, 7 added",
                 "drafts: 2 in the source, 2 added", "checks out"):  # fmt: skip
        assert line in out
    assert main(["db", "copy", "--from", f"sqlite:///{data}", "--to", target]) == 0
    again = capsys.readouterr().out
    assert "requests: 3 in the source, 0 added" in again and "events: 7 in the source, 0" in again
    with open_store(str(data)) as sqlite, PgStore(url) as pg:
        assert pg.list_requests() == sqlite.list_requests()
        for request in sqlite.list_requests():
            strip = [(e.at, e.actor, e.action, e.from_status, e.to_status, e.note, e.reason)
                     for e in sqlite.events(request.reference)]  # fmt: skip
            assert strip == [(e.at, e.actor, e.action, e.from_status, e.to_status, e.note,
                              e.reason) for e in pg.events(request.reference)]  # fmt: skip
        assert pg.get_draft("deletion", owner="agent:sato") == sqlite.get_draft(
            "deletion", owner="agent:sato"
        )
        regime = load_regimes(knowledge_dir())["other"]
        assert _next_reference(pg, regime) == "DEL-2026-000003"  # the counter came along


def _next_reference(store: PgStore, regime: Regime) -> str:
    from datetime import datetime

    return store.create_request(
        "deletion", {}, lang="en", regime=regime, now=datetime(2026, 12, 1, 9, 0)
    ).reference


@pytest.mark.parametrize("forward_commit", [True, False], ids=["committed", "rolled-back"])
def test_a_connection_cut_at_commit_files_exactly_one_request_and_prints_it(
    pg_cluster: Cluster,
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    forward_commit: bool,
) -> None:
    from pg_cluster import empty_database

    empty_database(pg_url)
    proxy = CommitCutter(pg_cluster.port, forward_commit=forward_commit)
    answers = tmp_path / "a.toml"
    answers.write_text(
        'scope = ["account"]\nemail = "taro@example.com"\norg_id = "org-AbC123xyz"\n'
        'country = "DE"\nack_irreversible = true\nack_legal_retention = true\n'
    )
    monkeypatch.setenv("KOTAE_DATABASE_URL", pg_url.replace(str(pg_cluster.port), str(proxy.port)))
    monkeypatch.setenv("KOTAE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    proxy.armed = True
    try:
        code = main(["requests", "new", "deletion", "--answers", str(answers)])
    finally:
        proxy.close()
    out, err = capsys.readouterr()
    assert proxy.cut.is_set()  # the connection really was cut at COMMIT
    assert code == 0, err
    with PgStore(pg_url) as store:
        [request] = store.list_requests()
        assert out.strip() == request.reference
        assert len(store.events(request.reference)) == 1


def test_an_unconfirmed_submission_that_cannot_be_checked_says_so_and_how_to_check(
    pg_cluster: Cluster,
    pg_url: str,
    regime: Regime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pg_cluster import empty_database

    empty_database(pg_url)
    proxy = CommitCutter(pg_cluster.port, forward_commit=True)
    proxy.refuse_after_cut = True  # the database stays out of reach
    store = PgStore(pg_url.replace(str(pg_cluster.port), str(proxy.port)), retry_seconds=1)
    proxy.armed = True
    with pytest.raises(UncertainSubmission) as unsure:
        store.create_request("deletion", {"n": 1}, lang="en", regime=regime)
    store.close()
    proxy.close()
    key = unsure.value.key
    for lang in ("en", "ja"):
        assert f"kotae requests lookup {key}" in unsure.value.message(lang)
    # Once reachable, the lookup it names finds the one request.
    monkeypatch.setenv("KOTAE_DATABASE_URL", pg_url)
    monkeypatch.setenv("KOTAE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    assert main(["requests", "lookup", key]) == 0
    with PgStore(pg_url) as direct:
        [request] = direct.list_requests()
    assert capsys.readouterr().out.strip() == request.reference


WORKER = """
    import os, sys, time
    from app.core.deadlines import load_regimes
    from app.core.paths import knowledge_dir
    from app.core.records import Conflict
    from app.core.deadlines import ExtensionRefused
    from app.core.statuses import IllegalTransition
    from app.store.factory import open_store
    regimes = load_regimes(knowledge_dir())
    name, ops, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    store = open_store(os.environ["STORE_TARGET"], agent=name, retry_seconds=60)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(ops):
        time.sleep(pause)  # long enough for a restart to land mid-run
        step = i % 4
        if step == 0:
            ref = store.create_request("deletion", {"i": i}, lang="en", regime=regimes["gdpr"],
                                       actor=name).reference
            print("submitted", ref, flush=True)
        elif step == 1:
            got = store.claim_next()
            print("claimed", got.reference if got else "-", flush=True)
        elif step == 2 and got:
            try:
                store.transition(got.reference, "identity_verified", note=name,
                                 expected_version=got.version)
                print("status", got.reference, flush=True)
            except (Conflict, IllegalTransition):
                print("conflict", got.reference, flush=True)
        elif step == 3 and got:
            try:
                store.extend(got.reference, reason="complex", regimes=regimes)
                print("extended", got.reference, flush=True)
            except (Conflict, ExtensionRefused):
                print("refused", got.reference, flush=True)
    print("done", flush=True)
"""


def run_workers(
    url: str, workers: int, ops: int, *, pause: float = 0.0, during: object = None
) -> list[list[str]]:
    """Start `workers` processes doing `ops` operations each at once; `during()` runs while
    they work. Returns each one's output lines."""
    env = {**os.environ, "STORE_TARGET": url}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WORKER), f"w{n}", str(ops), str(pause)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    if callable(during):
        during()
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outputs.append(out.split("\n"))
    return outputs


def check_queue(url: str, outputs: list[list[str]] | None = None, exact: bool = True) -> int:
    """No reference lost or repeated, no change lost or doubled; returns the request count.
    Not `exact` when clients were killed: a change may be stored but not yet reported."""
    with PgStore(url) as store:
        requests = store.list_requests()
        refs = [r.reference for r in requests]
        assert len(refs) == len(set(refs))
        numbers = sorted(int(r.split("-")[2]) for r in refs)
        assert numbers == list(range(1, len(refs) + 1))  # no gap, no repeat
        for request in requests:
            events = store.events(request.reference)
            assert events[0].action == "submitted"
            changes = [e for e in events[1:] if e.action in ("assigned", "status", "extended")]
            assert request.version == 1 + len(changes), request.reference
            assert request.extensions == sum(e.action == "extended" for e in events)
    if outputs is not None:
        lines = [line.split() for out in outputs for line in out if line]
        reported = sorted(x[1] for x in lines if x[0] == "submitted")
        assert len(reported) == len(set(reported))
        assert reported == sorted(refs) if exact else set(reported) <= set(refs)
        claimed = [x[1] for x in lines if x[0] == "claimed" and x[1] != "-"]
        assert len(claimed) == len(set(claimed))  # nobody claimed a request twice
        with PgStore(url) as store:
            for kind, action in (("status", "status"), ("extended", "extended")):
                done = sorted(x[1] for x in lines if x[0] == kind)
                logged = sorted(
                    r.reference
                    for r in store.list_requests()
                    for e in store.events(r.reference)
                    if e.action == action
                )
                assert done == logged if exact else set(done) <= set(logged)
    return len(refs)


def test_four_clients_survive_a_server_restart_with_nothing_lost_or_doubled(
    pg_cluster: Cluster,
) -> None:
    pg_cluster.sql("CREATE DATABASE kotae_restart")
    url = pg_cluster.url(db="kotae_restart")
    with PgStore(url, check_schema=False) as store:
        store.upgrade()

    before_restart = []

    def restart() -> None:
        while _count(url) < 2:
            time.sleep(0.02)
        before_restart.append(_count(url))
        pg_cluster.restart()

    outputs = run_workers(url, 4, 25, pause=0.02, during=restart)
    assert all("done" in out for out in outputs)
    assert check_queue(url, outputs) == 4 * 7  # 25 operations: 7 submissions each
    assert before_restart[0] < 4 * 7  # the restart came in the middle of the run


def _count(url: str) -> int:
    return int(_as(url, "SELECT count(*) FROM requests")[0][0])


def test_a_missing_server_skips_with_one_line_but_fails_where_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pg_cluster import INSTALL_HINT, missing_server

    monkeypatch.delenv("KOTAE_REQUIRE_SYSTEM", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install postgresql"):
        missing_server()
    monkeypatch.setenv("KOTAE_REQUIRE_SYSTEM", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        missing_server()
    assert str(failed.value) == INSTALL_HINT and "\n" not in INSTALL_HINT


def test_the_password_comes_from_a_file_or_pgpassfile_and_sslmode_is_honoured(
    team: dict[str, str],
    pg_cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bare = f"postgresql://agent@127.0.0.1:{pg_cluster.port}/kotae"
    secret = tmp_path / "db-password"
    secret.write_text(_readme_password("agent") + "\n")
    config = tmp_path / "config.toml"
    config.write_text(f'database = "{bare}"\nagent = "sato"\npassword_file = "db-password"\n')
    monkeypatch.setenv("KOTAE_CONFIG", str(config))
    monkeypatch.delenv("KOTAE_DATABASE_URL", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    assert main(["db", "status"]) == 0  # from the config's password_file
    assert f"Store: {bare}" in capsys.readouterr().out
    config.write_text(f'database = "{bare}"\n')
    assert main(["requests", "list"]) == 1  # no password anywhere: a clear refusal
    assert "Cannot reach the database" in capsys.readouterr().err
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pg_cluster.port}:kotae:agent:{_readme_password('agent')}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert main(["requests", "list"]) == 0  # libpq's password file
    capsys.readouterr()
    config.write_text(f'database = "{bare}?sslmode=require"\n')  # this server has no TLS
    assert main(["requests", "list"]) == 1
    assert "SSL" in capsys.readouterr().err


def test_claiming_skips_a_request_another_agent_is_claiming(pg_url: str, regime: Regime) -> None:
    from pg_cluster import empty_database

    empty_database(pg_url)
    with PgStore(pg_url, agent="sato") as sato, PgStore(pg_url, agent="suzuki") as suzuki:
        first = sato.create_request("deletion", {}, lang="en", regime=regime).reference
        second = sato.create_request("deletion", {}, lang="en", regime=regime).reference
        # Another agent's claim is in flight: the oldest request is locked, not yet assigned.
        with sato.engine.connect() as other:
            other.execute(
                sa.text("SELECT 1 FROM requests WHERE reference = :r FOR UPDATE"), {"r": first}
            )
            started = time.monotonic()
            claimed = suzuki.claim_next()
            assert time.monotonic() - started < 2  # no waiting for the other claim
            other.rollback()
        assert (claimed.reference, claimed.assignee) == (second, "suzuki")
        assert sato.claim_next().reference == first


def test_the_web_site_files_shows_and_withdraws_as_the_web_role(
    team: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_web_routes import DELETION, csrf, fill, main_text, make_client

    monkeypatch.setenv("KOTAE_DATABASE_URL", team["web"])
    client = make_client(tmp_path)
    page = fill(client, "en", "deletion", DELETION)
    found = re.search(r"DEL-\d{4}-\d{6}", main_text(page.text))
    assert found and "/received" in str(page.url)
    reference = found.group(0)
    token = str(page.url).split("/status/")[1].split("/")[0]
    assert "Request received" in main_text(client.get(f"/en/status/{token}").text)
    done = client.post(
        f"/en/status/{token}/withdraw", data={"csrf": csrf(client), "confirm": "yes"}
    )
    assert "withdrawn" in main_text(done.text)
    with PgStore(team["agent"]) as agent:  # the agents see it in the shared queue
        filed = agent.get(reference)
        assert (filed.channel, filed.status) == ("web", "withdrawn")
        assert [(e.action, e.actor, e.db_user) for e in agent.events(reference)] == [
            ("submitted", "requester", "web"),
            ("status", "requester", "web"),
        ]
