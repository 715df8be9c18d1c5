"""The command line: a thin shell over the library (parse, call, render, exit)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from teikit import __version__
from teikit.cli_build import build, init
from teikit.cli_html import html
from teikit.cli_package import package
from teikit.cli_pdf import pdf
from teikit.cli_validate import validate
from teikit.convert import convert_paths, default_register, iter_sources
from teikit.diagnostics import Severity, render
from teikit.errors import TeikitError
from teikit.totext import tei_to_text
from teikit.writer import atomic_write

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="teikit")
def main() -> None:
    """teikit: archival transcriptions to a TEI P5 scholarly edition."""


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the TEI files (one <stem>.xml per source).")
@click.option("--profile", default="default", show_default=True,
              help="Convention profile: default, venona, minimal, or a .toml profile file.")
@click.option("--encoding", default=None, help="Read every source in this encoding "
              "(e.g. cp1251) instead of detecting it.")
@click.option("--force", is_flag=True, help="Overwrite TEI files edited by hand since teikit "
              "wrote them.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None,
              help="Write the conversion report (JSON) to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How diagnostics are printed.")
@click.option("--registers", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with persons.xml and places.xml (default: the output folder).")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD",
              help="Conversion date recorded in revisionDesc (default: today; also TEIKIT_DATE).")
def convert(sources: tuple[Path, ...], out_dir: Path, profile: str, encoding: str | None,
            force: bool, report_path: Path | None, fmt: str, registers: Path | None,
            date: str | None) -> None:
    """Convert plain-text transcriptions (files or folders of *.txt) to TEI P5."""
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date")
    missing = [str(s) for s in sources if not s.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    files = iter_sources(sources)
    if not files:
        raise click.UsageError("no *.txt sources found")
    try:
        register = default_register(registers or out_dir)
        with click.progressbar(length=len(files), label="converting", file=sys.stderr,
                               hidden=len(files) < 20) as bar:
            results = convert_paths(files, out_dir, profile=profile, encoding=encoding,
                                    force=force, register=register, today=date,
                                    progress=lambda _p: bar.update(1))
    except TeikitError as exc:
        raise click.UsageError(str(exc)) from exc
    diags = [d for r in results for d in r.diagnostics]
    if fmt == "json":
        click.echo(json.dumps({"documents": [_summary(r) for r in results],
                               "diagnostics": [d.to_dict() for d in diags]},
                              ensure_ascii=False, indent=2))
    else:
        if diags:
            click.echo(render(diags), err=True)
        done = sum(r.status == "converted" for r in results)
        same = sum(r.status == "unchanged" for r in results)
        skipped = [r for r in results if r.status == "skipped"]
        failed = [r for r in results if not r.ok]
        click.echo(f"{done} converted, {same} unchanged, {len(skipped)} skipped, "
                   f"{len(failed)} failed -> {out_dir}", err=True)
        for r in skipped:
            click.echo(f"skipped (edited by hand): {r.output}", err=True)
    if report_path:
        report = [{**r.report, "status": r.status, "output": r.output,
                   "diagnostics": [d.to_dict() for d in r.diagnostics]} for r in results]
        try:
            atomic_write(report_path, json.dumps(report, ensure_ascii=False, indent=2).encode())
        except OSError as exc:
            click.echo(f"{report_path}: error[TK009] cannot write the report: "
                       f"{exc.strerror or exc}", err=True)
            sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS)


def _summary(r: object) -> dict[str, object]:
    return {"source": r.source, "output": r.output, "status": r.status,  # type: ignore[attr-defined]
            "errors": sum(d.severity == Severity.ERROR for d in r.diagnostics)}  # type: ignore


@main.command()
@click.argument("tei_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write the text here instead of standard output.")
def text(tei_file: Path, out_file: Path | None) -> None:
    """Write a TEI file back to plain text in the bracket conventions."""
    from teikit.validate_safe import UnsafeXMLError, load_file

    try:
        loaded = load_file(tei_file)
    except UnsafeXMLError as exc:
        click.echo(str(exc.diagnostic), err=True)
        sys.exit(EXIT_USAGE)
    result = tei_to_text(loaded.tree)
    if out_file:
        atomic_write(out_file, result.encode("utf-8"))
    else:
        click.echo(result, nl=False)


main.add_command(validate)
main.add_command(html)
main.add_command(pdf)
main.add_command(package)
main.add_command(init)
main.add_command(build)
