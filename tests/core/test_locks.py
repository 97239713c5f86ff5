"""`select_for_update()` on a query that joins other tables (`select_related`) locks the joined
rows too on PostgreSQL: locking a consent round would also lock its space and version, and
block unrelated writers. Such queries say what they lock with `of=` (SQLite ignores locks)."""

import ast
from pathlib import Path

import passerelles

PACKAGE = Path(passerelles.__file__).parent


def _chain(node: ast.AST) -> list[ast.Call]:
    """The calls of a method chain, outermost first."""
    calls = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        else:
            node = node.value
    return calls


def joined_locks(source: str) -> list[int]:
    """Lines of `select_for_update()` without `of=` in a chain that also has select_related."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        calls = _chain(node)
        names = {c.func.attr: c for c in calls if isinstance(c.func, ast.Attribute)}
        lock = names.get("select_for_update")
        if lock and "select_related" in names and not any(k.arg == "of" for k in lock.keywords):
            lines.add(lock.lineno)
    return sorted(lines)


def test_locks_on_joined_queries_name_their_table():
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := joined_locks(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_sees_a_joined_lock():
    bad = "X.objects.select_for_update().select_related('a').get(pk=1)\n"
    good = "X.objects.select_for_update(of=('self',)).select_related('a').get(pk=1)\n"
    plain = "X.objects.select_for_update().get(pk=1)\n"
    assert joined_locks(bad) == [1]
    assert joined_locks(good) == joined_locks(plain) == []
