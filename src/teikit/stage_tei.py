"""The first stages of ``teikit build``: sources → TEI → checked.

Each stage works out which of its items are out of date from content hashes
(``BuildContext.sha``) compared with what it recorded last time
(``BuildContext.items``), does only those, and records the new hashes and the
items' warnings and errors. A stage's *key* hashes what all of its items
depend on (teikit's code, stylesheets or schema, the settings it reads, the
registers): when the key changes, every item is done again.

Items are named by their path relative to the project (``texts/a.txt``,
``tei/a.xml``) or, for pages, by the document's file stem.
"""


from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from teikit.build import BuildContext, remember
from teikit.convert import Conversion, convert_paths
from teikit.diagnostics import Diagnostic, diag
from teikit.errors import TeikitError
from teikit.lifeline import worker_init
from teikit.project import REGISTER_FILES
from teikit.registers import load_register
from teikit.rules import get_profile
from teikit.state import digest
from teikit.validate import SCHEMA_DIR, TEIKIT_XSD, check_loaded
from teikit.validate_rules import Edition
from teikit.validate_safe import UnsafeXMLError, load_file
from teikit.writer import defer_syncs, one_sync, write_if_changed

#: Below this many items a stage works in its own process: starting others costs more.
PARALLEL_MIN = 16
CONVERT_CHUNK = 8
PROFILES_FILE = Path(__file__).resolve().parent / "data" / "profiles.toml"
_POINTER = re.compile(rb"[\"' ]([^\"' #]+\.xml)#")


@dataclass(frozen=True)
class Found:
    """A file of the project: its name as the editor sees it, where it is, its stem."""

    name: str
    path: str
    stem: str


def find_files(ctx: BuildContext, folder: Path, suffix: str) -> list[Found]:
    """Files ending in ``suffix`` in a folder and its sub-folders, hidden ones aside, sorted."""
    top = os.path.abspath(ctx.path(str(folder)))
    base = ctx.rel(top)
    found = []
    for here, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        under = here[len(top) + 1:].replace(os.sep, "/")
        prefix = f"{base}/{under}/" if under else f"{base}/"
        for f in files:
            if f.endswith(suffix) and not f.startswith("."):
                found.append(Found(prefix + f, os.path.join(here, f), f[:-len(suffix)]))
    return sorted(found, key=lambda f: f.name)


def _pool_map(fn: Any, tasks: list[Any], jobs: int, init: Any, initargs: tuple[Any, ...],
              chunksize: int = 1) -> Iterator[Any]:
    """Results in order, from ``jobs`` processes (or this one, for a few tasks)."""
    if jobs > 1 and len(tasks) >= 2:
        with ProcessPoolExecutor(jobs, initializer=worker_init, initargs=(init, *initargs)) as pool:
            yield from pool.map(fn, tasks, chunksize=chunksize)
    elif tasks:
        init(*initargs)
        yield from map(fn, tasks)


# --------------------------------------------------------------------------- convert

_CONVERT: dict[str, Any] = {}


def _convert_init(tei: str, profile: str, encoding: str) -> None:
    defer_syncs()  # convert_stage syncs once, at its end
    _CONVERT.update(tei=tei, encoding=encoding or None, profile=get_profile(profile),
                    register=load_register(*(Path(tei) / r for r in REGISTER_FILES)))


def _convert_chunk(sources: list[str]) -> list[tuple[str, str, list[Diagnostic], dict[str, Any]]]:
    done: list[Conversion] = convert_paths(
        sources, _CONVERT["tei"], profile=_CONVERT["profile"], encoding=_CONVERT["encoding"],
        register=_CONVERT["register"])
    return [(c.source, c.status, c.diagnostics, c.report) for c in done]


def convert_stage(ctx: BuildContext) -> None:
    """Sources that are new or changed → TEI (never over TEI edited by hand)."""
    p, result = ctx.project, ctx.result
    tei = ctx.path(str(p.tei))
    profile = ctx.sha(p.profile) if p.profile.endswith(".toml") else p.profile
    items = ctx.items(digest(ctx.toolkit("teikit.convert", PROFILES_FILE), profile, p.settings.encoding,
                             [ctx.sha(os.path.join(tei, r)) for r in REGISTER_FILES]))
    made = set(os.listdir(tei)) if os.path.isdir(tei) else set()
    problems: list[Diagnostic] = []
    todo: list[tuple[Found, str]] = []
    stems: dict[str, str] = {}
    for src in find_files(ctx, p.texts, ".txt"):
        if src.stem in stems:
            problems.append(diag("TK601", f"same file name as {stems[src.stem]}: both would be "
                                 f"{ctx.rel(os.path.join(tei, src.stem + '.xml'))}; rename one",
                                 src.name))
            continue
        stems[src.stem] = src.name
        sha = ctx.sha(src.path) or ""
        rec = items.get(src.name)
        if rec and rec["source"] == sha and (_failed_for_good(rec) or f"{src.stem}.xml" in made):
            result.up_to_date += 1
        else:
            todo.append((src, sha))
    _orphans(ctx, items, stems, tei, problems)
    _remove_reports(ctx, set(stems))
    try:
        with one_sync():  # the TEI written is durable when the stage ends, by one sync
            _convert_todo(ctx, todo, items, tei)
    except TeikitError as e:  # a register or profile that cannot be read
        problems.append(diag("TK605", f"nothing converted: {e}", ctx.rel(tei)))
    ctx.record["diagnostics"] = remember(problems)
    result.diagnostics += problems
    ctx.shared.pop("tei files", None)


def _failed_for_good(rec: dict[str, Any]) -> bool:
    """A source that cannot be converted as it is (not one whose TEI could not be written)."""
    return rec["status"] == "failed" and not any(d["code"] == "TK009" for d in rec["diagnostics"])


def _convert_todo(ctx: BuildContext, todo: list[tuple[Found, str]], items: dict[str, Any],
                  tei: str) -> None:
    ctx.progress.start("convert", len(todo))
    by_path = {src.path: (src, sha) for src, sha in todo}
    paths = list(by_path)
    chunks = [paths[i:i + CONVERT_CHUNK] for i in range(0, len(paths), CONVERT_CHUNK)]
    jobs = ctx.jobs if len(todo) >= PARALLEL_MIN else 1
    for done in _pool_map(_convert_chunk, chunks, jobs, _convert_init,
                          (tei, ctx.project.profile, ctx.project.settings.encoding)):
        for path, status, diagnostics, report in done:
            src, sha = by_path[path]
            diagnostics = ctx.own(diagnostics)
            _write_report(ctx, src, status, report, diagnostics, tei)
            items[src.name] = {"source": sha, "status": status, "diagnostics": remember(diagnostics)}
            ctx.result.diagnostics += diagnostics
            ctx.result.done.append(src.name)
            ctx.result.counts[status] = ctx.result.counts.get(status, 0) + 1
            if status == "converted":
                ctx.wrote(os.path.join(tei, f"{src.stem}.xml"))
        ctx.progress.advance(len(done))


def _write_report(ctx: BuildContext, src: Found, status: str, report: dict[str, Any],
                  diagnostics: list[Diagnostic], tei: str) -> None:
    """The source's conversion report, to review: ``output/reports/<name>.json``, as an
    entry of ``teikit convert --report`` (what the frame dropped, doubtful readings...)."""
    entry = {**report, "source": src.name, "status": status,
             "output": ctx.rel(os.path.join(tei, f"{src.stem}.xml")),
             "diagnostics": [d.to_dict() for d in diagnostics]}
    target = ctx.project.reports / f"{src.stem}.json"
    write_if_changed(target, json.dumps(entry, ensure_ascii=False, indent=2).encode("utf-8"))


def _remove_reports(ctx: BuildContext, stems: set[str]) -> None:
    """Reports of sources that are gone."""
    folder = ctx.project.reports
    if folder.is_dir():
        gone = sorted(e.name for e in os.scandir(folder)
                      if e.name.endswith(".json") and e.name[:-5] not in stems)
        for name in gone:
            (folder / name).unlink()
            ctx.result.removed.append(ctx.rel(folder / name))


def _orphans(ctx: BuildContext, items: dict[str, Any], present: dict[str, str], tei: str,
             problems: list[Diagnostic]) -> None:
    """TEI whose source has gone stays in the edition (it may hold the editors' work): say so."""
    orphans: dict[str, str] = ctx.record.setdefault("orphans", {})
    names = set(present.values())
    for name in [n for n in items if n not in names]:
        del items[name]
        target = os.path.join(tei, Path(name).stem + ".xml")
        if os.path.exists(target) and Path(name).stem not in present:
            orphans[ctx.rel(target)] = name
    for target, source in list(orphans.items()):
        if not os.path.exists(ctx.path(target)) or Path(source).stem in present:
            del orphans[target]
            continue
        problems.append(diag("TK602", f"its source {source} has gone; the document stays in the "
                             "edition until this file is deleted", target))


# --------------------------------------------------------------------------- validate

_VALIDATE: dict[str, Edition] = {}


def _validate_init(folders: list[str]) -> None:
    _VALIDATE.clear()
    _VALIDATE.update({d: Edition.for_directory(d) for d in folders})


def _validate_one(path: str) -> tuple[str, list[Diagnostic], list[str]]:
    try:
        loaded = load_file(path)
    except UnsafeXMLError as e:
        return path, [e.diagnostic], []
    found = check_loaded(loaded, _VALIDATE[os.path.dirname(path)], str(TEIKIT_XSD))
    return path, found, _pointed_files(path, loaded.data)


def _pointed_files(path: str, data: bytes) -> list[str]:
    """Other files of the edition this one points into (``other.xml#id``), registers aside."""
    if b".xml#" not in data:
        return []
    here = os.path.dirname(path)
    names = {m.decode("utf-8", "replace") for m in _POINTER.findall(data)}
    return sorted(os.path.normpath(os.path.join(here, n)) for n in names
                  if "://" not in n and os.path.basename(n) not in REGISTER_FILES)


def edition_files(ctx: BuildContext) -> list[Found]:
    """The edition's TEI files (documents and registers), hidden ones aside, sorted."""
    if "tei files" not in ctx.shared:
        ctx.shared["tei files"] = find_files(ctx, ctx.project.tei, ".xml")
    files: list[Found] = ctx.shared["tei files"]
    return files


def validate_stage(ctx: BuildContext) -> None:
    """TEI files that are new or changed (or point to what changed) → schema and rules."""
    files = edition_files(ctx)
    registers = [(f.name, ctx.sha(f.path)) for f in files if os.path.basename(f.name) in REGISTER_FILES]
    items = ctx.items(digest(ctx.toolkit("teikit.validate", SCHEMA_DIR), registers))
    todo = []
    for f in files:
        rec = items.get(f.name)
        if rec and rec["tei"] == ctx.sha(f.path) and all(
                ctx.sha(ctx.path(r)) == s for r, s in rec["points_to"].items()):
            ctx.result.up_to_date += 1
        else:
            todo.append(f.path)
    for name in set(items) - {f.name for f in files}:
        del items[name]
    ctx.progress.start("validate", len(todo))
    folders = sorted({os.path.dirname(f) for f in todo})
    jobs = ctx.jobs if len(todo) >= PARALLEL_MIN * 4 else 1
    for path, found, pointed in _pool_map(_validate_one, todo, jobs, _validate_init, (folders,),
                                          chunksize=max(1, min(64, len(todo) // (jobs * 8)))):
        name = ctx.rel(path)
        found = ctx.own(found)
        items[name] = {"tei": ctx.sha(path), "diagnostics": remember(found),
                       "points_to": {ctx.rel(q): ctx.sha(q) for q in pointed}}
        ctx.result.diagnostics += found
        ctx.result.done.append(name)
        ctx.progress.advance()
