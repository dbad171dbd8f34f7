"""The engine is pure: importing and running it loads no database driver, ORM or web framework."""

import ast
import subprocess
import sys
from pathlib import Path

import workforce.standards

FORBIDDEN = ("piccolo", "asyncpg", "aiosqlite", "sqlite3", "litestar", "jinja2", "httpx", "weasyprint")
PACKAGE = Path(workforce.standards.__file__).parent


def test_no_module_of_the_package_imports_the_database_or_the_web():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                assert not name.endswith(".tables"), f"{path.name} imports {name}"
                assert not name.startswith(("workforce.web", "workforce.compliance", "workforce.database", "workforce.db")), (
                    f"{path.name} imports {name}"
                )


def test_running_an_evaluation_loads_none_of_them():
    code = (
        "import sys, datetime as dt\n"
        "from workforce.standards import evaluate, load_standard, Facts, SchoolFacts\n"
        "facts = Facts(schools=(SchoolFacts(urn=1, name='A', type_code=1, scope_group='mainstream-maintained'),))\n"
        "assert evaluate(load_standard('proposed-2025'), facts, dt.date(2026, 11, 23))\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
