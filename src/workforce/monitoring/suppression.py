"""Small-count suppression for published aggregates (pure Python, no database).

The method (also described for API users in docs/api.md):

1. **Primary suppression.** A count is hidden when it is between 1 and ``threshold - 1``. A count that is
   part of a larger count (its *parent*: SENCOs holding the NPQ out of all SENCOs) is also hidden when the
   complement ``parent - count`` is between 1 and ``threshold - 1`` (otherwise "28 of 30" would reveal the 2),
   and whenever its parent is hidden (otherwise "0 of [hidden]" would reveal that nobody has it).
2. **Secondary suppression.** Every published table is a *partition*: rows that add up to a total (the
   regions add up to England, a local authority's schools add up to the local authority). For each count,
   no partition may have exactly one hidden cell among its rows and its total, or that cell could be worked
   out by subtraction. When a partition has one, the smallest other row is hidden as well (the smallest
   positive count first, never a row whose value is known to be 0 because its parent is 0); a table with a
   single row hides its total instead.
3. **Consistency.** A cell is one figure wherever it appears (a region is a row of the regional table and the
   total of its local authorities' table), and two cells made of the same schools are the same figure (a
   local authority with one school, that school, and a phase that only it has), so a figure hidden in one
   table is hidden in every table. Hiding a cell can break another partition it belongs to, so step 2
   repeats until no partition changes. Partitions are visited in a fixed order, so the result is
   reproducible.

FTE sums are hidden exactly when the headcount they are summed over is hidden, and any ratio or share is
hidden when one of the counts it is made of is hidden.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

Key = tuple[str, str]


@dataclass(frozen=True)
class Partition:
    """A published table for suppression purposes: ``rows`` add up to ``total``."""

    total: Key
    rows: tuple[Key, ...]


def is_small(value: float | None, threshold: int) -> bool:
    """True for a count between 1 and threshold - 1 (0 is not disclosive on its own; None is no data)."""
    return value is not None and 0 < value < threshold


def _primary(
    values: Mapping[Key, Mapping[str, float]],
    column: str,
    parent: str | None,
    parent_hidden: set[Key],
    threshold: int,
) -> set[Key]:
    hidden: set[Key] = set()
    add = hidden.add
    if parent is None:
        for key, row in values.items():
            value = row.get(column) or 0
            if 0 < value < threshold:
                add(key)
        return hidden
    for key, row in values.items():
        value = row.get(column) or 0
        if 0 < value < threshold or key in parent_hidden or 0 < (row.get(parent) or 0) - value < threshold:
            add(key)
    return hidden


class HiddenCells(AbstractSet):
    """The hidden cells of one count: every key of a hidden figure (found through its representative)."""

    def __init__(self, representatives: set[Key], canon: Mapping[Key, Key]):
        self._reps = representatives
        self._canon = canon

    def __contains__(self, key: object) -> bool:
        return self._canon.get(key, key) in self._reps  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Key]:
        reps = self._reps
        seen = set()
        for key, rep in self._canon.items():
            if rep in reps:
                seen.add(key)
                yield key
        for rep in reps:  # a figure known only by its own key
            if rep not in seen and rep not in self._canon:
                yield rep

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"HiddenCells({sorted(self)!r})"


class _Layout:
    """Partitions prepared once for every column: member sets and which partitions hold each key."""

    def __init__(self, partitions: Sequence[Partition]):
        self.partitions = list(partitions)
        self.members = [frozenset((*p.rows, p.total)) for p in self.partitions]
        self.containing: dict[Key, list[int]] = {}
        for index, partition in enumerate(self.partitions):
            for key in (*partition.rows, partition.total):
                self.containing.setdefault(key, []).append(index)


def _secondary(
    values: Mapping[Key, Mapping[str, float]],
    column: str,
    parent: str | None,
    layout: _Layout,
    hidden: set[Key],
) -> None:
    """Extend ``hidden`` in place until no partition has exactly one hidden cell.

    The partitions are over canonical keys, without duplicates or single-row tables.
    """

    def value(key: Key) -> float:
        return values.get(key, {}).get(column) or 0

    def known_zero(key: Key) -> bool:
        return parent is not None and (values.get(key, {}).get(parent) or 0) == 0

    partitions, members, containing = layout.partitions, layout.members, layout.containing
    # Only partitions holding a hidden cell can need a secondary.
    queue = deque(sorted({i for key in hidden for i in containing.get(key, ())}))
    queued = set(queue)
    while queue:
        index = queue.popleft()
        queued.discard(index)
        if len(members[index] & hidden) != 1:
            continue
        partition = partitions[index]
        open_rows = [key for key in partition.rows if key not in hidden]
        if open_rows:
            useful = [key for key in open_rows if not known_zero(key)]
            pick = min(useful or open_rows, key=lambda key: (value(key) == 0, value(key), key))
        else:  # only the total was open: hide it too (cannot happen with two or more rows)
            pick = partition.total
        hidden.add(pick)
        for other in containing.get(pick, ()):
            if other not in queued:
                queue.append(other)
                queued.add(other)


def canonical_partitions(
    partitions: Sequence[Partition],
    identity: Mapping[Key, Hashable] | None = None,
    keys: Iterable[Key] = (),
) -> tuple[list[Partition], dict[Key, Key]]:
    """Merge keys that stand for the same figure and drop partitions that protect nothing.

    Two keys with the same ``identity`` (e.g. the same set of schools: a local authority with one school
    and that school) are one cell; the first key seen, in partition order, represents them. A partition
    whose only row is its own total is dropped, and so is a repeated partition. Returns the partitions
    and the representative of every key (of the partitions and of ``keys``).
    """
    identity = identity or {}
    representative: dict[Hashable, Key] = {}
    canon: dict[Key, Key] = {}

    def canonical(key: Key) -> Key:
        if key not in canon:
            ident = identity.get(key, ("key", key))
            canon[key] = representative.setdefault(ident, key)
        return canon[key]

    result: list[Partition] = []
    seen: set[tuple[Key, frozenset[Key]]] = set()
    for partition in partitions:
        total = canonical(partition.total)
        rows = tuple(dict.fromkeys(canonical(row) for row in partition.rows))
        rows = tuple(row for row in rows if row != total)
        if not rows:
            continue
        signature = (total, frozenset(rows))
        if signature in seen:
            continue
        seen.add(signature)
        result.append(Partition(total=total, rows=rows))
    for key in keys:
        canonical(key)
    return result, canon


def suppress(
    values: Mapping[Key, Mapping[str, float]],
    columns: Iterable[str],
    partitions: Sequence[Partition],
    threshold: int,
    parents: Mapping[str, str] | None = None,
    identity: Mapping[Key, Hashable] | None = None,
) -> dict[str, HiddenCells]:
    """The hidden cells of each count column: ``{column: {key, ...}}`` (set-like, not copied out per key).

    ``values`` maps every cell key (rows and totals of all partitions) to its counts. ``parents`` maps a
    count to the count it is part of; parents are resolved before their children. ``identity`` gives
    keys that are the same figure the same identity (see ``canonical_partitions``); the result lists
    every key of a hidden figure.
    """
    if threshold < 1:
        raise ValueError("the suppression threshold must be at least 1")
    parents = dict(parents or {})
    columns = list(columns)
    ordered: list[str] = []

    def visit(column: str, path: tuple[str, ...] = ()) -> None:
        if column in ordered:
            return
        if column in path:
            raise ValueError(f"count {column!r} is its own parent")
        parent = parents.get(column)
        if parent is not None:
            visit(parent, (*path, column))
        ordered.append(column)

    for column in columns:
        visit(column)

    canonical, canon = canonical_partitions(partitions, identity, values)
    reps = set(canon.values())
    canonical_values = {rep: values[rep] for rep in reps if rep in values}
    layout = _Layout(canonical)

    result: dict[str, set[Key]] = {}
    for column in ordered:
        parent = parents.get(column)
        parent_hidden = result.get(parent, set()) if parent else set()
        hidden = _primary(canonical_values, column, parent, parent_hidden, threshold)
        if threshold > 1:
            _secondary(canonical_values, column, parent, layout, hidden)
        result[column] = hidden
    return {column: HiddenCells(result[column], canon) for column in ordered}
