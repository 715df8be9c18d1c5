"""The site's full-text search: a pagefind index of the document pages.

pagefind cannot update an index in part, so the index is made whole each
time, into a hidden folder beside the old one, and put in its place only when
complete: an interrupted build never leaves a half-made index in the site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from teikit.diagnostics import Diagnostic, diag
from teikit.lifeline import die_with_parent

SEARCH_DIR = "pagefind"
#: Only document pages carry ``data-pagefind-body``; pagefind need not read the rest.
SEARCH_GLOB = "documents/*.html"


@dataclass
class Indexing:
    """pagefind at work, writing into a folder of its own until it is done."""

    proc: subprocess.Popen[str] | OSError
    new: Path


def start_pagefind(site: Path) -> Indexing:
    """Start indexing the document pages for search, into a hidden folder.

    pagefind writes its files one by one; they replace the index only when
    all are written (``finish_pagefind``), so an interrupted build never
    leaves a half-made index in the site.
    """
    new = site / f".pagefind-new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(new),
           "--glob", SEARCH_GLOB, "--silent"]
    try:
        return Indexing(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True, preexec_fn=die_with_parent), new)
    except OSError as e:
        return Indexing(e, new)


def finish_pagefind(indexing: Indexing, site: Path) -> list[Diagnostic]:
    """Wait for the index and put it in place; a failure is a diagnostic, not a crash."""
    proc = indexing.proc
    if isinstance(proc, OSError):
        return [diag("TK306", f"search index not built: {proc}", str(site))]
    try:
        out, err = proc.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        shutil.rmtree(indexing.new, ignore_errors=True)
        return [diag("TK306", "search index not built: pagefind ran for more than 30 minutes", str(site))]
    if proc.returncode != 0 or not indexing.new.is_dir():
        shutil.rmtree(indexing.new, ignore_errors=True)
        words = (err or out).strip().splitlines()[-3:]
        return [diag("TK306", "search index not built: " + " ".join(words), str(site))]
    _swap_in(indexing.new, site / SEARCH_DIR)
    return []


def cancel_pagefind(indexing: Indexing) -> None:
    """Stop an index being made and remove what it wrote."""
    if not isinstance(indexing.proc, OSError) and indexing.proc.poll() is None:
        indexing.proc.kill()
        indexing.proc.communicate()
    shutil.rmtree(indexing.new, ignore_errors=True)


def _swap_in(new: Path, final: Path) -> None:
    """Put a finished folder in place of the old one: two renames, then the old one goes."""
    old = final.with_name(f".{final.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


def build_search_index(site: Path) -> list[Diagnostic]:
    """Index the site's document pages for search (pagefind), replacing the old index."""
    return finish_pagefind(start_pagefind(site), site)
