"""No view catches the database's exceptions: services turn them into domain errors.

import-linter cannot forbid a submodule of an external package (``sqlalchemy.exc``), so
this reads every view module's source instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import marketplace

PACKAGE = Path(marketplace.__file__).parent
VIEWS = sorted(p for p in PACKAGE.rglob("*views.py") if "sandbox" not in p.parts)
FORBIDDEN = ("sqlalchemy.exc", "sqlalchemy.orm.exc")
DATABASE_ERRORS = {
    "DBAPIError",
    "IntegrityError",
    "NoResultFound",
    "MultipleResultsFound",
    "OperationalError",
    "SQLAlchemyError",
    "StaleDataError",
}


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _caught(tree: ast.AST) -> set[str]:
    caught: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            for part in ast.walk(node.type):
                if isinstance(part, ast.Name):
                    caught.add(part.id)
                elif isinstance(part, ast.Attribute):
                    caught.add(part.attr)
    return caught


def test_the_view_modules_are_found() -> None:
    names = {str(p.relative_to(PACKAGE)) for p in VIEWS}
    assert {"catalog/views.py", "listings/sync/views.py", "sales/views.py"} <= names


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_catches_database_errors(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {name for name in _imported(tree) if name.startswith(FORBIDDEN)}
    assert not imported, f"{path.name} imports {sorted(imported)}"
    assert not _caught(tree) & DATABASE_ERRORS
