"""One door, checked statically: organisation and project rows are written only by their actions
modules, the demo builders and migrations (docs/decisions.md §15, §18).

core/door.py refuses such writes at run time, but only on the paths the tests walk; this test
reads every module of the package with `ast` and finds the writes no test runs. It looks for

- `Organisation.objects.create/bulk_create/bulk_update/update/get_or_create/update_or_create`
  and the same at the end of a queryset chain (`Project.objects.filter(…).update(…)`);
- those methods on a variable bound to such a queryset (`qs = Project.objects.filter(…)`);
- `.save()` on a variable bound to an instance (`org = Organisation(…)`, `….objects.get(…)`,
  `get_object_or_404(Project, …)`, a loop over such a queryset, a parameter annotated with
  the model), or named as the project names them (`organisation`, `org`, `project`).

It is deliberately simple (one function at a time, names only): it cannot see a write through a
related manager or a variable passed around, which the run-time guard covers."""

import ast
from dataclasses import dataclass
from pathlib import Path

import passerelles

PACKAGE = Path(passerelles.__file__).parent
MODELS = frozenset({"Organisation", "Project"})
WRITE_METHODS = frozenset(
    {"create", "bulk_create", "bulk_update", "update", "get_or_create", "update_or_create"}
)
# Names that hold an instance by the project's naming habits, whatever gave it (a ModelForm's
# `save(commit=False)`, a helper): `project.save()` is a project write wherever it is.
INSTANCE_NAMES = frozenset({"organisation", "org", "project"})
# Queryset calls that give one instance (whose save() is then a write too).
INSTANCE_METHODS = frozenset({"get", "first", "last", "earliest", "latest", "create"})

# Paths relative to the package. The doors themselves and the demo builders (which build whole
# data sets through the door's own bulk paths).
ALLOWED = frozenset(
    {
        "actors/actions.py",
        "projects/actions.py",
        "actors/demo/builder.py",
        "projects/demo.py",
    }
)


@dataclass(frozen=True)
class Write:
    line: int
    code: str

    def __str__(self):
        return f"line {self.line}: {self.code}"


def _root_model(node: ast.AST, querysets: set[str], models: set[str]) -> bool:
    """Whether an expression is a manager or queryset of a watched model: a chain of
    attributes and calls that starts at `Model.objects` (or any manager attribute of the
    model) or at a variable already bound to such a queryset."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in models:
                # Model.objects, Model._base_manager, Model.all_objects…, not Model(...) itself.
                return True
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id in querysets
        else:
            return False


def _model_names(tree: ast.Module) -> set[str]:
    """The local names of the watched models: imported under their name or an alias."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in MODELS:
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.ClassDef) and node.name in MODELS:
            names.add(node.name)
    return names


def _is_instance(value: ast.AST, querysets: set[str], models: set[str]) -> bool:
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name) and func.id in models:
        return True  # Organisation(...)
    if isinstance(func, ast.Name) and func.id == "get_object_or_404" and value.args:
        first = value.args[0]
        return (isinstance(first, ast.Name) and first.id in models) or _root_model(
            first, querysets, models
        )
    if isinstance(func, ast.Attribute) and func.attr in INSTANCE_METHODS:
        return _root_model(func.value, querysets, models)
    return False


def _targets(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    return []


def _scan_scope(body: list[ast.stmt], params: list[ast.arg], models: set[str]) -> list[Write]:
    querysets: set[str] = set()
    instances: set[str] = set(INSTANCE_NAMES) | {
        a.arg
        for a in params
        if a.annotation is not None
        and any(isinstance(n, ast.Name) and n.id in models for n in ast.walk(a.annotation))
    }
    found = []
    nodes = [n for stmt in body for n in _walk_scope(stmt)]
    # Bindings first (flow-insensitive: a name bound anywhere in the function counts).
    for node in nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if value is None:
                continue
            names = [n for t in targets for n in _targets(t)]
            if _is_instance(value, querysets, models):
                instances.update(names)
            elif _root_model(value, querysets, models):
                querysets.update(names)
        elif isinstance(node, ast.For) and _root_model(node.iter, querysets, models):
            instances.update(_targets(node.target))
    for node in nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr, receiver = node.func.attr, node.func.value
        if attr in WRITE_METHODS and _root_model(receiver, querysets, models):
            found.append(Write(node.lineno, ast.unparse(node)[:120]))
        elif attr == "save" and (
            (isinstance(receiver, ast.Name) and receiver.id in instances)
            or _is_instance(receiver, querysets, models)
        ):
            found.append(Write(node.lineno, ast.unparse(node)[:120]))
    return found


def _walk_scope(node: ast.AST):
    """Every node of a scope, not descending into nested functions (their own scope)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield from _walk_scope(child)


def scan(source: str) -> list[Write]:
    """The writes of organisation or project rows in a module's source."""
    tree = ast.parse(source)
    models = _model_names(tree)
    found = _scan_scope(tree.body, [], models)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            found += _scan_scope(node.body, params, models)
    return sorted(set(found), key=lambda w: w.line)


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in f"/{relative}":
            continue
        yield relative, path


def test_no_organisation_or_project_row_is_written_outside_the_doors():
    strays = {}
    for relative, path in _modules():
        if relative in ALLOWED:
            continue
        writes = scan(path.read_text(encoding="utf-8"))
        if writes:
            strays[relative] = [str(w) for w in writes]
    assert strays == {}, (
        "Organisation and Project rows are written through actors/actions.py and "
        "projects/actions.py only (docs/decisions.md §15):\n"
        + "\n".join(f"  {p}: {w}" for p, ws in strays.items() for w in ws)
    )


def test_the_scanner_sees_the_doors_own_writes():
    # If the scanner went blind (a refactoring of Organisation's imports), the main test would
    # pass vacuously: the actions module must show writes.
    assert scan((PACKAGE / "actors/actions.py").read_text(encoding="utf-8"))


STRAY = """
from passerelles.actors.models import Organisation

def sneak(data):
    return Organisation.objects.create(name=data["name"])
"""


def test_a_stray_create_is_found():
    assert [w.line for w in scan(STRAY)] == [5]


def test_chains_querysets_instances_and_aliases_are_found():
    source = """
from django.shortcuts import get_object_or_404
from passerelles.actors.models import Organisation as Org
from passerelles.projects.models import Project

def chain():
    Org.objects.filter(status="draft").update(status="published")

def bound():
    qs = Project.objects.using("default").filter(pk__in=[1])
    qs.bulk_update([], ["title"])

def instance(request, slug):
    org = get_object_or_404(Org, slug=slug)
    org.name = "x"
    org.save()

def fetched():
    project = Project.objects.get(pk=1)
    project.save(update_fields=["title"])

def built():
    Project(title="t").save()
    p = Project(title="t")
    p.save()

def loop():
    for org in Org.objects.all():
        org.save()

def annotated(org: Org):
    org.save()

def other_models(user):
    user.save()
    Org.objects.filter(pk=1).exists()
"""
    assert [w.line for w in scan(source)] == [7, 11, 16, 20, 23, 25, 29, 32]


def test_other_models_and_names_are_not_writes():
    source = "def f(x, user):\n    x.objects.create()\n    x.save()\n    user.save()\n"
    assert scan(source) == []


def test_a_project_saved_from_a_form_is_found():
    source = "def f(form):\n    project = form.save(commit=False)\n    project.save()\n"
    assert [w.line for w in scan(source)] == [3]
