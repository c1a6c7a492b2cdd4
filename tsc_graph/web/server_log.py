"""The server's own log on stderr, whichever HTTP front runs the app (waitress in ``tsc-graph serve``'s
process, granian in its worker).
"""
from __future__ import annotations

import logging
import sys


def log_to_stderr() -> None:
    """The server's own events (query replicas built, workers replaced, warnings) on stderr, with the time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tsc_graph")  # the web layer (tsc_graph.web) logs under it too
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False  # waitress configures the root logger too: one line per event
