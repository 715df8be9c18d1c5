"""``teikit package``: the edition as a deposit (BagIt bag, teiCorpus, CMIF, DataCite, Zenodo).

Exit codes: 0 package written (warnings allowed), 1 nothing written (an input
refused, the output folder not a package, or a write failure), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from teikit.diagnostics import render
from teikit.settings import SettingsError, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.command("package")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("output/package"),
              show_default=True, help="Folder for the package; an earlier package there is "
              "replaced only by a complete new one.")
@click.option("--settings", "settings_path", type=click.Path(path_type=Path), default=None,
              help="The edition's settings file (default: ./teikit.toml if present).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How diagnostics are printed.")
def package(sources: tuple[Path, ...], out_dir: Path, settings_path: Path | None, fmt: str) -> None:
    """Package the edition for deposit: a BagIt bag, a teiCorpus, CMIF and DataCite/Zenodo metadata.

    Everything is made from the TEI headers, the registers and teikit.toml.
    """
    from teikit.package import make_package

    try:
        settings = load_settings(settings_path)
    except SettingsError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_USAGE)
    report = make_package(list(sources), out_dir, settings)
    if fmt == "json":
        click.echo(json.dumps({
            "out": str(out_dir), "name": report.name, "documents": report.documents,
            "files": report.files, "seconds": round(report.seconds, 3),
            "diagnostics": [d.to_dict() for d in report.diagnostics],
        }, ensure_ascii=False, indent=2))
    elif report.diagnostics:
        click.echo(render(report.diagnostics), err=True)
    if report.errors:
        click.echo(f"no package written ({len(report.errors)} errors); {out_dir} is unchanged",
                   err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"{len(report.documents)} documents packaged, {len(report.files)} files in "
               f"{out_dir} in {report.seconds:.1f} s", err=True)
    sys.exit(EXIT_OK)
