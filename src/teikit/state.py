"""What a build remembers between runs: content hashes, per stage, in one JSON file.

``output/.teikit/state.json`` holds, for each stage, the hash of everything
that stage's work depends on as a whole (its *key*: teikit's own code and
stylesheets, the settings it reads, the registers) and, for each item
(source, TEI file, document page), the hashes of that item's inputs and
the warnings and errors it had. An item whose hashes are unchanged is not
done again. The file is replaced atomically, and only after the outputs it
describes are in place, so a build killed at any moment leaves a state that
is at worst behind the files, never ahead of them: the next build redoes a
little work, never too little.

File hashes are SHA-256 of the bytes. Reading 20,000 files to hash them
costs more than the rest of a one-document rebuild, so a file's hash is
reused while its size and modification time stay the same, as git's index
does; a file changed within two seconds of being hashed is hashed again next
time, as two writes in one clock tick would leave the same time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from teikit.errors import TeikitError
from teikit.search import SEARCH_DIR
from teikit.writer import atomic_write

#: Bumped when the state's shape changes: an older state is then ignored.
FORMAT = 1
STATE_FILE = "state.json"
LOCK_FILE = "lock"
RACY_NS = 2_000_000_000
#: Temporary files of ``atomic_write`` (``.<name>.<8 characters>.tmp``), the
#: folder of the volume's parts (``.volume.pdf.<8 characters>.tmp``) and folders
#: of the search index being made (``.pagefind-*``).
TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$|^\.pagefind-(new|old)(-\d+)?$")


class LockedError(TeikitError):
    """Another build is running on the same project."""


def digest(*parts: object) -> str:
    """One hash of several values (JSON-encoded, so structure counts)."""
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class FileIndex:
    """Content hashes of files, read again only when size or time changed."""

    def __init__(self, records: dict[str, list[Any]] | None = None) -> None:
        self._old = records or {}
        self._new: dict[str, list[Any]] = {}
        #: files read and hashed in this build
        self.hashed = 0

    def sha(self, path: str | Path) -> str | None:
        """The file's SHA-256, or None when it does not exist."""
        key = path if isinstance(path, str) and os.path.isabs(path) else os.path.abspath(path)
        try:
            st = os.stat(key)
        except OSError:
            return None
        rec = self._new.get(key) or self._old.get(key)
        if rec and rec[0] == st.st_size and rec[1] == st.st_mtime_ns and rec[1] + RACY_NS < rec[3]:
            self._new[key] = rec
            return str(rec[2])
        try:
            sha = file_digest(Path(key))
        except OSError:
            return None
        self._new[key] = [st.st_size, st.st_mtime_ns, sha, time.time_ns()]
        self.hashed += 1
        return sha

    def forget(self, path: str | Path) -> None:
        """The file was just written: hash it again when next asked."""
        self._new.pop(os.path.abspath(path), None)
        self._old.pop(os.path.abspath(path), None)

    def records(self) -> dict[str, list[Any]]:
        """The hashes asked for in this build (files no longer used are dropped)."""
        return dict(self._new)


class State:
    """The stages' records and the file hashes, loaded from and saved to one file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / STATE_FILE
        self.stages: dict[str, dict[str, Any]] = {}
        self.files = FileIndex()
        #: teikit's own modules: file hash -> the teikit modules it imports
        self.code: dict[str, list[str]] = {}
        self.note = ""
        self.load()

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            self.note = "no earlier build: everything is made"
            return
        except (OSError, ValueError) as e:
            self.note = f"the build's state could not be read ({e}): everything is made again"
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            self.note = "the build's state is from another teikit version: everything is made again"
            return
        self.stages = data.get("stages", {})
        self.files = FileIndex(data.get("files", {}))
        self.code = data.get("code", {})

    def stage(self, name: str) -> dict[str, Any]:
        return self.stages.setdefault(name, {})

    def save(self) -> None:
        data = {"format": FORMAT, "stages": self.stages, "files": self.files.records(), "code": self.code}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())

    def load_blob(self, name: str) -> dict[str, Any]:
        """A stage's bulky data, kept beside the state and read only when needed."""
        try:
            data = json.loads((self.folder / f"{name}.json").read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_blob(self, name: str, data: dict[str, Any]) -> None:
        atomic_write(self.folder / f"{name}.json",
                     json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One build at a time per project; the lock goes with the process, even when killed."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with open(folder / LOCK_FILE, "a+b") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"{folder / LOCK_FILE}: error[TK604] another build is running in "
                              "this project; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def sweep(folder: Path, recursive: bool = True) -> list[Path]:
    """Remove what an interrupted build left half-made: temporary files and folders."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    walk = os.walk(folder) if recursive else [(str(folder), [], os.listdir(folder))]
    for here, dirs, names in walk:
        if SEARCH_DIR in dirs:  # put in place whole, never written into
            dirs.remove(SEARCH_DIR)
        for name in [*names, *dirs]:
            if TEMPORARY.match(name):
                p = Path(here, name)
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                    if name in dirs:
                        dirs.remove(name)
                else:
                    with contextlib.suppress(OSError):
                        p.unlink()
                removed.append(p)
    return removed
