"""The conventions that keep one rule in one place, checked on the source with the standard library's `ast`
(docs/CONVENTIONS.md): services and selectors speak no DRF and no django.forms; the kernel (`cad/`)
imports no domain app; no two domain apps import each other, directly or around a longer loop."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "cad"


def domain_apps() -> set[str]:
    """Every installed app whose code lives in this repository, except the kernel."""
    return {config.name for config in apps.get_app_configs()
            if "." not in config.name and config.name != KERNEL
            and Path(config.path).resolve() == ROOT / config.name}


def python_files(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """Absolute names of every module `path` imports, at any depth (function-level imports count)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # `from cad.core import access` imports the module cad.core.access
                yield f"{module}.{alias.name}", node.lineno


def is_service_or_selector(path: Path) -> bool:
    """`services.py` / `selectors.py`, or any module of a `services/` / `selectors/` package."""
    return path.name in ("services.py", "selectors.py") or path.parent.name in ("services", "selectors")


def test_the_apps_are_found():
    assert {"calls", "dispatch", "characters", "bolos", "records"} <= domain_apps()


def test_services_and_selectors_speak_no_drf_and_no_forms():
    offenders = []
    for package in sorted(domain_apps() | {KERNEL}):
        for path in python_files(package):
            if not is_service_or_selector(path):
                continue
            for module, line in imported_modules(path):
                if module.split(".")[0] == "rest_framework" or module == "django.forms" \
                        or module.startswith("django.forms."):
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_a_services_package_is_checked_module_by_module():
    checked = {str(path.relative_to(ROOT)) for path in python_files("characters") if is_service_or_selector(path)}
    assert {"characters/services/__init__.py", "characters/services/vehicles.py",
            "characters/selectors.py"} <= checked
    assert "characters/api/views.py" not in checked


def test_the_kernel_imports_no_domain_app():
    domain = domain_apps()
    offenders = [f"{path.relative_to(ROOT)}:{line} imports {module}"
                 for path in python_files(KERNEL) if "tests" not in path.parts
                 for module, line in imported_modules(path) if module.split(".")[0] in domain]
    assert not offenders, "\n".join(offenders)


def app_graph() -> dict[str, dict[str, str]]:
    """app → {app it imports: where (first occurrence)}; tests are left out (they may use anything)."""
    domain = domain_apps()
    graph: dict[str, dict[str, str]] = {app: {} for app in domain}
    for app in domain:
        for path in python_files(app):
            if "tests" in path.parts:
                continue
            for module, line in imported_modules(path):
                target = module.split(".")[0]
                if target in domain and target != app:
                    graph[app].setdefault(target, f"{path.relative_to(ROOT)}:{line}")
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_between_apps():
    graph = app_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(
        f"{a} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False)) + f" → {cycle[-1]}"


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b": ""}, "b": {"c": ""}, "c": {"a": ""}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": ""}, "b": {}, "c": {"a": ""}}) is None


# A seed number standing alone in a name (`call_003`, `Panic004`, `test_001_list`), not inside a longer number.
SEED_NUMBER = re.compile(r"(?:^|[_a-zA-Z])00[0-4](?:$|[_A-Z])")


def defined_names(path: Path) -> Iterator[tuple[str, int]]:
    """Names the module defines: functions, classes, arguments and assigned names (module and local)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name, node.lineno
        elif isinstance(node, ast.arg):
            yield node.arg, node.lineno
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id, node.lineno


def test_names_say_the_dialect_not_the_seed_number():
    offenders = [f"{path.relative_to(ROOT)}:{line} {name}"
                 for package in sorted(domain_apps() | {KERNEL, "tests", "bench"})
                 for path in python_files(package)
                 for name, line in defined_names(path) if SEED_NUMBER.search(name)]
    offenders += [str(path.relative_to(ROOT)) for package in sorted(domain_apps() | {KERNEL, "tests", "bench"})
                  for path in python_files(package) if SEED_NUMBER.search(path.stem)]
    assert not offenders, "use the glossary's names (docs/CONVENTIONS.md):\n" + "\n".join(offenders)


def test_the_seed_number_pattern_finds_numbered_names():
    assert all(SEED_NUMBER.search(n) for n in ("call_003", "Panic004", "test_001_list", "DIALECT_000"))
    assert not any(SEED_NUMBER.search(n) for n in ("call_cde", "0001_initial", "x_10003", "timeout_0040"))
