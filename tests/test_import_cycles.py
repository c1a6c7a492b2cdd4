"""No import cycle among the modules of tsc_graph (tools/import_cycles.py, function-level imports included): each
layer reads without the ones above it, so a module can be understood, tested and moved on its own."""
from __future__ import annotations

from checkout import script_module

import_cycles = script_module("tools/import_cycles.py")


def test_no_import_cycle_in_the_package():
    assert import_cycles.cycles(import_cycles.import_graph()) == []


def test_the_measure_finds_a_cycle_through_a_function_level_import():
    assert import_cycles.cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
