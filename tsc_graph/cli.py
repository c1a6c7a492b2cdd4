"""The ``tsc-graph`` command line.

Exit codes, the same for every command: 0 success, 1 the operation ran and found a problem
(violations, failed remote call, store busy), 2 bad input (unreadable file, malformed query, unknown option).
Each command lives in ``tsc_graph/commands/<name>.py`` and exposes ``register(subparsers)``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .config import Settings
from .errors import BadInput, TscGraphError

#: Modules under tsc_graph.commands, in the order ``--help`` lists them.
COMMANDS = ["load", "validate", "query", "export", "graphs", "serve", "harvest", "import_chm", "export_chm", "curators",
            "backup"]

EXIT_OK, EXIT_PROBLEM, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(
        prog="tsc-graph",
        description="Publish and query the CBD technical and scientific cooperation knowledge graph.",
    )
    parser.add_argument("--version", action="version", version=f"tsc-graph {__version__}")
    parser.add_argument(
        "--store",
        default=settings.store,
        help="store spec: oxigraph:PATH (embedded, default %(default)s), memory:, or sparql:URL (env TSC_STORE)",
    )
    parser.add_argument("--base-uri", default=settings.base_uri, help="canonical base of this node's URIs (env TSC_BASE_URI)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as e:
            if e.name == f"{__package__}.commands.{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BadInput as e:
        print(f"tsc-graph: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TscGraphError as e:
        print(f"tsc-graph: {e}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("tsc-graph: interrupted; the store is unchanged by the unfinished operation", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
