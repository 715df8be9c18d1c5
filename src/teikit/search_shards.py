"""The search index's shards: which document goes into which pagefind bundle, and the
files in ``pagefind/`` that make the index (see ``search.py``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from teikit.writer import atomic_write

SEARCH_DIR = "pagefind"
MANIFEST = "shards.json"
SHARDS_DIR = "shards"
#: What the search page loads from ``pagefind/`` itself.
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
#: A new shard count gives shards of more than half this many documents and at most this many
#: (indexing one takes pagefind about 3 ms a page: a second for 384).
SHARD_SIZE = 384
#: Bumped when what a bundle holds changes: every bundle is then made again.
FORMAT = 1


@dataclass(frozen=True)
class Shard:
    """One bundle of the index: its number (by hash), its folder's name, its documents."""

    number: int
    name: str
    pages: tuple[str, ...]


def shard_count(documents: int, current: int = 0) -> int:
    """How many shards an index of this many documents has.

    The current count stays while its shards hold from a quarter to one and a half
    times ``SHARD_SIZE``: a new count makes every bundle again, so it changes only
    when the edition has grown by half or more, or halved. A new count is a power of
    two, so a document's shard stays its shard or one of two when the count doubles.
    """
    if (current >= 1 and current & (current - 1) == 0 and 2 * documents <= 3 * SHARD_SIZE * current
            and (current == 1 or 4 * documents >= SHARD_SIZE * current)):
        return current
    count = 1
    while documents > SHARD_SIZE * count:
        count *= 2
    return count


def shard_of(doc_id: str, count: int) -> int:
    """The shard of a document: a hash of its id (its page's file name), so it never moves."""
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") % count


def plan(pages: Mapping[str, str], count: int, salt: str = "") -> list[Shard]:
    """The bundles of an index of ``pages`` (document id -> hash of its page), empty shards
    left out; the first is the one whose code the browser runs. A bundle's name changes
    with anything it is made from; ``salt`` is what the caller adds (its own code)."""
    groups: list[list[str]] = [[] for _ in range(count)]
    for doc_id in sorted(pages):
        groups[shard_of(doc_id, count)].append(doc_id)
    shards: list[Shard] = []
    for number, ids in enumerate(groups):
        if ids:
            key = _digest(FORMAT, pagefind_version(), salt, count, number, not shards,
                          [(i, pages[i]) for i in ids])
            shards.append(Shard(number, f"{number:02d}-{key[:16]}", tuple(ids)))
    return shards


def pagefind_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


def listing(count: int, shards: list[Shard]) -> dict[str, Any]:
    """What ``shards.json`` says: the bundles' folders (relative to ``pagefind/``), the first first."""
    return {"format": FORMAT, "count": count,
            "bundles": [f"{SHARDS_DIR}/{s.name}/" for s in shards]}


def read_listing(site: Path) -> dict[str, Any]:
    try:
        found = json.loads((site / SEARCH_DIR / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_listing(site: Path, new: dict[str, Any]) -> bool:
    """Replace ``shards.json`` (in one rename): from now on the search page merges these
    bundles. Whether it changed."""
    if read_listing(site) == new:
        return False
    atomic_write(site / SEARCH_DIR / MANIFEST, (json.dumps(new, indent=1) + "\n").encode("utf-8"),
                 sync=False)
    return True


def strays(site: Path, shards: list[Shard]) -> list[Path]:
    """What ``pagefind/`` holds and the index does not: an older layout's files, bundles
    no longer listed, temporary files of a stopped build."""
    target = site / SEARCH_DIR
    found = [target / n for n in sorted(names(target) - {*UI_FILES, MANIFEST, SHARDS_DIR})]
    return found + [target / SHARDS_DIR / n
                    for n in sorted(names(target / SHARDS_DIR) - {s.name for s in shards})]


def remove_strays(site: Path, shards: list[Shard]) -> list[str]:
    """Remove what the index does not list (after the list is replaced); their names."""
    removed = []
    for stray in strays(site, shards):
        if stray.is_dir():
            shutil.rmtree(stray)
        else:
            stray.unlink()
        removed.append(stray.relative_to(site / SEARCH_DIR).as_posix())
    return removed


def names(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _digest(*parts: object) -> str:
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
