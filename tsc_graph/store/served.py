"""Reading a store that a running server holds: the read-side commands (``export``, ``export-chm``, ``query``,
``graphs``) open a private copy of the server's current snapshot instead of refusing.

Why a snapshot: RocksDB admits one process per store, and a read-only open beside a writing process is undefined
in Oxigraph. The server's query workers read snapshots (RocksDB checkpoints taken after every commit, under
``<store>/snapshots/``, the current one named in ``snapshots/CURRENT``), which no one writes. The copy hard-links
their immutable table files (``*.sst``) and copies the small rest, so the server may delete the snapshot meanwhile
and nothing it writes is touched. What the copy shows is the store as of the server's last commit.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import StoreLocked
from .pool import CURRENT_SNAPSHOT


def _current_snapshot(store_dir: Path) -> Path | None:
    try:
        name = (store_dir / "snapshots" / CURRENT_SNAPSHOT).read_text().strip()
    except OSError:
        return None
    snapshot = store_dir / "snapshots" / name
    return snapshot if name and snapshot.is_dir() else None


def _copy(snapshot: Path, target: Path) -> None:
    target.mkdir()
    for f in snapshot.iterdir():
        if f.suffix == ".sst":
            os.link(f, target / f.name)
        else:
            shutil.copy2(f, target / f.name)


@contextmanager
def served_snapshot(store_dir: Path, locked: StoreLocked) -> Iterator[Path]:
    """A private store directory with the server's current snapshot of ``store_dir`` (removed on exit); re-raises
    ``locked`` with what to do when the server keeps no snapshot (``TSC_QUERY_WORKERS=0``)."""
    work = Path(tempfile.mkdtemp(prefix="served-", dir=store_dir))  # same file system: hard links work
    try:
        for _ in range(5):  # the server may replace the snapshot while we copy it
            snapshot = _current_snapshot(store_dir)
            if snapshot is None:
                raise StoreLocked(f"{locked} This server keeps no snapshot to read from (TSC_QUERY_WORKERS=0): "
                                  "stop it, or take a copy through it with `tsc-graph backup DIR --server URL` and "
                                  "run the command on `--store oxigraph:DIR/store`.") from None
            shutil.rmtree(work / "db", ignore_errors=True)
            try:
                _copy(snapshot, work / "db")
            except FileNotFoundError:
                continue
            if (store_dir / "version.json").is_file():
                shutil.copy2(store_dir / "version.json", work / "version.json")
            yield work
            return
        raise locked
    finally:
        shutil.rmtree(work, ignore_errors=True)
