"""Write output files safely: atomically, and never over an editor's work.

Every TEI file teikit writes carries a stamp, ``<?teikit-stamp sha256=...?>``,
the hash of what follows it. A file whose content no longer matches its stamp
(or has none) was edited by hand, and is not overwritten without ``force``.
The stamp lives in the file itself, so a build killed half-way leaves nothing
inconsistent behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _default_mode() -> int:
    """What ``open()`` would give a new file: 0o666 less the process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


#: mkstemp makes files readable by their owner only; published files must not be.
FILE_MODE = _default_mode()

STAMP = re.compile(rb"\A(<\?xml[^>]*\?>\s*)<\?teikit-stamp sha256=\"(?P<h>[0-9a-f]{64})\"\?>\n")


def stamp(xml: bytes) -> bytes:
    """Insert the stamp after the XML declaration."""
    decl, _, rest = xml.partition(b"?>\n")
    digest = hashlib.sha256(rest).hexdigest()
    return decl + b"?>\n" + f'<?teikit-stamp sha256="{digest}"?>\n'.encode() + rest


def is_pristine(path: Path) -> bool:
    """True if the file is as teikit wrote it (its stamp matches its content), or empty.

    An empty file holds no one's work, and is what a power cut can leave of a file
    renamed into place before the disk had its bytes (``one_sync``): it is replaced.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if not data:
        return True
    m = STAMP.match(data)
    if not m:
        return False
    return hashlib.sha256(data[m.end():]).hexdigest() == m.group("h").decode()


def _mode_of(path: Path) -> int:
    """Keep the mode of the file being replaced, else the default for new files."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return FILE_MODE


#: Set within ``one_sync()``: durable writes leave their fsync to its single sync.
_DEFERRED = {"on": False}


@contextlib.contextmanager
def one_sync() -> Iterator[None]:
    """Make the durable writes within durable with one sync, on leaving.

    Each ``atomic_write(sync=True)`` inside (in this process, and in worker
    processes that call ``defer_syncs()``) skips its own fsync; leaving calls
    ``os.sync()`` once. Thousands of fsyncs, one per converted document, took a third of a
    build's conversion time; one sync of the same files takes a fraction of a
    second. Renames stay atomic either way: a reader or a killed build never
    sees half a file; only a power cut before the sync could lose a file that
    the next build then makes again.
    """
    if not hasattr(os, "sync"):  # Windows: no sync of a whole file system; fsync each file
        yield
        return
    before = _DEFERRED["on"]
    _DEFERRED["on"] = True
    try:
        yield
    finally:
        _DEFERRED["on"] = before
        if not before:
            os.sync()


def defer_syncs() -> None:
    """For a worker process of a ``one_sync()`` in its parent: its durable writes skip
    their fsync (the parent's one sync makes them durable, as sync covers every file)."""
    _DEFERRED["on"] = hasattr(os, "sync")


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file in the same folder, then rename over the target.

    The rename alone means no reader ever sees a half-written file; ``sync``
    also makes it survive a power cut, which files that a build can make
    again (the HTML site) do without, for speed. Within ``one_sync()`` the
    sync is left to its end.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode_of(path))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if sync and not _DEFERRED["on"]:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def move_if_changed(made: Path, path: Path) -> bool:
    """Put the file ``made`` (in the same folder or file system) in the place of ``path``
    by a rename, unless ``path`` holds the same bytes already (``made`` is then removed);
    True if moved. For files too large to hold in memory; not synced.
    """
    try:
        same = made.stat().st_size == path.stat().st_size and _same_bytes(made, path)
    except OSError:
        same = False
    if same:
        made.unlink()
        return False
    os.chmod(made, _mode_of(path))
    os.replace(made, path)
    return True


def _same_bytes(a: Path, b: Path, block: int = 1 << 20) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(block), fb.read(block)
            if x != y:
                return False
            if not x:
                return True


def write_if_changed(path: Path, data: bytes, sync: bool = False) -> bool:
    """Write atomically unless the file already holds exactly these bytes; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data, sync=sync)
    return True
