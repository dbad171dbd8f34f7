"""Load and validate standard files (``standards/<id>.toml``), and apply what-if overrides.

A file that does not validate raises ``StandardError`` naming the file, the rule and the field, e.g.
``standards/proposed-2025.toml: rule 'senco-capacity': field 'params.min_fte': expected a number >= 0, got 'x'``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from workforce.organisations.scope import SCOPE_GROUPS
from workforce.paths import STANDARDS_DIR
from workforce.standards.model import (
    BASES,
    NOT_APPLICABLE,
    OPTED_IN,
    STATUSES,
    Rule,
    RuleScope,
    Source,
    Standard,
    StandardError,
    UnknownStandardError,
)
from workforce.standards.rules import CHECKS

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SCOPE_GROUP_NAMES = (*SCOPE_GROUPS, OPTED_IN)
TOP_LEVEL_KEYS = {"id", "title", "version", "status", "summary", "extends", "sources", "roles", "rules"}
RULE_KEYS = {"id", "check", "title", "basis", "description", "source", "scope", "params"}
SCOPE_KEYS = {"required", "advisory", NOT_APPLICABLE}

def _where(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


class _Errors:
    def __init__(self, path: Path):
        self.where = _where(path)

    def __call__(self, field: str, message: str, rule: str | None = None) -> StandardError:
        if rule is not None:
            return StandardError(f"{self.where}: rule {rule!r}: field {field!r}: {message}")
        return StandardError(f"{self.where}: field {field!r}: {message}")


def _text(raw: dict, key: str, error: _Errors, rule: str | None = None, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise error(key, "must be a non-empty string" if value is not None else "is missing", rule)
    return value.strip()


def _scope(raw: Any, error: _Errors, rule_id: str) -> RuleScope:
    if not isinstance(raw, dict):
        raise error("scope", "is missing (a table with required, advisory and not-applicable groups)", rule_id)
    unknown = set(raw) - SCOPE_KEYS
    if unknown:
        raise error(f"scope.{sorted(unknown)[0]}", f"unknown key (expected {', '.join(sorted(SCOPE_KEYS))})", rule_id)
    seen: dict[str, str] = {}

    def groups(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
            raise error(f"scope.{key}", "must be a list of scope groups", rule_id)
        for group in value:
            if group not in SCOPE_GROUP_NAMES:
                raise error(f"scope.{key}", f"unknown scope group {group!r} (groups: {', '.join(SCOPE_GROUP_NAMES)})", rule_id)
            if group in seen:
                raise error(f"scope.{key}", f"scope group {group!r} is also listed under {seen[group]}", rule_id)
            seen[group] = key
        return tuple(value)

    required = groups("required")
    advisory = groups("advisory")
    not_applicable = raw.get(NOT_APPLICABLE, {})
    if not isinstance(not_applicable, dict):
        raise error(f"scope.{NOT_APPLICABLE}", "must be a table of scope group = reason", rule_id)
    for group, reason in not_applicable.items():
        if group not in SCOPE_GROUP_NAMES:
            raise error(f"scope.{NOT_APPLICABLE}.{group}", f"unknown scope group (groups: {', '.join(SCOPE_GROUP_NAMES)})", rule_id)
        if group in seen:
            raise error(f"scope.{NOT_APPLICABLE}.{group}", f"scope group is also listed under {seen[group]}", rule_id)
        if not isinstance(reason, str) or not reason.strip():
            raise error(f"scope.{NOT_APPLICABLE}.{group}", "must be the reason shown to readers (a non-empty string)", rule_id)
    if not required and not advisory:
        raise error("scope", "covers no school: list at least one group under required or advisory", rule_id)
    return RuleScope(
        required=required,
        advisory=advisory,
        not_applicable={group: reason.strip() for group, reason in not_applicable.items()},
    )


def _params(raw: Any, check_name: str, error: _Errors, rule_id: str) -> dict[str, Any]:
    check = CHECKS[check_name]
    if not isinstance(raw, dict):
        raise error("params", "is missing (every threshold, date and list lives in the file)", rule_id)
    params: dict[str, Any] = {}
    for name in raw:
        if name not in check.params and name not in check.optional:
            known = ", ".join([*check.params, *check.optional])
            raise error(f"params.{name}", f"unknown parameter (parameters of {check_name}: {known})", rule_id)
    for name, ptype in check.params.items():
        if name not in raw:
            raise error(f"params.{name}", f"is missing ({ptype.description}; every default lives in the file)", rule_id)
        try:
            params[name] = ptype.coerce(raw[name])
        except ValueError as exc:
            raise error(f"params.{name}", str(exc), rule_id) from None
    for name, ptype in check.optional.items():
        if name in raw:
            try:
                params[name] = ptype.coerce(raw[name])
            except ValueError as exc:
                raise error(f"params.{name}", str(exc), rule_id) from None
    if check.validate:
        problem = check.validate(params)
        if problem:
            raise error(f"params.{problem[0]}", problem[1], rule_id)
    return params


def _rule(raw: Any, index: int, standard_id: str, error: _Errors, defined: dict[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise error(f"rules[{index}]", "must be a table ([[rules]])")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        raise error(f"rules[{index}].id", "must be lower-case letters, digits and hyphens")
    if rule_id in defined:
        raise error("id", f"is already defined by {defined[rule_id]!r}", rule_id)
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise error(sorted(unknown)[0], f"unknown key (expected {', '.join(sorted(RULE_KEYS))})", rule_id)
    check = raw.get("check", rule_id)
    if check not in CHECKS:
        raise error("check", f"unknown check {check!r} (checks: {', '.join(CHECKS)})", rule_id)
    basis = raw.get("basis")
    if basis not in BASES:
        raise error("basis", f"must be one of {', '.join(BASES)}, got {basis!r}", rule_id)
    return Rule(
        id=rule_id,
        check=check,
        title=_text(raw, "title", error, rule_id),
        basis=basis,
        description=_text(raw, "description", error, rule_id, required=False),
        scope=_scope(raw.get("scope"), error, rule_id),
        params=_params(raw.get("params"), check, error, rule_id),
        origin=standard_id,
        source=_text(raw, "source", error, rule_id, required=False) or None,
    )


def load_standard_file(path: Path, *, _chain: tuple[str, ...] = ()) -> Standard:
    """Read and validate one standard file (and the file it extends)."""
    path = Path(path)
    error = _Errors(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise UnknownStandardError(f"{_where(path)}: no such standard file") from None
    except tomllib.TOMLDecodeError as exc:
        raise StandardError(f"{_where(path)}: not valid TOML: {exc}") from None
    unknown = set(raw) - TOP_LEVEL_KEYS
    if unknown:
        raise error(sorted(unknown)[0], f"unknown key (expected {', '.join(sorted(TOP_LEVEL_KEYS))})")
    standard_id = _text(raw, "id", error)
    if not ID_PATTERN.match(standard_id):
        raise error("id", "must be lower-case letters, digits and hyphens")
    if standard_id != path.stem:
        raise error("id", f"{standard_id!r} does not match the file name {path.name!r}")
    status = raw.get("status")
    if status not in STATUSES:
        raise error("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")

    parent: Standard | None = None
    extends = raw.get("extends")
    if extends is not None:
        if not isinstance(extends, str) or not ID_PATTERN.match(extends):
            raise error("extends", "must be the id of another standard")
        if extends in (*_chain, standard_id):
            raise error("extends", f"circular: {' -> '.join((*_chain, standard_id, extends))}")
        parent_path = path.parent / f"{extends}.toml"
        if not parent_path.exists():
            raise error("extends", f"no standard {extends!r} in {path.parent.name}/")
        parent = load_standard_file(parent_path, _chain=(*_chain, standard_id))

    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list) or (not sources_raw and parent is None):
        raise error("sources", "must list at least one source ([[sources]] with a title)")
    sources = []
    for index, item in enumerate(sources_raw):
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not item["title"].strip():
            raise error(f"sources[{index}].title", "is missing")
        extra = set(item) - {"title", "url", "note"}
        if extra:
            raise error(f"sources[{index}].{sorted(extra)[0]}", "unknown key (expected title, url, note)")
        sources.append(Source(title=item["title"].strip(), url=item.get("url"), note=item.get("note")))

    roles: dict[str, tuple[str, ...]] = dict(parent.roles) if parent else {}
    roles_raw = raw.get("roles", {})
    if not isinstance(roles_raw, dict):
        raise error("roles", "must be a table of role group = list of employment roles")
    for group, value in roles_raw.items():
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise error(f"roles.{group}", "must be a non-empty list of employment roles")
        roles[group] = tuple(v.strip() for v in value)

    rules: list[Rule] = list(parent.rules) if parent else []
    defined = {rule.id: rule.origin for rule in rules}
    rules_raw = raw.get("rules", [])
    if not isinstance(rules_raw, list):
        raise error("rules", "must be an array of tables ([[rules]])")
    for index, item in enumerate(rules_raw):
        rule = _rule(item, index, standard_id, error, defined)
        defined[rule.id] = standard_id
        rules.append(rule)
    if not rules:
        raise error("rules", "a standard needs at least one rule")
    for rule in rules:
        for group in CHECKS[rule.check].roles:
            if group not in roles:
                raise error(f"roles.{group}", "is missing: the rule reads this role group", rule.id)

    return Standard(
        id=standard_id,
        title=_text(raw, "title", error),
        version=_text(raw, "version", error),
        status=status,
        summary=_text(raw, "summary", error, required=False),
        sources=tuple(sources) + (parent.sources if parent else ()),
        roles=roles,
        rules=tuple(rules),
        extends=extends,
        path=str(path),
    )


def standards_dir(directory: Path | None = None) -> Path:
    return Path(directory) if directory is not None else STANDARDS_DIR


def standard_ids(directory: Path | None = None) -> list[str]:
    return sorted(path.stem for path in standards_dir(directory).glob("*.toml"))


def list_standards(directory: Path | None = None) -> list[Standard]:
    """Every standard in the directory (``standards/`` by default), sorted by id; an invalid file raises."""
    return [load_standard_file(standards_dir(directory) / f"{sid}.toml") for sid in standard_ids(directory)]


def load_standard(standard_id: str, directory: Path | None = None) -> Standard:
    """The standard with this id; ``UnknownStandardError`` (listing the available ids) if there is none."""
    folder = standards_dir(directory)
    if not isinstance(standard_id, str) or not ID_PATTERN.match(standard_id) or not (folder / f"{standard_id}.toml").is_file():
        available = ", ".join(standard_ids(directory)) or "none"
        raise UnknownStandardError(f"unknown standard {standard_id!r} (available: {available})")
    # Parsed once per version of the folder's files (a page reads the standard on every request; Standard
    # objects are frozen, so one instance can be shared). Editing any file in the folder reloads it.
    stamp = tuple(sorted((p.name, (st := p.stat()).st_mtime_ns, st.st_size) for p in folder.glob("*.toml")))
    key = (str(folder.resolve()), standard_id)
    cached = _LOADED.get(key)
    if cached is None or cached[0] != stamp:
        cached = _LOADED[key] = (stamp, load_standard_file(folder / f"{standard_id}.toml"))
    return cached[1]


_LOADED: dict[tuple[str, str], tuple[tuple, Standard]] = {}


def parse_override_assignments(assignments: list[str]) -> dict[str, str]:
    """``["senco-capacity.min_fte=0.3"]`` -> ``{"senco-capacity.min_fte": "0.3"}`` (values are typed later)."""
    overrides: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise StandardError(f"--set {item!r}: expected rule.param=value, e.g. senco-capacity.min_fte=0.3")
        overrides[key.strip()] = value.strip()
    return overrides


def apply_overrides(standard: Standard, overrides: Mapping[str, Any] | None) -> Standard:
    """The standard with some parameters replaced (a what-if); the files are never edited.

    Keys are ``rule-id.parameter``; values may be typed or text (``"0.6"``, ``"2025-09-01"``, ``"true"``,
    ``"a,b"``). An unknown rule or parameter, or a value of the wrong type, raises ``StandardError``.
    """
    if not overrides:
        return standard
    changed: dict[str, dict[str, Any]] = {}
    recorded = dict(standard.overrides)
    for key in sorted(overrides):
        value = overrides[key]
        rule_id, sep, name = str(key).partition(".")
        if not sep or not rule_id or not name:
            raise StandardError(f"override {key!r}: expected rule.parameter, e.g. senco-capacity.min_fte")
        try:
            rule = standard.rule(rule_id)
        except StandardError as exc:
            raise StandardError(f"override {key!r}: {exc}") from None
        check = CHECKS[rule.check]
        ptype = check.params.get(name) or check.optional.get(name)
        if ptype is None:
            known = ", ".join([*check.params, *check.optional])
            raise StandardError(f"override {key!r}: rule {rule_id!r} has no parameter {name!r} (parameters: {known})")
        try:
            coerced = ptype.coerce(value)
        except ValueError as exc:
            raise StandardError(f"override {key!r}: {exc}") from None
        changed.setdefault(rule_id, {})[name] = coerced
        recorded[f"{rule_id}.{name}"] = ptype.to_json(coerced)
    rules = []
    for rule in standard.rules:
        if rule.id in changed:
            params = {**rule.params, **changed[rule.id]}
            check = CHECKS[rule.check]
            if check.validate:
                problem = check.validate(params)
                if problem:
                    raise StandardError(f"override for rule {rule.id!r}: {problem[0]} {problem[1]}")
            rule = replace(rule, params=params)
        rules.append(rule)
    return standard.with_rules(tuple(rules), {key: recorded[key] for key in sorted(recorded)})


def params_json(rule: Rule) -> dict[str, Any]:
    """A rule's parameters in JSON form (dates as ISO, MM-DD days as text)."""
    check = CHECKS[rule.check]
    types = {**check.optional, **check.params}
    return {name: types[name].to_json(value) for name, value in rule.params.items()}
