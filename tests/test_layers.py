"""The apps' layers: imports point down only, no app imports the project package, no cycles.

Every Python file of every app is read with `ast` (function-level imports included, since a
late import is still a dependency). To add an app, put its name in LAYERS; an app not listed
is taken to be at the top, where nothing may import it. There is no list of exceptions: a page of a
lower app that shows a higher app's parts asks for them through that app's template tags.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_PACKAGE = "repeatplans"

# Bottom first. An app may import apps in its own layer or below; the cycle check keeps the
# apps within one layer from leaning on each other both ways.
LAYERS = [
    {"audit", "people", "limits"},
    {"accounts"},
    {"cases"},
    {"conferences"},
    {"notifications", "quality", "reviews", "api"},
]


def project_apps() -> list[str]:
    """The project's own apps: the installed apps whose code is in this checkout."""
    names = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    return sorted(name for name in names if name != PROJECT_PACKAGE and (BASE_DIR / name / "apps.py").is_file())


def layer_of(app: str) -> int:
    return next((rank for rank, layer in enumerate(LAYERS) if app in layer), len(LAYERS))


def imports_of(app: str, known: set[str]) -> list[tuple[str, str]]:
    """(imported top-level package, "file:line") for each absolute import in the app's files."""
    found = []
    for path in sorted((BASE_DIR / app).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            where = f"{path.relative_to(BASE_DIR)}:{node.lineno}"
            for module in modules:
                top = module.split(".")[0]
                if top != app and (top in known or top == PROJECT_PACKAGE):
                    found.append((top, where))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of apps that reach each other (Tarjan's strongly connected components, size > 1)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layering_problems(imports: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Every import of the project package, every import pointing up, and every cycle between apps."""
    problems = []
    graph = defaultdict(set)
    for app, found in sorted(imports.items()):
        for target, where in found:
            if target == PROJECT_PACKAGE:
                problems.append(f"{where}: {app} imports the project package {PROJECT_PACKAGE}")
                continue
            graph[app].add(target)
            if layer_of(target) > layer_of(app):
                problems.append(f"{where}: {app} imports {target}, which sits above it")
    problems += [f"import cycle between apps: {' <-> '.join(group)}" for group in cycles(graph)]
    return problems


def test_imports_point_down_only_with_no_cycles_and_no_project_package():
    apps = project_apps()
    assert {"audit", "people", "cases", "conferences", "notifications", "quality"} <= set(apps)
    imports = {app: imports_of(app, set(apps)) for app in apps}
    assert layering_problems(imports) == []


def test_the_check_finds_an_upward_import_a_cycle_and_the_project_package():
    imports = {
        "audit": [("cases", "audit/x.py:1")],
        "cases": [("audit", "cases/y.py:2"), ("repeatplans", "cases/z.py:3")],
        "quality": [("conferences", "quality/w.py:4")],
        "conferences": [("cases", "conferences/v.py:5")],
    }
    assert layering_problems(imports) == [
        "audit/x.py:1: audit imports cases, which sits above it",
        "cases/z.py:3: cases imports the project package repeatplans",
        "import cycle between apps: audit <-> cases",
    ]
