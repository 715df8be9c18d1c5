"""Worker processes die with the build that started them.

A build killed outright (``kill -9``, the machine's out-of-memory killer)
cannot stop its workers; left alone they would finish their task and write
pages after their build is gone, racing the next build. On Linux each worker
asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``);
elsewhere this is a no-op and workers stop when they next ask for work.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask to be killed when the parent process dies (Linux); exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def leave_interrupts_to_parent() -> None:
    """Ignore Ctrl-C in a worker: the build stops its workers itself.

    Ctrl-C reaches the whole process group. A pool worker interrupted while it
    holds the lock of the pool's result queue dies holding it, and the other
    workers and the build then wait on it forever (seen in the kill tests).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_init(init: Callable[..., None], *args: Any) -> None:
    """A process pool's initializer: first tie the worker to the build, then ``init``."""
    die_with_parent()
    leave_interrupts_to_parent()
    init(*args)


def pid_alive(pid: int) -> bool:
    """Whether a process is still there (the owner of a working folder a kill may have left)."""
    if os.name == "nt":  # os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
