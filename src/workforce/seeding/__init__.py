"""`workforce seed ...`: demo data and the national-scale generator."""

from workforce.seeding.commands import commands

__all__ = ["commands"]
