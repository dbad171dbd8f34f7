"""Where the project's non-Python files live, installed or in a checkout.

A wheel carries templates, migrations, seed data and standards under ``workforce/_bundled``;
an editable install (a checkout) reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_REPO_ROOT = PACKAGE_DIR.parent.parent


def _resource(name: str) -> Path:
    bundled = _BUNDLED / name
    if bundled.is_dir():
        return bundled
    return _REPO_ROOT / name


TEMPLATES_DIR = _resource("templates")
MIGRATIONS_DIR = _resource("migrations")
SEED_DIR = _resource("seed")
STANDARDS_DIR = _resource("standards")
CSV_TEMPLATES_DIR = _resource("docs/templates")  # the import files' templates, offered as downloads
STATIC_DIR = PACKAGE_DIR / "static"
