"""`mlsd practice`, `history`, `progress` and `export` through CliRunner with scripted input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from mlsd.cli.main import app
from mlsd.content.loader import Catalog
from mlsd.render.practice import RATING_PROMPT

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "valid"
TINY = ["--content-dir", str(VALID)]
SEVEN = ["clarify", "metrics", "data", "features", "model", "serving", "monitoring"]
FOUR = ["define-problem", "engineer-features", "select-model", "design-serving"]
EMPTY_NOTE = "(empty answer: type something, or :skip / :quit)"
RATING_NOTE = "please type 1, 2, 3 or 4"

# tiny-case: every step's rubric is [latency budget (p99 latency, response time), calibration]
FULL = "We need a latency budget and calibration."  # 100 %
HALF = "Watch the p99 latency."  # 50 %
NONE = "Something unrelated entirely."  # 0 %


def answer(text: str, rating: int | str) -> str:
    """Scripted input for one step: the answer, the empty line that ends it, the rating."""
    return f"{text}\n\n{rating}\n"


def clean(result: Result, code: int = 0) -> Result:
    """The command ran to ``code`` without an uncaught exception or a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}\n{result.output}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    return result


def practice(runner: CliRunner, *args: str, input: str = "", code: int = 0) -> Result:
    """Run ``mlsd practice`` on the tiny fixture case (or on ``args`` as given)."""
    argv = [*TINY, "practice", *(args or ("tiny-case",))]
    return clean(runner.invoke(app, argv, input=input), code)


def sessions(runner: CliRunner, *args: str) -> list[dict[str, Any]]:
    """`mlsd history --json` (plus ``args``), parsed."""
    result = clean(runner.invoke(app, [*TINY, "history", "--json", *args]))
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def headers(output: str) -> list[str]:
    """The 'Step k/n' headers in the order they were shown."""
    return re.findall(r"Step (\d+/\d+) ·", output)


def field(record: dict[str, Any], key: str) -> list[Any]:
    return [s[key] for s in record["steps"]]


# ---------------------------------------------------------------- a whole session

WHOLE = [(FULL, 4), (HALF, 2), (NONE, 3), (FULL, 3), (HALF, 4), (FULL, 1), (FULL, 4)]


@pytest.fixture
def finished(runner: CliRunner) -> dict[str, Any]:
    """One completed seven-step tiny-case session, as history shows it."""
    practice(runner, input="".join(answer(t, r) for t, r in WHOLE))
    [record] = sessions(runner)
    return record


def test_whole_seven_step_session(runner: CliRunner) -> None:
    result = practice(runner, input="".join(answer(t, r) for t, r in WHOLE))
    out = result.stdout
    assert headers(out) == [f"{k}/7" for k in range(1, 8)]
    assert out.count("Design a tiny click model.") == 1  # the prompt, on the first step only
    assert out.count("What matters for clarify?") == 1
    assert out.count("Reference answer") == 7
    assert "A short reference answer for monitoring" in out
    assert out.count("Rubric checklist") == 7
    assert out.count("not a grade") == 7
    assert out.count(RATING_PROMPT) == 7
    assert "Coverage 1/2 (50%)" in out
    assert "Session summary" in out
    summary = out[out.index("Session summary") :]
    assert re.search(r"Clarify requirements\s+100%\s+4/4", summary)
    assert re.search(r"Define metrics: offline and online\s+50%\s+2/4", summary)
    assert re.search(r"Data: sources, labels, sampling, splits\s+0%\s+3/4", summary)
    # weak = rated 1-2 (your rating decides; coverage only counts for an unrated step):
    # data is 0 % covered but rated 3/4, so it is not flagged
    assert "Weakest steps: metrics, serving" in summary
    assert "review: mlsd quiz --step serving" in summary  # not a topic of this case
    assert "review: mlsd quiz --case tiny-case --step metrics" in summary  # a quiz topic
    assert result.stderr == ""

    [record] = sessions(runner)
    assert record["case"] == "tiny-case"
    assert record["framework"] == "seven-step"
    assert record["completed"] is True
    assert isinstance(record["id"], int)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", record["started_at"])
    assert field(record, "step") == SEVEN
    assert field(record, "answer") == [t for t, _ in WHOLE]
    assert field(record, "coverage") == [1.0, 0.5, 0.0, 1.0, 0.5, 1.0, 1.0]
    assert field(record, "rating") == [r for _, r in WHOLE]
    assert all(isinstance(s, (int, float)) and s >= 0 for s in field(record, "seconds"))
    assert field(record, "skipped") == [False] * 7
    assert record["steps"][1]["covered"] == ["latency budget"]
    assert record["steps"][1]["missed"] == ["calibration"]


# ---------------------------------------------------------------- answer-prompt commands


@pytest.fixture
def two_hint_dir(case_data: dict[str, Any], write_case: Any, tmp_path: Path) -> Path:
    """A content dir holding tiny-case with two hints on its first step."""
    case_data["steps"]["clarify"]["hints"] = ["First, ask who uses it.", "Second, ask about scale."]
    write_case(case_data, tmp_path / "hints")
    return tmp_path / "hints"


def test_hints_in_order_then_none_left(runner: CliRunner, two_hint_dir: Path) -> None:
    script = ":hint\n:hint\n:hint\n" + answer(FULL, 3) + ":quit\n"
    argv = ["--content-dir", str(two_hint_dir), "practice", "tiny-case"]
    out = clean(runner.invoke(app, argv, input=script)).stdout
    first = out.index("Hint 1: First, ask who uses it.")
    second = out.index("Hint 2: Second, ask about scale.")
    none_left = out.index("No more hints for this step.")
    assert first < second < none_left < out.index("Reference answer")
    [record] = sessions(runner)
    assert field(record, "answer") == [FULL]  # the commands are not part of the answer
    assert record["steps"][0]["hints_used"] >= 2


def test_hints_used_counts_hints_shown(runner: CliRunner, two_hint_dir: Path) -> None:
    script = ":hint\n:hint\n:hint\n" + answer(FULL, 3) + ":quit\n"
    argv = ["--content-dir", str(two_hint_dir), "practice", "tiny-case"]
    clean(runner.invoke(app, argv, input=script))
    [record] = sessions(runner)
    assert record["steps"][0]["hints_used"] == 2


def test_hints_on_the_real_case(runner: CliRunner) -> None:
    hints = Catalog().case("ad-click-prediction").steps["clarify"].hints
    out = practice(runner, "ad-click-prediction", input=":hint\n:hint\n:quit\n").stdout
    flat = " ".join(out.split())
    assert flat.index(f"Hint 1: {' '.join(hints[0].split())}") < flat.index(
        f"Hint 2: {' '.join(hints[1].split())}"
    )
    assert "Hint 3" not in out


def test_skip_records_a_skipped_step(runner: CliRunner) -> None:
    script = ":skip\n" + "".join(answer(FULL, 3) for _ in range(6))
    result = practice(runner, input=script)
    out = result.stdout
    assert out.count(RATING_PROMPT) == 6  # no rating for a skipped step
    assert "A short reference answer for clarify" in out  # the reference is still shown
    summary = out[out.index("Session summary") :]
    assert re.search(r"Clarify requirements\s+skipped\s+—", summary)
    assert "Weakest steps: clarify" in summary
    [record] = sessions(runner)
    assert record["completed"] is True
    first = record["steps"][0]
    assert (first["step"], first["skipped"], first["answer"]) == ("clarify", True, "")
    assert (first["coverage"], first["rating"]) == (None, None)
    assert field(record, "skipped") == [True] + [False] * 6


def test_invalid_rating_prompts_again(runner: CliRunner) -> None:
    result = practice(runner, input=f"{FULL}\n\n5\nx\n0\n\n 2 \n:quit\n")
    assert result.stdout.count(RATING_PROMPT) == 5
    assert result.stderr.count(RATING_NOTE) == 4
    [record] = sessions(runner)
    assert field(record, "rating") == [2]


def test_empty_first_line_prompts_again(runner: CliRunner) -> None:
    result = practice(runner, input="\n   \n" + answer(HALF, 3) + ":quit\n")
    assert result.stderr.count(EMPTY_NOTE) == 2
    [record] = sessions(runner)
    assert field(record, "answer") == [HALF]
    assert field(record, "coverage") == [0.5]


def test_multi_line_answer_is_kept_whole(runner: CliRunner) -> None:
    practice(runner, input="We need a latency budget\nand good calibration.\n\n4\n:quit\n")
    [record] = sessions(runner)
    assert field(record, "answer") == ["We need a latency budget\nand good calibration."]
    assert field(record, "coverage") == [1.0]


# ---------------------------------------------------------------- leaving and resuming


def test_quit_mid_session_saves_and_says_how_to_resume(runner: CliRunner) -> None:
    result = practice(runner, input=answer(FULL, 4) + ":quit\n")
    assert "Resume with: mlsd practice tiny-case --resume" in result.stdout
    assert "Saved 1 step(s)" in result.stdout
    assert "Session summary" not in result.stdout
    assert headers(result.stdout) == ["1/7", "2/7"]
    [record] = sessions(runner)
    assert record["completed"] is False
    assert field(record, "step") == ["clarify"]
    assert field(record, "rating") == [4]


def test_resume_continues_at_the_first_unanswered_step(runner: CliRunner) -> None:
    practice(runner, input=answer(FULL, 4) + ":skip\n:quit\n")
    result = practice(runner, "tiny-case", "--resume", input=answer(HALF, 3) * 5)
    assert headers(result.stdout) == ["3/7", "4/7", "5/7", "6/7", "7/7"]
    assert "resuming session 1 at step 3" in result.stderr
    summary = result.stdout[result.stdout.index("Session summary") :]
    assert "Clarify requirements" in summary  # the summary covers the earlier steps too
    [record] = sessions(runner)
    assert record["id"] == 1
    assert record["completed"] is True
    assert field(record, "step") == SEVEN
    assert field(record, "rating") == [4, None, 3, 3, 3, 3, 3]


def test_resume_picks_the_latest_unfinished_session(runner: CliRunner) -> None:
    practice(runner, input=answer(FULL, 1) + ":quit\n")  # session 1: one step
    practice(runner, input=answer(FULL, 2) + answer(FULL, 2) + ":quit\n")  # session 2: two
    result = practice(runner, "tiny-case", "--resume", input=":quit\n")
    assert headers(result.stdout) == ["3/7"]
    newest, oldest = sessions(runner)
    assert (newest["id"], len(newest["steps"])) == (2, 2)
    assert (oldest["id"], len(oldest["steps"]), oldest["completed"]) == (1, 1, False)


def test_resume_note_names_the_step_shown(runner: CliRunner) -> None:
    practice(runner, "tiny-case", "--step", "metrics", input=":quit\n")
    result = practice(runner, "tiny-case", "--resume", input=":quit\n")
    assert headers(result.stdout) == ["2/7"]
    assert "resuming session 1 at step 2" in result.stderr


def test_resume_with_nothing_to_resume_starts_afresh(runner: CliRunner) -> None:
    practice(runner, input="".join(answer(FULL, 4) for _ in range(7)))  # completed
    result = practice(runner, "tiny-case", "--resume", input=answer(FULL, 3) + ":quit\n")
    assert "no unfinished session of tiny-case; starting a new one" in result.stderr
    assert headers(result.stdout)[0] == "1/7"
    newest, oldest = sessions(runner)
    assert (newest["id"], newest["completed"], len(newest["steps"])) == (2, False, 1)
    assert oldest["completed"] is True


def test_end_of_input_mid_answer_saves_what_was_answered(runner: CliRunner) -> None:
    result = practice(runner, input=answer(FULL, 3) + "typed half an answer\n")
    assert "Resume with: mlsd practice tiny-case --resume" in result.stdout
    [record] = sessions(runner)
    assert record["completed"] is False
    assert field(record, "step") == ["clarify", "metrics"]
    assert field(record, "answer") == [FULL, "typed half an answer"]
    assert field(record, "rating") == [3, None]  # input ended before the rating


def test_end_of_input_at_once_leaves_cleanly(runner: CliRunner) -> None:
    result = practice(runner, input="")
    assert "Saved 0 step(s)" in result.stdout
    [record] = sessions(runner)
    assert record["steps"] == []


# ---------------------------------------------------------------- framework, step, mock


def test_four_step_framework_on_the_real_case(runner: CliRunner) -> None:
    case = Catalog().case("ad-click-prediction")
    first = "The business objective is revenue; offline we use normalized cross-entropy."
    script = answer(first, 3) + "".join(answer("a logistic regression baseline", 2) * 3)
    result = practice(runner, "ad-click-prediction", "--framework", "four-step", input=script)
    out = result.stdout
    assert headers(out) == ["1/4", "2/4", "3/4", "4/4"]
    assert "Reference answer · clarify" in out
    assert "Reference answer · metrics" in out
    [record] = sessions(runner)
    assert record["framework"] == "four-step"
    assert record["completed"] is True
    assert field(record, "step") == FOUR
    step1 = record["steps"][0]
    expected = [r.concept for k in ("clarify", "metrics") for r in case.steps[k].rubric]
    assert step1["covered"] + step1["missed"] != []
    assert sorted(step1["covered"] + step1["missed"]) == sorted(expected)
    assert {"business objective", "normalized cross-entropy"} <= set(step1["covered"])
    assert step1["coverage"] == round(len(step1["covered"]) / len(expected), 4)


def test_one_step_only(runner: CliRunner) -> None:
    result = practice(runner, "tiny-case", "--step", "metrics", input=answer(HALF, 2))
    out = result.stdout
    assert headers(out) == ["2/7"]
    assert "Design a tiny click model." in out  # the prompt comes with the first step shown
    assert "Session summary" in out
    [record] = sessions(runner)
    assert field(record, "step") == ["metrics"]
    assert record["completed"] is True


def test_mock_interview_shows_the_clock(runner: CliRunner) -> None:
    script = answer(FULL, 3) + answer(HALF, 2) + ":quit\n"
    out = practice(runner, "tiny-case", "--mock", "--minutes", "30", input=script).stdout
    # three panels: two steps answered, the third left with :quit
    assert len(re.findall(r"time box \d+ min · interview time left \d+:\d\d", out)) == 3
    assert re.search(r"Step time \d+:\d\d of a 5-minute box", out)
    [record] = sessions(runner)
    assert record["mode"] == "mock"


def test_minutes_alone_means_mock_and_summary_shows_interview_time(runner: CliRunner) -> None:
    result = practice(runner, "tiny-case", "--step", "clarify", "--minutes", "30",
                      input=answer(FULL, 4))  # fmt: skip
    assert "interview time left" in result.stdout
    assert re.search(r"Interview time: \d+:\d\d of 30:00", result.stdout)


def test_without_mock_there_is_no_clock(runner: CliRunner) -> None:
    out = practice(runner, input=answer(FULL, 3) + ":quit\n").stdout
    assert "time box 5 min" in out
    assert "interview time left" not in out
    assert "Step time" not in out


# ---------------------------------------------------------------- --editor


def _editor(tmp_path: Path, body: str, code: int = 0) -> str:
    """An $EDITOR that appends ``body`` above the template and exits with ``code``."""
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"p.write_text({body!r} + p.read_text())\n"
        f"sys.exit({code})\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_editor_answer(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "Latency budget first.\n# a comment\n"))
    result = practice(runner, "tiny-case", "--step", "clarify", "--editor", input="3\n")
    assert "Coverage 1/2 (50%)" in result.stdout
    [record] = sessions(runner)
    assert field(record, "answer") == ["Latency budget first."]  # '#' lines dropped
    assert field(record, "rating") == [3]


def test_editor_failure_skips_the_step(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "ignored", code=1))
    practice(runner, "tiny-case", "--step", "clarify", "--editor")
    [record] = sessions(runner)
    assert field(record, "skipped") == [True]


def test_missing_editor_is_one_line(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/no/such/editor-program")
    result = clean(runner.invoke(app, [*TINY, "practice", "tiny-case", "--editor"]), 2)
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert "cannot run the editor" in line


# ---------------------------------------------------------------- export


def test_export_prints_markdown(runner: CliRunner, finished: dict[str, Any]) -> None:
    result = clean(runner.invoke(app, [*TINY, "export", str(finished["id"])]))
    md = result.stdout
    assert md.startswith(f"# Tiny test case — practice session {finished['id']}\n")
    assert "## Prompt\n\nDesign a tiny click model." in md
    assert md.count("### Your answer") == 7
    assert md.count("### Reference answer") == 7
    assert "A short reference answer for serving with a latency budget of 50 ms." in md
    for text, _ in WHOLE:
        assert text in md
    assert "- [x] latency budget" in md
    assert "- [ ] calibration" in md
    assert "*self-rating:* 2/4" in md
    assert "*completed*" in md
    assert "not a grade" in md


def test_export_to_a_file(runner: CliRunner, finished: dict[str, Any], tmp_path: Path) -> None:
    shown = clean(runner.invoke(app, [*TINY, "export", str(finished["id"])])).stdout
    target = tmp_path / "session.md"
    argv = [*TINY, "export", str(finished["id"]), "--format", "md", "--out", str(target)]
    result = clean(runner.invoke(app, argv))
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert target.read_text(encoding="utf-8") == shown.removesuffix("\n")


def test_export_of_an_unfinished_session_with_a_skip(runner: CliRunner) -> None:
    practice(runner, input=":skip\n" + answer(HALF, 2) + ":quit\n")
    md = clean(runner.invoke(app, [*TINY, "export", "1"])).stdout
    assert "*unfinished*" in md
    assert "_(skipped)_" in md
    assert md.count("### Your answer") == 2


def _one_line_error(result: Result, code: int = 2) -> str:
    clean(result, code)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_export_unknown_id(runner: CliRunner, finished: dict[str, Any]) -> None:
    line = _one_line_error(runner.invoke(app, [*TINY, "export", "999"]))
    assert "no practice session with id 999" in line


@pytest.mark.parametrize(
    "args", [["export", "abc"], ["export", "1", "--format", "pdf"], ["export"]], ids=" ".join
)
def test_export_bad_arguments(runner: CliRunner, finished: dict[str, Any], args: list[str]) -> None:
    result = clean(runner.invoke(app, [*TINY, *args]), 2)
    assert result.stdout == ""
    assert any(line.startswith("Error:") for line in result.stderr.splitlines()), result.stderr


def test_export_to_an_unwritable_place(
    runner: CliRunner, finished: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "x.md"
    line = _one_line_error(runner.invoke(app, [*TINY, "export", "1", "--out", str(target)]))
    assert "cannot write" in line


# ---------------------------------------------------------------- history and progress


def test_history_filters_by_case(runner: CliRunner) -> None:
    practice(runner, input=answer(FULL, 3) + ":quit\n")
    practice(runner, "ad-click-prediction", "--step", "metrics", input=answer("NE and AUC", 3))
    both = sessions(runner)
    assert [r["case"] for r in both] == ["ad-click-prediction", "tiny-case"]  # newest first
    [only] = sessions(runner, "--case", "ad-click-prediction")
    assert only["case"] == "ad-click-prediction"
    assert field(only, "step") == ["metrics"]
    assert {"id", "case", "framework", "started_at", "completed", "steps"} <= set(only)
    assert {"step", "answer", "coverage", "rating", "seconds"} <= set(only["steps"][0])
    table = clean(runner.invoke(app, [*TINY, "history", "--case", "tiny-case"])).stdout
    assert "Practice sessions" in table
    assert "tiny-case" in table
    assert "ad-click-prediction" not in table


def test_history_and_progress_when_empty(runner: CliRunner) -> None:
    assert sessions(runner) == []
    result = clean(runner.invoke(app, ["history"]))
    assert "no practice sessions yet" in result.stderr
    data = json.loads(clean(runner.invoke(app, ["progress", "--json"])).stdout)
    assert data == {"cases": [], "steps": [], "weakest_step": None}


def test_progress_figures(runner: CliRunner) -> None:
    # session 1 (tiny, complete): coverage 1, .5, 0, 1, .5, 1, 1 -> mean 5/7
    practice(runner, input="".join(answer(t, r) for t, r in WHOLE))
    # session 2 (tiny, metrics only): coverage .5, rating 1
    practice(runner, "tiny-case", "--step", "metrics", input=answer(HALF, 1))
    # session 3 (tiny, unfinished): clarify 0 % rated 2, then metrics skipped
    practice(runner, input=answer(NONE, 2) + ":skip\n:quit\n")
    result = clean(runner.invoke(app, [*TINY, "progress", "--json"]))
    data = json.loads(result.stdout)
    [case] = data["cases"]
    assert case["case"] == "tiny-case"
    assert (case["sessions"], case["completed"]) == (3, 2)
    assert case["best_coverage"] == round(5 / 7, 4)
    assert case["latest_coverage"] == 0.0  # the newest session: clarify at 0 %, skip ignored
    steps = {s["step"]: s for s in data["steps"]}
    assert set(steps) == set(SEVEN)
    assert steps["clarify"]["answers"] == 2
    assert steps["clarify"]["mean_rating"] == 3.0  # 4 and 2
    assert steps["clarify"]["mean_coverage"] == 0.5  # 1.0 and 0.0
    assert steps["metrics"]["answers"] == 3  # answered twice, skipped once
    assert steps["metrics"]["mean_rating"] == 1.5  # 2 and 1; the skip has no rating
    assert steps["metrics"]["mean_coverage"] == 0.5
    assert steps["serving"]["mean_rating"] == 1.0
    assert data["weakest_step"] == "serving"  # the lowest mean self-rating
    table = clean(runner.invoke(app, [*TINY, "progress"])).stdout
    assert "Your weakest step: serving" in table


# ---------------------------------------------------------------- bad input


def _no_sessions_created(runner: CliRunner) -> None:
    assert sessions(runner) == []


ONE_LINE = [
    (["practice", "nope"], "unknown case 'nope'"),
    (["practice", "../x"], "invalid case id"),
    (["practice", "tiny-case", "--step", "nope"], "unknown step 'nope'"),
    (["practice", "tiny-case", "--resume", "--step", "metrics"], "drop --step"),
]


@pytest.mark.parametrize(("args", "says"), ONE_LINE, ids=[" ".join(a) for a, _ in ONE_LINE])
def test_practice_usage_error_is_one_line(runner: CliRunner, args: list[str], says: str) -> None:
    line = _one_line_error(runner.invoke(app, [*TINY, *args], input="x\n\n3\n"))
    assert line.startswith("error: ")
    assert says in line
    _no_sessions_created(runner)


CLICK = [
    ["practice", "tiny-case", "--framework", "nope"],
    ["practice", "tiny-case", "--minutes", "1"],
    ["practice", "tiny-case", "--minutes", "999"],
    ["practice", "tiny-case", "--minutes", "ten"],
    ["practice"],
]


@pytest.mark.parametrize("args", CLICK, ids=" ".join)
def test_practice_bad_option_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = clean(runner.invoke(app, [*TINY, *args], input="x\n\n3\n"), 2)
    assert result.stdout == ""
    assert any(line.startswith("Error:") for line in result.stderr.splitlines()), result.stderr
    _no_sessions_created(runner)


# ---------------------------------------------------------------- start-up cost

PROBE = """
import json, sys
from mlsd.cli.main import app
try:
    app(json.loads(sys.argv[1]), prog_name="mlsd", standalone_mode=False)
except SystemExit:
    pass
heavy = ("sklearn", "lightgbm", "scipy", "skl2onnx", "onnxmltools", "onnxruntime", "onnx")
print("HEAVY=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


@pytest.mark.slow
def test_a_practice_run_does_not_import_the_ml_stack() -> None:
    argv = [*TINY, "practice", "tiny-case", "--mock"]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        input=answer(FULL, 3) + ":quit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Reference answer" in proc.stdout  # it really walked a step
    [marker] = [line for line in proc.stdout.splitlines() if line.startswith("HEAVY=")]
    assert json.loads(marker.removeprefix("HEAVY=")) == []
