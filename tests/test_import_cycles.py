"""No import cycle among the modules of tsc_graph (tools/import_cycles.py, function-level imports included), and
imports go one way, down the layers of docs/architecture.md (primitives < store < domain < web < command line):
each layer reads without the ones above it, so a module can be understood, tested and moved on its own."""
from __future__ import annotations

from checkout import script_module

import_cycles = script_module("tools/import_cycles.py")


def test_no_import_cycle_in_the_package():
    assert import_cycles.cycles(import_cycles.import_graph()) == []


def test_the_measure_finds_a_cycle_through_a_function_level_import():
    assert import_cycles.cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


# --- the direction of imports (docs/architecture.md): each layer imports only the ones below it ----------------
#: The primitives every layer may use; they import nothing else of the package.
PRIMITIVES = {"tsc_graph", "tsc_graph.errors", "tsc_graph.formats", "tsc_graph.namespaces", "tsc_graph.iri",
              "tsc_graph.sparql_text", "tsc_graph.guards"}


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _command_line(module: str) -> bool:
    return _under(module, "tsc_graph.commands") or module == "tsc_graph.cli"


def _imports_of(graph: dict[str, set[str]], where) -> dict[str, set[str]]:
    return {m: deps for m, deps in graph.items() if where(m)}


def test_the_primitives_import_only_primitives():
    graph = import_cycles.import_graph()
    assert {m: deps - PRIMITIVES for m, deps in _imports_of(graph, PRIMITIVES.__contains__).items()
            if deps - PRIMITIVES} == {}


def test_the_store_imports_only_itself_and_the_primitives():
    """The store knows no domain and no web: any backend serves every caller unchanged."""
    graph = import_cycles.import_graph()
    above = {m: {d for d in deps if not _under(d, "tsc_graph.store") and d not in PRIMITIVES}
             for m, deps in _imports_of(graph, lambda m: _under(m, "tsc_graph.store")).items()}
    assert {m: deps for m, deps in above.items() if deps} == {}


def test_nothing_below_the_web_layer_imports_it():
    """Domain logic (matching, moderation, harvest, describe, reconciliation…) runs without Flask: only the web
    layer itself and the commands that start it (serve) import tsc_graph.web."""
    graph = import_cycles.import_graph()
    up = {m: {d for d in deps if _under(d, "tsc_graph.web")}
          for m, deps in _imports_of(graph, lambda m: not (_under(m, "tsc_graph.web") or _command_line(m))).items()}
    assert {m: deps for m, deps in up.items() if deps} == {}


def test_only_the_command_line_imports_the_commands():
    graph = import_cycles.import_graph()
    up = {m: {d for d in deps if _command_line(d)}
          for m, deps in _imports_of(graph, lambda m: not _command_line(m)).items()}
    assert {m: deps for m, deps in up.items() if deps} == {}



def test_no_module_below_the_web_layer_imports_flask():
    import ast

    package = import_cycles.ROOT / import_cycles.PACKAGE
    found = []
    for path in package.rglob("*.py"):
        if path.is_relative_to(package / "web"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.relative_to(package)}: {n}" for n in names if n.split(".")[0].startswith("flask")]
    assert found == []
