"""``teikit init`` and ``teikit build``: a thin shell over teikit.project and teikit.build."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from teikit.diagnostics import Diagnostic, Severity, render
from teikit.errors import TeikitError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@click.command("init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The edition's title (default: the folder's name).")
def init(folder: Path, title: str | None) -> None:
    """Make a project: teikit.toml (every setting explained), texts/, tei/ with empty
    registers, and a .gitignore for output/. An existing project is left alone."""
    from teikit.project import init_project

    try:
        made = init_project(folder, title)
    except (TeikitError, OSError) as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_USAGE)
    for p in made:
        click.echo(f"made {p}{'/' if p.is_dir() else ''}", err=True)
    click.echo(f"Put the transcriptions (*.txt) in {folder / 'texts'}, then run `teikit build"
               f"{'' if folder == Path('.') else ' ' + str(folder)}`.", err=True)


class _Bars:
    """One progress bar per stage, on standard error."""

    def __init__(self, shown: bool) -> None:
        self.shown = shown
        self.bar: Any = None

    def start(self, stage: str, total: int) -> None:
        self.finish()
        if self.shown and total:
            self.bar = click.progressbar(length=total, label=f"{stage:<9}", file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("build")
@click.argument("folder", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--clean", is_flag=True, help="Forget earlier builds and make everything again "
              "(TEI edited by hand is still never overwritten).")
@click.option("--allow-invalid", is_flag=True, help="Publish (PDFs, site, package) even when sources "
              "failed to convert or the TEI has errors.")
@click.option("--skip", multiple=True, metavar="STAGE", help="Leave out optional stages this "
              "time (pdf, volume, search, package; repeat or separate with commas); they are "
              "brought up to date by the next build without --skip.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Processes to use (default: [build] jobs of teikit.toml, else all cores).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How diagnostics and the summary are printed.")
@click.option("-v", "--verbose", is_flag=True, help="List every outstanding warning, and this "
              "build's information messages.")
def build(folder: Path, clean: bool, allow_invalid: bool, skip: tuple[str, ...], jobs: int | None,
          fmt: str, verbose: bool) -> None:
    """Bring the project in FOLDER up to date: texts → TEI → validated → PDFs → HTML site →
    search → deposit package.

    Only what changed is done again. Stops before publishing while the TEI has errors.
    """
    from teikit.build import BuildOptions, run_build, stage_names
    from teikit.project import find_root, load_project

    optional = stage_names(optional_only=True)
    skip = tuple(n.strip() for s in skip for n in s.split(",") if n.strip())
    for name in skip:
        if name not in optional:
            raise click.BadParameter(f"{name!r}: the stages that can be skipped are "
                                     f"{', '.join(optional)}", param_hint="--skip")
    try:
        project = load_project(find_root(folder))
        report = run_build(project, BuildOptions(jobs, allow_invalid, frozenset(skip), clean),
                           _Bars(fmt == "text" and sys.stderr.isatty()))
    except TeikitError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: no file is half-written; the next build carries on", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if fmt == "json":
        click.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
    else:
        _print_text(report, verbose)
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEMS)


def _this_build(report: Any) -> set[Diagnostic]:
    return {d for s in report.stages for d in s.diagnostics}


def _print_text(report: Any, verbose: bool) -> None:
    new = _this_build(report)
    shown = [d for d in report.diagnostics if d.code != "TK603" and (
        verbose or d.severity == Severity.ERROR or d in new and d.severity == Severity.WARNING)]
    if shown:
        click.echo(render(shown), err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for s in report.stages:
        click.echo(f"{s.name:<9} {_stage_line(s)}", err=True)
    if report.stopped:
        click.echo(f"stopped: {report.stopped}", err=True)
    earlier = sum(d not in new for d in report.warnings)
    converted = sum(1 for s in report.stages if s.name == "convert" for _ in s.done)
    click.echo(f"{converted} document{'s' * (converted != 1)} converted, "
               f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}"
               + (f" ({earlier} from earlier builds{'' if verbose else ': -v lists them'})"
                  if earlier else "")
               + f", {len(report.errors)} error{'s' * (len(report.errors) != 1)}; "
               f"{report.seconds:.1f} s (CPU {report.cpu_seconds:.1f} s)", err=True)


_OUTCOMES = {"unchanged": "with the TEI unchanged", "skipped": "kept as edited by hand",
             "failed": "failed"}
_DONE = {"convert": "{} converted", "validate": "{} checked", "pdf": "{} printed",
         "volume": "volume made", "html": "{} transformed", "search": "index made",
         "package": "package made"}
#: stages whose one item is the whole edition: no counts of items
_WHOLE = ("volume", "search", "package")


def _stage_line(s: Any) -> str:
    if s.status in ("not run", "skipped"):
        return s.status
    parts = [_DONE.get(s.name, "{} done").format(len(s.done)) if s.done else "",
             f"{s.up_to_date} up to date" if s.up_to_date and s.name not in _WHOLE else "",
             f"{len(s.written)} written" if s.written and s.name not in _WHOLE else "",
             f"{len(s.removed)} removed" if s.removed else "",
             *(f"{n} {_OUTCOMES[k]}" for k, n in s.counts.items() if k in _OUTCOMES), *s.notes]
    return f"{', '.join(p for p in parts if p) or 'up to date'}  ({s.seconds:.1f} s)"


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "project": str(report.project.root),
        "ok": report.ok,
        "stopped": report.stopped,
        "seconds": round(report.seconds, 3),
        "cpu_seconds": round(report.cpu_seconds, 3),
        "notes": report.notes,
        "stages": [{"name": s.name, "status": s.status, "done": s.done, "up_to_date": s.up_to_date,
                    "written": s.written, "removed": s.removed, "notes": s.notes,
                    "counts": s.counts, "timings": s.timings,
                    "seconds": round(s.seconds, 3), "cpu_seconds": round(s.cpu_seconds, 3)}
                   for s in report.stages],
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
