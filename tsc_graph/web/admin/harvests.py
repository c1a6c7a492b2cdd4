"""``POST /admin/harvest``: harvest every node of the network registry into the running node
(``tsc-graph harvest --all --server URL``).

Why through the server: RocksDB admits one process, so while the server runs only it can write its store. The
harvest is the one ``tsc-graph harvest --all`` runs (each node fetched, parsed and validated in a child process, one
failure not stopping the others), with the server's settings (``TSC_REMOTE_TIMEOUT``); the answer lists each
node's outcome, as ``--format json`` does. Only the admin token may: a harvest rewrites the network's graphs.
"""
from __future__ import annotations

import json
from pathlib import Path

from flask import Response

from tsc_graph.federation.harvest import harvest_all
from tsc_graph.provenance import TOKEN_AGENT

from .. import store_access
from ..errors import ApiError
from .auth import Who, require_admin
from .blueprint import bp, feed


@bp.route("/harvest", methods=["POST"])
@require_admin
def harvest(who: Who) -> Response:
    if who.account != TOKEN_AGENT:
        raise ApiError(403, "harvests need the admin token (TSC_ADMIN_TOKEN), not a curator's account",
                       "token_required")
    settings = store_access.settings()
    home = Path(settings.profile).resolve().parent if settings.profile else None
    results = harvest_all(store_access.store(), base_uri=settings.base_uri, feed=feed(), home=home,
                          timeout=settings.remote_timeout)
    body = [{"node": n.iri, "name": n.name, "source": n.source,
             **({"error": str(o)} if isinstance(o, Exception) else json.loads(o.to_json()))} for n, o in results]
    failed = sum(1 for _, o in results if isinstance(o, Exception))
    return Response(json.dumps({"harvested": len(results) - failed, "failed": failed, "nodes": body},
                               ensure_ascii=False, indent=1) + "\n", 200,
                    content_type="application/json; charset=utf-8")
