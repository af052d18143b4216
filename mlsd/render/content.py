"""Render frameworks, case studies and validation reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlsd.render.console import out

if TYPE_CHECKING:
    from mlsd.content.schema import Case, CaseStep, Diagram, Framework, Tradeoff
    from mlsd.content.summary import CaseSummary
    from mlsd.content.validate import ValidationReport
    from mlsd.content.views import ViewStep


def _markdown(text: str) -> RenderableType:
    # rich.markdown pulls in markdown-it (~70 ms): only `show` pays for it
    from rich.markdown import Markdown

    return Markdown(text)


def case_table(rows: Sequence[CaseSummary]) -> None:
    """`mlsd list`: one row per case."""
    wide = out().width >= 110  # tags only when there is room for them to read well
    table = Table(box=box.SIMPLE_HEAD, title=f"{len(rows)} case studies", title_justify="left")
    table.add_column("id", style="bold cyan", no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("difficulty", no_wrap=True)
    table.add_column("task", no_wrap=True)
    if wide:
        table.add_column("tags", ratio=1, style="dim")
    for r in rows:
        cells = [r.id, r.title, r.difficulty, r.task] + ([", ".join(r.tags[:3])] if wide else [])
        table.add_row(*(escape(x) for x in cells))
    out().print(table)
    out().print(
        "[dim]Next: mlsd show <id>   ·   mlsd practice <id>   ·   mlsd compare-models <id>[/]"
    )


def case_header(case: Case, framework: Framework) -> None:
    """Title, summary, prompt and objectives of a case."""
    meta = f"{case.difficulty} · {case.pipeline.task} · {', '.join(case.tags)}"
    body = _markdown(f"{case.summary}\n\n**Prompt.** {case.prompt.strip()}")
    title = f"[bold]{escape(case.title)}[/]"
    out().print(Panel(body, title=title, subtitle=escape(meta), box=box.ROUNDED))
    lines = ["**Objectives**", *[f"- {o}" for o in case.objectives]]
    if case.out_of_scope:
        lines += ["", "**Out of scope**", *[f"- {o}" for o in case.out_of_scope]]
    out().print(_markdown("\n".join(lines)))
    out().print(Text(f"Framework: {framework.title}", style="dim"))


def case_steps(
    view: Sequence[ViewStep],
    framework: Framework,
    diagram: Diagram | None = None,
    case_id: str = "",
) -> None:
    """Each framework step as a panel holding the case's content for it.

    With ``diagram``, the text drawing of the architecture follows the serving step's
    content, in whichever framework step holds it.
    """
    for n, v in enumerate(view, 1):
        title = f"[bold]{n}. {escape(v.step.title)}[/]  [dim]({v.step.time_box_minutes} min)[/]"
        parts: list[RenderableType] = []
        blocks: list[str] = []
        for key, part in v.parts:
            blocks.append(_step_markdown(key, part, multi=len(v.parts) > 1))
            if key == "serving" and diagram is not None:
                parts += [_markdown("\n\n".join(blocks)), *_architecture(diagram, case_id)]
                blocks = []
        if blocks:
            parts += [Text("")] if parts else []  # a blank line after the drawing
            parts.append(_markdown("\n\n".join(blocks)))
        body = parts[0] if len(parts) == 1 else Group(*parts)
        out().print(Panel(body, title=title, title_align="left"))


def _architecture(diagram: Diagram, case_id: str) -> list[RenderableType]:
    from mlsd.render.diagram import DiagramView

    export = f"mlsd diagram {case_id} --format mermaid|dot" if case_id else "mlsd diagram"
    heading = Text.assemble(("\nArchitecture", "bold"), ("   export: " + export, "dim"))
    return [heading, DiagramView(diagram)]


def _step_markdown(key: str, step: CaseStep, multi: bool) -> str:
    md = [f"### {key}"] if multi else []
    md += ["**Guiding questions**", *[f"- {q}" for q in step.guiding_questions], ""]
    md += ["**Reference answer**", "", step.reference_answer.strip(), ""]
    md += ["**Rubric**: " + "; ".join(r.concept for r in step.rubric)]
    if step.pitfalls:
        md += ["", "**Pitfalls**", *[f"- {p}" for p in step.pitfalls]]
    md += [_tradeoff_markdown(t) for t in step.tradeoffs]
    return "\n".join(md)


def _tradeoff_markdown(t: Tradeoff) -> str:
    md = ["", f"**Trade-off: {t.decision}**", ""]
    for o in t.options:
        pros = "; + ".join(p.rstrip(". ") for p in o.pros)
        cons = "; − ".join(c.rstrip(". ") for c in o.cons)
        md.append(f"- *{o.name}*: + {pros}; − {cons}. Pick when {o.pick_when.rstrip('. ')}.")
    md.append(f"\n*Recommendation:* {t.recommendation}")
    return "\n".join(md)


def frameworks(fws: Sequence[Framework]) -> None:
    """Each framework's steps and its mapping to other frameworks."""
    for fw in fws:
        table = Table(
            title=f"[bold]{escape(fw.title)}[/] ({fw.id})",
            box=box.SIMPLE_HEAD,
            caption=escape(fw.summary),
            title_justify="left",
            caption_justify="left",
        )
        table.add_column("#", justify="right")
        table.add_column("step", style="bold cyan")
        table.add_column("min", justify="right")
        for m in fw.mapping:
            table.add_column(escape(m.title), overflow="fold")
        for n, s in enumerate(fw.steps, 1):
            mapped = [", ".join(m.steps.get(s.id, [])) for m in fw.mapping]
            table.add_row(str(n), escape(s.title), str(s.time_box_minutes), *map(escape, mapped))
        out().print(table)


def framework_detail(fw: Framework) -> None:
    """One framework: goals, guiding questions and common mistakes per step."""
    frameworks([fw])
    for n, s in enumerate(fw.steps, 1):
        md = [
            f"**Goal.** {s.goal}",
            "",
            "**Ask**",
            *[f"- {q}" for q in s.guiding_questions],
            "",
            "**Common mistakes**",
            *[f"- {m}" for m in s.common_mistakes],
        ]
        extra = f"({s.time_box_minutes} min, {len(s.quiz)} quiz)"
        title = f"[bold]{n}. {escape(s.title)}[/]  [dim]{extra}[/]"
        out().print(Panel(_markdown("\n".join(md)), title=title, title_align="left"))


def validation(report: ValidationReport) -> None:
    """Problems one per line (file:line: field: reason), then a summary line."""
    for p in report.problems:
        out().print(Text(str(p)), soft_wrap=True)
    summary = (
        f"{report.files} files: {report.frameworks} frameworks, {report.cases} case "
        f"studies, {report.quiz_items} quiz questions"
    )
    if report.ok:
        out().print(f"[green]ok[/] {summary}")
    else:
        out().print(f"[red]{len(report.problems)} problems[/] in {summary}")
