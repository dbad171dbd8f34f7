"""What an import did, or why it was refused: counts per kind of record and one line per problem."""

from __future__ import annotations

from dataclasses import dataclass, field

# A file with a million bad rows would otherwise produce a million lines nobody reads; the count is kept.
MAX_ERRORS_KEPT = 1000


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell. Row numbers count the header as row 1, as a spreadsheet shows them."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """The outcome of one import. ``applied`` is True only when the file's changes were committed."""

    kind: str
    dry_run: bool = False
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    applied: bool = False
    entities: dict[str, EntityCounts] = field(default_factory=dict)
    _bad_rows: set[int] = field(default_factory=set, repr=False)

    # -- counts over every kind of record the file touched
    @property
    def created(self) -> int:
        return sum(counts.created for counts in self.entities.values())

    @property
    def updated(self) -> int:
        return sum(counts.updated for counts in self.entities.values())

    @property
    def unchanged(self) -> int:
        return sum(counts.unchanged for counts in self.entities.values())

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def bad_rows(self) -> int:
        return len(self._bad_rows)

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        counts = self.entities.setdefault(entity, EntityCounts())
        setattr(counts, outcome, getattr(counts, outcome) + n)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        self._bad_rows.add(row)
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))

    def error_lines(self) -> list[str]:
        lines = [str(error) for error in sorted(self.errors)]
        if self.error_count > len(self.errors):
            lines.append(f"... and {self.error_count - len(self.errors)} more errors not shown")
        return lines

    def summary(self) -> str:
        rows = f"{self.rows_read} row{'' if self.rows_read == 1 else 's'} read"
        if not self.ok:
            return (
                f"{self.kind} import rejected: "
                f"{self.error_count} error{'' if self.error_count == 1 else 's'} "
                f"in {self.bad_rows} row{'' if self.bad_rows == 1 else 's'} ({rows}); nothing was written."
            )
        detail = "; ".join(
            f"{entity}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for entity, c in self.entities.items()
        )
        totals = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.dry_run:
            return f"{self.kind} import checked (dry run, nothing written): {rows}; would be {totals}" + (
                f" ({detail})." if detail else "."
            )
        return f"{self.kind} import applied: {rows}; {totals}" + (f" ({detail})." if detail else ".")
