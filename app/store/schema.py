"""The store's schema, one versioned list of migrations for both backends.

Each version is a list of statements; most run unchanged on SQLite and PostgreSQL, and where the
dialects differ (identity columns, triggers) a statement gives both spellings. Times are ISO-8601
UTC text on both, so rows read, sort and copy identically. SQLite counts applied versions in
PRAGMA user_version, PostgreSQL in the one-row table schema_version.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.questions import POSTGRESQL_DDL, SQLITE_DDL


@dataclass(frozen=True)
class Both:
    """One statement spelled for each dialect."""

    sqlite: str
    postgresql: str


_APPEND_ONLY_PG = """CREATE FUNCTION kotae_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$"""

# The columns of v1's requests and events tables, shared by both spellings above.
_REQUESTS_V1 = """
            reference TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            lang TEXT NOT NULL,
            regime TEXT NOT NULL,
            received_at TEXT NOT NULL,
            received_on TEXT NOT NULL,
            original_due_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            extensions INTEGER NOT NULL DEFAULT 0,
            contact TEXT,
            answers TEXT,
            closed_at TEXT,
            purged_at TEXT,
            updated_at TEXT NOT NULL)"""
_EVENTS_V1 = """
            reference TEXT NOT NULL,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT,
            note TEXT NOT NULL DEFAULT '',
            reason TEXT)"""


VERSIONS: list[list[str | Both]] = [
    [
        """CREATE TABLE counters (
            kind TEXT NOT NULL,
            year INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (kind, year))""",
        Both(
            "CREATE TABLE requests (id INTEGER PRIMARY KEY," + _REQUESTS_V1,
            "CREATE TABLE requests (id BIGSERIAL PRIMARY KEY," + _REQUESTS_V1,
        ),
        "CREATE INDEX requests_kind_status ON requests (kind, status)",
        Both(
            "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT," + _EVENTS_V1,
            "CREATE TABLE events (id BIGSERIAL PRIMARY KEY," + _EVENTS_V1,
        ),
        "CREATE INDEX events_reference ON events (reference)",
        Both(
            """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
            _APPEND_ONLY_PG,
        ),
        Both(
            """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
            """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION kotae_events_append_only()""",
        ),
        Both(
            "SELECT 1",
            """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION kotae_events_append_only()""",
        ),
        """CREATE TABLE drafts (
            kind TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
    ],
    [
        # Where a request came from, and the hash of the requester's secret status link.
        "ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'unknown'",
        "ALTER TABLE requests ADD COLUMN access_token_hash TEXT",
        """CREATE UNIQUE INDEX requests_access_token ON requests (access_token_hash)
            WHERE access_token_hash IS NOT NULL""",
        # A draft belongs to its owner (an agent, a web session), never to a kind alone.
        """CREATE TABLE drafts_by_owner (
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (owner, kind))""",
        "INSERT INTO drafts_by_owner SELECT CAST(:legacy_owner AS TEXT), kind, data, updated_at "
        "FROM drafts",
        "DROP TABLE drafts",
        "ALTER TABLE drafts_by_owner RENAME TO drafts",
    ],
    [
        # Team work: who holds a request, and a version that every change increments so a
        # change based on a stale view is refused instead of silently overwriting.
        "ALTER TABLE requests ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE requests ADD COLUMN assignee TEXT",
        "CREATE INDEX requests_assignee ON requests (assignee, closed_at)",
        # A submission's client-made key: a retried submission finds its request instead of
        # filing a second one.
        "ALTER TABLE requests ADD COLUMN idempotency_key TEXT",
        """CREATE UNIQUE INDEX requests_idempotency ON requests (idempotency_key)
            WHERE idempotency_key IS NOT NULL""",
        # The database account that wrote an event (beside the configured agent in actor), and
        # the key of the operation, so a retried change is recognised as already done.
        "ALTER TABLE events ADD COLUMN db_user TEXT",
        "ALTER TABLE events ADD COLUMN op_key TEXT",
        "CREATE UNIQUE INDEX events_op_key ON events (op_key) WHERE op_key IS NOT NULL",
        Both(
            "SELECT 1",
            """CREATE FUNCTION kotae_events_db_user() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN NEW.db_user := current_user; RETURN NEW; END $$""",
        ),
        Both(
            "SELECT 1",
            """CREATE TRIGGER events_db_user BEFORE INSERT ON events
            FOR EACH ROW EXECUTE FUNCTION kotae_events_db_user()""",
        ),
    ],
    # The question log and answer feedback for knowledge editors (app/store/questions.py).
    [Both(a, b) if a != b else a for a, b in zip(SQLITE_DDL, POSTGRESQL_DDL, strict=True)],
]


def statements(dialect: str) -> list[list[str]]:
    """Every version's statements in one dialect ("sqlite" or "postgresql")."""
    out: list[list[str]] = []
    for version in VERSIONS:
        texts = []
        for stmt in version:
            text = getattr(stmt, dialect) if isinstance(stmt, Both) else stmt
            if text != "SELECT 1":
                texts.append(text)
        out.append(texts)
    return out


LATEST = len(VERSIONS)

# Access for the least-privilege roles of the README, applied after every PostgreSQL upgrade
# (so new tables are covered) and only for the roles that exist. `agent` works the whole queue
# but cannot rewrite history; `web` sees only the request whose status-link hash the session
# has set (row-level security), may file web requests, and touches only web drafts.
PG_ACCESS = """
DO $$
BEGIN
  ALTER TABLE requests ENABLE ROW LEVEL SECURITY;
  ALTER TABLE events ENABLE ROW LEVEL SECURITY;
  ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
  REVOKE ALL ON requests, events, drafts, counters, schema_version FROM PUBLIC;
  REVOKE ALL ON question_log, feedback FROM PUBLIC;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'agent') THEN
    GRANT SELECT, INSERT, UPDATE ON requests, counters TO agent;
    GRANT SELECT, INSERT ON events TO agent;
    GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO agent;
    GRANT SELECT ON schema_version TO agent;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO agent;
    GRANT SELECT, INSERT, UPDATE, DELETE ON question_log, feedback TO agent;
    DROP POLICY IF EXISTS agent_requests ON requests;
    CREATE POLICY agent_requests ON requests TO agent USING (true) WITH CHECK (true);
    DROP POLICY IF EXISTS agent_events ON events;
    CREATE POLICY agent_events ON events TO agent USING (true) WITH CHECK (true);
    DROP POLICY IF EXISTS agent_drafts ON drafts;
    CREATE POLICY agent_drafts ON drafts TO agent
      USING (owner LIKE 'agent:%') WITH CHECK (owner LIKE 'agent:%');
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'web') THEN
    GRANT SELECT, INSERT, UPDATE ON requests, counters TO web;
    GRANT SELECT, INSERT ON events TO web;
    GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO web;
    GRANT SELECT ON schema_version TO web;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO web;
    GRANT SELECT, INSERT, UPDATE, DELETE ON question_log, feedback TO web;
    DROP POLICY IF EXISTS web_requests_read ON requests;
    CREATE POLICY web_requests_read ON requests FOR SELECT TO web
      USING (access_token_hash = current_setting('kotae.token', true));
    DROP POLICY IF EXISTS web_requests_file ON requests;
    CREATE POLICY web_requests_file ON requests FOR INSERT TO web
      WITH CHECK (channel = 'web' AND access_token_hash IS NOT NULL);
    DROP POLICY IF EXISTS web_requests_change ON requests;
    CREATE POLICY web_requests_change ON requests FOR UPDATE TO web
      USING (access_token_hash = current_setting('kotae.token', true));
    DROP POLICY IF EXISTS web_events ON events;
    CREATE POLICY web_events ON events TO web
      USING (reference IN (SELECT reference FROM requests))
      WITH CHECK (reference IN (SELECT reference FROM requests));
    DROP POLICY IF EXISTS web_drafts ON drafts;
    CREATE POLICY web_drafts ON drafts TO web
      USING (owner LIKE 'web:%') WITH CHECK (owner LIKE 'web:%');
  END IF;
END $$
"""
