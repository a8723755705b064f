"""Moving a queue from one store to another (`kotae db copy`), safe to run again.

Every row is inserted only if the target lacks it: requests by reference, drafts by owner and
kind, events by their operation key (events written before keys existed get a stable one made
from their reference and source id), counters raised to the source's value. Then the copy is
checked: every source row is in the target, and each counter's references run 1…last with no
gap and no repeat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.statuses import PREFIXES
from app.store.base import StoreBase
from app.store.drafts import Tx

_REQUEST_COPY = (
    "reference, kind, status, lang, regime, received_at, received_on, original_due_on, due_on, "
    "extensions, contact, answers, closed_at, purged_at, updated_at, channel, access_token_hash, "
    "version, assignee, idempotency_key"
)
_EVENT_COPY = "reference, at, actor, action, from_status, to_status, note, reason, op_key"


@dataclass
class CopyReport:
    copied: dict[str, int] = field(default_factory=dict)  # table -> rows added now
    source: dict[str, int] = field(default_factory=dict)  # table -> rows in the source
    problems: list[str] = field(default_factory=list)  # empty: the copy checks out


def _params(columns: str, row: tuple[object, ...]) -> dict[str, object]:
    return dict(zip([c.strip() for c in columns.split(",")], row, strict=True))


def _placeholders(columns: str) -> str:
    return ", ".join(":" + c.strip() for c in columns.split(","))


def copy_store(source: StoreBase, target: StoreBase) -> CopyReport:
    report = CopyReport()

    def read(tx: Tx) -> dict[str, list[tuple[object, ...]]]:
        return {
            "requests": tx.all(f"SELECT {_REQUEST_COPY} FROM requests ORDER BY id"),
            "events": tx.all(f"SELECT id, {_EVENT_COPY} FROM events ORDER BY id"),
            "drafts": tx.all("SELECT owner, kind, data, updated_at FROM drafts"),
            "counters": tx.all("SELECT kind, year, last FROM counters"),
        }

    rows = source._read(read)
    report.source = {table: len(found) for table, found in rows.items()}

    def write(tx: Tx) -> dict[str, int]:
        added = dict.fromkeys(rows, 0)
        for row in rows["requests"]:
            added["requests"] += tx.run(
                f"INSERT INTO requests ({_REQUEST_COPY}) VALUES ({_placeholders(_REQUEST_COPY)}) "
                "ON CONFLICT (reference) DO NOTHING",
                **_params(_REQUEST_COPY, row),
            )
        for source_id, *event in rows["events"]:
            params = _params(_EVENT_COPY, tuple(event))
            params["op_key"] = params["op_key"] or f"copy:{params['reference']}:{source_id}"
            added["events"] += tx.run(
                f"INSERT INTO events ({_EVENT_COPY}) VALUES ({_placeholders(_EVENT_COPY)}) "
                "ON CONFLICT (op_key) WHERE op_key IS NOT NULL DO NOTHING",
                **params,
            )
        for owner, kind, data, updated_at in rows["drafts"]:
            added["drafts"] += tx.run(
                "INSERT INTO drafts (owner, kind, data, updated_at) VALUES (:o, :k, :d, :u) "
                "ON CONFLICT (owner, kind) DO NOTHING",
                o=owner,
                k=kind,
                d=data,
                u=updated_at,
            )
        for kind, year, last in rows["counters"]:
            added["counters"] += tx.run(
                "INSERT INTO counters (kind, year, last) VALUES (:k, :y, :l) "
                "ON CONFLICT (kind, year) DO UPDATE SET last = CASE "
                "WHEN excluded.last > counters.last THEN excluded.last ELSE counters.last END "
                "WHERE excluded.last > counters.last",
                k=kind,
                y=year,
                l=last,
            )
        return added

    report.copied = target._write(write)
    report.problems = check_copy(rows, target)
    return report


def check_copy(rows: dict[str, list[tuple[object, ...]]], target: StoreBase) -> list[str]:
    def read(tx: Tx) -> tuple[set[str], dict[str, int], set[tuple[str, str]], list[tuple]]:
        refs = {r[0] for r in tx.all("SELECT reference FROM requests")}
        events: dict[str, int] = {}
        for ref, n in tx.all("SELECT reference, count(*) FROM events GROUP BY reference"):
            events[ref] = n
        drafts = {(r[0], r[1]) for r in tx.all("SELECT owner, kind FROM drafts")}
        counters = tx.all("SELECT kind, year, last FROM counters")
        return refs, events, drafts, counters

    refs, events, drafts, counters = target._read(read)
    problems = []
    missing = {str(r[0]) for r in rows["requests"]} - refs
    if missing:
        problems.append(f"requests missing in the target: {', '.join(sorted(missing))}")
    wanted: dict[str, int] = {}
    for _id, ref, *_rest in rows["events"]:
        wanted[str(ref)] = wanted.get(str(ref), 0) + 1
    short = sorted(ref for ref, n in wanted.items() if events.get(ref, 0) < n)
    if short:
        problems.append(f"events missing in the target for: {', '.join(short)}")
    if {(str(r[0]), str(r[1])) for r in rows["drafts"]} - drafts:
        problems.append("drafts missing in the target")
    by_prefix: dict[tuple[str, int], set[int]] = {}
    for ref in refs:
        prefix, year, number = ref.split("-")
        by_prefix.setdefault((prefix, int(year)), set()).add(int(number))
    for kind, year, last in counters:
        numbers = by_prefix.get((PREFIXES[kind], int(year)), set())
        if numbers != set(range(1, int(last) + 1)):
            problems.append(f"references of {kind} {year} are not 1…{last} without gaps")
    return problems
