"""Imports: the GIAS establishment extract and the trust HR lead's CSV files.

Call ``import_file(kind, source, actor=..., dry_run=...)``; formats are documented in docs/formats.md.
"""

from workforce.imports.report import EntityCounts, ImportReport, RowError
from workforce.imports.service import HR_KINDS, KINDS, UnknownImportKind, import_file

__all__ = [
    "HR_KINDS",
    "KINDS",
    "EntityCounts",
    "ImportReport",
    "RowError",
    "UnknownImportKind",
    "import_file",
]
