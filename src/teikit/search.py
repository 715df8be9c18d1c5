"""The site's full-text search: pagefind bundles, one for each shard of the document pages.

pagefind cannot update an index in part (its issue #71): it indexes a set of
pages into a bundle, whole. So the document pages are shared out into shards
by a hash of their file name, each shard is a pagefind bundle of its own, and
a build indexes again only the shards whose pages changed. The search page
merges the bundles in the browser (PagefindUI's ``mergeIndex``).

``pagefind/`` holds:

- ``pagefind-ui.js`` and ``pagefind-ui.css``, the search box the search page loads;
- ``shards/<n>-<key>/``, one bundle per shard, named after all it is made from
  (its pages' bytes, the shard count, pagefind's version); the first bundle is
  whole, the others keep only their index, as the browser runs the first one's code;
- ``shards.json``, the bundles the search page merges, the first one first.

A bundle is indexed into a hidden folder beside the site and renamed into
``shards/`` only when complete; it becomes part of the index when
``shards.json``, replaced in one rename, lists it; what the list no longer
names is removed after that. So a build stopped at any moment leaves the old
index or the new one, each whole, and the next build reuses the bundles made.

Merged bundles find what one index finds, except that pagefind's fallback for a
word it does not have (the longest word that begins it) works per bundle: a word
in some shards only also finds, in the others, pages with such a shorter word
(docs/html.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from teikit import search_shards
from teikit.diagnostics import Diagnostic, diag
from teikit.lifeline import die_with_parent, pid_alive
from teikit.search_shards import MANIFEST, SEARCH_DIR, SHARDS_DIR, UI_FILES, Shard, plan, shard_count
from teikit.writer import atomic_write

__all__ = ["MANIFEST", "SEARCH_DIR", "SEARCH_GLOB", "SHARDS_DIR", "UI_FILES", "Indexing", "Shard",
           "build_search_index", "cancel_pagefind", "finish_pagefind", "page_digests",
           "remove_search_index", "start_pagefind"]

#: Only document pages carry ``data-pagefind-body``; pagefind need not read the rest.
SEARCH_GLOB = "documents/*.html"
#: A bundle's code (and the search box), which only the first bundle keeps.
_CODE = ("pagefind*.js", "pagefind*.css", "wasm.*.pagefind")
TIMEOUT = 1800


@dataclass
class Indexing:
    """An index brought up to date: the bundles it is made of, pagefind at work on those missing."""

    site: Path
    count: int
    #: every bundle of the index, the first one first
    shards: list[Shard]
    #: bundles not made yet (those being made are in ``running``)
    waiting: list[Shard]
    new: Path
    jobs: int
    running: list[tuple[Shard, subprocess.Popen[bytes]]] = field(default_factory=list)
    #: what ``finish_pagefind`` made and removed (names under ``pagefind/``)
    made: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: whether ``shards.json`` was replaced
    listed: bool = False
    failed: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def current(self) -> bool:
        """Nothing to do: every bundle in place, listed, and nothing else there."""
        return (not self.waiting and not self.running and not self.failed
                and search_shards.read_listing(self.site) == search_shards.listing(self.count, self.shards)
                and all((self.site / SEARCH_DIR / n).is_file() for n in UI_FILES)
                and not search_shards.strays(self.site, self.shards))


def page_digests(site: Path) -> dict[str, str]:
    """The document pages of a site and the hash of each one's bytes."""
    folder = site / "documents"
    if not folder.is_dir():
        return {}
    found = {}
    for p in sorted(folder.glob("*.html")):
        with open(p, "rb") as f:
            found[p.stem] = hashlib.file_digest(f, "sha256").hexdigest()
    return found


def start_pagefind(site: Path, pages: Mapping[str, str] | None = None, *, salt: str = "",
                   count: int = 1, jobs: int | None = None) -> Indexing:
    """Start indexing, for search, the shards of the document pages whose bundle is missing.

    ``pages``: document id -> hash of its page (read from the site when not given);
    ``salt``: what else the bundles depend on (the caller's code); ``count``: shards,
    1 by default (one index), 0 to choose from the pages and the index in place (see
    ``search_shards.shard_count``: a change then re-indexes one shard, but pagefind's
    fallback for a word a shard lacks brings unrelated pages; docs/html.md); ``jobs``: pagefind processes
    at once. The bundles go into a hidden folder until ``finish_pagefind`` puts them
    in place.
    """
    site = Path(site)
    pages = page_digests(site) if pages is None else pages
    count = count or shard_count(len(pages), int(search_shards.read_listing(site).get("count", 0)))
    shards = plan(pages, count, salt)
    present = search_shards.names(site / SEARCH_DIR / SHARDS_DIR)
    _sweep(site)
    new = site / f".pagefind-new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    indexing = Indexing(site, count, shards, [s for s in shards if s.name not in present], new,
                        max(1, jobs or os.cpu_count() or 1))
    _launch(indexing)
    return indexing


def finish_pagefind(indexing: Indexing, site: Path | None = None,
                    progress: Callable[[], None] | None = None) -> list[Diagnostic]:
    """Wait for the bundles, then put them in place and list them; a failure is a
    diagnostic, not a crash, and leaves the index in place as it was.

    ``site`` is the indexing's own (callers of the single index passed it);
    ``progress`` is called as each bundle is done.
    """
    if not indexing.shards:  # no document page: nothing to search
        cancel_pagefind(indexing)
        indexing.removed += [SEARCH_DIR] * remove_search_index(indexing.site)
        return []
    if indexing.current:
        return []
    while indexing.running:
        if not _wait(indexing):
            cancel_pagefind(indexing)
            return [diag("TK306", "search index not built: pagefind ran for more than "
                                  f"{TIMEOUT // 60} minutes", str(indexing.site))]
        if progress:
            progress()
    try:
        if indexing.failed:
            _keep_made(indexing)
            return [diag("TK306", "search index not built: " + indexing.failed[0], str(indexing.site))]
        _put_in_place(indexing)
    finally:
        shutil.rmtree(indexing.new, ignore_errors=True)
    return []


def cancel_pagefind(indexing: Indexing) -> None:
    """Stop the bundles being made and remove what they wrote."""
    for _, proc in indexing.running:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    indexing.running.clear()
    indexing.waiting.clear()
    shutil.rmtree(indexing.new, ignore_errors=True)


def build_search_index(site: Path, pages: Mapping[str, str] | None = None, *, salt: str = "",
                       count: int = 1, jobs: int | None = None) -> list[Diagnostic]:
    """Bring the site's search index up to date with its document pages (see ``start_pagefind``)."""
    return finish_pagefind(start_pagefind(site, pages, salt=salt, count=count, jobs=jobs))


def remove_search_index(site: Path) -> bool:
    """Remove the search index; whether there was one."""
    target = Path(site) / SEARCH_DIR
    if not target.exists():
        return False
    shutil.rmtree(target)
    return True


# --------------------------------------------------------------------------- indexing


def _sweep(site: Path) -> None:
    """Remove the working folders of indexings whose process is gone (killed)."""
    for name in search_shards.names(site):
        pid = name.removeprefix(".pagefind-new-")
        if pid != name and pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(site / name, ignore_errors=True)


def _pagefind() -> list[str]:
    """pagefind's own program (the Python wrapper would cost a start of Python per bundle)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):
        return [sys.executable, "-m", "pagefind"]


def _launch(indexing: Indexing) -> None:
    """Start pagefind on waiting shards, up to ``jobs`` at once: each indexes a folder of
    hard links to its pages, so that its bundle's addresses are those of the site."""
    while indexing.waiting and len(indexing.running) < indexing.jobs:
        shard = indexing.waiting.pop(0)
        source = indexing.new / f"pages-{shard.number}"
        try:
            _link_pages(indexing.site / "documents", source / "documents", shard.pages)
            (indexing.new / "bundles").mkdir(exist_ok=True)
            with open(indexing.new / f"log-{shard.number}.txt", "wb") as log:
                proc = subprocess.Popen(
                    [*_pagefind(), "--site", str(source), "--output-path",
                     str(indexing.new / "bundles" / shard.name), "--glob", SEARCH_GLOB, "--silent"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=die_with_parent)
        except OSError as e:
            indexing.failed.append(str(e))
            continue
        indexing.running.append((shard, proc))


def _link_pages(pages: Path, into: Path, ids: tuple[str, ...]) -> None:
    into.mkdir(parents=True)
    for doc_id in ids:
        name = f"{doc_id}.html"
        try:
            os.link(pages / name, into / name)
        except OSError:  # a file system without hard links
            shutil.copyfile(pages / name, into / name)


def _wait(indexing: Indexing) -> bool:
    """Until one bundle is done (then the next starts); False after ``TIMEOUT`` seconds."""
    while True:
        for shard, proc in list(indexing.running):
            if proc.poll() is not None:
                indexing.running.remove((shard, proc))
                _done(indexing, shard, proc.returncode)
                _launch(indexing)
                return True
        left = indexing.started + TIMEOUT - time.monotonic()
        if left <= 0:
            return False
        if len(indexing.running) == 1:
            with contextlib.suppress(subprocess.TimeoutExpired):
                indexing.running[0][1].wait(timeout=left)
        else:
            time.sleep(0.01)


def _done(indexing: Indexing, shard: Shard, returncode: int) -> None:
    bundle = indexing.new / "bundles" / shard.name
    if returncode == 0 and (bundle / "pagefind-entry.json").is_file():
        if shard is not indexing.shards[0]:
            _drop_code(bundle)
        indexing.made.append(shard.name)
        return
    try:
        log = (indexing.new / f"log-{shard.number}.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        log = ""
    words = log.strip().splitlines()[-3:] or [f"pagefind exited with {returncode}"]
    indexing.failed.append(" ".join(words))


def _drop_code(bundle: Path) -> None:
    for p in bundle.iterdir():
        if p.is_file() and any(fnmatch(p.name, pattern) for pattern in _CODE):
            p.unlink()


# --------------------------------------------------------------------------- putting in place


def _put_in_place(indexing: Indexing) -> None:
    """The new bundles into ``shards/``, the search box, the list; then what it no longer lists goes."""
    _keep_made(indexing)
    target = indexing.site / SEARCH_DIR
    primary = target / SHARDS_DIR / indexing.shards[0].name
    for name in UI_FILES:
        data = (primary / name).read_bytes()
        with contextlib.suppress(OSError):
            if (target / name).read_bytes() == data:
                continue
        atomic_write(target / name, data, sync=False)
    indexing.listed = search_shards.write_listing(
        indexing.site, search_shards.listing(indexing.count, indexing.shards))
    indexing.removed += search_shards.remove_strays(indexing.site, indexing.shards)


def _keep_made(indexing: Indexing) -> None:
    """Bundles made go into ``shards/`` under their names: whole, but not part of the
    index until listed (a later build takes them up)."""
    shards = indexing.site / SEARCH_DIR / SHARDS_DIR
    shards.mkdir(parents=True, exist_ok=True)
    for name in indexing.made:
        bundle = indexing.new / "bundles" / name
        if bundle.is_dir() and not (shards / name).exists():
            os.rename(bundle, shards / name)
