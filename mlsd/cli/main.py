"""The `mlsd` command: a thin layer that parses, calls the library and renders."""

from __future__ import annotations

from pathlib import Path

import typer

from mlsd import __version__
from mlsd.cli import compress, content, pipeline, practice, production, quiz, serving, train
from mlsd.cli import diagram as diagram_cli
from mlsd.cli.common import ErrorHandlingGroup, State

app = typer.Typer(
    cls=ErrorHandlingGroup,
    name="mlsd",
    help=(
        "A study partner for machine-learning system design interviews: practise case "
        "studies step by step, run their reference pipelines, watch them drift and roll "
        "them out, and quiz yourself."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlsd {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    content_dir: list[Path] = typer.Option(
        [],
        "--content-dir",
        metavar="DIR",
        help="Extra directory of case studies (repeatable); same ids override shipped ones. "
        "Also read from MLSD_CONTENT_DIR.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Options that apply to every command."""
    ctx.obj = State(list(content_dir))


content.register(app)
diagram_cli.register(app)
pipeline.register(app)
production.register(app)
serving.register(app)
compress.register(app)
train.register(app)
practice.register(app)
quiz.register(app)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mlsd")
