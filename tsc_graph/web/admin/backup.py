"""``POST /admin/backup``: a backup of the running node, as a tar archive of the layout of tsc_graph/backup.py.

Why through the server: RocksDB admits one process, and opening a store read-only while another process writes
it is undefined behaviour in Oxigraph, so while the server runs only it can read its store consistently.
``tsc-graph backup DIR --server URL`` calls this route and checks the archive against its manifest. Only the
admin token may: a backup holds every curator's password hash, and the submitters' contacts.
The backup is written beside the store (``<store>/backups/``: the checkpoint is hard links, not a copy), sent,
then deleted.
"""
from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

from flask import Response

from tsc_graph.backup import tar_stream, write_backup
from tsc_graph.provenance import TOKEN_AGENT

from .. import store_access
from ..errors import ApiError
from .auth import Who, require_admin
from .blueprint import bp


@bp.route("/backup", methods=["POST"])
@require_admin
def backup(who: Who) -> Response:
    if who.account != TOKEN_AGENT:  # a backup holds every account's password hash and the submitters' contacts
        raise ApiError(403, "backups need the admin token (TSC_ADMIN_TOKEN), not a curator's account",
                       "token_required")
    store = store_access.store()
    if getattr(store, "path", None) is None or not hasattr(store, "writes_paused"):
        raise ApiError(409, "this server's store is not an embedded on-disk Oxigraph store: back it up with the "
                            "store's own tools", "no_backup")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = store.path / "backups" / f"{stamp}-{uuid.uuid4().hex[:8]}"
    try:
        write_backup(store, target, store_access.settings().curators_file or None, independent=False)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise

    def send() -> Iterator[bytes]:
        try:
            yield from tar_stream(target)
        finally:
            shutil.rmtree(target, ignore_errors=True)

    resp = Response(send(), 200, content_type="application/x-tar")
    resp.headers["Content-Disposition"] = f'attachment; filename="tsc-graph-backup-{stamp}.tar"'
    return resp
