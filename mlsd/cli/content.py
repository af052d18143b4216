"""`mlsd list`, `show`, `frameworks` and `validate`: browsing and checking content."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from mlsd.cli.common import JSON_OPTION, catalog
from mlsd.content.summary import filter_by_tag
from mlsd.render import console
from mlsd.render import content as render


def list_cases(
    ctx: typer.Context,
    tag: str | None = typer.Option(None, "--tag", help="Only cases with this tag."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List the case studies: id, title, difficulty, task type and tags."""
    rows = filter_by_tag(catalog(ctx).summaries(), tag)
    if as_json:
        console.print_json([asdict(r) for r in rows])
    elif not rows:
        console.note(f"no case studies tagged {tag!r}" if tag else "no case studies found")
    else:
        render.case_table(rows)


def show(
    ctx: typer.Context,
    case_id: str = typer.Argument(..., metavar="CASE", help="Case id, e.g. ad-click-prediction."),
    step: str | None = typer.Option(None, "--step", "-s", help="Show only this step."),
    framework: str = typer.Option(
        "seven-step", "--framework", "-f", help="View through this framework: seven-step|four-step."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show a case study: prompt, then each step's questions, reference answer and rubric."""
    from mlsd.content.views import case_view, select_step

    cat = catalog(ctx)
    case = cat.case(case_id)
    fw = cat.framework(framework)
    view = case_view(case, fw)
    if step is not None:
        view = select_step(view, step)
    if as_json:
        console.print_json(case.model_dump(mode="json", by_alias=True))
        return
    render.case_header(case, fw)
    render.case_steps(view, fw, case.diagram, case.id)


def frameworks(
    ctx: typer.Context,
    framework_id: str | None = typer.Argument(
        None, metavar="[ID]", help="One framework in detail."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the design frameworks and how their steps map onto other frameworks."""
    cat = catalog(ctx)
    fws = [cat.framework(framework_id)] if framework_id else cat.frameworks()
    if as_json:
        console.print_json([f.model_dump(mode="json") for f in fws])
    elif framework_id:
        render.framework_detail(fws[0])
    else:
        render.frameworks(fws)


def validate(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        None, metavar="[PATH]...", help="Files or directories to check (default: all content)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Check content files: schema, ids, quiz answers, steps, diagram edges, pipeline names."""
    from mlsd.content.validate import files_to_check, validate_files

    cat = catalog(ctx)
    report = validate_files(files_to_check(paths or [], cat), base=cat if paths else None)
    if as_json:
        console.print_json({**asdict(report), "problems": [str(p) for p in report.problems]})
    else:
        render.validation(report)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach the content commands to ``app``."""
    app.command("list")(list_cases)
    app.command()(show)
    app.command()(frameworks)
    app.command()(validate)
