"""``tsc-graph backup DIR`` and ``tsc-graph restore DIR``: the whole node (store, the SQLite databases beside it,
the curators file) into a directory with a manifest, and back (tsc_graph/backup.py, docs/operations.md).

Exit codes: backup — 0 done, 1 the store is held by a running server and no ``--server`` was given, or the server
refused; 2 not an on-disk store, or DIR not empty. Restore — 0 done, 1 a running server holds the store,
2 the backup is corrupt or incomplete (its manifest does not match its files).
"""
from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from ..backup import restore, untar, verify, write_backup
from ..config import Settings
from ..errors import BadInput, RemoteError, StoreLocked


def register(sub) -> None:
    curators = Settings.from_env().curators_file
    p = sub.add_parser("backup", help="back up the store, the databases beside it and the curators file into DIR",
                       description="A consistent backup with a manifest (sizes, SHA-256). While a server holds the "
                                   "store, give --server: the server takes the backup and sends it.")
    p.add_argument("dir", type=Path, help="the backup directory (new or empty)")
    p.add_argument("--server", metavar="URL",
                   help="the running server that holds the store (e.g. http://127.0.0.1:8080); needs its admin "
                        "token in TSC_ADMIN_TOKEN")
    p.add_argument("--curators-file", default=curators,
                   help="the curators file to include (default: env TSC_CURATORS_FILE)")
    p.set_defaults(func=run_backup)
    r = sub.add_parser("restore", help="replace the store, its databases and the curators file with a backup",
                       description="Checks the backup against its manifest first; refuses while a server runs on "
                                   "the store.")
    r.add_argument("dir", type=Path, help="a directory written by `tsc-graph backup`")
    r.add_argument("--curators-file", default=curators,
                   help="where to restore the backup's curators file (default: env TSC_CURATORS_FILE)")
    r.set_defaults(func=run_restore)


def _store_dir(spec: str) -> Path:
    if spec.startswith(("memory", "sparql:", "http://", "https://")):
        raise BadInput(f"{spec}: backup and restore are for the embedded on-disk store (oxigraph:PATH); back up an "
                       "external SPARQL store with its own tools")
    return Path(spec.removeprefix("oxigraph:"))


def _from_server(url: str, target: Path) -> dict:
    """Ask the running server for its backup (``POST /admin/backup``), unpack it into ``target``, check it."""
    if target.exists() and any(target.iterdir()):
        raise BadInput(f"{target}: the backup directory must be new or empty")
    token = Settings.from_env().admin_token
    if not token:
        raise BadInput("the server's admin token is needed: set TSC_ADMIN_TOKEN")
    request = urllib.request.Request(url.rstrip("/") + "/admin/backup", method="POST", data=b"",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=3600) as answer:  # noqa: S310 - an operator's own server
            target.mkdir(parents=True, exist_ok=True)
            untar(answer, target)
    except urllib.error.HTTPError as e:
        raise RemoteError(f"{url}: the server refused the backup: {e.code} {e.read(2000).decode(errors='replace')}") from None
    except (urllib.error.URLError, OSError) as e:
        raise RemoteError(f"{url}: cannot reach the server: {e}") from None
    return verify(target)


def run_backup(args) -> int:
    store_dir = _store_dir(args.store)
    if args.server:
        manifest = _from_server(args.server, args.dir)
    else:
        if not (store_dir / "db").is_dir():
            raise BadInput(f"{store_dir}: no store here")
        from ..store.oxigraph import OxigraphStore

        try:
            store = OxigraphStore(store_dir)
        except StoreLocked:
            raise StoreLocked(f"{store_dir}: a running server holds this store; take the backup through it: "
                              f"tsc-graph --store {args.store} backup {args.dir} --server http://HOST:PORT "
                              "(with TSC_ADMIN_TOKEN set)") from None
        try:
            manifest = write_backup(store, args.dir, args.curators_file or None)
        finally:
            store.close()
    files = manifest["files"]
    print(f"backup of {store_dir} in {args.dir}: {len(manifest['store']['graphs'])} graphs, "
          f"{manifest['store']['quads']} quads, databases {', '.join(manifest['databases']) or '(none)'}, "
          f"curators file {'included' if manifest['curators_file'] else 'not included'}; "
          f"{len(files)} files, {sum(f['bytes'] for f in files)} bytes, manifest {args.dir / 'manifest.json'}")
    return 0


def run_restore(args) -> int:
    store_dir = _store_dir(args.store)
    manifest = restore(args.dir, store_dir, args.curators_file or None)
    curators = ""
    if manifest["curators_file"]:
        curators = (f", curators file to {args.curators_file}" if args.curators_file else
                    "; the backup's curators file was not restored (no --curators-file or TSC_CURATORS_FILE)")
    print(f"restored {store_dir} from {args.dir} (backup started {manifest['started']}): "
          f"{len(manifest['store']['graphs'])} graphs, {manifest['store']['quads']} quads, "
          f"databases {', '.join(manifest['databases']) or '(none)'}{curators}")
    return 0
