"""Small readers for the bilingual TOML tables of knowledge/ (workflows, countries, regimes).

Each reader reports a mistake through `add(field, message)` and returns a usable default, so one
pass over a file lists every problem instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.core.messages import Localized

Add = Callable[[str, str], None]
LANGS = ("ja", "en")


def unknown_keys(raw: dict[str, Any], allowed: Iterable[str], add: Add, prefix: str = "") -> None:
    for key in sorted(set(raw) - set(allowed)):
        add(f"{prefix}{key}", "unknown field")


def string(raw: dict[str, Any], key: str, add: Add, required: bool = True) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            add(key, "missing")
        return ""
    if not isinstance(value, str):
        add(key, f"must be a string, not {type(value).__name__}")
        return ""
    if required and not value.strip():
        add(key, "is empty")
    return value


def strings(raw: dict[str, Any], key: str, add: Add) -> tuple[str, ...]:
    """A list of strings, empty when absent."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        add(key, "must be a list of strings")
        return ()
    return tuple(value)


def boolean(raw: dict[str, Any], key: str, add: Add, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        add(key, "must be true or false")
        return default
    return value


def integer(
    raw: dict[str, Any], key: str, add: Add, minimum: int = 0, maximum: int | None = None
) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        add(key, "must be a whole number")
        return None
    if value < minimum:
        add(key, f"must be at least {minimum}")
        return None
    if maximum is not None and value > maximum:
        add(key, f"must be at most {maximum}")
        return None
    return value


def pair(raw: dict[str, Any], add: Add, prefix: str = "", required: bool = True) -> Localized:
    """`ja = "…"` and `en = "…"` side by side in one table."""

    def add_at(key: str, msg: str) -> None:
        add(f"{prefix}{key}", msg)

    return Localized(ja=string(raw, "ja", add_at, required), en=string(raw, "en", add_at, required))


def pair_value(raw: Any, key: str, add: Add, required: bool = False) -> Localized | None:
    """A `{ ja = "…", en = "…" }` table under `key`, or None when absent and optional."""
    if raw is None:
        if required:
            add(key, "missing")
        return None
    if not isinstance(raw, dict):
        add(key, 'must be a table { ja = "…", en = "…" }')
        return None
    unknown_keys(raw, LANGS, add, f"{key}.")
    return pair(raw, add, f"{key}.")


def lang_tables(
    raw: dict[str, Any], keys: set[str], required: set[str], add: Add
) -> dict[str, Localized]:
    """`[X.ja]` and `[X.en]` tables with the same keys; returns key -> Localized."""
    found: dict[str, dict[str, str]] = {k: {} for k in keys}
    for lang in LANGS:
        table = raw.get(lang)
        if not isinstance(table, dict):
            add(lang, "missing" if table is None else "must be a table")
            continue

        def add_lang(key: str, msg: str, lang: str = lang) -> None:
            add(f"{lang}.{key}", msg)

        unknown_keys(table, keys, add_lang)
        for key in keys:
            found[key][lang] = string(table, key, add_lang, key in required)
    return {k: Localized(ja=v.get("ja", ""), en=v.get("en", "")) for k, v in found.items()}


def lang_lists(data: dict[str, Any], key: str, add: Add) -> tuple[str, ...]:
    """The phrases of a table of ja / en lists (`[key]` with `ja = [...]`, `en = [...]`), both
    languages together; `add(entry, message)` names the table or the language."""
    out: list[str] = []
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        add("-", "must be a table with ja / en lists")
        return ()
    for lang in raw:
        if lang not in LANGS:
            add(lang, "unknown language (ja or en)")
        else:
            out.extend(p for p in strings(raw, lang, add) if p.strip())
    return tuple(out)
