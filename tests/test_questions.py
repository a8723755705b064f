"""The question log and answer feedback in the request store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli.main import main
from app.core.config import ConfigError, load_config
from app.store import questions as ql
from app.store.sqlite import RequestStore

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> RequestStore:
    with RequestStore(tmp_path / "data") as s:
        yield s


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    monkeypatch.setenv("KOTAE_CONFIG", str(path))
    monkeypatch.delenv("KOTAE_LOG_QUESTIONS")


def _logged(data_dir: Path) -> list[ql.LoggedQuestion]:
    with RequestStore(data_dir) as s, ql.transaction(s) as con:
        return ql.questions(con)


def test_a_logged_question_is_masked(store: RequestStore) -> None:
    with ql.transaction(store) as con:
        qid = ql.log_question(
            con,
            channel="web",
            lang="ja",
            question="お世話になります。料金は？ 090-1234-5678 の山田まで。taro@example.jp",
            decision="decline",
            confidence=0.1,
            now=NOW,
        )
        assert qid is not None
        q = ql.get_question(con, qid)
    assert q is not None and q.channel == "web" and q.at == "2026-11-29T12:00:00Z"
    assert "料金は?" in q.question
    assert "090" not in q.question and "taro" not in q.question and "[phone]" in q.question
    raw = (store.data_dir / "kotae.sqlite3").read_bytes()
    assert b"taro@example.jp" not in raw


def test_nothing_is_kept_of_a_greeting_only(store: RequestStore) -> None:
    with ql.transaction(store) as con:
        assert (
            ql.log_question(
                con, channel="cli", lang="en", question="Hello!", decision="decline", confidence=0
            )
            is None
        )
        assert ql.count_rows(con) == (0, 0)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("unanswered", ["What is the price per token?"]), ("all", None), ("off", [])],
)
def test_kotae_ask_logs_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, expected: list[str] | None
) -> None:
    _config(tmp_path, monkeypatch, f'log_questions = "{mode}"\n')
    data = tmp_path / "d"
    assert main(["--data-dir", str(data), "ask", "What is the price per token?"]) == 0
    assert main(["--data-dir", str(data), "ask", "保存期間は？"]) == 0
    if mode == "off":
        # The log off means nothing is written: not even the store file.
        assert not (data / "kotae.sqlite3").exists()
        return
    got = sorted(q.question for q in _logged(data))
    assert got == sorted(expected or ["What is the price per token?", "保存期間は?"])


def test_batch_never_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, 'log_questions = "all"\n')
    f = tmp_path / "qs.txt"
    f.write_text("What is the price per token?\n保存期間は？\n", encoding="utf-8")
    data = tmp_path / "d"
    assert main(["--data-dir", str(data), "ask", "--batch", str(f)]) == 0
    assert not (data / "kotae.sqlite3").exists()


def test_feedback_is_stored_and_counted(store: RequestStore) -> None:
    with ql.transaction(store) as con:
        for helpful in (True, True, False):
            ql.record_feedback(
                con,
                channel="tui",
                lang="en",
                entry_id="faq.dpa",
                decision="answer",
                confidence=0.8,
                helpful=helpful,
                comment="not what I asked, mail me at a@b.co" if not helpful else "ignored",
                question="Can I get the DPA signed by Friday?",
            )
        ql.record_feedback(
            con,
            channel="web",
            lang="ja",
            entry_id="faq.hipaa",
            decision="answer",
            confidence=0.7,
            helpful=False,
        )
        votes = ql.votes(con)
        logged = ql.questions(con)
    # Most "no" first; on a tie, the entry no one found helpful.
    assert [(v.entry_id, v.yes, v.no) for v in votes] == [("faq.hipaa", 0, 1), ("faq.dpa", 2, 1)]
    assert votes[1].comments == ("not what I asked, mail me at [email]",)
    # A "no" keeps its question, so editors can see what was asked.
    assert [(q.question, q.reason, q.answer_id) for q in logged] == [
        ("Can I get the DPA signed by Friday?", "feedback-no", "faq.dpa")
    ]


def test_feedback_with_the_log_off_keeps_only_the_vote(store: RequestStore) -> None:
    with ql.transaction(store) as con:
        ql.record_feedback(
            con,
            channel="tui",
            lang="en",
            entry_id="faq.dpa",
            decision="answer",
            confidence=0.8,
            helpful=False,
            comment="wrong",
            question="DPA?",
            mode="off",
        )
        assert ql.count_rows(con) == (0, 1)
        assert ql.votes(con)[0].comments == ()


def test_purge_by_age(store: RequestStore) -> None:
    with ql.transaction(store) as con:
        for days in (40, 31, 1):
            qid = ql.log_question(
                con,
                channel="cli",
                lang="en",
                question=f"question {days}",
                decision="decline",
                confidence=0.1,
                now=NOW - timedelta(days=days),
            )
            ql.record_feedback(
                con,
                channel="cli",
                lang="en",
                entry_id="faq.dpa",
                decision="answer",
                confidence=0.5,
                helpful=False,
                comment=f"comment {days}",
                question_log_id=qid,
                now=NOW - timedelta(days=days),
            )
    assert ql.purge_questions(store, 30, now=NOW) >= 2
    with ql.transaction(store) as con:
        assert [q.question for q in ql.questions(con)] == ["question 1"]
        votes = ql.votes(con)
    assert votes[0].no == 3  # the votes stay
    assert votes[0].comments == ("comment 1",)  # the old comments do not


def test_insights_purge_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, "question_log_days = 10\n")
    data = tmp_path / "d"
    with RequestStore(data) as s, ql.transaction(s) as con:
        ql.log_question(
            con,
            channel="cli",
            lang="en",
            question="old one",
            decision="decline",
            confidence=0.0,
            now=datetime.now(UTC) - timedelta(days=11),
        )
        ql.log_question(
            con,
            channel="cli",
            lang="en",
            question="new one",
            decision="decline",
            confidence=0.0,
        )
    assert main(["--data-dir", str(data), "insights", "purge"]) == 0
    assert [q.question for q in _logged(data)] == ["new one"]
    assert main(["--data-dir", str(data), "insights", "purge", "--older-than", "0"]) == 0
    assert _logged(data) == []


def test_config_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, 'log_questions = "all"\nquestion_log_days = 7\n')
    config = load_config()
    assert (config.log_mode(), config.question_log_days) == ("all", 7)
    monkeypatch.setenv("KOTAE_LOG_QUESTIONS", "off")
    assert config.log_mode() == "off"
    for body, field in (
        ('log_questions = "some"\n', "log_questions"),
        ("question_log_days = 0\n", "question_log_days"),
        ('question_log_days = "30"\n', "question_log_days"),
    ):
        (tmp_path / "config.toml").write_text(body, encoding="utf-8")
        with pytest.raises(ConfigError, match=field):
            load_config()


def test_sql_is_written_once_for_both_drivers() -> None:
    class Connection:  # what the psycopg driver's connection reports as its module
        __module__ = "psycopg.connection"

    text = "SELECT 1 WHERE at < :cutoff AND x = '10:30' AND y LIKE 'a%'"
    assert ql._sql(Connection(), text) == (
        "SELECT 1 WHERE at < %(cutoff)s AND x = '10:30' AND y LIKE 'a%%'"
    )
    assert ql._sql(sqlite3.connect(":memory:"), text) == text
    assert all("AUTOINCREMENT" not in s and "PRAGMA" not in s for s in ql.POSTGRESQL_DDL)
    assert "IDENTITY" in ql.POSTGRESQL_DDL[0]


def test_both_backends_keep_votes_and_questions(store_target: str) -> None:
    """The same functions and migrations on SQLite and on PostgreSQL."""
    from app.store.factory import open_store

    with open_store(store_target) as s:
        with ql.transaction(s) as con:
            qid = ql.log_question(
                con,
                channel="web",
                lang="en",
                question="What about 50% off? Mail a@b.co",
                decision="decline",
                confidence=0.1,
                now=NOW - timedelta(days=40),
            )
            ql.record_feedback(
                con,
                channel="tui",
                lang="ja",
                entry_id="faq.dpa",
                decision="answer",
                confidence=0.7,
                helpful=False,
                comment="ドイツ語版が欲しい",
                question_log_id=qid,
                now=NOW,
            )
        with ql.transaction(s) as con:
            assert [q.question for q in ql.questions(con)] == ["What about 50% off?"]
            assert [(v.entry_id, v.no, v.comments) for v in ql.votes(con)] == [
                ("faq.dpa", 1, ("ドイツ語版が欲しい",))
            ]
        assert ql.purge_questions(s, 30, now=NOW) >= 1
        with ql.transaction(s) as con:
            assert ql.count_rows(con) == (0, 1)
