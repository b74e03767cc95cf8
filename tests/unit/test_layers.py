"""The layering of judge/, checked on the source (pure AST, no Docker): a module imports only from its own layer and
the layers below it; no judge modules import each other in a circle (imports inside functions count too: a circle
dodged by a function-local import is still one); the in-container agent (and its protocol) import only the standard
library; only judge/sandbox imports docker-py."""

import ast
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "judge"

# Layer -> the layers it may import from (besides itself, the standard library and third-party packages).
# "base" is every top-level judge/*.py module (errors, cache, units, ...); judge/__main__.py is the command line.
ALLOWED: dict[str, set[str]] = {
    "base": set(),
    "inputs": {"base"},
    "judging": {"base", "inputs"},
    "sandbox": {"base", "inputs"},
    "report": {"base", "inputs", "judging"},
    "grading": {"base", "inputs", "judging", "sandbox"},
    "batch": {"base", "inputs", "judging", "sandbox", "grading", "report"},
    "service": {"base", "inputs", "judging", "sandbox", "grading", "batch"},
    "cli": {"base", "inputs", "judging", "sandbox", "grading", "report", "batch", "service"},
}
# They run inside the container, where only the standard library and each other exist (the protocol travels in as
# judge_protocol; on the host, e.g. in tests, the agent imports it as judge.sandbox.protocol).
AGENT_PACKAGE = PACKAGE / "sandbox" / "agent"
STDLIB_ONLY = (
    "judge/sandbox/protocol.py",
    *(str(path.relative_to(PACKAGE.parent)) for path in sorted(AGENT_PACKAGE.glob("*.py"))),
)
IN_CONTAINER = {"judge_protocol", "judge.sandbox", "judge.sandbox.protocol", "judge.sandbox.agent"}
AGENT_MODULE = "judge.sandbox.agent."  # the package's modules import one another
DOCKER_LAYER = "sandbox"  # the layers above name the client as judge.sandbox.engine.Engine


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """judge.grading.grader -> grading; judge.errors, judge -> base; judge.__main__ -> cli."""
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    if parts[1] == "__main__":
        return "cli"
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "base"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, including those inside functions."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(
    source: str, package: str, *, runtime_only: bool = False, known: set[str] | None = None
) -> list[tuple[int, str]]:
    """Imports of `source`, a module of `package`, resolved to absolute names; ``runtime_only`` leaves out those
    only the type checker reads (in the body of ``if TYPE_CHECKING:``). ``from X import name`` also counts X.name
    when that is a module: one of ``known``, or (without it) a file or folder under judge/."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in _walk(tree, runtime_only):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.append((node.lineno, source))
            # `from judge import cli` / `from judge.sandbox import container` name modules: check them too.
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if _is_module(candidate, known):
                    found.append((node.lineno, candidate))
    return found


def _is_module(name: str, known: set[str] | None) -> bool:
    if known is not None:
        return name in known
    rel = Path(*name.split("."))
    return name.startswith("judge.") and (
        (PACKAGE.parent / rel).is_dir() or (PACKAGE.parent / rel).with_suffix(".py").is_file()
    )


def _walk(tree: ast.AST, runtime_only: bool) -> Iterator[ast.AST]:
    """Every node of ``tree`` (in functions too), without the bodies of ``if TYPE_CHECKING:`` when ``runtime_only``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        children = list(ast.iter_child_nodes(node))
        if runtime_only and isinstance(node, ast.If) and _is_type_checking(node.test):
            children = [node.test, *node.orelse]
        todo.extend(reversed(children))


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


def test_the_tree_is_found():
    names = {module_name(p) for p in modules()}
    assert {"judge.errors", "judge.inputs.settings", "judge.sandbox.agent", "judge.cli"} <= names
    assert {layer_of(n) for n in names} <= set(ALLOWED)


def test_no_module_imports_a_layer_above_it():
    violations = []
    for path in modules():
        own = layer_of(module_name(path))
        for line, imported in imported_modules(path):
            if imported != "judge" and not imported.startswith("judge."):
                continue
            target = layer_of(imported)
            if target != own and target not in ALLOWED[own]:
                violations.append(f"{where(path, line)}: {own} imports {imported} ({target})")
    assert violations == [], "layering violations:\n" + "\n".join(sorted(set(violations)))


def test_the_agent_package_is_checked():
    assert len(STDLIB_ONLY) > 5 and "judge/sandbox/agent/main.py" in STDLIB_ONLY


@pytest.mark.parametrize("relative", [r for r in STDLIB_ONLY if (PACKAGE.parent / r).exists()])
def test_in_container_code_imports_only_the_standard_library(relative):
    path = PACKAGE.parent / relative
    outside = [
        f"{where(path, line)}: {name}"
        for line, name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name not in IN_CONTAINER
        and not (name.startswith(AGENT_MODULE) and (AGENT_PACKAGE / f"{name.removeprefix(AGENT_MODULE)}.py").is_file())
    ]
    assert outside == [], "the agent runs inside the container: standard library only:\n" + "\n".join(outside)


def test_only_the_sandbox_imports_docker():
    offenders = [
        f"{where(path, line)}: {name}"
        for path in modules()
        if layer_of(module_name(path)) != DOCKER_LAYER
        for line, name in imported_modules(path)
        if name.split(".")[0] == "docker"
    ]
    assert offenders == [], "only judge/sandbox talks to Docker:\n" + "\n".join(offenders)


def test_the_checker_resolves_relative_lazy_and_module_imports():
    source = (
        "from ..sandbox import container\n"
        "from . import validators\n"
        "def f():\n"
        "    import docker.errors\n"
        "    from judge import cli\n"
    )
    names = {name for _, name in imports_in(source, "judge.grading")}
    assert {"judge.sandbox", "judge.sandbox.container", "judge.grading.validators", "docker.errors"} <= names
    assert {"judge", "judge.cli"} <= names
    assert [layer_of(n) for n in ("judge.sandbox.container", "judge.errors", "judge", "judge.__main__")] == [
        "sandbox",
        "base",
        "base",
        "cli",
    ]


# -- import circles ------------------------------------------------------------------------------------------------
Graph = dict[str, dict[str, int]]  # module -> {module it imports: the line of the first such import}


def import_graph(sources: dict[str, tuple[str, bool]]) -> Graph:
    """The judge modules each module imports when it runs (at its top or inside a function), from
    {module name: (source, whether it is a package's __init__)}; imports of modules outside ``sources`` are left out."""
    graph: Graph = {}
    for name, (source, is_package) in sources.items():
        package = name if is_package else name.rpartition(".")[0]
        edges = graph.setdefault(name, {})
        for line, imported in imports_in(source, package, runtime_only=True, known=set(sources)):
            if imported in sources and imported != name:
                edges.setdefault(imported, line)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """One circle per strongly connected group of modules (Tarjan's), each starting at its smallest name and
    closed by repeating it: ["a", "b", "a"]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, {})):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(_circle_in(graph, group) for group in groups)


def _circle_in(graph: Graph, group: set[str]) -> list[str]:
    """A shortest circle through the smallest module of ``group`` (breadth-first, within the group)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target in group and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"no circle in {sorted(group)}")


def describe(graph: Graph, circle: list[str], files: dict[str, Path]) -> str:
    """``a (judge/a.py:3) -> b (judge/b.py:9) -> a``: each step with the line that imports the next module."""
    steps = [
        f"{a} ({where(files[a], graph[a][b]) if a in files else graph[a][b]})" for a, b in itertools.pairwise(circle)
    ]
    return " -> ".join([*steps, circle[-1]])


def test_no_judge_modules_import_each_other_in_a_circle():
    files = {module_name(path): path for path in modules()}
    sources = {name: (path.read_text(encoding="utf-8"), path.name == "__init__.py") for name, path in files.items()}
    graph = import_graph(sources)
    found = [describe(graph, circle, files) for circle in cycles(graph)]
    assert found == [], "import circles (a function-local import counts too):\n" + "\n".join(found)


def test_the_circle_check_finds_a_synthetic_circle():
    sources = {
        "judge.a": ("from judge.b import x\n", False),
        "judge.b": ("import os\n\ndef f():\n    from judge.c import y\n", False),
        "judge.c": ("from . import a\n", False),
        "judge.d": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from judge.a import z\n", False),
        "judge.e": ("import judge.d\n", False),
    }
    graph = import_graph(sources)
    assert cycles(graph) == [["judge.a", "judge.b", "judge.c", "judge.a"]]
    assert describe(graph, cycles(graph)[0], {}) == "judge.a (1) -> judge.b (4) -> judge.c (1) -> judge.a"
    assert graph["judge.d"] == {}  # what only the type checker reads is no circle


def test_the_circle_check_finds_two_modules_and_a_package():
    sources = {
        "judge.p": ("from judge.p import m\n", True),
        "judge.p.m": ("import judge.p\n", False),
        "judge.q": ("", False),
    }
    assert cycles(import_graph(sources)) == [["judge.p", "judge.p.m", "judge.p"]]
