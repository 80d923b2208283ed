"""No module of services/ imports another that (directly or not) imports it back, at module
level or inside a function: each layer can be read, and tested, without the ones above it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    """The services.* modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("services.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services"):
            found.add(node.module)
            # `from services.kernel import clients` imports the module services.kernel.clients
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def module_graph() -> dict[str, set[str]]:
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in (ROOT / "services").rglob("*.py")
        if "migrations" not in path.parts
    }
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def test_the_services_have_no_import_cycles():
    graph = module_graph()
    assert "services.kernel.clients" in graph["services.kernel.jwks"]  # the graph sees imports
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
