"""RSGI entry point for granian: ``granian --interface rsgi --http 1 tsc_graph.web.rsgi:app`` (settings from
``TSC_*``), which is what ``tsc-graph serve --front granian`` runs. See tsc_graph/web/rsgi_adapter.py.

Run exactly one worker process: the embedded store admits one process.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

from .rsgi_adapter import create_rsgi_app
from .server_log import log_to_stderr

#: prctl(2) option: the signal this process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def die_with_granian() -> None:
    """End this worker when granian's main process ends, even by SIGKILL.

    Why: the worker holds the store (RocksDB admits one process); a main process killed without a word would
    leave it holding the store, and no restart could open it. Waitress runs in one process, so a kill there
    ends everything; here the kernel delivers the same end to the worker (Linux; elsewhere nothing is set).
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() == 1:  # the main process died before the signal was set
        os._exit(1)


die_with_granian()
log_to_stderr()  # the server's own events (replicas built, engines replaced) beside granian's log
app = create_rsgi_app()
