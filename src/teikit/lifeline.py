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


def worker_init(init: Callable[..., None], *args: Any) -> None:
    """A process pool's initializer: first tie the worker to the build, then ``init``."""
    die_with_parent()
    init(*args)
