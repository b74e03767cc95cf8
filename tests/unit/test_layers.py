"""The layering of judge/, checked on the source (pure AST, no Docker): a module imports only from its own layer and
the layers below it; the in-container agent (and its protocol) import only the standard library; only judge/sandbox
imports docker-py."""

import ast
import sys
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
    "service": {"base", "inputs", "judging", "sandbox", "grading"},
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


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """Imports of `source`, a module of `package`, resolved to absolute names."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
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
                rel = Path(*candidate.split("."))
                if candidate.startswith("judge.") and (
                    (PACKAGE.parent / rel).is_dir() or (PACKAGE.parent / rel).with_suffix(".py").is_file()
                ):
                    found.append((node.lineno, candidate))
    return found


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
