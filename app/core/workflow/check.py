"""`kotae check` for the wizards: workflow files, the country list and the regimes they use."""

from __future__ import annotations

from app.core.countries import FILE as COUNTRIES_FILE
from app.core.countries import Country, check_countries
from app.core.deadlines import Regime, check_regimes
from app.core.knowledge import KnowledgeBase, Problem, _rel
from app.core.workflow.engine import read_definition
from app.core.workflow.schema import Definition
from app.core.workflow.wording import entry_references, wording_problems


def check_workflows(kb: KnowledgeBase) -> list[Problem]:
    """Every problem of knowledge/workflows/*.toml, countries.toml and regimes.toml."""
    countries, problems = check_countries(kb.root)
    regimes, regime_problems = check_regimes(kb.root)
    problems += regime_problems
    problems += _country_regimes(countries, regimes, kb)
    kinds: dict[str, str] = {}
    for name, path in sorted(kb.workflows.items()):
        definition, found = read_definition(path, kb.root)
        problems += found
        if definition is None:
            continue
        problems += _cross_check(definition, name, kb, countries, regimes)
        if definition.kind in kinds:
            other = kinds[definition.kind]
            problems.append(Problem(definition.file, "-", "kind", f"also the kind of {other}"))
        kinds[definition.kind] = definition.file
    return problems


def _country_regimes(
    countries: dict[str, Country], regimes: dict[str, Regime], kb: KnowledgeBase
) -> list[Problem]:
    if not regimes:
        return []
    out = []
    for c in countries.values():
        for where, regime in [("regime", c.regime)] + [
            (f"regions.{r}", g) for r, g in c.regions.items()
        ]:
            if regime not in regimes:
                out.append(
                    Problem(
                        _rel(kb.root / COUNTRIES_FILE, kb.root),
                        c.code,
                        where,
                        f"unknown regime {regime!r} (see regimes.toml)",
                    )
                )
    return out


def _cross_check(
    d: Definition,
    name: str,
    kb: KnowledgeBase,
    countries: dict[str, Country],
    regimes: dict[str, Regime],
) -> list[Problem]:
    out: list[Problem] = []
    if d.id and d.id != name:
        out.append(Problem(d.file, "-", "id", f"must be the file name, {name!r}"))
    if d.deadline.regime and regimes and d.deadline.regime not in regimes:
        out.append(
            Problem(
                d.file,
                "-",
                "deadline.regime",
                f"unknown regime {d.deadline.regime!r} (see regimes.toml)",
            )
        )
    known_regions = {r for c in countries.values() for r in c.regions}
    for step in d.steps:
        for f in step.fields:
            if f.id != d.deadline.region_field:
                continue
            for i, c in enumerate(f.choices):
                if c.value != "other" and c.value not in known_regions:
                    out.append(
                        Problem(
                            d.file,
                            f"{step.id}/{f.id}",
                            f"choice[{i}].value",
                            f"{c.value!r} is not a region in countries.toml",
                        )
                    )
    for where, key, eid in entry_references(d):
        if eid not in kb.entries:
            out.append(Problem(d.file, where, key, f"unknown entry id {eid!r}"))
    out += wording_problems(d)
    return out
