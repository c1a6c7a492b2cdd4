"""The progress bar of a load, for both backends: one bar over the bytes of the sources, drawn by tqdm.

``disable=None``: drawn only on a terminal, so logs and tests get no bar.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

from .base import Source


def load_progress(sources: Sequence[Source]):
    """A tqdm bar over the bytes of ``sources`` (in memory or on disk); advance it with ``update(n_bytes)``."""
    from tqdm import tqdm

    total = 0
    for s in sources:
        if s.data is not None:
            total += len(s.data)
        elif s.path is not None and s.path.exists():
            total += s.path.stat().st_size
    return tqdm(total=total, unit="B", unit_scale=True, desc="loading", disable=None)


class ProgressReader(io.RawIOBase):
    """Wraps a binary file so a progress bar advances as a parser reads it."""

    def __init__(self, raw, bar):
        self.raw = raw
        self.bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        if n:
            self.bar.update(n)
        return n
