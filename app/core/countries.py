"""The country list of knowledge/countries.toml and the legal regime each country implies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.core.knowledge import KnowledgeError, Problem, _read_toml, _rel
from app.core.tomldata import string, unknown_keys

FILE = "countries.toml"
OTHER_REGIME = "other"
CODE_RE = re.compile(r"^[A-Z]{2}$")
KEYS = {"code", "ja", "en", "kana", "regime", "regions", "also"}


@dataclass(frozen=True)
class Country:
    code: str
    ja: str
    en: str
    regime: str
    regions: dict[str, str] = field(default_factory=dict)  # region code -> regime
    kana: str = ""  # readings of a name written in kanji, for search ("にほん にっぽん")
    also: str = ""  # other names people type, for search ("uk britain england")

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def regime_for(self, region: str | None) -> str:
        return self.regions.get(region or "", self.regime)


def check_countries(root: Path) -> tuple[dict[str, Country], list[Problem]]:
    """Read countries.toml under the knowledge root; every mistake becomes a Problem."""
    path = root / FILE
    problems: list[Problem] = []
    countries: dict[str, Country] = {}
    rel = _rel(path, root)
    if not path.exists():
        return countries, [Problem(rel, "-", "file", "missing")]
    data = _read_toml(path, root, problems)
    if data is None:
        return countries, problems
    unknown_keys(data, {"country"}, lambda f, m: problems.append(Problem(rel, "-", f, m)))
    raw_list = data.get("country", [])
    if not isinstance(raw_list, list):
        return countries, [*problems, Problem(rel, "-", "country", "must be [[country]] tables")]
    for i, raw in enumerate(raw_list):
        name = raw.get("code") if isinstance(raw, dict) else None
        label = name if isinstance(name, str) and name else f"country #{i + 1}"

        def add(fld: str, msg: str, label: str = label) -> None:
            problems.append(Problem(rel, label, fld, msg))

        if not isinstance(raw, dict):
            add("-", "must be a table")
            continue
        unknown_keys(raw, KEYS, add)
        code = string(raw, "code", add)
        if code and not CODE_RE.fullmatch(code):
            add("code", f"{code!r} is not an ISO 3166-1 alpha-2 code (two capital letters)")
        regions = raw.get("regions", {})
        if not isinstance(regions, dict) or not all(isinstance(v, str) for v in regions.values()):
            add("regions", 'must be a table of region = "regime"')
            regions = {}
        country = Country(
            code,
            string(raw, "ja", add),
            string(raw, "en", add),
            string(raw, "regime", add),
            dict(regions),
            string(raw, "kana", add, required=False),
            string(raw, "also", add, required=False),
        )
        if code in countries:
            add("code", "listed twice")
        elif code:
            countries[code] = country
    return countries, problems


def load_countries(root: Path) -> dict[str, Country]:
    """The countries by code; raise KnowledgeError listing every problem of the file."""
    countries, problems = check_countries(root)
    if problems:
        raise KnowledgeError(problems)
    return countries
