"""Dependencies point one way: config imports none of our apps, party none above it, pledges not
reports (config <- party <- pledges <- reports). A lower app announces changes with a signal
defined in party (party/signals.py) instead of importing a higher one.

Every .py file of config/, party/, pledges/ and reports/ (migrations included) is parsed with
`ast`; every `import`, `from ... import` and `importlib.import_module("...")` anywhere in it,
inside functions too, is checked. String references Django resolves itself (settings'
MIDDLEWARE, `include("party.urls")`) are not imports and are not checked.
"""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
APPS = ("config", "party", "pledges", "reports")
# What each top-level package may not import.
FORBIDDEN = {
    "config": {"party", "pledges", "reports", "tests"},
    "party": {"pledges", "reports", "tests"},
    "pledges": {"reports", "tests"},
    "reports": {"tests"},
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the source; relative imports stay in their app."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def upward_imports(app: str, source: str) -> list[tuple[int, str]]:
    """The imports of a module of `app` that reach an app above it."""
    return [(line, name) for line, name in imported_modules(source) if name.split(".")[0] in FORBIDDEN[app]]


def test_no_module_imports_an_app_above_its_own():
    violations = [
        f"{path.relative_to(PROJECT)}:{line} imports {module} ({app} may not import {module.split('.')[0]})"
        for app in APPS
        for path in sorted((PROJECT / app).rglob("*.py"))
        for line, module in upward_imports(app, path.read_text(encoding="utf-8"))
    ]
    assert not violations, "Imports against config <- party <- pledges <- reports:\n" + "\n".join(violations)


def test_the_check_sees_imports_inside_functions_and_by_name():
    source = (
        "import importlib\n"
        "from party.models import Unit\n"
        "def f():\n"
        "    from reports.tallies import refresh_tallies\n"
        "    import pledges.models\n"
        "    importlib.import_module('reports.views')\n"
        "from . import sibling\n"
    )
    assert upward_imports("party", source) == [
        (4, "reports.tallies"),
        (5, "pledges.models"),
        (6, "reports.views"),
    ]
    assert upward_imports("config", "from party.models import Unit\n") == [(1, "party.models")]
    assert upward_imports("reports", source) == []
