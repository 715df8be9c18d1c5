"""Laying out the volume's parts side by side, each learning its first page when it is known.

A part (a chunk of documents, the front matter, the index) is laid out and
written to a PDF of its own, by :class:`InProcess` one after another, or by
:class:`Workers`, processes that each hold one part's layout at a time. A
part whose first page is not known when it is sent (``start`` None) follows
the part sent before it: its process paginates it, tells the parent its page
count and waits for its first page (``pdf_pages``), which the parent knows as
soon as the parts before it are paginated.

The transforms that make the parts' HTML run where the layouts' owner puts
them (:meth:`InProcess.apart`, :meth:`Workers.apart`): with the layout
processes, in a process of their own (:class:`Apart`), so that Saxon's heap,
which Saxon/C's native image collects on its own schedule and never gives
back, goes with that process and never grows the parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

from teikit.diagnostics import Diagnostic
from teikit.lifeline import die_with_parent, leave_interrupts_to_parent


@dataclass(frozen=True)
class Task:
    """A part of the volume to lay out and write."""

    key: int
    html: str
    path: str
    #: its first page, or None: right after the part before it in the same run
    start: int | None
    diag_path: str
    #: (file name, file, relationship): the front matter carries the volume's attachments, read
    #: by the process that lays it out (the parent does not hold the edition's files)
    attachments: tuple[tuple[str, str, str], ...] = ()
    #: the date the PDF bears (the TEI's latest change)
    when: str = "2000-01-01"
    #: a part that flows on into the next (the index): the prefix of its items' ids,
    #: ``PREFIX<n>``; its last page is left out and the items that start on it are
    #: left to the next part (see :func:`lay_part`). Such a part has a known start.
    carry: str = ""


@dataclass(frozen=True)
class Laid:
    key: int
    path: str
    start: int
    pages: int
    #: anchor → page (from 1) within the part
    anchors: dict[str, int]
    diagnostics: list[Diagnostic]
    #: seconds the process waited to learn the part's start
    waited: float = 0.0
    #: a part that carries (Task.carry): the number of the first item it left to the next
    carried: int | None = None


def lay_part(task: Task, ask: Any) -> Laid:
    """Lay a part out, numbered from ``ask(page count)``, and write its PDF."""
    import weasyprint

    from teikit.pdf import VARIANT, _css, _NoFetch, _weasyprint_messages, anchor_pages, pdf_bytes
    from teikit.pdf_pages import layout_from

    found: list[Diagnostic] = []
    starts: list[int] = []
    waited = [0.0]

    def numbered(pages: int) -> int:
        since = time.perf_counter()
        starts.append(task.start if task.start is not None else ask(pages))
        waited[0] = time.perf_counter() - since
        return starts[0]

    with _weasyprint_messages(task.diag_path, found):
        html = weasyprint.HTML(string=task.html, url_fetcher=_NoFetch())
        doc = layout_from(html, numbered, stylesheets=[_css()], pdf_variant=VARIANT)
        carried = _carried(doc, task.carry) if task.carry else None
        if carried is not None:
            doc = doc.copy(doc.pages[:-1])
        files = [(name, Path(file).read_bytes(), rel) for name, file, rel in task.attachments]
        data = pdf_bytes(doc, files, task.when)
    Path(task.path).write_bytes(data)
    return Laid(task.key, task.path, starts[0] if starts else 1, len(doc.pages), anchor_pages(doc), found,
                 waited[0], carried)


def _carried(doc: Any, prefix: str) -> int | None:
    """The first item that starts on the last page, to be laid out again at the top of the next
    part; None when the part keeps its last page: it has one page, no item starts on its last,
    an item runs over onto it from the page before (WeasyPrint gives an element's anchor on
    every page it stands on), or the part's first item starts there (the next part would not
    move on)."""
    if len(doc.pages) < 2:
        return None
    last, before = doc.pages[-1].anchors, doc.pages[-2].anchors
    items = [a for a in last if a.startswith(prefix) and a[len(prefix):].isdigit()]
    if not items or any(a in before for a in items):
        return None
    carried = min(int(a[len(prefix):]) for a in items)
    first = min(int(a[len(prefix):]) for page in doc.pages for a in page.anchors
                if a.startswith(prefix) and a[len(prefix):].isdigit())
    return carried if carried > first else None  # the part's first item stays: the next part moves on


# ------------------------------------------------------------ the layouts

class _Sequence:
    """Starts of parts laid out one after another: each part follows the one before."""

    def __init__(self) -> None:
        #: (key, start or None) of each part sent, in order (not the tasks: their HTML can go)
        self.order: list[tuple[int, int | None]] = []
        self.pages: dict[int, int] = {}
        self.starts: dict[int, int] = {}

    def add(self, task: Task) -> None:
        if task.start is None and not self.order:
            raise ValueError("the first part of a run needs its first page")
        self.order.append((task.key, task.start))

    def resolve(self) -> dict[int, int]:
        """The first page of every part whose start is now known."""
        prev: int | None = None
        for key, start in self.order:
            if key not in self.starts:
                if start is not None:
                    self.starts[key] = start
                elif prev is not None and prev in self.starts and prev in self.pages:
                    self.starts[key] = self.starts[prev] + self.pages[prev]
                else:
                    break
            prev = key
        return self.starts


class InProcess:
    """Parts laid out in this process, one after another."""

    failed = False

    def __enter__(self) -> InProcess:
        return self

    def apart(self, make: Callable[..., Any], *args: Any) -> Here:
        """``make(*args)``, used in this process (there is no process to spare)."""
        return Here(make, *args)

    def __exit__(self, *exc: object) -> None:
        pass

    def lay(self, tasks: Iterable[Task]) -> list[Laid]:
        seq = _Sequence()
        done = []
        for task in tasks:
            seq.add(task)
            start = seq.resolve()[task.key]
            laid = lay_part(replace(task, start=start), None)
            seq.pages[task.key] = laid.pages
            done.append(laid)
        return done


class Workers:
    """Processes laying out parts side by side; each learns its part's start when it is known."""

    def __init__(self, jobs: int) -> None:
        # Forked before the parent reads the edition, so a process starts small and
        # WeasyPrint is already loaded; the processes never call Saxon.
        ctx = get_context("fork") if "fork" in get_all_start_methods() else get_context("spawn")
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        self.failed = False
        for _ in range(jobs):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(target=_work, args=(theirs,), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(ours)
            self.procs.append(proc)

    def __enter__(self) -> Workers:
        return self

    def apart(self, make: Callable[..., Any], *args: Any) -> Apart:
        """``make(*args)``, made and used in a process of its own."""
        return Apart(make, *args)

    def __exit__(self, *exc: object) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for proc in self.procs:
            proc.join(timeout=0 if self.failed else 10)
            if proc.is_alive():
                proc.terminate()
                proc.join()

    def lay(self, tasks: Iterable[Task]) -> list[Laid]:
        try:
            return self._lay(tasks)
        except BaseException:
            self.failed = True
            raise

    def _lay(self, tasks: Iterable[Task]) -> list[Laid]:
        todo: Iterator[Task] = iter(tasks)
        seq = _Sequence()
        idle = list(self.conns)
        busy: dict[Connection, Task] = {}
        waiting: dict[int, Connection] = {}
        done: list[Laid] = []
        ahead = next(todo, None)
        while True:
            while idle and ahead is not None:
                seq.add(ahead)
                conn = idle.pop()
                conn.send(ahead)
                busy[conn] = ahead
                ahead = next(todo, None)  # transformed while the processes lay out
            if not busy:
                return sorted(done, key=lambda d: d.key)
            for ready in wait(list(busy)):
                conn = cast(Connection, ready)
                try:
                    kind, key, value = conn.recv()
                except EOFError:
                    raise RuntimeError("a layout process died") from None
                if kind == "error":
                    raise RuntimeError(value)
                if kind == "paged":
                    seq.pages[key] = value
                    waiting[key] = conn
                else:
                    seq.pages[key] = value.pages
                    done.append(value)
                    del busy[conn]
                    idle.append(conn)
            starts = seq.resolve()
            for key in [k for k in waiting if k in starts]:
                waiting.pop(key).send(starts[key])


class _Stopped(Exception):
    """The parent stopped the run while this process waited for its part's start."""


def _work(conn: Connection) -> None:
    """A layout process: lay out each part it is sent, until it is sent None."""
    die_with_parent()
    leave_interrupts_to_parent()
    name_process("teikit-layout")
    while (task := conn.recv()) is not None:
        try:
            laid = lay_part(task, partial(_ask, conn, task.key))
        except _Stopped:
            return
        except Exception as e:  # WeasyPrint's failures have no common base class
            conn.send(("error", task.key, f"{type(e).__name__}: {e}"))
            continue
        finally:
            gc.collect()  # a layout's boxes hold cycles: free them before the next part's
        conn.send(("done", task.key, laid))


def _ask(conn: Connection, key: int, pages: int) -> int:
    """Tell the parent the part's page count; learn its first page."""
    conn.send(("paged", key, pages))
    start = conn.recv()
    if not isinstance(start, int):
        raise _Stopped
    return start


# --------------------------------------------------- a process of its own

class Here:
    """An object used in this process through the calls :class:`Apart` forwards."""

    def __init__(self, make: Callable[..., Any], *args: Any) -> None:
        self.held = make(*args)

    def call(self, method: str, *args: Any) -> Any:
        return getattr(self.held, method)(*args)

    def renew(self) -> None:
        """Nothing to renew: this process holds what the object took."""

    def close(self) -> None:
        pass


class Apart:
    """An object made by ``make(*args)`` in a process of its own, its methods called by name.

    What the object takes, it takes in that process; :meth:`renew` makes it again in a new
    process, and :meth:`close` ends the process, which gives all of it back.
    """

    def __init__(self, make: Callable[..., Any], *args: Any) -> None:
        self.make, self.args = make, args
        self.conn: Connection | None = None
        self.proc: Any = None
        self._open()

    def _open(self) -> None:
        from teikit import xslt

        # Forked, but not from a process that has started Saxon: its native image's threads
        # do not survive a fork. Spawned, the process imports what it needs (about a second).
        fork = "fork" in get_all_start_methods() and not xslt.started()
        ctx = get_context("fork") if fork else get_context("spawn")
        ours, theirs = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(theirs, self.make, self.args), daemon=True)
        self.proc.start()
        theirs.close()
        self.conn = ours

    def call(self, method: str, *args: Any) -> Any:
        """The object's ``method(*args)``; its failure is raised here as a RuntimeError."""
        assert self.conn is not None, "the process is closed"
        self.conn.send((method, args))
        try:
            kind, value = self.conn.recv()
        except EOFError:
            raise RuntimeError(f"the process of {getattr(self.make, '__name__', 'an object')} died") from None
        if kind == "error":
            raise RuntimeError(value)
        return value

    def renew(self) -> None:
        self.close()
        self._open()

    def close(self) -> None:
        if self.proc is None:
            return
        assert self.conn is not None
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join()
        self.conn.close()
        self.conn, self.proc = None, None


def _serve(conn: Connection, make: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The process of an :class:`Apart`: make the object, then answer calls until sent None."""
    die_with_parent()
    leave_interrupts_to_parent()
    name_process(f"teikit-{getattr(make, 'process_name', 'apart')}")
    try:
        held = make(*args)
    except Exception as e:
        held, failure = None, _failure(e)
    else:
        failure = ""
    while (asked := conn.recv()) is not None:
        if failure:
            conn.send(("error", failure))
            continue
        method, call_args = asked
        try:
            conn.send(("done", getattr(held, method)(*call_args)))
        except Exception as e:
            conn.send(("error", _failure(e)))


def _failure(e: Exception) -> str:
    """As the parent would word it: a RuntimeError's message alone, else the type and message."""
    return str(e) if type(e) is RuntimeError else f"{type(e).__name__}: {e}"


_PR_SET_NAME = 15


def name_process(name: str) -> None:
    """Name this process as ps, top and /proc/PID/comm show it (Linux; at most 15 bytes), so that
    a run's processes can be told apart (bench/bench_pdf.py measures each kind)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def layouts(jobs: int, parts: int) -> InProcess | Workers:
    """Where to lay the parts out: in processes when there is more than one of each."""
    jobs = min(jobs, parts)
    return Workers(jobs) if jobs > 1 else InProcess()
