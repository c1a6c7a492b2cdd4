"""Moderation of submissions: the queue (:mod:`.queue`: SQLite rows, their history, paging, quotas) and the
decisions that publish or withdraw them (:mod:`.decisions`). Callers import both from here."""
from __future__ import annotations

from .decisions import publish, withdraw
from .queue import (
    ACTIONS,
    APPROVED,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    PENDING,
    REJECTED,
    STATES,
    SYSTEM,
    Cursor,
    Event,
    Filter,
    ModerationQueue,
    Page,
    Quota,
    Stale,
    Submission,
    tracking_hash,
)

__all__ = [
    "ACTIONS", "APPROVED", "MAX_PAGE_SIZE", "PAGE_SIZE", "PENDING", "REJECTED", "STATES", "SYSTEM", "Cursor", "Event",
    "Filter", "ModerationQueue", "Page", "Quota", "Stale", "Submission", "tracking_hash", "publish", "withdraw",
]
