"""Ending a query process for good: SIGKILL through a pidfd, and waiting until it is gone.

The worker pool (store/pool.py) and the threaded pool (store/engine_pool.py) both kill processes forked by the
replica process, which reaps them on its own schedule. Once reaped, their pid can be handed to an unrelated
process; a pidfd names the process itself, so a signal sent through it can never reach a stranger.
"""
from __future__ import annotations

import os
import select
import signal
import time


def open_pidfd(pid: int) -> int | None:
    """A pidfd for ``pid``, opened while the caller knows the process is alive; None where there is none."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux ≥ 5.3: plain kill by pid
        return None


def kill_and_wait(pid: int, pidfd: int | None, timeout: float = 5.0) -> None:
    """SIGKILL the process and wait (at most ``timeout`` s) until it is gone; harmless if it already is.

    With a pidfd, the signal goes to that very process and the wait is a poll on the pidfd, which becomes readable
    when the process exits. Without one (old kernels), by pid, polling until the pid is gone: the small risk of a
    recycled pid is the price of such a kernel. The pidfd stays open: closing it is the caller's, who owns it.
    """
    try:
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            poller = select.poll()
            poller.register(pidfd, select.POLLIN)
            poller.poll(int(timeout * 1000))
        else:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.005)
    except OSError:  # ProcessLookupError included: it is gone already
        pass
