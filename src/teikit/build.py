"""``teikit build``: everything that is out of date, and nothing else.

A build is a list of stages (``teikit.stages.STAGES``), run in order. Each
stage is one function that takes a ``BuildContext`` and does its part for
the items whose inputs changed since the last build, judged by content
hashes it keeps in the build's state (``state.py``). Adding a stage is one
function and one row of ``STAGES`` (before ``html`` for the PDFs, which the
pages link to):

    def pdf_stage(ctx: BuildContext) -> None: ...
    Stage("pdf", pdf_stage, outputs=("pdf",), publishes=True, optional=True),

The library never prints: progress goes to a ``Progress`` the caller gives,
and the result is a ``BuildReport``.
"""

from __future__ import annotations

import ast
import os
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from teikit import __version__
from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.project import Project
from teikit.state import LOCK_FILE, State, digest, locked, sweep

PACKAGE_DIR = Path(__file__).resolve().parent
#: After a stage that took this long, the state is saved at once: a build
#: interrupted later does not do that stage's work again.
CHECKPOINT_SECONDS = 2.0


class Progress(Protocol):
    """Where a build reports how far a stage has got (the CLI draws bars)."""

    def start(self, stage: str, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass(frozen=True)
class BuildOptions:
    """How to build: processes, whether to publish despite errors, stages to leave out."""

    jobs: int | None = None
    allow_invalid: bool = False
    skip: frozenset[str] = frozenset()
    clean: bool = False


@dataclass
class StageResult:
    """What one stage did in this build."""

    name: str
    #: "done", "up to date", "skipped" (--skip), "not run" (the build stopped before it)
    status: str = "not run"
    #: items worked on, and items found up to date
    done: list[str] = field(default_factory=list)
    up_to_date: int = 0
    #: files written and removed (paths as the editor sees them)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: this build's findings (info included)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: items by outcome, e.g. converted / unchanged / skipped / failed
    counts: dict[str, int] = field(default_factory=dict)
    #: wall-clock seconds of the stage's parts (e.g. document pages, edition pages)
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass
class BuildReport:
    """What a build did, and what the edition still has to fix."""

    project: Project
    stages: list[StageResult] = field(default_factory=list)
    #: every outstanding warning and error, kept from earlier builds too
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: why the build stopped early ("" when it ran to the end)
    stopped: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def stage(self, name: str) -> StageResult:
        return next(s for s in self.stages if s.name == name)

    @property
    def errors(self) -> list[Diagnostic]:
        """The edition's errors (the build's stop, ``TK603``, is ``stopped``)."""
        return [d for d in self.diagnostics if d.severity == Severity.ERROR and d.code != "TK603"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.stopped and not self.errors


@dataclass
class BuildContext:
    """What a stage gets: the project, the options, its own records, and the shared facts."""

    project: Project
    options: BuildOptions
    state: State
    progress: Progress
    #: facts one stage leaves for the next in this build (e.g. the document pages made)
    shared: dict[str, Any] = field(default_factory=dict)
    #: set for each stage as it runs
    record: dict[str, Any] = field(default_factory=dict)
    result: StageResult = field(default_factory=lambda: StageResult(""))

    def __post_init__(self) -> None:
        self.root = os.path.abspath(self.project.root)
        self._names: dict[str, str] = {}

    @property
    def jobs(self) -> int:
        return self.options.jobs or self.project.settings.jobs or os.cpu_count() or 1

    def sha(self, path: str | Path) -> str | None:
        return self.state.files.sha(path)

    def path(self, name: str) -> str:
        """The absolute path of a file named relative to the project."""
        return name if os.path.isabs(name) else f"{self.root}{os.sep}{name}"

    def toolkit(self, module: str, *folders: Path) -> str:
        """What a stage's work depends on in teikit itself: its version, the code of
        ``module`` and of every teikit module it imports, and the given folders
        (schema, stylesheets). An edit elsewhere in teikit remakes nothing."""
        key = "\0".join(("toolkit", module, *map(str, folders)))
        if key not in self.shared:
            code = [(p.name, self.sha(p)) for p in code_files(module, self._imports)]
            data = [[(p.relative_to(f).as_posix(), self.sha(p)) for p in sorted(f.rglob("*"))
                     if p.is_file() and "__pycache__" not in p.parts] if f.is_dir() else self.sha(f)
                    for f in folders]
            self.shared[key] = digest(__version__, code, data)
        return str(self.shared[key])

    def close(self) -> None:
        """Stop what a stage started in the background and no later stage took up."""
        indexing = self.shared.pop("indexing", None)
        if indexing is not None:
            from teikit.search import cancel_pagefind

            cancel_pagefind(indexing[0])

    def _imports(self, path: Path) -> list[str]:
        """A module's imports, kept in the state by the file's hash (parsing costs)."""
        sha = self.sha(path) or ""
        if sha not in self.state.code:
            self.state.code[sha] = imports_of(path)
        return self.state.code[sha]

    def items(self, key: str) -> dict[str, dict[str, Any]]:
        """The stage's records of items, emptied when the stage's key changed."""
        if self.record.get("key") != key:
            self.record.clear()
            self.record["key"] = key
        items: dict[str, dict[str, Any]] = self.record.setdefault("items", {})
        return items

    def rel(self, path: str | Path) -> str:
        """A path as the editor sees it: relative to the project, with ``/``."""
        key = str(path)
        if key not in self._names:
            self._names[key] = self.project.relative(key)
        return self._names[key]

    def own(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Findings with their paths as the editor sees them (relative to the project)."""
        return [Diagnostic(d.code, d.severity, d.message, self.rel(d.path) if d.path else "",
                           d.line, d.col) for d in diagnostics]

    def wrote(self, path: str | Path) -> None:
        """A file this stage wrote (its hash will be read again)."""
        self.result.written.append(self.rel(path))
        self.state.files.forget(path)


@dataclass(frozen=True)
class Stage:
    """One step of the build."""

    name: str
    run: Callable[[BuildContext], None]
    #: folders under output/ that this stage makes (``--clean`` removes them)
    outputs: tuple[str, ...] = ()
    #: publishes the edition: not run while the TEI has errors (unless allowed)
    publishes: bool = False
    #: may be left out with ``--skip``
    optional: bool = False


def imports_of(path: Path) -> list[str]:
    """The teikit modules a module's code imports (at the top or inside functions)."""
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("teikit.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("teikit"):
            found.append(node.module or "")
            found += [f"{node.module}.{a.name}" for a in node.names]
    return found


def code_files(module: str, imports: Callable[[Path], list[str]] = imports_of) -> list[Path]:
    """The files of a teikit module and of the teikit modules it imports, at any depth."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = PACKAGE_DIR / (name.partition(".")[2].replace(".", "/") + ".py")
        if name in seen or not path.is_file():
            continue
        seen[name] = path
        todo += imports(path)
    return [seen[n] for n in sorted(seen)]


def _stages() -> list[Stage]:
    from teikit.stages import STAGES

    return STAGES


def stage_names(optional_only: bool = False) -> list[str]:
    return [s.name for s in _stages() if s.optional or not optional_only]


def kept(items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings to remember for an item: warnings and errors (infos are for this build only)."""
    return [d for rec in items.values() for d in rec.get("diagnostics", [])]


def remember(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    return [{"code": d.code, "severity": str(d.severity), "message": d.message, "path": d.path,
             "line": d.line, "col": d.col} for d in diagnostics if d.severity != Severity.INFO]


def recall(records: list[dict[str, Any]]) -> list[Diagnostic]:
    return [Diagnostic(r["code"], Severity(r["severity"]), r["message"], r["path"], r["line"],
                       r["col"]) for r in records]


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_build(project: Project, options: BuildOptions | None = None,
              progress: Progress | None = None) -> BuildReport:
    """Bring the project's TEI, site (and later PDFs and package) up to date."""
    options = options or BuildOptions()
    progress = progress or NoProgress()
    started, cpu = time.perf_counter(), _cpu()
    report = BuildReport(project)
    with locked(project.state_dir):
        if options.clean:
            report.notes += [f"removed {project.relative(p)}" for p in _clean(project)]
        for leftover in [*sweep(project.tei, recursive=False), *sweep(project.output)]:
            report.notes.append(f"removed {project.relative(leftover)}, left by an interrupted build")
        state = State(project.state_dir)
        if state.note:
            report.notes.append(state.note)
        ctx = BuildContext(project, options, state, progress)
        try:
            _run_stages(ctx, report)
        finally:
            ctx.close()
        report.diagnostics = _outstanding(state, report)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = _cpu() - cpu
    return report


def _run_stages(ctx: BuildContext, report: BuildReport) -> None:
    """Each stage in turn; the state is saved after long stages and at the end."""
    state, options = ctx.state, ctx.options
    checks = [s.name for s in _stages() if not s.publishes]
    unsaved = bool(state.note)
    for stage in _stages():
        result = StageResult(stage.name)
        report.stages.append(result)
        if stage.publishes and not report.stopped and not options.allow_invalid:
            report.stopped = _gate(state, report, checks)
        if report.stopped:
            continue
        if stage.name in options.skip:
            result.status = "skipped"
            continue
        _run_stage(stage, ctx, result)
        unsaved |= result.status == "done"
        if unsaved and result.seconds >= CHECKPOINT_SECONDS:  # remember what is in place
            state.save()
            unsaved = False
    if unsaved or state.files.hashed:
        state.save()


def _clean(project: Project) -> list[Path]:
    """``--clean``: the state (but the lock, held) and what the stages made under output/."""
    gone = [p for p in sorted(project.state_dir.glob("*")) if p.name != LOCK_FILE]
    gone += [project.output / o for s in _stages() for o in s.outputs]
    removed = []
    for p in gone:
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
        else:
            continue
        removed.append(p)
    return removed


def _run_stage(stage: Stage, ctx: BuildContext, result: StageResult) -> None:
    ctx.record = ctx.state.stage(stage.name)
    ctx.result = result
    t, cpu = time.perf_counter(), _cpu()
    try:
        stage.run(ctx)
    finally:
        ctx.progress.finish()
    result.status = "done" if result.done or result.written or result.removed else "up to date"
    result.seconds = time.perf_counter() - t
    result.cpu_seconds = _cpu() - cpu


def _gate(state: State, report: BuildReport, checks: list[str]) -> str:
    """Why publishing must wait: errors found by the stages that check the sources and TEI."""
    error = str(Severity.ERROR)
    stored = [d for r in report.stages if r.name in checks
              for d in (*kept(state.stages.get(r.name, {}).get("items", {})),
                        *state.stages.get(r.name, {}).get("diagnostics", []))
              if d["severity"] == error]  # the records, not Diagnostics: thousands of warnings
    if not stored:
        return ""
    errors = [d for d in _outstanding(state, report, checks) if d.severity == Severity.ERROR]
    files = len({d.path for d in errors})
    return (f"not published: {len(errors)} error{'s' * (len(errors) != 1)} in {files} "
            f"file{'s' * (files != 1)} of the sources or TEI; fix them, or build with "
            "--allow-invalid to publish anyway")


def _outstanding(state: State, report: BuildReport, only: list[str] | None = None) -> list[Diagnostic]:
    """Warnings and errors of every item as it now stands, and this build's infos."""
    found: list[Diagnostic] = []
    for result in report.stages:
        if only is not None and result.name not in only:
            continue
        record = state.stages.get(result.name, {})
        found += recall(kept(record.get("items", {})))
        found += recall(record.get("diagnostics", []))
        found += [d for d in result.diagnostics if d.severity == Severity.INFO]
    stop = [diag("TK603", report.stopped, report.project.relative(report.project.root / "teikit.toml"))] \
        if report.stopped else []
    return sorted(set(found), key=lambda d: (d.path, d.line, d.col, d.code, d.message)) + stop
