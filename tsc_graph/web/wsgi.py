"""WSGI entry point for any WSGI server: ``waitress-serve tsc_graph.web.wsgi:app`` (settings from ``TSC_*``).

Run exactly one process (threads are fine): the embedded store admits one process. See docs/server.md.
"""
from __future__ import annotations

from . import create_app

app = create_app()
