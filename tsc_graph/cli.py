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
            "init", "profile", "backup"]

EXIT_OK, EXIT_PROBLEM, EXIT_BAD_INPUT = 0, 1, 2


def _profile_arg(argv: list[str] | None) -> str | None:
    """The global ``--profile`` of ``argv``, read before the parser is built: the profile gives the defaults of
    the other global options (``--base-uri``)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--profile")
    known, _rest = pre.parse_known_args(argv)
    return known.profile


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    settings = Settings.from_env(profile=_profile_arg(argv))
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
    parser.add_argument("--profile", default=settings.profile or None,
                        help="the node profile, node.toml (env TSC_PROFILE): base URI, languages, data directories")
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
    try:
        parser = build_parser(argv)
    except BadInput as e:  # a bad TSC_* variable or profile, found before any option is read
        print(f"tsc-graph: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    if not (args.base_uri or "").strip():
        print("tsc-graph: error: --base-uri is empty: give the node's base URI (such as https://fr.chm-cbd.net/tsc/)",
              file=sys.stderr)
        return EXIT_BAD_INPUT
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
