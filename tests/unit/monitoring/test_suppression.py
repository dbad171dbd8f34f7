"""Small-count suppression: primary, complementary, secondary and cross-table consistency."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.monitoring.suppression import Partition, canonical_partitions, is_small, suppress

T = ("t", "total")


def k(name: str) -> tuple[str, str]:
    return ("row", name)


def table(values: dict[str, int], column: str = "n", **extra: dict[str, int]):
    """One partition: rows named in ``values`` adding up to the total T."""
    cells = {k(name): {column: v, **{c: extra[c][name] for c in extra}} for name, v in values.items()}
    cells[T] = {column: sum(values.values()), **{c: sum(extra[c].values()) for c in extra}}
    return cells, [Partition(total=T, rows=tuple(k(n) for n in values))]


def test_is_small_counts_one_to_threshold_minus_one():
    assert [v for v in range(7) if is_small(v, 5)] == [1, 2, 3, 4]
    assert not is_small(None, 5)


def test_nothing_hidden_when_no_count_is_small():
    cells, parts = table({"a": 10, "b": 0, "c": 7})
    assert suppress(cells, ["n"], parts, 5) == {"n": set()}


def test_one_small_row_forces_the_next_smallest_positive_row():
    cells, parts = table({"a": 3, "b": 40, "c": 9, "d": 0, "e": 12})
    hidden = suppress(cells, ["n"], parts, 5)["n"]
    # 3 is small; hiding only it would give it away as total - others, so 9 (smallest positive) goes too.
    assert hidden == {k("a"), k("c")}


def test_two_small_rows_need_no_secondary():
    cells, parts = table({"a": 3, "b": 2, "c": 50})
    assert suppress(cells, ["n"], parts, 5)["n"] == {k("a"), k("b")}


def test_small_total_with_all_rows_shown_hides_a_row_too():
    # rows 0 and 3 would show the total (3) by addition
    cells, parts = table({"a": 0, "b": 3})
    hidden = suppress(cells, ["n"], parts, 5)["n"]
    assert T in hidden and k("b") in hidden


def test_complement_is_protected():
    # 28 of 30 would reveal the 2 without; 10 of 30 is fine.
    cells, parts = table({"a": 28, "b": 10}, "yes", n={"a": 30, "b": 30})
    hidden = suppress(cells, ["n", "yes"], parts, 5, parents={"yes": "n"})
    assert hidden["n"] == set()
    assert k("a") in hidden["yes"]
    assert k("b") in hidden["yes"]  # secondary: otherwise a = total - b


def test_child_is_hidden_when_parent_is_hidden_even_if_zero():
    cells, parts = table({"a": 0, "b": 0, "c": 20}, "yes", n={"a": 2, "b": 3, "c": 30})
    hidden = suppress(cells, ["yes", "n"], parts, 5, parents={"yes": "n"})
    assert hidden["n"] == {k("a"), k("b")}
    # "0 of [hidden]" would still say nobody at a or b has it
    assert {k("a"), k("b")} <= hidden["yes"]


def test_secondary_never_picks_a_row_known_to_be_zero():
    # b has no staff at all, so its 0 is known: hiding it protects nothing.
    cells, parts = table({"a": 2, "b": 0, "c": 40}, "yes", n={"a": 30, "b": 0, "c": 60})
    hidden = suppress(cells, ["n", "yes"], parts, 5, parents={"yes": "n"})
    assert hidden["yes"] == {k("a"), k("c")}


def test_single_row_table_hides_its_total():
    cells = {k("a"): {"n": 2}, T: {"n": 2}}
    hidden = suppress(cells, ["n"], [Partition(total=T, rows=(k("a"),))], 5)["n"]
    assert hidden == {k("a"), T}


def test_same_figure_in_two_tables_is_hidden_in_both():
    # Region R = LA L1 + LA L2; school table of L2 has one school S, the same figure as L2.
    r, l1, l2, s = ("region", "R"), ("la", "1"), ("la", "2"), ("school", "S")
    cells = {r: {"n": 33}, l1: {"n": 30}, l2: {"n": 3}, s: {"n": 3}}
    parts = [Partition(total=r, rows=(l1, l2)), Partition(total=l2, rows=(s,))]
    hidden = suppress(cells, ["n"], parts, 5, identity={r: "R", l1: "L1", l2: "S", s: "S"})["n"]
    assert hidden == {l1, l2, s}


def test_hidden_cells_propagate_across_linked_tables():
    # Two breakdowns of the same nation N: by region (A, B) and by phase (P, Q). A secondary in one table
    # must not be published in the other when it is the same figure.
    n, a, b, p, q = ("n", "N"), ("r", "A"), ("r", "B"), ("p", "P"), ("p", "Q")
    cells = {n: {"c": 20}, a: {"c": 2}, b: {"c": 18}, p: {"c": 18}, q: {"c": 2}}
    parts = [Partition(total=n, rows=(a, b)), Partition(total=n, rows=(p, q))]
    # A and Q are made of the same schools, so are B and P.
    hidden = suppress(cells, ["c"], parts, 5, identity={n: 0, a: 1, q: 1, b: 2, p: 2})["c"]
    assert hidden == {a, b, p, q}


def test_threshold_one_hides_nothing_and_zero_is_refused():
    cells, parts = table({"a": 1, "b": 2})
    assert suppress(cells, ["n"], parts, 1) == {"n": set()}
    with pytest.raises(ValueError):
        suppress(cells, ["n"], parts, 0)


def test_a_count_cannot_be_its_own_parent():
    cells, parts = table({"a": 1})
    with pytest.raises(ValueError):
        suppress(cells, ["n"], parts, 5, parents={"n": "n"})


def test_canonical_partitions_drop_duplicates_and_single_row_tables():
    a, b, c = ("x", "a"), ("x", "b"), ("x", "c")
    parts = [Partition(total=a, rows=(b, c)), Partition(total=a, rows=(c, b)), Partition(total=b, rows=(c,))]
    result, canon = canonical_partitions(parts, identity={b: "same", c: "same"})
    # b and c are one figure: a = b + c degenerates to a table of one row (b), kept once; b = c is dropped.
    assert result == [Partition(total=a, rows=(b,))]
    assert canon[c] == b


# --- properties ---------------------------------------------------------------------------------------


def _two_level(data: list[list[int]]):
    """A nation of regions, each region a list of LA counts: three levels of partitions."""
    cells: dict = {}
    parts = []
    nation = ("nation", "E")
    region_keys = []
    for i, las in enumerate(data):
        rk = ("region", str(i))
        region_keys.append(rk)
        la_keys = []
        for j, v in enumerate(las):
            lk = ("la", f"{i}.{j}")
            cells[lk] = {"n": v}
            la_keys.append(lk)
        cells[rk] = {"n": sum(las)}
        parts.append(Partition(total=rk, rows=tuple(la_keys)))
    cells[nation] = {"n": sum(sum(las) for las in data)}
    parts.append(Partition(total=nation, rows=tuple(region_keys)))
    return cells, parts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_recovered_by_subtraction(data):
    cells, parts = _two_level(data)
    hidden = suppress(cells, ["n"], parts, 5)["n"]
    # every small count is hidden
    for key, row in cells.items():
        if 0 < row["n"] < 5:
            assert key in hidden
    # no table has exactly one hidden figure (a one-row table is the same figure as its total)
    for part in parts:
        if len(part.rows) == 1:
            assert (part.rows[0] in hidden) == (part.total in hidden)
            continue
        members = [*part.rows, part.total]
        assert sum(1 for m in members if m in hidden) != 1
