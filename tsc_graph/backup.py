"""Backups of a node and their restoration: the Oxigraph store, the SQLite databases beside it, the curators file.

Layout of a backup directory::

    DIR/manifest.json          written last: what the backup holds, each file's size and SHA-256, the version of
                               tsc-graph that wrote it, the time, the store's graphs and quads
    DIR/store/db/              Oxigraph's own online backup of the store (a RocksDB checkpoint)
    DIR/store/version.json     the store's version token (HTTP validators stay meaningful)
    DIR/store/*.sqlite3        every SQLite database beside the store (moderation queue, change feed, curator
                               sessions), each copied with SQLite's online backup API
    DIR/curators.toml          the curators file (``TSC_CURATORS_FILE``), if one is configured

Why it is consistent while the server runs: RocksDB admits one process, so a running server is the only one that
can read its store; ``tsc-graph backup`` then asks it (``POST /admin/backup``, tsc_graph/web/admin/backup.py), which
holds its store writes for the few milliseconds the checkpoint takes (hard links). The SQLite copies come after the
store's, and SQLite's backup API copies a consistent state of each database even while it is written. A
decision recorded in a database but not yet in the store (or the reverse) is what a crash leaves too, and the
server's start-up reconciliation (:func:`tsc_graph.reconcile.reconcile`, :meth:`tsc_graph.changes.ChangeFeed.reconcile`)
completes it after a restore.

``restore`` refuses a backup whose manifest is missing or does not match its files (exit 2), and a store that a
running server holds (exit 1): replacing RocksDB's files under a live process would corrupt it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import BadInput, StoreLocked, TscGraphError

FORMAT = "tsc-graph-backup/1"
MANIFEST = "manifest.json"
CURATORS = "curators.toml"
#: What a store directory holds that a backup replaces; the rest (snapshots, saved replicas, a rollback
#: checkpoint, a backup the server was still sending) is derived from the store and removed on restore, so nothing
#: stale outlives the restored data.
DERIVED = ("snapshots", "replica", "rollback", "journal.json", "backups")


class BadBackup(BadInput):
    """A backup directory that is incomplete or whose files do not match its manifest."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sqlite_files(store_dir: Path) -> list[Path]:
    """Every SQLite database beside the store: any new one (another queue, another log) is backed up unasked."""
    return sorted(store_dir.glob("*.sqlite3"))


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while the server writes (WAL mode), unlike a file copy."""
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def unshare(directory: Path) -> None:
    """Give every file of ``directory`` an inode of its own. Oxigraph's backup (a RocksDB checkpoint) hard-links the
    store's table files when the backup is on the same file system: a disk error in one of them, or an edit of the
    backup, would then damage the store and its backup at once."""
    for path in directory.rglob("*"):
        if path.is_file() and path.stat().st_nlink > 1:
            copy = path.with_name(path.name + ".copy")
            shutil.copy2(path, copy)
            os.replace(copy, path)


def write_backup(store, target: Path, curators_file: str | os.PathLike | None = None, *,
                 independent: bool = True) -> dict:
    """Back up the open on-disk :class:`~tsc_graph.store.oxigraph.OxigraphStore` ``store`` into ``target`` (absent
    or empty), and return the manifest. The manifest is written last: a backup interrupted half-way has none, and
    restore refuses it. ``independent=False`` keeps the store's table files hard-linked (a backup that is sent
    and deleted at once, ``POST /admin/backup``)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BadInput(f"{target}: the backup directory must be new or empty")
    (target / "store").mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    with store.writes_paused():
        store.backup(target / "store" / "db")
        graphs, quads = store.graphs(), store.count()
        version = store.version()
    if independent:
        unshare(target / "store" / "db")
    (target / "store" / "version.json").write_text(
        json.dumps({"token": version.token, "modified": version.modified.isoformat()}))
    databases = []
    for db in sqlite_files(store.path):
        copy_sqlite(db, target / "store" / db.name)
        databases.append(db.name)
    curators = None
    if curators_file and Path(curators_file).is_file():
        shutil.copyfile(curators_file, target / CURATORS)
        curators = CURATORS
    manifest = {
        "format": FORMAT,
        "tsc_graph_version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "store": {"graphs": graphs, "quads": quads, "version": version.token},
        "databases": databases,
        "curators_file": curators,
        "files": [{"path": str(p.relative_to(target)), "bytes": p.stat().st_size, "sha256": sha256(p)}
                  for p in sorted(target.rglob("*")) if p.is_file()],
    }
    tmp = target / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(tmp, target / MANIFEST)
    return manifest


def verify(backup: Path) -> dict:
    """The manifest of ``backup`` once every file it lists is there with its size and SHA-256; BadBackup if not."""
    backup = Path(backup)
    try:
        manifest = json.loads((backup / MANIFEST).read_text())
    except FileNotFoundError:
        raise BadBackup(f"{backup}: no {MANIFEST}: not a tsc-graph backup, or one that did not finish") from None
    except (OSError, ValueError) as e:
        raise BadBackup(f"{backup}/{MANIFEST} is unreadable: {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise BadBackup(f"{backup}/{MANIFEST}: not a {FORMAT} manifest")
    problems = []
    for entry in manifest["files"]:
        path = backup / entry["path"]
        if not path.resolve().is_relative_to(backup.resolve()):
            problems.append(f"{entry['path']}: outside the backup")
        elif not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif path.stat().st_size != entry["bytes"]:
            problems.append(f"{entry['path']}: {path.stat().st_size} bytes, the manifest says {entry['bytes']}")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: SHA-256 differs from the manifest (corrupted)")
    if not (backup / "store" / "db").is_dir():
        problems.append("store/db: missing (no store in this backup)")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise BadBackup(f"{backup}: refusing a corrupt or incomplete backup: {shown}")
    return manifest


def ensure_not_served(store_dir: Path) -> None:
    """StoreLocked if a process (a running server) holds the store at ``store_dir``: RocksDB's lock says so. A store
    that fails to open for another reason is no obstacle: a damaged store is what one restores over."""
    if not (store_dir / "db").is_dir():
        return
    import pyoxigraph as ox

    try:
        ox.Store(str(store_dir / "db"))  # released at once: the object is dropped right away
    except (OSError, RuntimeError) as e:  # RocksDB reports a lock as OSError, damaged files as RuntimeError
        if "lock" in str(e).lower():
            raise StoreLocked(f"{store_dir}: a running server (or another process) holds this store; stop it "
                              "before restoring: files replaced under it would corrupt it") from None


def restore(backup: Path, store_dir: Path, curators_file: str | os.PathLike | None = None) -> dict:
    """Replace the store at ``store_dir`` and the databases beside it with those of ``backup``; write its curators
    file to ``curators_file`` when both exist. Verified first; the current store is set aside until the restored
    one is in place, so a failure half-way leaves it at ``db.before-restore``."""
    backup, store_dir = Path(backup), Path(store_dir)
    manifest = verify(backup)
    ensure_not_served(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    staged = store_dir / "db.restoring"
    aside = store_dir / "db.before-restore"
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(backup / "store" / "db", staged)
    shutil.rmtree(aside, ignore_errors=True)
    if (store_dir / "db").exists():
        os.replace(store_dir / "db", aside)
    os.replace(staged, store_dir / "db")
    for name in DERIVED:
        path = store_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for db in sqlite_files(store_dir):  # databases the backup does not have are from after it: they go too
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)  # an old WAL replayed over a restored database would corrupt it
    for name in manifest["databases"]:
        shutil.copyfile(backup / "store" / name, store_dir / name)
    shutil.copyfile(backup / "store" / "version.json", store_dir / "version.json")
    if manifest.get("curators_file") and curators_file:
        Path(curators_file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup / manifest["curators_file"], curators_file)
    shutil.rmtree(aside, ignore_errors=True)
    return manifest


def tar_stream(directory: Path, chunk: int = 1 << 20) -> Iterator[bytes]:
    """``directory`` as an uncompressed POSIX tar archive, in chunks of at most ``chunk`` bytes of file data (the
    server's answer to ``POST /admin/backup``). Written block by block rather than through ``tarfile.add``, which
    would hold each store file (tens of MB) in memory before the first byte leaves."""
    for path in sorted(directory.rglob("*")):
        info = tarfile.TarInfo(str(path.relative_to(directory)))
        stat = path.stat()
        info.mtime, info.mode = int(stat.st_mtime), stat.st_mode & 0o777
        if path.is_dir():
            info.type = tarfile.DIRTYPE
            yield info.tobuf(tarfile.PAX_FORMAT)
            continue
        info.size = stat.st_size
        yield info.tobuf(tarfile.PAX_FORMAT)
        sent = 0
        with open(path, "rb") as f:
            while sent < info.size:
                data = f.read(min(chunk, info.size - sent))
                if not data:
                    raise TscGraphError(f"{path} shrank while it was being sent")
                sent += len(data)
                yield data
        if info.size % tarfile.BLOCKSIZE:
            yield tarfile.NUL * (tarfile.BLOCKSIZE - info.size % tarfile.BLOCKSIZE)
    yield tarfile.NUL * (2 * tarfile.BLOCKSIZE)  # end of archive


def untar(stream, target: Path) -> None:
    """Unpack a tar stream from :func:`tar_stream` into ``target`` (the ``data`` filter: nothing outside it)."""
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        tar.extractall(target, filter="data")
