"""``tsc-graph profile``: check the node profile (node.toml) and print what the Makefile needs from it.

``make load`` runs ``tsc-graph --profile $(PROFILE) load`` (the profile's data directories and registry after the
shipped vocabularies, ``--print load-args`` lists them) and ``--print base-uri`` for the graph it drops; nothing about
one node is written in the Makefile.
"""
from __future__ import annotations

import shlex

from ..profile import load

FIELDS = ["summary", "load-args", "base-uri", "public-url", "languages", "country"]


def register(sub) -> None:
    p = sub.add_parser("profile", help="check the node profile (--profile, default node.toml) and print its fields")
    p.add_argument("--print", dest="what", choices=FIELDS, default="summary",
                   help="load-args: the data directories and registry, shell-quoted; languages: space-separated")
    p.set_defaults(func=run)


def run(args) -> int:
    node = load(args.profile or "node.toml")
    if args.what == "load-args":
        print(" ".join(shlex.quote(a) for a in node.load_args()))
    elif args.what == "base-uri":
        print(node.base_uri)
    elif args.what == "public-url":
        print(node.public_url)
    elif args.what == "languages":
        print(" ".join(node.languages))
    elif args.what == "country":
        print(node.country)
    else:
        print(f"{node.path}: the node of {node.country}, {node.name.get(node.languages[0])!r}")
        print(f"  base URI   {node.base_uri}")
        print(f"  public URL {node.public_url or '(the address tsc-graph serve binds)'}")
        print(f"  languages  {' '.join(node.languages)} (default {node.languages[0]})")
        print(f"  loads      {' '.join(node.load_args())}")
        if node.logo:
            print(f"  logo       {node.logo}")
        if node.contact:
            print(f"  contact    {node.contact}")
    return 0
