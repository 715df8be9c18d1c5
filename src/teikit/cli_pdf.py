"""``teikit pdf``: the print edition (PDF/A-3b per document and as a volume)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from teikit.diagnostics import Severity, render
from teikit.settings import SettingsError, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the PDFs (<stem>.pdf per document, the volume).")
@click.option("--settings", "settings_path", type=click.Path(path_type=Path), default=None,
              help="The edition's settings file (default: ./teikit.toml if present).")
@click.option("--volume", is_flag=True, help="Also make a volume of the whole edition (title page, "
              "contents, conventions, the documents by date, index of persons and places).")
@click.option("--volume-only", is_flag=True, help="Make the volume and no per-document PDFs.")
@click.option("--volume-name", default="volume", show_default=True,
              help="File name of the volume, without .pdf.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Processes for the per-document PDFs and the volume's parts (default: all cores).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How diagnostics are printed.")
def pdf(sources: tuple[Path, ...], out_dir: Path, settings_path: Path | None, volume: bool,
        volume_only: bool, volume_name: str, jobs: int | None, fmt: str) -> None:
    """Build the print edition (PDF/A-3b with the TEI attached) from TEI files and folders."""
    from teikit.pdf import build_pdfs

    if "/" in volume_name or "\\" in volume_name or not volume_name.strip(". "):
        raise click.BadParameter("a file name, without folders", param_hint="--volume-name")
    try:
        settings = load_settings(settings_path)
    except SettingsError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_USAGE)
    report = build_pdfs(list(sources), out_dir, settings, documents=not volume_only,
                        volume=volume or volume_only, volume_name=volume_name, jobs=jobs)
    if report.diagnostics:
        click.echo(render(report.diagnostics, fmt), err=fmt == "text")
    made = f"{len(report.documents)} document PDFs" + (f" and {report.volume.name}" if report.volume else "")
    click.echo(f"{made}, {report.pages} pages, {report.written} files written to {out_dir} "
               f"in {report.seconds:.1f} s", err=True)
    failed = any(d.severity == Severity.ERROR for d in report.diagnostics)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)
